"""Who covers what: principal advisers and their areas, and the regional leads for children's
services and adult social care.

One record per person in one role over one period, so the history of who covered a region
when is kept: a handover ends one assignment and starts another, it never rewrites the first.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

import pydantic
from pydantic import Field, ValidationInfo, model_validator

from .enums import Region
from .errors import ValidationError
from .fields import Text, normalise_email, normalise_phone
from .records import Record, is_stored


class Service(StrEnum):
    CORPORATE = "corporate"
    CHILDRENS = "children's services"
    ADULTS = "adult social care"


class CoverageRole(StrEnum):
    """The principal adviser covers an area (one or more regions); every region also has, for
    children's services, a lead member, a chief executive and a director of children's services
    and, for adult social care, a lead member and a director of adult social services."""

    PRINCIPAL_ADVISER = "principal adviser"
    CHILDRENS_LEAD_MEMBER = "children's lead member"
    CHILDRENS_CHIEF_EXECUTIVE = "children's chief executive"
    CHILDRENS_DIRECTOR = "director of children's services"
    ADULTS_LEAD_MEMBER = "adult social care lead member"
    ADULTS_DIRECTOR = "director of adult social services"

    @property
    def service(self) -> Service:
        if self is CoverageRole.PRINCIPAL_ADVISER:
            return Service.CORPORATE
        if self.name.startswith("CHILDRENS"):
            return Service.CHILDRENS
        return Service.ADULTS

    @property
    def one_region(self) -> bool:
        """Regional leads lead one region; only a principal adviser covers a group of them."""
        return self is not CoverageRole.PRINCIPAL_ADVISER

    @property
    def short(self) -> str:
        return _SHORT[self]

    @property
    def order(self) -> int:
        return list(CoverageRole).index(self)

    @classmethod
    def parse(cls, text: str) -> CoverageRole:
        """A role by its name or short name (pa, cs-member, cs-chief-exec, dcs, asc-member,
        dass), case and punctuation aside."""
        wanted = _fold(text)
        for role in cls:
            if wanted in (_fold(role.value), _fold(role.short), _fold(role.name)):
                return role
        raise ValueError(
            f"unknown role {text!r}; expected one of: "
            + ", ".join(f"{r.short} ({r.value})" for r in cls)
        )


_SHORT = {
    CoverageRole.PRINCIPAL_ADVISER: "pa",
    CoverageRole.CHILDRENS_LEAD_MEMBER: "cs-member",
    CoverageRole.CHILDRENS_CHIEF_EXECUTIVE: "cs-chief-exec",
    CoverageRole.CHILDRENS_DIRECTOR: "dcs",
    CoverageRole.ADULTS_LEAD_MEMBER: "asc-member",
    CoverageRole.ADULTS_DIRECTOR: "dass",
}


def _fold(text: str) -> str:
    return "".join(ch for ch in text.lower().replace("&", "and") if ch.isalnum())


class Coverage(Record):
    """One person in one coverage role for some regions from ``since`` until ``until``
    (inclusive; open-ended while ``until`` is empty)."""

    kind: ClassVar[str] = "coverage"

    person: Text
    role: CoverageRole
    regions: list[Region] = Field(min_length=1, max_length=len(Region))
    organisation: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=320)
    phone: str = Field(default="", max_length=40)
    since: date
    until: date | None = None
    details: str = Field(default="", max_length=5_000)

    @pydantic.field_validator("regions")
    @classmethod
    def _regions(cls, values: list[Region]) -> list[Region]:
        """In the register's order, once each, so two spellings of an area compare equal."""
        order = list(Region)
        return sorted(set(values), key=order.index)

    @pydantic.field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalise_email(value) if value.strip() else ""

    @pydantic.field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalise_phone(value) if value.strip() else ""

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Coverage:
        if is_stored(info):
            return self
        if self.until is not None and self.until < self.since:
            raise ValidationError("until", "cannot be before the start date")
        if self.role.one_region and len(self.regions) != 1:
            raise ValidationError(
                "regions", f"a {self.role.value} leads one region; make one assignment per region"
            )
        return self

    def is_current(self, on: date) -> bool:
        return not self.deleted and self.since <= on and (self.until is None or on <= self.until)

    def overlaps(self, since: date, until: date | None) -> bool:
        """True when this assignment's period and [since, until] share a day."""
        return self.since <= (until or date.max) and since <= (self.until or date.max)

    @property
    def area(self) -> str:
        """The regions as people say them: "West Midlands and South West"."""
        names = [r.value for r in self.regions]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def contact(self) -> str:
        return " · ".join(part for part in (self.email, self.phone) if part)
