"""Peer challenges and reviews: a status workflow, on-site dates and a team of peers."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .enums import EngagementKind, EngagementStatus, PeerRole
from .errors import ValidationError
from .fields import GssCode, Text, Texts
from .records import Record, is_stored


class Peer(BaseModel):
    """A member or officer peer on a team; ``council`` is where they work or serve."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Text
    role: PeerRole
    organisation: str = ""
    council: GssCode | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: EngagementStatus
    on: date


class Engagement(Record):
    kind: ClassVar[str] = "engagement"

    council: GssCode
    type: EngagementKind
    status: EngagementStatus = EngagementStatus.PROPOSED
    start: date | None = None
    end: date | None = None
    scope: str = Field(default="", max_length=20_000)
    team: list[Peer] = Field(default_factory=list)
    report_date: date | None = None
    recommendations: Texts = Field(default_factory=list)
    history: list[StatusChange] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self, info: ValidationInfo) -> Engagement:
        if is_stored(info):
            return self
        if self.start and self.end and self.end < self.start:
            raise ValidationError("end", "the on-site period cannot end before it starts")
        if self.end and not self.start:
            raise ValidationError("start", "is required when an end date is given")
        if self.status is EngagementStatus.BOOKED and not self.start:
            raise ValidationError("start", "a booked challenge needs its on-site start date")
        return self

    def can_move_to(self, new: EngagementStatus) -> bool:
        """Forward along the workflow (steps may be skipped), back from booked to discussed
        when dates fall through, or cancelled from any open state."""
        old = self.status
        if old.is_terminal or new is old:
            return False
        if new is EngagementStatus.CANCELLED:
            return True
        if old is EngagementStatus.BOOKED and new is EngagementStatus.DISCUSSED:
            return True
        return new.step > old.step

    def move_to(self, new: EngagementStatus, on: date) -> Engagement:
        if not self.can_move_to(new):
            raise ValidationError("status", f"cannot move from {self.status.value} to {new.value}")
        history = [*self.history, StatusChange(status=new, on=on)]
        return self.evolve(status=new, history=history)
