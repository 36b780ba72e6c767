"""The server's three-way, per-field merge: one side's changes merge, both sides' changes to one
field keep a deterministic winner and the other value as a conflict, a delete never beats an
edit, and nothing depends on which side is called which beyond the winner rule."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sli_desktop.server.merge import merge

BASE: dict[str, Any] = {
    "id": "n1",
    "version": 1,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "author": "amy",
    "deleted": False,
    "title": "T",
    "body": "B",
    "themes": ["a"],
}


def edit(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def test_changes_to_different_fields_merge() -> None:
    out = merge(BASE, edit(title="T2"), edit(body="B2"), mine_wins=False)
    assert (out.payload["title"], out.payload["body"]) == ("T2", "B2")
    assert out.conflicts == {} and not out.fast_forward


def test_a_change_on_one_side_only_is_a_fast_forward() -> None:
    out = merge(BASE, BASE, edit(title="T2"), mine_wins=False)
    assert out.fast_forward and out.payload["title"] == "T2"


def test_both_sides_changing_one_field_keep_the_winner_and_the_loser() -> None:
    mine_first = merge(BASE, edit(title="theirs"), edit(title="mine"), mine_wins=True)
    assert mine_first.payload["title"] == "mine"
    assert mine_first.conflicts == {"title": ("mine", "theirs")}
    theirs_first = merge(BASE, edit(title="theirs"), edit(title="mine"), mine_wins=False)
    assert theirs_first.conflicts == {"title": ("theirs", "mine")}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    out = merge(BASE, edit(themes=["a", "b"]), edit(themes=["a", "b"]), mine_wins=False)
    assert out.conflicts == {} and out.payload["themes"] == ["a", "b"]


def test_delete_against_edit_keeps_the_edit_either_way_round() -> None:
    for theirs, mine in (
        (edit(deleted=True), edit(body="new")),
        (edit(body="new"), edit(deleted=True)),
    ):
        out = merge(BASE, theirs, mine, mine_wins=True)
        assert out.payload["deleted"] is False and out.payload["body"] == "new"
        assert out.conflicts["deleted"] == (False, True)


def test_delete_on_one_side_alone_deletes() -> None:
    out = merge(BASE, BASE, edit(deleted=True), mine_wins=False)
    assert out.payload["deleted"] is True and out.conflicts == {}


values = st.sampled_from(["x", "y", "z", "T"])


@given(t=values, m=values, mine_wins=st.booleans())
def test_every_value_is_kept_or_recorded(t: str, m: str, mine_wins: bool) -> None:
    out = merge(BASE, edit(title=t), edit(title=m), mine_wins)
    kept = {out.payload["title"], *(v for pair in out.conflicts.values() for v in pair)}
    for value in {t, m} - {"T"}:  # every real edit survives, as the value or as a conflict
        assert value in kept
    swapped = merge(BASE, edit(title=m), edit(title=t), not mine_wins)
    assert swapped.payload["title"] == out.payload["title"]  # the winner rule, not the order
