"""British formats for what a person reads, whatever the process locale or time zone."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import pytest

from sli_desktop import formats


@pytest.fixture
def london(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_dates_in_tables_sentences_and_headings() -> None:
    day = date(2026, 12, 5)
    assert formats.short_date(day) == "5 Dec 2026"
    assert formats.long_date(day) == "5 December 2026"
    assert formats.heading_date(day) == "Saturday 5 December 2026"
    assert formats.short_date("2026-11-20") == "20 Nov 2026"
    assert formats.short_date(None) == formats.NONE
    assert formats.short_date("not a date") == formats.NONE


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
def test_times_are_shown_on_the_local_clock(london: None) -> None:
    summer = datetime(2026, 7, 1, 19, 30, tzinfo=UTC)
    assert formats.time_of_day(summer) == "20:30"
    assert formats.date_time("2026-12-05T20:30:00+00:00") == "5 Dec 2026, 20:30"
    # A naive stored time is UTC: British Summer Time adds the hour.
    assert formats.time_of_day("2026-07-01T23:30:00") == "00:30"
    assert formats.short_date("2026-07-01T23:30:00") == "2 Jul 2026"
    assert os.environ["TZ"] == "Europe/London"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+441213031111", "0121 303 1111"),
        ("+447700900123", "07700 900123"),
        ("+442079460000", "020 7946 0000"),
        ("+19057771234", "+1 905-777-1234"),
        ("+33142685300", "+33 1 42 68 53 00"),
        ("+441213031111;ext=204", "0121 303 1111 ext. 204"),
        ("call the switchboard", "call the switchboard"),
        ("905-777-1234", "905-777-1234"),  # kept as typed: no country, never a UK number
        ("", ""),
    ],
)
def test_phones_grouped_nationally_for_the_uk_else_internationally(stored: str, shown: str) -> None:
    assert formats.phone(stored) == shown


def test_plurals() -> None:
    assert formats.plural(1, "draft") == "1 draft"
    assert formats.plural(2, "draft") == "2 drafts"
    assert formats.plural(50, "role") == "50 roles"
    assert formats.plural(0, "note") == "0 notes"
    assert formats.plural(3, "child", "children") == "3 children"
    assert formats.plural(1200, "council") == "1,200 councils"
