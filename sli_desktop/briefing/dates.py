"""Dates as a briefing prints them: the same British formats as the window (one module for
both, so a date never reads two ways)."""

from __future__ import annotations

from ..formats import long_date, short_date

__all__ = ["long_date", "short_date"]
