"""Performance figures for a council and period, with where they came from."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .fields import GssCode, Text
from .records import Record


class Metric(Record):
    kind: ClassVar[str] = "metric"

    council: GssCode
    period: Text
    metric_id: Text
    name: Text
    value: float = Field(allow_inf_nan=False)
    unit: str = Field(default="", max_length=50)
    source: str = Field(default="", max_length=300)
