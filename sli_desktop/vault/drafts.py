"""Unfinished work kept inside the vault (encrypted) as it is typed, so a draft survives an
auto-lock or a crash. Drafts are local: never journalled for sync, never audited."""

from __future__ import annotations

import json
from typing import Any

from .store import Vault

_PREFIX = "draft:"


class Drafts:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def save(self, name: str, data: dict[str, Any]) -> None:
        self.vault.set_meta(_PREFIX + name, json.dumps(data, ensure_ascii=False))

    def load(self, name: str) -> dict[str, Any] | None:
        raw = self.vault.meta(_PREFIX + name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def discard(self, name: str) -> None:
        with self.vault.transaction():
            self.vault.conn.execute("DELETE FROM meta WHERE key = ?", (_PREFIX + name,))
