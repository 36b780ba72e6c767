"""A peer challenge's timetable on site: one entry per fixed point (a day, a time if there is
one, what happens), typed one to a line as "10/03/2026 09:00 Arrival and welcome".

Entries rather than free text, so the team pack can print each day in full and refuse a day
that is not on site, and so the same line can be typed in the window and scripted with the
command line's ``--day``. The domain cannot use ``formats`` (the server shares it), so lines
are written back in ISO form here; the window shows them the British way itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ValidationError

#: More than a fortnight on site, hour by hour: enough for any challenge, bounded for the pack.
MAX_ENTRIES = 100
EXAMPLE = "10/03/2026 09:00 Arrival and welcome"

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_NUMERIC = re.compile(r"^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})/(\d{4}))$")
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class TimetableEntry(BaseModel):
    """One fixed point on site. ``at`` is None for what runs all day or has no time yet."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    day: date
    at: time | None = None
    what: str = Field(min_length=1, max_length=300)

    @field_validator("what")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("at")
    @classmethod
    def _minutes(cls, value: time | None) -> time | None:
        return value.replace(second=0, microsecond=0, tzinfo=None) if value else None

    def sort_key(self) -> tuple[date, time]:
        return self.day, self.at or time.max

    def line(self, day: Callable[[date], str] = date.isoformat) -> str:
        """The entry as ``parse_line`` reads it back: its day written by ``day`` (ISO, the
        command line's, unless a front end passes its own), the time if fixed, then what."""
        clock = f" {self.at:%H:%M}" if self.at else ""
        return f"{day(self.day)}{clock} {self.what}"


def in_order(entries: Iterable[TimetableEntry]) -> list[TimetableEntry]:
    """Day by day, each day's timed entries first, then those with no time; the order typed
    is kept among equals."""
    return sorted(entries, key=TimetableEntry.sort_key)


def parse_line(text: str) -> TimetableEntry:
    """'2026-03-10 09:00 Arrival', '10/03/2026 Site visits', '10 Mar 2026 9.30 Interviews'.
    Raises ValueError with one sentence saying what to type instead."""
    words = text.split()
    if not words:
        raise ValueError(f"the entry is empty; type the day, a time if fixed, then what: {EXAMPLE}")
    day, used = _day(words)
    if day is None:
        raise ValueError(f"“{words[0]}” is not a day; start the entry with its day: {EXAMPLE}")
    words = words[used:]
    at = None
    if words and (clock := _CLOCK.match(words[0])):
        hour, minute = int(clock[1]), int(clock[2])
        if hour > 23 or minute > 59:
            raise ValueError(
                f"“{words[0]}” is not a time of day; use the 24-hour clock, as in 14:30"
            )
        at = time(hour, minute)
        words = words[1:]
    if not words:
        raise ValueError(f"the entry says when but not what happens: {EXAMPLE}")
    what = " ".join(words)
    if len(what) > 300:
        raise ValueError("the entry says what happens in more than 300 characters; shorten it")
    return TimetableEntry(day=day, at=at, what=what)


def parse_lines(text: str, field: str = "timetable") -> list[TimetableEntry]:
    """A timetable typed one entry to a line (blank lines skipped); refuses the first line it
    cannot read, naming it by number."""
    entries = []
    lines = [line for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, 1):
        try:
            entries.append(parse_line(line))
        except ValueError as exc:
            where = f"on line {number}, " if len(lines) > 1 else ""
            raise ValidationError(field, f"{where}{exc}") from None
    return entries


def _day(words: list[str]) -> tuple[date | None, int]:
    """The day the words start with and how many words it took; (None, 0) if none."""
    found = _NUMERIC.match(words[0])
    try:
        if found:
            if found[1]:
                return date(int(found[1]), int(found[2]), int(found[3])), 1
            return date(int(found[6]), int(found[5]), int(found[4])), 1
        if len(words) >= 3 and words[0].isdigit() and words[2].isdigit():
            month = _MONTHS.get(words[1][:3].lower())
            if month and len(words[2]) == 4:
                return date(int(words[2]), month, int(words[0])), 3
    except ValueError:
        return None, 0
    return None, 0
