"""A default the sender never touched is no change (review of issue 23): a challenge stored
before schema 5 has no venue or timetable in its revisions, and a newer app sends them as
their defaults. Alice's venue must survive Bob's edit of the scope, with no false conflict,
whichever change id sorts higher (the winner of a real conflict). SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Challenge
from sli_desktop.server.storage import Storage
from sli_desktop.server.storage.access import Principal
from sli_desktop.sync import protocol as p
from sli_desktop.vault.challenges import Challenges
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, Device, enrolled_pair

LOW, HIGH = "00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff"


def _push(
    storage: Storage, who: Principal, rid: str, base: int, payload: dict[str, Any], cid: str
) -> p.ChangeResult:
    change = p.Change(
        change_id=cid,
        covers=[cid],
        kind="engagement",
        record_id=rid,
        base_rev=base,
        op="upsert",
        payload=payload,
    )
    return storage.push(who, p.PushRequest(changes=[change])).results[0]


def _principal(storage: Storage, device: Device) -> Principal:
    token = device.keystore.get(device.client().token_name) or ""
    found = storage.authenticate(token).principal
    assert found is not None
    return found


@pytest.mark.parametrize(("alices", "bobs"), [(LOW, HIGH), (HIGH, LOW)])
def test_an_untouched_default_keeps_a_colleagues_venue(
    tmp_path: Path, storage: Storage, server: BackgroundServer, alices: str, bobs: str
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    e = Challenges(alice.vault).add(
        council=WESTMINSTER, type="corporate", start=date(2026, 3, 10), end=date(2026, 3, 12)
    )
    a, b = _principal(storage, alice), _principal(storage, bob)
    old = e.to_json()  # revision 1 as an app from before schema 5 sent it
    del old["venue"], old["timetable"]
    assert _push(storage, a, e.id, 0, old, str(uuid.uuid4())).status == "applied"
    timetable = [{"day": "2026-03-10", "at": "09:00", "what": "Arrival"}]
    mine = e.to_json() | {"venue": "Town Hall", "timetable": timetable}
    r = _push(storage, a, e.id, 1, mine, alices)
    assert r.status in ("applied", "merged"), r
    # Bob, offline from revision 1, edited only the scope: venue "" and no timetable.
    result = _push(storage, b, e.id, 1, e.to_json() | {"scope": "Finance"}, bobs)
    assert result.status == "merged", result
    bob.sync()
    held = bob.vault.get(Challenge, e.id)
    assert held is not None
    assert (held.venue, held.scope) == ("Town Hall", "Finance")
    assert [t.what for t in held.timetable] == ["Arrival"]
