"""Reading and verifying the append-only, hash-chained audit log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .store import GENESIS, Vault


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    kind: str
    record_id: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        import json

        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "kind": self.kind,
            "record_id": self.record_id,
            "detail": json.loads(self.detail),
        }


class AuditLog:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def entries(self, limit: int | None = None) -> list[AuditEntry]:
        sql = "SELECT seq, at, actor, action, kind, record_id, detail FROM audit ORDER BY seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry(*row) for row in self.vault.query(sql)][::-1]

    def for_record(self, record_id: str) -> list[AuditEntry]:
        """A record's history: who created, edited, read or briefed it, and when."""
        return [
            AuditEntry(*row)
            for row in self.vault.query(
                "SELECT seq, at, actor, action, kind, record_id, detail FROM audit "
                "WHERE record_id = ? ORDER BY seq",
                (record_id,),
            )
        ]

    def verify(self) -> int | None:
        """The seq of the first entry whose chain does not hold, or None if it all holds."""
        prev = GENESIS
        for seq, at, actor, action, kind, record_id, detail, prev_hash, digest in self.vault.query(
            "SELECT seq, at, actor, action, kind, record_id, detail, prev_hash, hash "
            "FROM audit ORDER BY seq"
        ):
            expected = hashlib.sha256(
                "\x1f".join([prev, at, actor, action, kind, record_id, detail]).encode()
            ).hexdigest()
            if prev_hash != prev or digest != expected:
                return int(seq)
            prev = digest
        return None
