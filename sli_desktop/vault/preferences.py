"""Per-vault preferences kept in the vault itself (they travel with it, encrypted)."""

from __future__ import annotations

from .store import Vault

DEFAULT_IDLE_MINUTES = 5


class Preferences:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    @property
    def idle_minutes(self) -> int:
        raw = self.vault.meta("idle_minutes")
        try:
            value = int(raw) if raw is not None else DEFAULT_IDLE_MINUTES
        except ValueError:
            value = DEFAULT_IDLE_MINUTES
        return max(1, min(value, 240))

    @idle_minutes.setter
    def idle_minutes(self, minutes: int) -> None:
        if not 1 <= minutes <= 240:
            raise ValueError("the idle time must be between 1 and 240 minutes")
        self.vault.set_meta("idle_minutes", str(minutes))
