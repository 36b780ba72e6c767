"""Intelligence notes: qualitative, specific, evidence-based and held in confidence."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import Field, ValidationInfo, model_validator

from .enums import ConcernLevel, Marking, NoteSource
from .errors import ValidationError
from .fields import GssCode, LongText, Tags, Text, Texts
from .records import Record, is_stored


class Note(Record):
    kind: ClassVar[str] = "note"

    council: GssCode
    date: dt.date
    title: Text
    body: LongText = ""
    themes: Tags = Field(default_factory=list)
    source: NoteSource = NoteSource.MEETING
    evidence: Texts = Field(default_factory=list)
    concern: ConcernLevel = ConcernLevel.NONE
    council_aware: bool = False
    council_aware_on: dt.date | None = None
    marking: Marking = Marking.OFFICIAL
    private: bool = False

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Note:
        if is_stored(info):
            return self
        if self.concern.needs_evidence and not self.evidence:
            # Raised as the domain error directly so the message names the field, not the model.
            raise ValidationError(
                "evidence",
                f"a {self.concern.value} concern must cite its evidence "
                "(intelligence must be evidence-based)",
            )
        if self.council_aware_on and not self.council_aware:
            raise ValidationError("council_aware_on", "is set but council_aware is false")
        return self
