"""The team pack prints a challenge's own venue and timetable (issue 23, item 5): dates, venue
and timetable in that order, read back from the real PDF with pypdf; a challenge recorded
before the fields still has the 'Venue:' and 'Timetable:' lines of its scope read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sli_desktop.briefing import brief_challenge
from sli_desktop.formats import heading_date
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.store import Vault
from tests.integration import briefing_world as w
from tests.integration.test_briefing_reading import TODAY, body, flat, opts, texts

VENUE = "Coventry Council House\nEarl Street\nCoventry CV1 5RR"


@pytest.fixture
def world(councils_vault: Vault) -> w.World:
    return w.build(councils_vault, TODAY)


def _pack_text(world: w.World, engagement_id: str, large: bool = False) -> str:
    pages = texts(brief_challenge(world.vault, engagement_id, opts(large_print=large)))
    return flat("\n".join(body(p) for p in pages))


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large print"])
def test_the_pack_prints_dates_venue_and_timetable_in_that_order(
    world: w.World, large: bool
) -> None:
    start = TODAY + timedelta(days=30)
    second, last = start + timedelta(days=1), start + timedelta(days=2)
    e = Challenges(world.vault).add(
        council=w.COV,
        type="corporate",
        status="booked",
        start=start,
        end=last,
        venue=VENUE,
        # Written into the scope as well, the old way: the fields win and the lines stay out.
        scope="Governance and culture.\n\nVenue: The Old Library\nTimetable:\nDay 1: Old plan",
        timetable=[
            {"day": last, "at": "11:30", "what": "Feedback to the leader and chief executive"},
            {"day": start, "at": "09:00", "what": "Arrival and the leader's welcome"},
            {"day": start, "at": "14:00", "what": "Focus group with scrutiny members"},
            {"day": second, "what": "Interviews with partners"},
        ],
    )
    text = _pack_text(world, e.id, large)
    on_site = f"On site {start.day} {start:%B} {start.year} to {last.day} {last:%B}"
    assert on_site in text
    assert "Venue Coventry Council House Earl Street Coventry CV1 5RR" in text
    assert "The Old Library" not in text and "Old plan" not in text
    timetable = text[text.index("Timetable Day Time What") : text.index("Scope")]
    rows = [
        f"{heading_date(start)} 09:00 Arrival and the leader's welcome",
        "14:00 Focus group with scrutiny members",
        f"{heading_date(second)} — Interviews with partners",
        f"{heading_date(last)} 11:30 Feedback to the leader and chief executive",
    ]
    places = [timetable.index(r) for r in rows]
    assert places == sorted(places)
    assert timetable.count(heading_date(start)) == 1  # each day named once
    assert text.index(on_site) < text.index("Venue Coventry") < text.index("Timetable Day")
    assert "Governance and culture." in text[text.index("Scope") :]


def test_a_challenge_without_the_fields_still_has_its_scope_lines_read(world: w.World) -> None:
    text = _pack_text(world, world.challenge_id)
    assert f"Venue {w.VENUE}" in text
    assert "Day 1, 14:00 Focus groups with scrutiny members" in text
    assert "Timetable Day Time What" not in text
