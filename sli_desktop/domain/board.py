"""Improvement Boards: who sits on one, when it meets, its agreed terms of engagement, and the
three adult social care sign-off elements that must align before it is ready to present.

"Align" is defined here, once, so the CLI, the window and briefings all agree
(``ImprovementBoard.readiness``). A board is ready to present on a given day when:

1. the progress report, the peer challenge result and the independent peer director's
   endorsement are each *signed off*, each with the date it was signed off;
2. none of those dates is after that day (nothing is signed off in the future);
3. the endorsement is dated on or after both the progress report and the peer challenge
   result: the peer director endorses the report and result as they stand, so a report or
   result signed off again after the endorsement needs endorsing again;
4. the terms of engagement have been agreed (``terms_agreed_on`` set, not after that day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .errors import ValidationError
from .fields import GssCode, Text
from .records import Record, is_stored


class SignOffStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in progress"
    SIGNED_OFF = "signed off"

    @classmethod
    def parse(cls, text: str) -> SignOffStatus:
        wanted = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
        for status in cls:
            if status.value == wanted:
                return status
        raise ValueError(
            f"unknown sign-off status {text!r}; expected one of: {', '.join(s.value for s in cls)}"
        )


class SignOffElement(StrEnum):
    """The three adult social care sign-off elements, by the field prefix each is stored as."""

    PROGRESS_REPORT = "report"
    PEER_CHALLENGE = "challenge"
    ENDORSEMENT = "endorsement"

    @property
    def label(self) -> str:
        return {
            SignOffElement.PROGRESS_REPORT: "Progress report",
            SignOffElement.PEER_CHALLENGE: "Peer challenge result",
            SignOffElement.ENDORSEMENT: "Independent peer director endorsement",
        }[self]

    @classmethod
    def parse(cls, text: str) -> SignOffElement:
        names = {
            "progress-report": cls.PROGRESS_REPORT,
            "report": cls.PROGRESS_REPORT,
            "peer-challenge": cls.PEER_CHALLENGE,
            "challenge": cls.PEER_CHALLENGE,
            "endorsement": cls.ENDORSEMENT,
            "peer-director": cls.ENDORSEMENT,
        }
        wanted = text.strip().lower().replace(" ", "-").replace("_", "-")
        if wanted not in names:
            raise ValueError(
                f"unknown sign-off element {text!r}; expected progress-report, "
                "peer-challenge or endorsement"
            )
        return names[wanted]


class BoardMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Text
    role: str = Field(default="", max_length=300)
    organisation: str = Field(default="", max_length=300)


@dataclass(frozen=True)
class Readiness:
    ready: bool
    #: why not, one sentence each, in the order of the rules above (empty when ready)
    missing: tuple[str, ...]


class ImprovementBoard(Record):
    kind: ClassVar[str] = "improvement-board"

    council: GssCode
    members: list[BoardMember] = Field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None
    meetings: list[dt.date] = Field(default_factory=list)
    terms_agreed_on: dt.date | None = None
    report_status: SignOffStatus = SignOffStatus.PENDING
    report_on: dt.date | None = None
    challenge_status: SignOffStatus = SignOffStatus.PENDING
    challenge_on: dt.date | None = None
    #: the adult social care peer challenge whose result this is, when recorded here
    engagement_id: str | None = None
    endorsement_status: SignOffStatus = SignOffStatus.PENDING
    endorsement_on: dt.date | None = None
    peer_director: str = Field(default="", max_length=300)

    @field_validator("meetings")
    @classmethod
    def _meetings(cls, value: list[dt.date]) -> list[dt.date]:
        """Meeting dates in order, each once."""
        return sorted(set(value))

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> ImprovementBoard:
        if is_stored(info):
            return self
        if self.start and self.end and self.end < self.start:
            raise ValidationError("end", "the board cannot end before it starts")
        for element in SignOffElement:
            status = self.status(element)
            if status is SignOffStatus.SIGNED_OFF and self.signed_on(element) is None:
                raise ValidationError(
                    f"{element.value}_on", f"{element.label.lower()} is signed off: give the date"
                )
        names = [m.name.lower() for m in self.members]
        if len(set(names)) != len(names):
            raise ValidationError("members", "a member is listed twice")
        return self

    def status(self, element: SignOffElement) -> SignOffStatus:
        status: SignOffStatus = getattr(self, f"{element.value}_status")
        return status

    def signed_on(self, element: SignOffElement) -> dt.date | None:
        on: dt.date | None = getattr(self, f"{element.value}_on")
        return on

    def next_meeting(self, today: dt.date) -> dt.date | None:
        return next((d for d in self.meetings if d >= today), None)

    def is_active(self, today: dt.date) -> bool:
        return (self.start is None or self.start <= today) and (
            self.end is None or today <= self.end
        )

    def readiness(self, today: dt.date) -> Readiness:
        """Whether the three sign-off elements align (the module's rules 1-4) on ``today``."""
        missing: list[str] = []
        dated: dict[SignOffElement, dt.date] = {}
        for element in SignOffElement:
            on = self.signed_on(element)
            if self.status(element) is not SignOffStatus.SIGNED_OFF or on is None:
                missing.append(f"{element.label} is not signed off yet")
            elif on > today:
                missing.append(f"{element.label} is dated {on}, after today")
            else:
                dated[element] = on
        endorsed = dated.get(SignOffElement.ENDORSEMENT)
        if endorsed is not None:
            for element in (SignOffElement.PROGRESS_REPORT, SignOffElement.PEER_CHALLENGE):
                on = dated.get(element)
                if on is not None and on > endorsed:
                    missing.append(
                        f"{element.label} was signed off on {on}, after the endorsement of "
                        f"{endorsed}: the peer director must endorse it again"
                    )
        if self.terms_agreed_on is None:
            missing.append("The terms of engagement are not agreed yet")
        elif self.terms_agreed_on > today:
            missing.append(f"The terms of engagement are dated {self.terms_agreed_on}, after today")
        return Readiness(not missing, tuple(missing))
