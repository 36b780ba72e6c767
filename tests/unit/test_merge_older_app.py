"""An app older than a field sends payloads without it: the server's merge keeps the field as
it was rather than dropping it (issue 23: a challenge's venue and timetable)."""

from __future__ import annotations

from sli_desktop.server.merge import merge

BASE = {"id": "x", "scope": "Finance", "venue": "Council House", "timetable": [{"what": "A"}]}


def test_a_field_the_sender_does_not_have_keeps_its_value() -> None:
    older = {"id": "x", "scope": "Finance and governance"}
    out = merge(BASE, dict(BASE), older, mine_wins=True)
    assert out.payload["venue"] == "Council House"
    assert out.payload["timetable"] == [{"what": "A"}]
    assert out.payload["scope"] == "Finance and governance"
    assert not out.conflicts and not out.fast_forward  # the sender is sent the fields back


def test_a_field_the_sender_has_still_merges_as_before() -> None:
    newer = {**BASE, "venue": ""}
    out = merge(BASE, dict(BASE), newer, mine_wins=True)
    assert out.payload["venue"] == "" and out.fast_forward
