"""Improvement records: self-assessments and local accounts, changes of political control.

Each has a deterministic id (like councils), so the same self-assessment year or the same
change of control recorded on two devices is one record that sync merges, never twins.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, TypeAdapter, ValidationInfo, field_validator, model_validator
from pydantic import ValidationError as PydanticError
from pydantic.networks import AnyHttpUrl

from .errors import ValidationError
from .fields import GssCode, LongText, Text
from .records import Record, is_stored

_NAMESPACE = uuid.UUID("0b6e7f3c-5a2d-4f61-9d3e-2c8a41f7e913")
_URL = TypeAdapter(AnyHttpUrl)

#: Up to this many days of member peer support follow a change of political control.
MEMBER_PEER_DAYS = 5


def stable_id(*parts: str) -> str:
    """The same facts give the same id on every device."""
    return str(uuid.uuid5(_NAMESPACE, "|".join(p.strip().upper() for p in parts)))


def programme_year(day: dt.date) -> int:
    """The financial year a date falls in (April to March), named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    """2024 -> '2024/25', as councils name their self-assessments and local accounts."""
    return f"{year}/{(year + 1) % 100:02d}"


def web_link(value: str) -> str:
    """An http(s) address someone can open; blank means none."""
    text = value.strip()
    if not text:
        return ""
    try:
        _URL.validate_python(text)
    except PydanticError:
        raise ValueError(f"{text!r} is not a web address (use https://…)") from None
    return text


class AssessmentKind(StrEnum):
    SELF_ASSESSMENT = "self-assessment"
    LOCAL_ACCOUNT = "local account"

    @property
    def label(self) -> str:
        return {
            AssessmentKind.SELF_ASSESSMENT: "Self-assessment (children's services)",
            AssessmentKind.LOCAL_ACCOUNT: "Local account (adult social care)",
        }[self]

    @classmethod
    def parse(cls, text: str) -> AssessmentKind:
        wanted = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
        for kind in cls:
            if kind.value.replace("-", " ") == wanted:
                return kind
        raise ValueError(
            f"unknown kind {text!r}; expected one of: {', '.join(k.value for k in cls)}"
        )


class Assessment(Record):
    """A council's own self-assessment (children's services) or published local account
    (adult social care) for one year, with where to read it and the adviser's summary."""

    kind: ClassVar[str] = "assessment"

    council: GssCode
    type: AssessmentKind
    year: int = Field(ge=2000, le=2100)
    date: dt.date
    link: str = Field(default="", max_length=2000)
    document_id: str | None = None
    summary: LongText = ""

    @field_validator("link")
    @classmethod
    def _link(cls, value: str) -> str:
        return web_link(value)

    @staticmethod
    def id_for(council: str, type: AssessmentKind, year: int) -> str:
        return stable_id("assessment", type.value, council, str(year))


class ControlChange(Record):
    """A change of political control: the history behind Council.political_control, and what
    opens the offer of member peer support."""

    kind: ClassVar[str] = "control_change"

    council: GssCode
    date: dt.date
    from_control: str = Field(default="", max_length=200)
    to_control: Text
    details: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _changed(self, info: ValidationInfo) -> ControlChange:
        if is_stored(info):
            return self
        if self.from_control and self.from_control.casefold() == self.to_control.casefold():
            raise ValidationError(
                "to_control", f"is the same as before ({self.from_control}): control did not change"
            )
        return self

    @staticmethod
    def id_for(council: str, date: dt.date) -> str:
        return stable_id("control", council, date.isoformat())

    @staticmethod
    def offer_id_for(change_id: str) -> str:
        """The member peer support offer a change opens: one per change, however often the
        change is recorded."""
        return stable_id("member peer support", change_id)


def leadership_place_id(council: str, year: int) -> str:
    """One subsidised leadership programme place per council per year."""
    return stable_id("leadership place", council, str(year))
