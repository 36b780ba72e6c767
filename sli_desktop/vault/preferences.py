"""Per-vault preferences kept in the vault itself (they travel with it, encrypted)."""

from __future__ import annotations

import calendar
from datetime import date

from ..domain import Marking
from .store import Vault

DEFAULT_IDLE_MINUTES = 5
#: How long a note is kept before it is due for review, by protective marking: the more
#: sensitive the information, the sooner someone must decide whether it is still needed.
DEFAULT_RETENTION_MONTHS: dict[Marking, int] = {
    Marking.OFFICIAL: 24,
    Marking.OFFICIAL_SENSITIVE: 12,
}
MAX_RETENTION_MONTHS = 120


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, on the last day of a shorter month (31 Jan + 1 = 28 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


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

    # -- retention ---------------------------------------------------------------------------
    def retention_months(self, marking: Marking | str) -> int:
        """Months from a note's date to its review, for notes of this marking."""
        marking = Marking(marking)
        raw = self.vault.meta(f"retention_months:{marking.value}")
        try:
            value = int(raw) if raw is not None else DEFAULT_RETENTION_MONTHS[marking]
        except ValueError:
            value = DEFAULT_RETENTION_MONTHS[marking]
        return max(1, min(value, MAX_RETENTION_MONTHS))

    def set_retention_months(self, marking: Marking | str, months: int) -> None:
        marking = Marking(marking)
        if not 1 <= months <= MAX_RETENTION_MONTHS:
            raise ValueError(
                f"the review period must be between 1 and {MAX_RETENTION_MONTHS} months"
            )
        self.vault.set_meta(f"retention_months:{marking.value}", str(months))

    def review_by(self, noted_on: date, marking: Marking | str) -> date:
        """The default review date of a note gathered on ``noted_on`` with this marking."""
        return add_months(noted_on, self.retention_months(marking))

    # -- exports -----------------------------------------------------------------------------
    @property
    def export_marking(self) -> Marking:
        """The marking the export dialogs offer first: the one this user chose last time."""
        raw = self.vault.meta("export_marking")
        try:
            return Marking(raw) if raw else Marking.OFFICIAL
        except ValueError:
            return Marking.OFFICIAL

    @export_marking.setter
    def export_marking(self, marking: Marking) -> None:
        self.vault.set_meta("export_marking", Marking(marking).value)
