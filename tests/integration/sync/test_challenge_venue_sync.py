"""A peer challenge's venue and timetable travel through the real server (SQLite and
PostgreSQL) like any field (issue 23, item 5): to a colleague's vault, merged field by field,
and kept when an app from before the fields sends the challenge without them."""

from __future__ import annotations

import uuid
from datetime import date, time
from pathlib import Path

from sli_desktop.domain import Challenge
from sli_desktop.domain.timetable import TimetableEntry
from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, Device, enrolled_pair

START, END = date(2026, 3, 10), date(2026, 3, 12)
VENUE = "Westminster City Hall\n64 Victoria Street\nLondon SW1E 6QP"


def _challenge(device: Device) -> Challenge:
    return Challenges(device.vault).add(
        council=WESTMINSTER,
        type="corporate",
        status="booked",
        start=START,
        end=END,
        venue=VENUE,
        timetable=[
            {"day": START, "at": "09:00", "what": "Arrival and welcome"},
            {"day": END, "at": "11:30", "what": "Feedback to the leader"},
        ],
    )


def test_venue_and_timetable_reach_a_colleague_and_merge_field_by_field(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    e = _challenge(alice)
    assert alice.sync().pushed == 1
    bob.sync()
    theirs = bob.vault.get(Challenge, e.id)
    assert theirs is not None and theirs.venue == VENUE
    assert [(t.day, t.at, t.what) for t in theirs.timetable] == [
        (START, time(9), "Arrival and welcome"),
        (END, time(11, 30), "Feedback to the leader"),
    ]
    # Alice moves the venue while Bob, offline, adds a session: both edits survive.
    Challenges(alice.vault).edit(e.id, venue="Room 4, Westminster City Hall")
    Challenges(bob.vault).edit(
        e.id, timetable=[*theirs.timetable, {"day": "2026-03-11", "what": "Site visits"}]
    )
    alice.sync()
    result = bob.sync()
    assert result.conflicts == 0
    alice.sync()
    for device in (alice, bob):
        held = device.vault.get(Challenge, e.id)
        assert held is not None
        assert held.venue == "Room 4, Westminster City Hall"
        assert [t.what for t in held.timetable] == [
            "Arrival and welcome",
            "Site visits",
            "Feedback to the leader",
        ]
    assert alice.snapshot() == bob.snapshot()


def test_an_app_from_before_the_fields_keeps_them_when_it_edits(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """Its payload has no venue or timetable: a field left out means "as it was"."""
    alice, bob = enrolled_pair(tmp_path, storage, server)
    e = _challenge(alice)
    alice.sync()
    bob.sync()
    state = SyncState(bob.vault)
    who = storage.authenticate(bob.keystore.get(bob.client().token_name) or "").principal
    assert who is not None
    held = bob.vault.get(Challenge, e.id)
    assert held is not None
    old_app = held.to_json() | {"scope": "Finance and governance"}
    del old_app["venue"], old_app["timetable"]
    change_id = str(uuid.uuid4())
    answer = storage.push(
        who,
        p.PushRequest(
            changes=[
                p.Change(
                    change_id=change_id,
                    covers=[change_id],
                    kind="engagement",
                    record_id=e.id,
                    base_rev=state.rev("engagement", e.id),
                    op="upsert",
                    payload=old_app,
                )
            ]
        ),
    )
    assert answer.results[0].status == "merged", answer.results[0].reason
    alice.sync()
    now = alice.vault.get(Challenge, e.id)
    assert now is not None and now.scope == "Finance and governance"
    assert now.venue == VENUE
    assert TimetableEntry(day=START, at=time(9), what="Arrival and welcome") in now.timetable
