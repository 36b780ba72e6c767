"""A record carrying fields this app does not know (a newer app's, held by the server) is
pulled with those fields left out, nested ones too, rather than stopping the whole sync
(review of issue 23); a new write carrying an unknown field is still refused. SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from sli_desktop.domain import Challenge
from sli_desktop.server.storage import Storage
from sli_desktop.server.storage.schema import records, revisions
from sli_desktop.sync import protocol as p
from sli_desktop.vault.challenges import Challenges
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, enrolled_pair

START, END = date(2026, 3, 10), date(2026, 3, 12)


def _as_a_newer_app_left_it(storage: Storage, record_id: str) -> None:
    """What a newer app's push leaves on a server that knows its fields: the stored payload
    carries a field and a timetable entry's field this app has never heard of."""
    with storage.db.engine.begin() as conn:
        for table in (records, revisions):
            for row in conn.execute(sa.select(table).where(table.c.record_id == record_id)):
                payload = json.loads(row.payload)
                payload["mood"] = "calm"
                for entry in payload["timetable"]:
                    entry["room"] = "Committee Room 4"
                conn.execute(
                    table.update()
                    .where(table.c.record_id == record_id, table.c.rev == row.rev)
                    .values(payload=json.dumps(payload))
                )


def test_a_record_with_newer_fields_is_pulled_without_them(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    e = Challenges(alice.vault).add(
        council=WESTMINSTER,
        type="corporate",
        start=START,
        end=END,
        venue="Town Hall",
        timetable=[{"day": START, "at": "09:00", "what": "Arrival"}],
    )
    later = Challenges(alice.vault).add(council=WESTMINSTER, type="corporate", scope="Later")
    assert alice.sync().pushed == 2
    _as_a_newer_app_left_it(storage, e.id)

    bob.sync()  # the page is read, not refused

    held = bob.vault.get(Challenge, e.id)
    assert held is not None and held.venue == "Town Hall"
    assert [(t.day, t.what) for t in held.timetable] == [(START, "Arrival")]
    assert bob.vault.get(Challenge, later.id) is not None


def test_a_new_write_with_an_unknown_field_is_still_refused(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, _ = enrolled_pair(tmp_path, storage, server)
    e = Challenges(alice.vault).add(council=WESTMINSTER, type="corporate")
    who = storage.authenticate(alice.keystore.get(alice.client().token_name) or "").principal
    assert who is not None
    change_id = str(uuid.uuid4())
    change = p.Change(
        change_id=change_id,
        covers=[change_id],
        kind="engagement",
        record_id=e.id,
        base_rev=0,
        op="upsert",
        payload=e.to_json() | {"mood": "calm"},
    )
    result = storage.push(who, p.PushRequest(changes=[change])).results[0]
    assert result.status == "rejected"
    assert result.reason.startswith("invalid record: mood ")
