"""A field a revision lacks (stored before the field existed) reads as its default, but only
for fields the sender sent (review of issue 23: an untouched default wiped a venue)."""

from __future__ import annotations

from sli_desktop.domain import Challenge
from sli_desktop.server.merge import field_defaults, merge

OLD = {"id": "x", "scope": "Finance"}  # stored before venue and timetable existed
DEFAULTS = field_defaults(Challenge)


def test_defaults_are_the_json_form_of_each_optional_field() -> None:
    assert DEFAULTS["venue"] == "" and DEFAULTS["timetable"] == []
    assert DEFAULTS["status"] == "proposed"
    assert "council" not in DEFAULTS and "id" not in DEFAULTS  # required, bookkeeping


def test_an_untouched_default_is_no_change_against_a_set_value() -> None:
    theirs = {**OLD, "venue": "Town Hall"}
    mine = {**OLD, "scope": "Governance", "venue": "", "timetable": []}
    for wins in (True, False):
        out = merge(OLD, theirs, mine, wins, DEFAULTS)
        assert not out.conflicts
        assert out.payload["venue"] == "Town Hall" and out.payload["scope"] == "Governance"
        assert out.payload["timetable"] == []


def test_a_field_left_out_is_still_as_it_was_and_not_filled() -> None:
    theirs = {**OLD, "venue": "Town Hall"}
    out = merge(OLD, theirs, {**OLD, "scope": "Governance"}, True, DEFAULTS)
    assert out.payload["venue"] == "Town Hall" and "timetable" not in out.payload


def test_a_real_change_from_the_default_still_conflicts() -> None:
    theirs = {**OLD, "venue": "Town Hall"}
    out = merge(OLD, theirs, {**OLD, "venue": "Guildhall"}, True, DEFAULTS)
    assert out.conflicts == {"venue": ("Guildhall", "Town Hall")}
