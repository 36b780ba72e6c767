"""Reads of notes: `sli note show` and briefings audit a read (no note text) and queue it for the
server; `sli server note-readers` answers who saw a note from the server database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Note
from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.reads import Reads
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE, CliResult

from .sync.support import WESTMINSTER, register_payloads
from .test_cli import BHAM, add_note, as_json, ok


@pytest.fixture
def sli(councils_vault: Vault, cli: Any) -> Any:
    """The CLI against a vault holding the councils of ``councils_vault``."""
    councils_vault.close()
    return cli


def _reads(vault_path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    vault = unlock(vault_path, PASSPHRASE)
    try:
        audit = [
            {"record_id": e.record_id, **json.loads(e.detail)}
            for e in AuditLog(vault).entries()
            if e.action == "read"
        ]
        return audit, [q.to_json() for q in Reads(vault).queued()]
    finally:
        vault.close()


def test_note_show_and_a_briefing_are_reads_queued_for_the_server(
    sli: Any, vault_path: Path, tmp_path: Path
) -> None:
    secret = "The monitoring officer expects a s114 notice"
    note = add_note(sli, "--body", secret, title="Section 114 risk")
    private = add_note(sli, "--private", title="My own aside")
    ok(sli("note", "show", note["id"][:8]))
    ok(sli("note", "show", private["id"][:8], "--json"))
    briefing = as_json(sli("brief", "council", BHAM, "-o", str(tmp_path / "brief.pdf"), "--json"))
    audit, queued = _reads(vault_path)
    by_via = {(a["record_id"], a["via"]) for a in audit}
    assert (note["id"], "cli") in by_via and (note["id"], "briefing") in by_via
    assert (private["id"], "cli") in by_via
    assert not any(secret in json.dumps(a) or "Section 114" in json.dumps(a) for a in audit)
    via_briefing = next(a for a in audit if a["via"] == "briefing")
    assert via_briefing["briefing"]  # the briefing's own audit id
    assert briefing["audit_id"] == via_briefing["briefing"]
    # The private note's read stays local: audited, never queued.
    assert {q["note_id"] for q in queued} == {note["id"]}
    assert sorted(q["via"] for q in queued) == ["briefing", "cli"]
    assert {q["id"] for q in queued} <= {a["event"] for a in audit}


def test_server_note_readers_lists_user_device_when_and_how(cli: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    storage = Storage(url)
    code = storage.add_user("Amy Adviser", "adviser", ["London"])
    enrolled = storage.enroll(code, "amy-laptop")
    assert enrolled is not None
    who = storage.authenticate(enrolled.token).principal
    assert who is not None
    note_id = "3f2c1b0a-1111-4222-8333-444455556666"
    # The server keeps reads only of notes the reader may see: the note is on the server.
    storage.import_councils(register_payloads())
    note = Note.build(id=note_id, council=WESTMINSTER, date=dt.date(2026, 11, 1), title="Gap")
    change = p.Change(
        change_id="c1" * 4,
        kind="note",
        record_id=note_id,
        base_rev=0,
        op="upsert",
        payload=note.to_json(),
    )
    assert storage.push(who, p.PushRequest(changes=[change])).results[0].status == "applied"
    at = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    events = [
        p.ReadEvent(id="e1" * 4, note_id=note_id, at=at, via="window"),
        p.ReadEvent(
            id="e2" * 4,
            note_id=note_id,
            at=at + dt.timedelta(hours=1),
            via="briefing",
            briefing="b" * 8,
        ),
    ]
    first = storage.store_reads(who, p.ReadsRequest(events=events))
    again = storage.store_reads(who, p.ReadsRequest(events=events))
    assert (first.new, again.new) == (2, 0)
    storage.close()

    result: CliResult = cli("server", "note-readers", note_id, "--db", url, "--json")
    rows = json.loads(result.out)
    assert result.code == 0, result.err
    assert [(r["user"], r["device"], r["via"]) for r in rows] == [
        ("Amy Adviser", "amy-laptop", "window"),
        ("Amy Adviser", "amy-laptop", "briefing"),
    ]
    assert rows[0]["at"].startswith("2026-11-02T09:30")
    text = cli("server", "note-readers", note_id, "--db", url)
    assert text.code == 0 and "amy-laptop" in text.out and "briefing" in text.out
    none = cli("server", "note-readers", "00000000-0000-4000-8000-000000000000", "--db", url)
    assert none.code == 0 and "no reads" in none.out
