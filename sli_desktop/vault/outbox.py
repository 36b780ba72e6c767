"""The change journal as the rest of the app sees it: how much waits to be synced."""

from __future__ import annotations

from dataclasses import dataclass

from .store import Vault


@dataclass(frozen=True)
class SyncStatus:
    waiting: int
    last_synced: str | None


def sync_status(vault: Vault) -> SyncStatus:
    waiting = int(vault.scalar("SELECT count(*) FROM outbox") or 0)
    return SyncStatus(waiting, vault.meta("last_synced"))
