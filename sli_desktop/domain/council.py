"""Councils: the register entry plus what advisers track about each one."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field, ValidationInfo, model_validator

from .enums import CouncilType, Nation, Region
from .fields import GssCode, Text, Texts
from .records import Record, is_stored

#: Fields the register owns (besides the GSS code that identifies the council). Everything else
#: on a council (political control, flags) is the advisers' own knowledge: a re-import never
#: overwrites it, and the sync server never lets a client rewrite the register's.
REGISTER_FIELDS = (
    "name",
    "short_name",
    "la_code",
    "county_la",
    "type",
    "nation",
    "region",
    "population",
    "alt_names",
    "combined_authority",
    "ended_on",
    "replaced_by",
)
#: Register fields a programme coordinator may correct where the register is wrong (it lists
#: Derbyshire County Council in the West Midlands). A corrected field is named in
#: ``Council.corrected`` and a re-import of the register leaves it alone.
CORRECTABLE = ("region", "type")

_COUNCIL_NAMESPACE = uuid.UUID("5f0c3a52-8f1e-4b8e-9a56-3c1f6d2b7e10")


def council_id(gss_code: str) -> str:
    """Every device derives the same id from the GSS code, so two imports never make twins."""
    return str(uuid.uuid5(_COUNCIL_NAMESPACE, gss_code.upper()))


class Council(Record):
    kind: ClassVar[str] = "council"

    gss_code: GssCode
    name: Text
    short_name: str = ""
    la_code: str = ""
    #: For a district in a two-tier area, the la_code of its county council (the register's
    #: ``county-la``); empty for counties, unitaries, metropolitan districts and boroughs.
    county_la: str = ""
    type: CouncilType
    nation: Nation = Nation.ENGLAND
    region: Region
    political_control: str = ""
    control_changed_on: date | None = None
    improvement_board: bool = False
    improvement_board_since: date | None = None
    population: int | None = Field(default=None, ge=0)
    alt_names: Texts = Field(default_factory=list)
    #: The combined authority the council belongs to, by its la_code (the register's
    #: ``combined-authority``, e.g. "WMCA"); empty where there is none.
    combined_authority: str = ""
    #: The day the council ceased to exist (the register's ``end-date``): an abolished council
    #: leaves the default lists and keeps its history.
    ended_on: date | None = None
    #: Its successors' la_codes (the register's ``replaced-by``).
    replaced_by: Texts = Field(default_factory=list)
    #: Register fields (of CORRECTABLE) a coordinator has corrected: the register's next import
    #: keeps the correction.
    corrected: Texts = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Council:
        if is_stored(info):
            return self
        if self.improvement_board_since and not self.improvement_board:
            raise ValueError("improvement_board_since is set but improvement_board is false")
        return self

    @property
    def abolished(self) -> bool:
        return self.ended_on is not None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def county_area(self) -> str:
        """The two-tier county this council belongs to (a county council and its districts
        share it), as the county's la_code; empty where there is no county tier."""
        if self.county_la:
            return self.county_la
        return self.la_code if self.type is CouncilType.COUNTY and self.la_code else ""
