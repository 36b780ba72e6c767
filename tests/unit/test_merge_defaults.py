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


TIMETABLE = [{"day": "2026-03-10", "at": None, "what": "Arrival", "room": "4"}]
OLDER = [{"day": "2026-03-10", "at": None, "what": "Arrival"}]  # as an older app reads it


def test_nested_fields_an_older_app_left_out_are_kept() -> None:
    """An older app pulls the timetable without the entries' newer field and sends it back
    with the scope edited: the entries keep the field, and nothing conflicts."""
    base = {**OLD, "timetable": TIMETABLE}
    out = merge(base, dict(base), {**OLD, "scope": "Governance", "timetable": OLDER}, True)
    assert out.payload["timetable"] == TIMETABLE and not out.conflicts
    assert out.payload["scope"] == "Governance"
    # the server's copy moved on meanwhile: still theirs, not a conflict
    moved = [{**TIMETABLE[0], "room": "5"}]
    out = merge(base, {**base, "timetable": moved}, {**OLD, "timetable": OLDER}, True)
    assert out.payload["timetable"] == moved and not out.conflicts


def test_an_older_apps_real_edit_of_the_nested_values_still_counts() -> None:
    base = {**OLD, "timetable": TIMETABLE}
    edited = [{**OLDER[0], "what": "Welcome"}]
    out = merge(base, dict(base), {**OLD, "timetable": edited}, True)
    assert out.payload["timetable"] == edited
