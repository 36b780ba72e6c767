"""Support offers: leadership places, member peer days, improvement boards and their terms."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field, ValidationInfo, model_validator

from .enums import SupportKind, SupportStatus
from .errors import ValidationError
from .fields import GssCode
from .records import Record, is_stored

MEMBER_PEER_DAYS_AFTER_CHANGE_OF_CONTROL = 5


class SupportOffer(Record):
    kind: ClassVar[str] = "support_offer"

    council: GssCode
    type: SupportKind
    status: SupportStatus = SupportStatus.OFFERED
    offered_on: date | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    days_offered: float = Field(default=0, ge=0, allow_inf_nan=False)
    days_used: float = Field(default=0, ge=0, allow_inf_nan=False)
    details: str = Field(default="", max_length=20_000)

    @model_validator(mode="after")
    def _days(self, info: ValidationInfo) -> SupportOffer:
        if is_stored(info):
            return self
        if self.days_used > self.days_offered and self.days_offered:
            raise ValidationError("days_used", "cannot exceed the days offered")
        if (
            self.type is SupportKind.MEMBER_PEER_SUPPORT
            and self.days_offered > MEMBER_PEER_DAYS_AFTER_CHANGE_OF_CONTROL
        ):
            raise ValidationError(
                "days_offered",
                f"member peer support is up to {MEMBER_PEER_DAYS_AFTER_CHANGE_OF_CONTROL} days",
            )
        return self
