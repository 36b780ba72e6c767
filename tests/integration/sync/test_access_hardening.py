"""Regression tests for the security review of the sync server (one test, or a few, per finding):
who may write, resolve, read and learn what, through Storage directly where the rule lives there
and through the real server on 127.0.0.1 where it is about HTTP."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import Coverage, CoverageRole, Note, NoteType, Region, council_id
from sli_desktop.domain.document import MAX_PARTS, PART_BYTES, Document, DocumentPart
from sli_desktop.domain.errors import ValidationError
from sli_desktop.server.storage import (
    Principal,
    Storage,
    conflicts,
    feed,
    note_reads,
    records,
    revisions,
)
from sli_desktop.sync import protocol as p
from sli_desktop.vault.reads import Reads
from tests.background_server import BackgroundServer

from .support import DURHAM, WESTMINSTER, access_lines, enrolled

SECRET = "Whistleblower Jane Smith"
DAY = dt.date(2026, 3, 1)


# -- helpers ---------------------------------------------------------------------------------
def _user(storage: Storage, name: str, role: str = "adviser", regions: tuple[str, ...] = ()) -> Any:
    code = storage.add_user(name, role, list(regions or ("London",)))
    enrolment = storage.enroll(code, f"{name}-laptop")
    assert enrolment is not None
    who = storage.authenticate(enrolment.token).principal
    assert who is not None
    return who, enrolment.token


def _who(storage: Storage, name: str, role: str = "adviser", *regions: str) -> Principal:
    principal: Principal = _user(storage, name, role, regions)[0]
    return principal


def _push(
    storage: Storage,
    who: Principal,
    kind: str,
    payload: dict[str, Any],
    base_rev: int,
    op: str = "upsert",
    resolved: tuple[str, ...] = (),
) -> p.ChangeResult:
    change_id = str(uuid.uuid4())
    change = p.Change(
        change_id=change_id,
        covers=[change_id],
        kind=kind,
        record_id=payload["id"],
        base_rev=base_rev,
        op=op,
        payload=payload,
    )
    return storage.push(who, p.PushRequest(changes=[change], resolved=list(resolved))).results[0]


def _note(**fields: Any) -> dict[str, Any]:
    fields.setdefault("council", WESTMINSTER)
    fields.setdefault("date", DAY)
    fields.setdefault("title", "Family hubs")
    return Note.build(**fields).to_json()


def _good_practice(**fields: Any) -> dict[str, Any]:
    fields.setdefault("note_type", NoteType.GOOD_PRACTICE)
    fields.setdefault("themes", ["early help"])
    fields.setdefault("outcome", "Referrals down a fifth")
    return _note(**fields)


def _stored(storage: Storage, kind: str, record_id: str) -> Any:
    with storage.engine.connect() as conn:
        return conn.execute(
            sa.select(records).where(records.c.kind == kind, records.c.record_id == record_id)
        ).first()


def _payload(storage: Storage, kind: str, record_id: str) -> dict[str, Any]:
    row = _stored(storage, kind, record_id)
    assert row is not None
    return dict(json.loads(row.payload))


def _all_server_text(storage: Storage, record_id: str) -> str:
    with storage.engine.connect() as conn:
        texts: list[str] = list(
            conn.execute(
                sa.select(revisions.c.payload).where(revisions.c.record_id == record_id)
            ).scalars()
        )
        texts += conn.execute(
            sa.select(conflicts.c.detail).where(conflicts.c.record_id == record_id)
        ).scalars()
        return "\n".join([*texts, _stored(storage, "note", record_id).payload])


def _pulled(storage: Storage, who: Principal, record_id: str) -> list[p.FeedItem]:
    return [i for i in storage.pull(who, 0, p.MAX_PAGE).items if i.record_id == record_id]


# -- 1. another region's good practice ---------------------------------------------------------
def test_another_region_may_not_move_edit_or_dispose_of_good_practice(storage: Storage) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    nia = _who(storage, "nia", "adviser", "North East")
    good = _good_practice()
    assert _push(storage, lena, "note", good, 0).status == "applied"

    moved = _push(storage, nia, "note", {**good, "council": DURHAM, "outcome": "vandalised"}, 1)
    assert moved.status == "rejected"
    tombstone = {**good, "deleted": True, "disposed_on": "2026-03-01", "title": "Disposed note"}
    assert _push(storage, nia, "note", tombstone, 1, op="delete").status == "rejected"
    row = _stored(storage, "note", good["id"])
    assert row.region == "London" and not row.deleted and row.rev == 1
    assert json.loads(row.payload)["outcome"] == "Referrals down a fifth"

    # Moving a note needs the right to write where it goes as well as where it is.
    assert _push(storage, lena, "note", {**good, "council": DURHAM}, 1).status == "rejected"
    # Its own region still edits it.
    assert _push(storage, lena, "note", {**good, "outcome": "a quarter"}, 1).status == "applied"


# -- 2. intelligence leaking through a merge into good practice ---------------------------------
def test_good_practice_made_from_a_stale_base_is_refused_and_no_intelligence_leaks(
    storage: Storage,
) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    # Only a note's author makes it good practice: her second device, on an older base.
    phone = _who(storage, "lena", "adviser", "London")
    mo = _who(storage, "mo", "adviser", "West Midlands")
    intel = _note(title="Children's services", themes=["early help"])
    assert _push(storage, lena, "note", intel, 0).status == "applied"
    secret = {**intel, "concern": "high", "evidence": [SECRET], "body": "secret intel text"}
    assert _push(storage, lena, "note", secret, 1).status == "applied"

    # lena's phone, from the older base, makes it good practice (and rewrites the body).
    converted = {
        **intel,
        "note_type": "good practice",
        "outcome": "Hubs work",
        "body": "public text",
    }
    answer = _push(storage, phone, "note", converted, 1)
    assert answer.status == "rejected"
    assert "sync" in answer.reason and "good practice" in answer.reason
    row = _stored(storage, "note", intel["id"])
    assert not row.shared and json.loads(row.payload)["note_type"] == "intelligence"
    assert _pulled(storage, mo, intel["id"]) == []  # nothing, not even a conflict
    with storage.engine.connect() as conn:
        shared = conn.execute(
            sa.select(sa.func.count()).select_from(conflicts).where(conflicts.c.shared.is_(True))
        ).scalar()
    assert shared == 0

    # Made on the current revision (what the phone sees after syncing), it applies and is shared.
    current = _payload(storage, "note", intel["id"])
    fresh = {**current, "note_type": "good practice", "concern": "none", "evidence": []}
    fresh.update(body="public text", outcome="Hubs work")
    assert _push(storage, phone, "note", fresh, 2).status == "applied"
    (item,) = _pulled(storage, mo, intel["id"])
    assert item.payload is not None and SECRET not in json.dumps(item.payload)


def test_a_payload_without_note_type_does_not_take_good_practice_back(storage: Storage) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    mo = _who(storage, "mo", "adviser", "West Midlands")
    good = _good_practice()
    _push(storage, lena, "note", good, 0)
    older_client = {k: v for k, v in good.items() if k != "note_type"}
    older_client["outcome"] = "Referrals down a quarter"
    assert _push(storage, lena, "note", older_client, 1).status == "applied"
    row = _stored(storage, "note", good["id"])
    assert row.shared and json.loads(row.payload)["note_type"] == "good practice"
    items = _pulled(storage, mo, good["id"])
    assert items and items[-1].payload is not None
    assert items[-1].payload["outcome"] == "Referrals down a quarter"


def test_an_edit_from_before_a_note_became_good_practice_cannot_bring_intelligence_in(
    storage: Storage,
) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    phone = _who(storage, "lena", "adviser", "London")  # only the author makes good practice
    intel = _note(title="Children's services", themes=["early help"])
    _push(storage, lena, "note", intel, 0)
    made_good = {**intel, "note_type": "good practice", "outcome": "Hubs work"}
    assert _push(storage, phone, "note", made_good, 1).status == "applied"
    # lena, still on revision 1 (intelligence), adds a secret without sending note_type.
    stale = {k: v for k, v in intel.items() if k != "note_type"}
    stale.update(body="secret intel text", evidence=[SECRET], concern="high")
    assert _push(storage, lena, "note", stale, 1).status == "rejected"
    assert SECRET not in _all_server_text(storage, intel["id"])


# -- 3. the council register -------------------------------------------------------------------
def test_only_the_councils_region_tracks_it_and_only_an_admin_removes_it(
    storage: Storage,
) -> None:
    nia = _who(storage, "nia", "adviser", "North East")
    lena = _who(storage, "lena", "adviser", "London")
    admin = _who(storage, "ada", "admin", "London")
    westminster = council_id(WESTMINSTER)
    register = _payload(storage, "council", westminster)
    forged = {**register, "region": "North East", "political_control": "Vandalised"}
    assert _push(storage, nia, "council", forged, 1).status == "rejected"
    assert _push(storage, nia, "council", register, 1, op="delete").status == "rejected"
    answer = _push(storage, lena, "council", register, 1, op="delete")
    assert answer.status == "rejected" and "admin" in answer.reason
    row = _stored(storage, "council", westminster)
    assert row.region == "London" and not row.deleted
    assert json.loads(row.payload).get("political_control", "") == ""

    tracked = {**register, "political_control": "Labour", "region": "North East"}
    assert _push(storage, lena, "council", tracked, 1).status in ("applied", "merged")
    kept = _payload(storage, "council", westminster)
    assert kept["political_control"] == "Labour" and kept["region"] == "London"
    assert _push(storage, admin, "council", kept, 2, op="delete").status != "rejected"


# -- 4. who read a note ------------------------------------------------------------------------
def test_readers_are_told_only_for_notes_the_caller_may_see(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    nia = _who(storage, "nia", "adviser", "North East")
    lena = _who(storage, "lena", "adviser", "London")
    coordinator, token = _user(storage, "cora", "coordinator", ("London",))
    admin_token = _user(storage, "ada", "admin", ("London",))[1]
    north = _note(council=DURHAM, title="Durham finance")
    private = _note(title="Mine alone", private=True)
    london = _note(title="Westminster finance")
    _push(storage, nia, "note", north, 0)
    _push(storage, lena, "note", private, 0)
    _push(storage, lena, "note", london, 0)
    for who, note in ((nia, north), (lena, private), (lena, london)):
        storage.store_reads(
            who,
            p.ReadsRequest(
                events=[p.ReadEvent(id=str(uuid.uuid4()), note_id=note["id"], at=DAY, via="cli")]
            ),
        )

    def readers(note_id: str, bearer: str) -> httpx.Response:
        return httpx.get(
            f"{server.url}/v1/notes/{note_id}/readers",
            headers={"Authorization": f"Bearer {bearer}"},
            timeout=30,
        )

    for hidden in (north["id"], private["id"], str(uuid.uuid4())):
        answer = readers(hidden, token)
        assert answer.status_code == 404, answer.text
        assert "nia" not in answer.text and "lena" not in answer.text
    seen = readers(london["id"], token)
    assert seen.status_code == 200 and [r["user"] for r in seen.json()["readers"]] == ["lena"]
    assert [r["user"] for r in readers(north["id"], admin_token).json()["readers"]] == ["nia"]
    assert coordinator.role == "coordinator"


def test_read_events_for_notes_the_device_may_not_see_are_not_stored(storage: Storage) -> None:
    nia = _who(storage, "nia", "adviser", "North East")
    lena = _who(storage, "lena", "adviser", "London")
    north = _note(council=DURHAM, title="Durham finance")
    _push(storage, nia, "note", north, 0)
    fake = p.ReadEvent(id=str(uuid.uuid4()), note_id=north["id"], at=DAY, via="briefing")
    unknown = p.ReadEvent(id=str(uuid.uuid4()), note_id=str(uuid.uuid4()), at=DAY, via="cli")
    answer = storage.store_reads(lena, p.ReadsRequest(events=[fake, unknown]))
    # Answered like any upload (the device forgets them; nothing tells what exists)...
    assert set(answer.stored) == {fake.id, unknown.id}
    # ...but nothing is kept.
    assert storage.note_readers(north["id"]).readers == []
    with storage.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(note_reads)).scalar() == 0


# -- 5. memory of a pull page ------------------------------------------------------------------
def test_a_pull_page_of_large_records_does_not_load_every_row(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    body = "x" * 100_000
    request = []
    for n in range(120):
        payload = _note(title=f"Note {n}", body=body)
        request.append(
            p.Change(
                change_id=payload["id"],
                covers=[payload["id"]],
                kind="note",
                record_id=payload["id"],
                base_rev=0,
                op="upsert",
                payload=payload,
            )
        )
    storage.push(lena, p.PushRequest(changes=request))
    monkeypatch.setattr(feed, "PAGE_BYTES", 300_000)
    tracemalloc.start()
    try:
        page = json.loads(storage.pull_json(lena, 0, p.MAX_PAGE))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    notes = [i for i in page["items"] if i["kind"] == "note"]
    assert page["more"] and 1 <= len(notes) <= 4
    # 120 rows of 100 KB are 12 MB: the page holds about 300 KB and reads a few rows ahead.
    assert peak < 6_000_000, f"peak {peak} bytes"
    # The rest follows, page by page, and nothing is skipped.
    seen = {i["record_id"] for i in notes}
    cursor = page["cursor"]
    while True:
        page = json.loads(storage.pull_json(lena, cursor, p.MAX_PAGE))
        seen |= {i["record_id"] for i in page["items"] if i["kind"] == "note"}
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert seen == {c.record_id for c in request}


# -- 6. an upgraded client and an older server ---------------------------------------------------
class OlderServer(httpx.BaseTransport):
    """Real HTTP to the test server, except /v1/reads, which a server older than read events
    answers 404 (or 405)."""

    def __init__(self, status: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.status = status

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/reads"):
            return httpx.Response(self.status, json={"detail": "Not Found"})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("status", [404, 405])
def test_a_server_without_read_events_keeps_them_queued_and_the_sync_goes_on(
    tmp_path: Path, storage: Storage, server: BackgroundServer, status: int
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    b = enrolled(tmp_path, storage, server, "b")
    a.sync()
    b.sync()
    note = b.add_note("From b")
    b.sync()
    mine = a.add_note("Opened offline")
    Reads(a.vault).record(mine, "cli")
    a.transport = OlderServer(status)
    result = a.sync()
    assert result.pushed == 1 and result.reads == 0
    assert a.note(note.id) is not None  # the pull ran
    assert a.vault.meta("last_synced")
    assert Reads(a.vault).waiting() == 1
    a.transport = None  # the server is upgraded
    assert a.sync().reads == 1 and Reads(a.vault).waiting() == 0


# -- 7. a disposed note on the server's disk ---------------------------------------------------
def test_the_server_blanks_a_disposal_itself_and_leaves_no_text_on_disk(
    storage: Storage,
) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    note = _note(title=f"{SECRET} title", body=f"{SECRET} body", themes=["finance"])
    _push(storage, lena, "note", note, 0)
    _push(storage, lena, "note", {**note, "body": f"{SECRET} second"}, 1)
    # A client that does not scrub: the tombstone still carries the text.
    careless = {**note, "deleted": True, "disposed_on": "2026-03-01", "evidence": [SECRET]}
    assert _push(storage, lena, "note", careless, 2, op="delete").status == "applied"
    held = _all_server_text(storage, note["id"])
    assert SECRET not in held
    stored = _payload(storage, "note", note["id"])
    assert stored["title"] == "Disposed note" and stored["body"] == "" and stored["evidence"] == []
    if storage.engine.dialect.name == "sqlite":
        with storage.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        database = Path(storage.engine.url.database or "")
        for path in (database, database.with_name(database.name + "-wal")):
            if path.exists():
                assert SECRET.encode() not in path.read_bytes(), path.name


# -- 8. resolving conflicts --------------------------------------------------------------------
def _open_conflicts(storage: Storage, record_id: str) -> list[Any]:
    with storage.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(conflicts.c.id, conflicts.c.resolved).where(
                    conflicts.c.record_id == record_id, conflicts.c.resolved.is_(False)
                )
            ).all()
        )


def test_only_someone_who_may_write_a_record_resolves_its_conflicts(storage: Storage) -> None:
    lena = _who(storage, "lena", "adviser", "London")
    lou = _who(storage, "lou", "adviser", "London")
    nia = _who(storage, "nia", "adviser", "North East")
    good = _good_practice()
    _push(storage, lena, "note", good, 0)
    _push(storage, lena, "note", {**good, "outcome": "lena's"}, 1)
    assert _push(storage, lou, "note", {**good, "outcome": "lou's"}, 1).status == "conflict"
    (conflict,) = _open_conflicts(storage, good["id"])
    _push(storage, nia, "note", _payload(storage, "note", good["id"]), 2, resolved=(conflict.id,))
    assert _open_conflicts(storage, good["id"]) == [conflict]  # another region may not
    _push(storage, lou, "note", _payload(storage, "note", good["id"]), 2, resolved=(conflict.id,))
    assert _open_conflicts(storage, good["id"]) == []  # its own region may

    coord = _who(storage, "cora", "coordinator", "London")
    colin = _who(storage, "colin", "coordinator", "West Midlands")
    adviser = _who(storage, "ann", "adviser", "West Midlands")
    cover = Coverage.build(
        person="Pat", role=CoverageRole.PRINCIPAL_ADVISER, regions=[Region.LONDON], since=DAY
    ).to_json()
    _push(storage, coord, "coverage", cover, 0)
    _push(storage, coord, "coverage", {**cover, "person": "Pat A"}, 1)
    assert _push(storage, colin, "coverage", {**cover, "person": "Pat B"}, 1).status == "conflict"
    (covered,) = _open_conflicts(storage, cover["id"])
    kept = _payload(storage, "coverage", cover["id"])
    _push(storage, adviser, "coverage", kept, 2, resolved=(covered.id,))
    assert _open_conflicts(storage, cover["id"]) == [covered]
    _push(storage, colin, "coverage", kept, 2, resolved=(covered.id,))
    assert _open_conflicts(storage, cover["id"]) == []


# -- 9. document part counts -------------------------------------------------------------------
def test_document_part_counts_are_bounded_and_agree_with_the_size(storage: Storage) -> None:
    base = {"owner_kind": "note", "owner_id": str(uuid.uuid4()), "filename": "a.pdf"}
    base["sha256"] = "0" * 64
    with pytest.raises(ValidationError):
        Document.build(**base, size=10, parts=10**10)
    with pytest.raises(ValidationError):
        Document.build(**base, size=10, parts=2)
    with pytest.raises(ValidationError):
        DocumentPart.build(document_id=str(uuid.uuid4()), number=MAX_PARTS, data="")
    assert Document.build(**base, size=PART_BYTES + 1, parts=2).parts == 2
    assert Document.build(**base, size=0, parts=0).parts == 0

    lena = _who(storage, "lena", "adviser", "London")
    good = Document.build(**base, council=WESTMINSTER, size=10, parts=1).to_json()
    huge = {**good, "parts": 10**10}
    answer = _push(storage, lena, "document", huge, 0)
    assert answer.status == "rejected" and "parts" in answer.reason
    assert _push(storage, lena, "document", good, 0).status == "applied"


# -- 10. the access log of a gzip-compressed request --------------------------------------------
def test_a_gzipped_push_is_logged_with_its_route(
    storage: Storage, server: BackgroundServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = _user(storage, "lena", "adviser", ("London",))[1]
    caplog.set_level(logging.INFO, logger="sli.server.access")
    body = gzip.compress(json.dumps({"changes": [], "resolved": []}).encode())
    answer = httpx.post(
        f"{server.url}/v1/push",
        content=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert access_lines(caplog, "/v1/push"), "the push was not logged under its route"
    assert not access_lines(caplog, "(no route)", seconds=0)


def test_through_the_server_a_stale_conversion_to_good_practice_is_reported_not_leaked(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena = enrolled(tmp_path, storage, server, "lena")
    # Only a note's author makes it good practice: lena's phone, not yet synced.
    lou = enrolled(tmp_path, storage, server, "lena-phone", user="lena")
    mo = enrolled(tmp_path, storage, server, "mo", regions=("West Midlands",))
    for device in (lena, lou, mo):
        device.sync()
    note = lena.add_note("Children's services", themes=["early help"])
    lena.sync()
    lou.sync()
    lena.edit(note.id, concern="high", evidence=[SECRET], body="secret intel text")
    lena.sync()
    lou.edit(note.id, note_type=NoteType.GOOD_PRACTICE, outcome="Hubs work")
    result = lou.sync()
    assert result.rejected == 1
    assert "make it good practice again" in result.refusals[0].reason
    mo.sync()
    assert mo.note(note.id) is None and mo.open_conflicts() == []
    # The phone now holds the server's version (lena's edit) and decides again, knowingly.
    got = lou.note(note.id)
    assert got is not None and got.evidence == [SECRET] and got.note_type is NoteType.INTELLIGENCE
    lou.edit(
        note.id,
        note_type=NoteType.GOOD_PRACTICE,
        concern="none",
        evidence=[],
        body="public text",
        outcome="Hubs work",
    )
    assert lou.sync().rejected == 0
    mo.sync()
    shared = mo.note(note.id)
    assert shared is not None and shared.is_good_practice and SECRET not in shared.evidence
