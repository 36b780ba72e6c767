"""The change journal as the rest of the app sees it: how much waits to be synced."""

from __future__ import annotations

from dataclasses import dataclass

from .store import Vault


@dataclass(frozen=True)
class SyncStatus:
    waiting: int
    last_synced: str | None
    #: draft notes held back until complete (their changes are not counted as waiting)
    drafts: int = 0


def sync_status(vault: Vault) -> SyncStatus:
    held = "SELECT id FROM notes WHERE draft = 1 AND deleted = 0"  # the partial index notes_draft
    waiting = int(
        vault.scalar(
            f"SELECT count(*) FROM outbox WHERE NOT (kind = 'note' AND record_id IN ({held}))"
        )
        or 0
    )
    drafts = int(vault.scalar("SELECT count(*) FROM notes WHERE draft = 1 AND deleted = 0") or 0)
    return SyncStatus(waiting, vault.meta("last_synced"), drafts)
