"""Intelligence notes: qualitative, specific, evidence-based and held in confidence."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, ValidationInfo, model_validator

from .enums import ConcernLevel, Marking, NoteSource
from .errors import ValidationError
from .fields import GssCode, LongText, Tags, Text, Texts
from .records import Record, is_stored


class NoteType(StrEnum):
    """Intelligence stays with the region's advisers; good practice is shared with everyone."""

    INTELLIGENCE = "intelligence"
    GOOD_PRACTICE = "good practice"

    @classmethod
    def parse(cls, text: str) -> NoteType:
        wanted = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
        for kind in cls:
            if kind.value == wanted:
                return kind
        raise ValueError(
            f"unknown note type {text!r}; expected one of: {', '.join(k.value for k in cls)}"
        )


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
    #: Good practice (what a council did, the outcome, whom to ask) is seen in every region.
    note_type: NoteType = NoteType.INTELLIGENCE
    outcome: LongText = ""
    contact: str = Field(default="", max_length=500)
    #: Saved incomplete (see ``missing``): kept on this device, never synced nor briefed.
    draft: bool = False
    #: When the note must be reviewed for retention (default per marking: vault/preferences.py).
    review_by: dt.date | None = None
    #: Set on the scrubbed tombstone left when a note is disposed of at the end of retention.
    disposed_on: dt.date | None = None

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Note:
        if is_stored(info):
            return self
        if self.missing and not self.draft and not self.deleted:
            # Raised as the domain error directly so the message names the field, not the model.
            raise ValidationError(
                "evidence",
                f"a {self.concern.value} concern must cite its evidence "
                "(intelligence must be evidence-based); save it as a draft until you have it",
            )
        if self.council_aware_on and not self.council_aware:
            raise ValidationError("council_aware_on", "is set but council_aware is false")
        return self

    @property
    def missing(self) -> list[str]:
        """What keeps the note from being complete (empty when it is): a draft lists these."""
        if self.concern.needs_evidence and not self.evidence:
            return [f"evidence for a {self.concern.value} concern"]
        return []

    @model_validator(mode="after")
    def _good_practice(self, info: ValidationInfo) -> Note:
        """Good practice is shared with every region, so it must be findable and carry no
        concern; outcome and contact belong to good practice only."""
        if is_stored(info) or self.deleted:
            return self
        if self.note_type is NoteType.GOOD_PRACTICE:
            if self.concern is not ConcernLevel.NONE:
                raise ValidationError(
                    "concern", "good practice carries no concern; record a concern as intelligence"
                )
            if not self.themes:
                raise ValidationError(
                    "themes", "good practice needs at least one theme so others can find it"
                )
            if self.evidence:
                # Evidence belongs to intelligence about a council; what every region sees says
                # what was done and whom to ask (the server checks the same: docs/SECURITY.md).
                raise ValidationError(
                    "evidence",
                    "good practice carries no evidence; keep the evidence on an intelligence note",
                )
        else:
            for name in ("outcome", "contact"):
                if getattr(self, name):
                    raise ValidationError(name, "is recorded on good-practice notes only")
        return self

    @property
    def is_good_practice(self) -> bool:
        return self.note_type is NoteType.GOOD_PRACTICE
