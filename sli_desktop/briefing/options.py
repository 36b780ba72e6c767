"""What the person asking for a briefing chooses, and what they get back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain import Marking, Record


@dataclass(frozen=True)
class BriefingOptions:
    """``marking`` is a ceiling as well as the label: an OFFICIAL briefing leaves out notes
    marked OFFICIAL-SENSITIVE. Left as None, the briefing takes the highest marking of what
    it includes."""

    #: the adviser's name (the PDF's author) and role, from ``Vault.identity``
    prepared_by: str = ""
    recipient: str = ""
    marking: Marking | None = None
    since: date | None = None
    large_print: bool = False
    today: date | None = None
    prepared_by_role: str = ""

    @property
    def signature(self) -> str:
        """'Asha Patel, Principal Adviser': what "Prepared by" says."""
        role = self.prepared_by_role.strip()
        return f"{self.prepared_by}, {role}" if role else self.prepared_by


@dataclass(frozen=True)
class Briefing:
    """A finished briefing held in memory: nothing about it has touched the disk."""

    kind: str
    title: str
    subject: str
    marking: Marking
    pdf: bytes
    pages: int
    created: datetime
    contents: list[Record] = field(default_factory=list)
    withheld: int = 0
    audit_id: str = ""

    @property
    def notes(self) -> int:
        return sum(1 for r in self.contents if r.kind == "note")
