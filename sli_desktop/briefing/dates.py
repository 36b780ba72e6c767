"""Dates as a British briefing prints them, whatever the process locale (Qt sets it from the
desktop, which would change strftime's month names) and on Windows (no %-d)."""

from __future__ import annotations

from datetime import date

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(value: date | None) -> str:
    """'5 March 2026'"""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else "—"


def short_date(value: date | None) -> str:
    """'5 Mar 2026'"""
    return f"{value.day} {MONTHS[value.month - 1][:3]} {value.year}" if value else "—"
