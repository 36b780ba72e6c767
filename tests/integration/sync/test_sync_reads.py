"""Read events through a real server on 127.0.0.1: a note opened offline is reported at the next
sync; a retried upload whose answer was lost stores nothing twice; only admins and coordinators
may ask who read a note; reads of a private note never leave the device."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from sli_desktop.server.storage import Storage
from sli_desktop.sync.client import SyncError
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.reads import Reads
from tests.background_server import BackgroundServer

from .support import enrolled


class LoseReadsAnswer(httpx.BaseTransport):
    """Real HTTP, but the first read upload's answer is lost after the server stored it."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/reads") and not self.lost:
            self.lost = True
            response.read()
            response.close()
            raise httpx.ReadError("injected: the answer to the read upload was lost")
        return response

    def close(self) -> None:
        self.inner.close()


def _readers(server: BackgroundServer, token: str, note_id: str) -> httpx.Response:
    return httpx.get(
        f"{server.url}/v1/notes/{note_id}/readers",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _token(device_name: str, device: object) -> str:
    from sli_desktop.vault.syncstate import SyncState

    client = device.client()  # type: ignore[attr-defined]
    found = client.keystore.get(client.token_name) or SyncState(device.vault).get("token")  # type: ignore[attr-defined]
    assert found, device_name
    return str(found)


def test_a_read_made_offline_reaches_the_server_once_and_only_admins_see_readers(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    # The coordinator of the note's region: readers are told only of notes one may see.
    boss = enrolled(tmp_path, storage, server, "carol", role="coordinator", regions=("London",))
    a.sync()
    note = a.add_note("Budget gap", body="Reserves down by a third.")
    a.sync()
    b.sync()

    # Offline on B: opened twice, once in a briefing; all queued, all in B's audit log.
    reads = Reads(b.vault)
    got = b.note(note.id)
    assert got is not None
    reads.record(got, via="window")
    reads.record(got, via="cli")
    reads.record_many([got], via="briefing", briefing="0f0e0d0c-0000-4000-8000-000000000001")
    assert reads.waiting() == 3
    audit = [e for e in AuditLog(b.vault).for_record(note.id) if e.action == "read"]
    assert [json.loads(e.detail)["via"] for e in audit] == ["window", "cli", "briefing"]
    assert all("Reserves" not in e.detail and "Budget" not in e.detail for e in audit)

    # The upload's answer is lost: the events stay queued, and the retry stores them once.
    b.transport = LoseReadsAnswer()
    try:
        b.sync()
    except SyncError:
        pass
    else:  # pragma: no cover - the injected failure must surface
        raise AssertionError("the lost answer should have stopped the sync")
    assert reads.waiting() == 3
    assert len(storage.note_readers(note.id).readers) == 3  # the server did store them
    b.transport = None
    assert b.sync().reads == 3
    assert reads.waiting() == 0
    assert b.sync().reads == 0

    answer = _readers(server, _token("carol", boss), note.id)
    assert answer.status_code == 200
    readers = answer.json()["readers"]
    assert len(readers) == 3  # not six: the retried upload added nothing
    assert {r["user"] for r in readers} == {"bob"}
    assert sorted(r["via"] for r in readers) == ["briefing", "cli", "window"]
    assert all(r["device"] == "bob" for r in readers)

    # An adviser's token is refused, whoever wrote the note.
    refused = _readers(server, _token("alice", a), note.id)
    assert refused.status_code == 403
    assert "admin" in refused.json()["detail"]


def test_reads_of_a_private_note_stay_on_the_device(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    a.sync()
    note = a.add_note("Private thought", private=True)
    Reads(a.vault).record(note, via="window")
    assert Reads(a.vault).waiting() == 0
    entry = [e for e in AuditLog(a.vault).for_record(note.id) if e.action == "read"][-1]
    assert json.loads(entry.detail)["local"] is True
    assert a.sync().reads == 0
    assert storage.note_readers(note.id).readers == []
