"""A peer challenge's venue and timetable on site (issue 23, item 5): what the domain accepts,
how it tidies it, and the one sentence it refuses with."""

from __future__ import annotations

from datetime import date, time

import pytest

from sli_desktop.domain import Challenge, ValidationError
from sli_desktop.domain.plain import plain
from sli_desktop.domain.records import STORED
from sli_desktop.domain.timetable import TimetableEntry, parse_line, parse_lines

START, END = date(2026, 3, 10), date(2026, 3, 12)


def challenge(**fields: object) -> Challenge:
    base: dict[str, object] = {
        "council": "E08000025",
        "type": "corporate",
        "status": "booked",
        "start": START,
        "end": END,
    }
    base.update(fields)
    return Challenge.build(**base)


@pytest.mark.parametrize(
    ("line", "day", "at", "what"),
    [
        ("2026-03-10 09:00 Arrival and welcome", START, time(9), "Arrival and welcome"),
        ("10/03/2026 14:30 Focus groups", START, time(14, 30), "Focus groups"),
        ("10 Mar 2026 9.30 Interviews", START, time(9, 30), "Interviews"),
        ("12 March 2026   Feedback  to the  leader", END, None, "Feedback to the leader"),
    ],
)
def test_a_line_reads_as_day_time_and_what(line: str, day: date, at: time, what: str) -> None:
    assert parse_line(line) == TimetableEntry(day=day, at=at, what=what)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("Tuesday 09:00 Arrival", "“Tuesday” is not a day; start the entry with its day"),
        ("31/02/2026 09:00 Arrival", "“31/02/2026” is not a day"),
        ("2026-03-10 24:00 Dinner", "“24:00” is not a time of day; use the 24-hour clock"),
        ("2026-03-10 09:00", "the entry says when but not what happens"),
        ("2026-03-10 " + "x" * 301, "more than 300 characters"),
    ],
)
def test_a_line_that_cannot_be_read_is_refused_in_one_sentence(line: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_line(line)


def test_lines_are_refused_by_number_and_blank_ones_skipped() -> None:
    assert len(parse_lines("2026-03-10 Arrival\n\n   \n2026-03-11 Interviews\n")) == 2
    with pytest.raises(ValidationError) as refused:
        parse_lines("2026-03-10 Arrival\n2026-03-11 25:00 Dinner")
    assert refused.value.field == "timetable"
    assert refused.value.message.startswith("on line 2, “25:00” is not a time of day")


def test_the_timetable_is_kept_in_order_and_printed_back_as_typed() -> None:
    e = challenge(
        timetable=parse_lines(
            "12/03/2026 11:30 Feedback\n10/03/2026 Site visits\n10/03/2026 09:00 Arrival"
        )
    )
    assert [(t.day, t.at, t.what) for t in e.timetable] == [
        (START, time(9), "Arrival"),
        (START, None, "Site visits"),
        (END, time(11, 30), "Feedback"),
    ]
    assert [t.line() for t in e.timetable] == [
        "2026-03-10 09:00 Arrival",
        "2026-03-10 Site visits",
        "2026-03-12 11:30 Feedback",
    ]
    assert [parse_line(t.line()) for t in e.timetable] == e.timetable


def test_the_venue_keeps_its_lines_without_blank_ones() -> None:
    e = challenge(venue="  Council House \n\n Victoria Square\r\nBirmingham B1 1BB  ")
    assert e.venue == "Council House\nVictoria Square\nBirmingham B1 1BB"


@pytest.mark.parametrize(
    ("fields", "field", "sentence"),
    [
        (
            {"timetable": [{"day": START, "what": "Arrival"}], "start": None, "end": None},
            "start",
            "Fill in “On-site start”: it is needed when a timetable is given.",
        ),
        (
            {"timetable": [{"day": date(2026, 3, 13), "what": "Feedback"}]},
            "timetable",
            "Timetable: “Feedback” is not on one of the on-site days.",
        ),
        (
            {"timetable": [{"day": date(2026, 3, 11), "what": "Visits"}], "end": None},
            "timetable",
            "Timetable: “Visits” is not on one of the on-site days.",
        ),
        ({"venue": "\n".join("abcdefghi")}, "venue", "Venue: must fit on 8 lines."),
        ({"venue": "x" * 501}, "venue", None),
        ({"timetable": [{"day": START, "what": ""}]}, "timetable.0.what", None),
    ],
)
def test_refusals_name_the_field_and_read_as_one_sentence(
    fields: dict[str, object], field: str, sentence: str | None
) -> None:
    with pytest.raises(ValidationError) as refused:
        challenge(status="discussed", **fields)
    assert refused.value.field == field
    if sentence is not None:
        label = {"start": "On-site start", "timetable": "Timetable", "venue": "Venue"}[field]
        assert plain("engagement", label, refused.value.message) == sentence


def test_moving_the_dates_away_from_the_timetable_is_refused_but_stored_ones_still_read() -> None:
    e = challenge(timetable=[{"day": END, "what": "Feedback"}])
    with pytest.raises(ValidationError, match="not on one of the on-site days"):
        e.evolve(start=date(2026, 4, 1), end=date(2026, 4, 2))
    stored = e.model_dump() | {"start": date(2026, 4, 1), "end": None}
    assert Challenge.model_validate(stored, context=STORED).timetable == e.timetable


def test_a_challenge_stored_before_the_fields_reads_as_having_neither() -> None:
    old = challenge().to_json()
    del old["venue"], old["timetable"]
    e = Challenge.model_validate(old, context=STORED)
    assert (e.venue, e.timetable) == ("", [])
