"""Reads of notes: audited locally, queued, and uploaded at the next sync.

Opening a note (the window's detail pane or edit form, ``sli note show``) or printing it in a
briefing appends a ``read`` entry to the hash-chained audit log and, in the same transaction, a
row to ``read_queue``. Read events are not records: they are never merged or pulled back, and
each carries its own id so the server stores it once however often an upload is retried.

Reads of a private note stay on the device: the note itself never leaves it, and only its
author can open it, so the local audit entry (marked ``"local": true``) is the whole record.
Nothing about the note's text goes into either: only its id, how it was read, and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain import Note, new_id
from .store import Vault

VIA = ("window", "cli", "briefing")


@dataclass(frozen=True)
class QueuedRead:
    seq: int
    id: str
    note_id: str
    at: str
    via: str
    briefing: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "note_id": self.note_id,
            "at": self.at,
            "via": self.via,
            "briefing": self.briefing,
        }


class Reads:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def record(self, note: Note, via: str, briefing: str = "") -> str:
        """Audit one read of ``note`` and queue it for the server; returns the event id."""
        return self.record_many([note], via, briefing)[0]

    def record_many(self, notes: Iterable[Note], via: str, briefing: str = "") -> list[str]:
        if via not in VIA:
            raise ValueError(f"unknown way of reading a note: {via!r}")
        ids: list[str] = []
        with self.vault.transaction():
            at = self.vault.now().isoformat()
            for note in notes:
                event = new_id()
                detail: dict[str, Any] = {"via": via, "event": event}
                if briefing:
                    detail["briefing"] = briefing
                if note.private:
                    detail["local"] = True
                self.vault.audit("read", note.kind, note.id, detail)
                if not note.private:
                    self.vault.conn.execute(
                        "INSERT INTO read_queue(id, note_id, at, via, briefing) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (event, note.id, at, via, briefing),
                    )
                ids.append(event)
        return ids

    def queued(self, limit: int | None = None) -> list[QueuedRead]:
        sql = "SELECT seq, id, note_id, at, via, briefing FROM read_queue ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [QueuedRead(*row) for row in self.vault.query(sql)]

    def waiting(self) -> int:
        return int(self.vault.scalar("SELECT count(*) FROM read_queue") or 0)

    def acknowledge(self, ids: Sequence[str]) -> None:
        """The server has these events: they leave the queue (the audit log keeps them)."""
        with self.vault.transaction():
            self.vault.conn.executemany("DELETE FROM read_queue WHERE id = ?", [(i,) for i in ids])
