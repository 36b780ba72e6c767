"""The second hostile review of the sync server's access rules (issue #20), run against what
landed: a malicious admin, a curious colleague and an unauthenticated client attack a real
server on 127.0.0.1 (SQLite and PostgreSQL), over HTTP and with real devices holding SQLCipher
vaults. Each test is a hole the review found, and fails without its fix."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import Action, Note, NoteType
from sli_desktop.server.awaited import AWAITED_REFUSAL
from sli_desktop.server.storage import Storage, changes, records, revisions
from sli_desktop.sync import protocol as p
from sli_desktop.vault.documents import Documents
from sli_desktop.vault.notes import Notes
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, enrolled

SECRET = b"Whistleblower Jane Smith's statement"
DAY = dt.date(2026, 3, 1)


# -- helpers: a hostile client speaks HTTP to the server directly ------------------------------
def _token(
    storage: Storage, name: str, role: str = "adviser", regions: tuple[str, ...] = ("London",)
) -> str:
    enrolment = storage.enroll(storage.add_user(name, role, list(regions)), name)
    assert enrolment is not None
    return enrolment.token


def _post(server: BackgroundServer, token: str, path: str, body: Any) -> httpx.Response:
    return httpx.post(
        f"{server.url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _change(
    kind: str,
    payload: dict[str, Any],
    base_rev: int,
    change_id: str | None = None,
    covers: tuple[str, ...] = (),
    op: str = "upsert",
) -> dict[str, Any]:
    change_id = change_id or str(uuid.uuid4())
    return {
        "change_id": change_id,
        "covers": [*covers, change_id],
        "kind": kind,
        "record_id": payload["id"],
        "base_rev": base_rev,
        "op": op,
        "payload": payload,
    }


def _push(server: BackgroundServer, token: str, *changes: dict[str, Any]) -> list[p.ChangeResult]:
    answer = _post(server, token, "/v1/push", {"changes": list(changes)})
    assert answer.status_code == 200, answer.text
    return p.PushResponse.model_validate(answer.json()).results


def _feed(server: BackgroundServer, token: str) -> str:
    """Everything the server feeds this token, from the start, as the text on the wire."""
    pages: list[str] = []
    cursor = 0
    while True:
        answer = httpx.get(
            f"{server.url}/v1/pull",
            params={"cursor": cursor, "limit": p.MAX_PAGE},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        pages.append(answer.text)
        page = p.PullResponse.model_validate(answer.json())
        cursor = page.cursor
        if not page.more:
            return "\n".join(pages)


def _note(**fields: Any) -> dict[str, Any]:
    fields.setdefault("council", WESTMINSTER)
    fields.setdefault("date", DAY)
    fields.setdefault("title", "Family hubs")
    return Note.build(**fields).to_json()


def _current(storage: Storage, record_id: str, kind: str = "note") -> dict[str, Any]:
    """The record as the server holds it: its revision and payload (what a device that may see
    it has after a sync)."""
    with storage.engine.connect() as conn:
        row = conn.execute(
            sa.select(records).where(records.c.kind == kind, records.c.record_id == record_id)
        ).one()
    return {"rev": row.rev, "payload": json.loads(row.payload), "owner": row.owner}


# -- a private note's attached document: its parts carry the content -------------------------
def test_the_parts_of_a_private_notes_document_stay_with_its_author(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """A document part's kind is ``document-part``: the parts of a document attached to a
    note (which hold its content, base64) must turn private with the note."""
    lena = enrolled(tmp_path, storage, server, "lena")
    lou = enrolled(tmp_path, storage, server, "lou")
    lena.sync()
    lou.sync()
    # (The app refuses to attach a document to a private note: Documents._owner.)
    # A public note's document, then the note made private: a device syncing from then on
    # receives neither the document nor its parts.
    shared = lena.add_note("Shared at first")
    document = Documents(lena.vault).attach_bytes("note", shared.id, "minutes.txt", SECRET * 2)
    lena.sync()
    lena.edit(shared.id, private=True)
    assert lena.sync().rejected == 0
    later = _token(storage, "lou")
    assert base64.b64encode(SECRET * 2).decode() not in _feed(server, later)
    assert document.id not in _feed(server, later)
    # The author still has everything.
    lena.sync()
    assert Documents(lena.vault).content(document.id) == SECRET * 2


# -- squatting a note's id before its author's device pushes it -------------------------------
def test_a_colleague_cannot_squat_a_draft_notes_id_and_become_its_author(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """An action raised from a draft note reaches the region before the note (a draft waits on
    the device), so the region learns the note's id. A colleague who pushes a note under that
    id first must not become the author of the note that arrives later: able to make it
    private (taking it from its author) or publish it as good practice."""
    lena = enrolled(tmp_path, storage, server, "lena")
    lena.sync()
    draft = lena.add_note("Hubs", draft=True, concern="high")
    lena.vault.save(Action.build(title="Call back", council=WESTMINSTER, note_id=draft.id))
    assert lena.sync().rejected == 0
    lou = _token(storage, "lou")
    assert draft.id in _feed(server, lou)  # the action carries it (item 1 hides private only)

    squat = {**_note(title="Placeholder"), "id": draft.id}
    (first,) = _push(server, lou, _change("note", squat, 0))
    assert first.status == "rejected" and first.reason == AWAITED_REFUSAL
    lena.edit(draft.id, body=f"{SECRET.decode()} told me", concern="none")
    assert lena.sync().rejected == 0
    assert _current(storage, draft.id)["owner"] == "lena"

    # Lou, on the revision the server holds now, may neither publish the note everywhere nor
    # take it private.
    current = _current(storage, draft.id)
    for taken in (
        {"note_type": NoteType.GOOD_PRACTICE.value, "outcome": "Hubs open", "themes": ["hubs"]},
        {"private": True},
    ):
        (answer,) = _push(
            server, lou, _change("note", {**current["payload"], **taken}, current["rev"])
        )
        assert answer.status == "rejected", answer
    assert SECRET.decode() not in _feed(server, _token(storage, "nora", regions=("North East",)))
    lena.sync()
    mine = lena.note(draft.id)
    assert mine is not None and not mine.private and SECRET.decode() in mine.body
    # Her own other device may still create what she pointed at (a retry, a second device).
    other = _token(storage, "lena")
    action = Action.build(title="Ring", council=WESTMINSTER, note_id=str(uuid.uuid4()))
    (pointed,) = _push(server, other, _change("action", action.to_json(), 0))
    assert pointed.status == "applied"
    own = {**_note(title="Her second"), "id": action.note_id}
    (created,) = _push(server, other, _change("note", own, 0))
    assert created.status == "applied"


# -- twins: an id the devices read as another record's ------------------------------------------
@pytest.mark.parametrize(
    "spelling",
    [str.upper, lambda i: "{" + i + "}", lambda i: "urn:uuid:" + i, lambda i: i.replace("-", "")],
    ids=["upper", "braces", "urn", "no-hyphens"],
)
def test_a_record_id_spelt_another_way_is_refused_and_overwrites_nothing(
    tmp_path: Path, storage: Storage, server: BackgroundServer, spelling: Any
) -> None:
    """A device reads every id as the canonical UUID it names, so a record stored under
    another spelling of a note's id (upper case, braces, a URN, no hyphens) would land on that
    note in every vault that pulls it: an admin could overwrite the author's private note on
    her own devices, or another region publish good practice over a note it may not edit."""
    lena = enrolled(tmp_path, storage, server, "lena")
    lena.sync()
    note = lena.add_note("Mine alone", body=f"{SECRET.decode()} told me", private=True)
    assert lena.sync().rejected == 0
    admin = _token(storage, "ada", "admin")
    twin_id = spelling(note.id)
    twin = {**_note(title="Nothing to see", body="planted"), "id": twin_id}
    (answer,) = _push(server, admin, _change("note", twin, 0))
    assert answer.status == "rejected" and answer.reason == "the payload is for another record"
    lena.sync()
    mine = lena.note(note.id)
    assert mine is not None and mine.private and SECRET.decode() in mine.body
    assert "planted" not in _feed(server, _token(storage, "lou"))


def test_a_council_code_spelt_with_spaces_is_judged_as_devices_read_it(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """Devices strip the text they read, so " E09000033" is Westminster to them: the server
    must place it there too, or a user of another region writes about (and, as good practice,
    publishes to every region) a council outside their regions."""
    nora = _token(storage, "nora", regions=("North East",))
    spaced = _note(title="Westminster, from afar", themes=["hubs"])
    spaced["council"] = f" {WESTMINSTER} "
    (answer,) = _push(server, nora, _change("note", spaced, 0))
    assert answer.status == "rejected", answer
    published = {
        **spaced,
        "id": str(uuid.uuid4()),
        "note_type": NoteType.GOOD_PRACTICE.value,
        "outcome": "Hubs open",
    }
    (answer,) = _push(server, nora, _change("note", published, 0))
    assert answer.status == "rejected", answer
    assert "from afar" not in _feed(server, _token(storage, "lou"))


def test_a_device_ignores_a_twin_an_older_server_already_holds(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """A server from before the check above may hold a record under another spelling of a
    note's id: the device skips it rather than let it overwrite the note."""
    lena = enrolled(tmp_path, storage, server, "lena")
    lena.sync()
    note = lena.add_note("Mine alone", body=f"{SECRET.decode()} told me", private=True)
    assert lena.sync().rejected == 0
    twin_id = note.id.upper()
    twin = json.dumps({**_note(title="Nothing to see", body="planted"), "id": twin_id})
    with storage.engine.begin() as conn:
        conn.execute(
            records.insert().values(
                kind="note",
                record_id=twin_id,
                rev=1,
                payload=twin,
                deleted=False,
                council=WESTMINSTER,
                region="London",
                private=False,
                owner="ada",
                shared=False,
                last_change=str(uuid.uuid4()),
                last_device="ada",
            )
        )
        conn.execute(revisions.insert().values(kind="note", record_id=twin_id, rev=1, payload=twin))
        conn.execute(
            changes.insert().values(
                item="record",
                kind="note",
                record_id=twin_id,
                rev=1,
                region="London",
                private=False,
                owner="ada",
                shared=False,
            )
        )
    lena.sync()
    mine = lena.note(note.id)
    assert mine is not None and mine.private and SECRET.decode() in mine.body


