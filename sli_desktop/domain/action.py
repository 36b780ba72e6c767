"""Follow-up actions, linked back to the note or engagement they came from."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, ValidationInfo, model_validator

from .enums import ActionStatus
from .errors import ValidationError
from .fields import GssCode, Text
from .records import Record, is_stored


class Action(Record):
    kind: ClassVar[str] = "action"

    title: Text
    owner: str = Field(default="", max_length=300)
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    done_on: date | None = None
    council: GssCode | None = None
    note_id: str | None = None
    engagement_id: str | None = None

    @model_validator(mode="after")
    def _done(self, info: ValidationInfo) -> Action:
        if is_stored(info):
            return self
        if self.done_on and self.status is not ActionStatus.DONE:
            raise ValidationError("done_on", "is only set on a done action")
        return self

    def is_overdue(self, today: date) -> bool:
        return self.status is ActionStatus.OPEN and self.due is not None and self.due < today
