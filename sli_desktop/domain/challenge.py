"""Peer challenges and reviews: a status workflow, on-site dates, where the team meets and its
timetable there, and a team of peers."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .enums import ChallengeKind, ChallengeStatus, PeerRole
from .errors import ValidationError
from .fields import GssCode, Text, Texts
from .records import Record, is_stored
from .timetable import MAX_ENTRIES, TimetableEntry, in_order

#: An address over a few lines, or a room and a building: a venue is never an essay.
MAX_VENUE = 500
MAX_VENUE_LINES = 8


class Peer(BaseModel):
    """A member or officer peer on a team; ``council`` is where they work or serve."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Text
    role: PeerRole
    organisation: str = ""
    council: GssCode | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: ChallengeStatus
    on: date


class Challenge(Record):
    kind: ClassVar[str] = "engagement"

    council: GssCode
    type: ChallengeKind
    status: ChallengeStatus = ChallengeStatus.PROPOSED
    start: date | None = None
    end: date | None = None
    scope: str = Field(default="", max_length=20_000)
    #: Where the team meets; an address may take several lines.
    venue: str = Field(default="", max_length=MAX_VENUE)
    #: The fixed points on site, in order (domain/timetable.py).
    timetable: list[TimetableEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    team: list[Peer] = Field(default_factory=list)
    report_date: date | None = None
    recommendations: Texts = Field(default_factory=list)
    history: list[StatusChange] = Field(default_factory=list)

    @field_validator("venue")
    @classmethod
    def _venue(cls, value: str) -> str:
        """Lines trimmed and blank ones dropped, so the pack prints the address as typed."""
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())

    @field_validator("timetable")
    @classmethod
    def _in_order(cls, value: list[TimetableEntry]) -> list[TimetableEntry]:
        return in_order(value)

    @model_validator(mode="after")
    def _dates(self, info: ValidationInfo) -> Challenge:
        if is_stored(info):
            return self
        if self.venue.count("\n") >= MAX_VENUE_LINES:
            raise ValidationError("venue", f"must fit on {MAX_VENUE_LINES} lines")
        if self.timetable and not self.start:
            raise ValidationError("start", "is required when a timetable is given")
        if self.start and self.end and self.end < self.start:
            raise ValidationError("end", "the on-site period cannot end before it starts")
        if self.end and not self.start:
            raise ValidationError("start", "is required when an end date is given")
        if self.status is ChallengeStatus.BOOKED and not self.start:
            raise ValidationError("start", "a booked challenge needs its on-site start date")
        if self.start:
            last = self.end or self.start
            for entry in self.timetable:
                if not self.start <= entry.day <= last:
                    raise ValidationError(
                        "timetable", f"“{entry.what}” is not on one of the on-site days"
                    )
        return self

    def can_move_to(self, new: ChallengeStatus) -> bool:
        """Forward along the workflow (steps may be skipped), back from booked to discussed
        when dates fall through, or cancelled from any open state."""
        old = self.status
        if old.is_terminal or new is old:
            return False
        if new is ChallengeStatus.CANCELLED:
            return True
        if old is ChallengeStatus.BOOKED and new is ChallengeStatus.DISCUSSED:
            return True
        return new.step > old.step

    def move_to(self, new: ChallengeStatus, on: date) -> Challenge:
        if not self.can_move_to(new):
            raise ValidationError("status", f"cannot move from {self.status.value} to {new.value}")
        history = [*self.history, StatusChange(status=new, on=on)]
        return self.evolve(status=new, history=history)