# -- good practice taken back and deleted before the device synced ------------------------------
@pytest.mark.parametrize("how", ["delete", "dispose"])
@pytest.mark.parametrize("taken_back", [{"private": True}, {"note_type": "intelligence"}])
def test_good_practice_taken_back_and_deleted_in_one_sync_leaves_no_copy_elsewhere(
    tmp_path: Path,
    storage: Storage,
    server: BackgroundServer,
    taken_back: dict[str, Any],
    how: str,
) -> None:
    """Taken back (made private, or intelligence again) and then deleted or disposed of before
    the device synced, the note goes up as one change: the other regions' copies must still be
    replaced by the blank tombstone, not left as live good practice."""
    lena = enrolled(tmp_path, storage, server, "lena")
    nora = enrolled(tmp_path, storage, server, "nora", regions=("North East",))
    lena.sync()
    note = lena.add_note(
        "Family hubs",
        body="What the council did",
        themes=["hubs"],
        note_type=NoteType.GOOD_PRACTICE,
        outcome="Hubs open",
        contact="Ask Sam",
    )
    assert lena.sync().rejected == 0
    nora.sync()
    assert nora.note(note.id) is not None and not nora.note(note.id).deleted
    changes_ = dict(taken_back)
    if changes_.get("note_type") == "intelligence":
        changes_.update(note_type=NoteType.INTELLIGENCE, outcome="", contact="")
    lena.edit(note.id, **changes_)
    if how == "delete":
        Notes(lena.vault).delete(note.id)
    else:
        Notes(lena.vault).dispose(note.id, today=dt.date(2100, 1, 1))
    assert lena.sync().rejected == 0
    nora.sync()
    theirs = nora.note(note.id)
    assert theirs is None or (theirs.deleted and "council did" not in theirs.body)
