"""Drafts, disposal and offline expiry through a real server on 127.0.0.1 (issue 8 items 1, 3
and 5): a draft never leaves its device, a disposal leaves nothing readable on the server or
on any device, and the server's offline limit reaches the device."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from sli_desktop.server.storage import Storage, applied, conflicts, records, revisions
from sli_desktop.vault.expiry import offline_status
from sli_desktop.vault.notes import SCRUBBED_TITLE, Notes
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import enrolled

SECRET = "Quokka-sentinel"


def _server_text(storage: Storage, record_id: str) -> str:
    """Everything the server holds about one record, as one string."""
    with storage.engine.connect() as conn:
        rows = [
            *conn.execute(sa.select(records).where(records.c.record_id == record_id)).all(),
            *conn.execute(sa.select(revisions).where(revisions.c.record_id == record_id)).all(),
            *conn.execute(sa.select(applied).where(applied.c.record_id == record_id)).all(),
            *conn.execute(sa.select(conflicts).where(conflicts.c.record_id == record_id)).all(),
        ]
    return json.dumps([list(map(str, r)) for r in rows])


def test_a_draft_stays_on_its_device_until_complete_and_only_its_final_state_goes_up(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    b = enrolled(tmp_path, storage, server, "b")
    a.sync()
    b.sync()
    draft = a.add_note(f"{SECRET} draft title", concern="high", draft=True, body=SECRET)
    a.edit(draft.id, body=f"{SECRET} second draft")
    result = a.sync()
    assert result.pushed == 0 and result.held == 1
    assert _server_text(storage, draft.id) == "[]"
    b.sync()
    assert b.note(draft.id) is None

    # Completed: the newest state goes up alone; the draft versions never reach the server.
    done = a.edit(draft.id, title="Budget gap", body="Final text", evidence=["Q2 report"])
    assert not done.draft
    assert a.sync().pushed == 1
    held = _server_text(storage, draft.id)
    assert "Final text" in held and SECRET not in held
    b.sync()
    got = b.note(draft.id)
    assert got is not None and got.title == "Budget gap" and not got.draft


def test_a_shared_note_made_a_draft_again_keeps_its_shared_version_elsewhere(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    b = enrolled(tmp_path, storage, server, "b")
    a.sync()
    note = a.add_note("Shared", concern="medium", evidence=["Report"])
    a.sync()
    b.sync()
    a.edit(note.id, evidence=[], body=SECRET, draft=True)
    assert a.sync().held == 1
    b.sync()
    theirs = b.note(note.id)
    assert theirs is not None and theirs.evidence == ["Report"] and SECRET not in theirs.body
    assert SECRET not in _server_text(storage, note.id)


def test_the_server_refuses_a_draft_pushed_by_a_client_that_ignores_the_rule(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    from sli_desktop.sync import protocol as p

    a = enrolled(tmp_path, storage, server, "a")
    a.sync()
    draft = a.add_note("Draft", concern="high", draft=True)
    row = SyncState(a.vault).outbox()[-1]
    who = storage.authenticate(
        a.keystore.get(a.client().token_name) or SyncState(a.vault).get("token") or ""
    ).principal
    assert who is not None
    change = p.Change(
        change_id=row.change_id,
        covers=[row.change_id],
        kind="note",
        record_id=draft.id,
        base_rev=0,
        op="upsert",
        payload=row.payload,
    )
    answer = storage.push(who, p.PushRequest(changes=[change]))
    assert answer.results[0].status == "rejected"
    assert "draft" in answer.results[0].reason


def test_disposal_reaches_every_device_and_leaves_nothing_readable_on_the_server(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    b = enrolled(tmp_path, storage, server, "b")
    a.sync()
    note = a.add_note(f"{SECRET} title", body=f"{SECRET} body", themes=["finance"])
    a.sync()
    b.sync()
    a.edit(note.id, body=f"{SECRET} second version")
    a.sync()
    # B has an unsent edit of its own when A disposes of the note.
    b.edit(note.id, body=f"{SECRET} B's edit")
    assert SECRET in _server_text(storage, note.id)

    Notes(a.vault).dispose(note.id, today=date(2026, 3, 1))
    a.sync()
    held = _server_text(storage, note.id)
    assert SECRET not in held and SCRUBBED_TITLE in held

    # B pushes first: the server refuses its edit of a disposed note; then the disposal
    # comes down and overrides what B held.
    assert b.sync().rejected == 1
    theirs = b.note(note.id)
    assert theirs is not None and theirs.deleted and theirs.title == SCRUBBED_TITLE
    assert theirs.body == "" and theirs.disposed_on == date(2026, 3, 1)
    assert not SyncState(b.vault).has_pending("note", note.id)
    for device in (a, b):
        dump = json.dumps(device.vault.query("SELECT * FROM notes")) + json.dumps(
            device.vault.query("SELECT * FROM outbox")
        )
        assert SECRET not in dump
    assert SECRET not in _server_text(storage, note.id)
    assert b.sync().rejected == 0  # nothing of B's was left to push


def test_the_server_sets_the_offline_limit_and_a_sync_resets_the_clock(
    tmp_path: Path, storage: Storage
) -> None:
    server = BackgroundServer(storage, max_offline_days=7).start()
    try:
        a = enrolled(tmp_path, storage, server, "a")
        before = offline_status(a.vault)
        assert before.enrolled and before.max_days == 30  # the default until the first sync
        a.sync()
        status = offline_status(a.vault)
        assert status.max_days == 7 and status.since is not None
        assert SyncState(a.vault).get("max_offline_days") == "7"
        later = status.since + timedelta(days=8)
        assert offline_status(a.vault, later).expired
        assert not offline_status(a.vault, status.since + timedelta(days=6)).expired
        a.sync()
        assert not offline_status(a.vault).expired
    finally:
        server.stop()
