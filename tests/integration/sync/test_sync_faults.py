"""Sync under faults (issue 26): a proxy on 127.0.0.1 (faultproxy.py) between the devices and
the real server cuts, resets and stalls connections at chosen points of the push, the pull and
the enrolment. A conflict is decided once, a lost enrolment answer can be asked for again, a
cut upload is the client's doing in the server's log, a hung server is reported within 15 s,
failures leave a clean terminal, and a seeded random run converges with nothing lost."""

from __future__ import annotations

import contextlib
import io
import logging
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.cli.app import main
from sli_desktop.server import storage as server_storage
from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from sli_desktop.sync import transport
from sli_desktop.sync.client import NotAnswering, SyncClient, SyncError, Timeouts
from sli_desktop.vault.notes import Notes
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE

from .faultproxy import Chaos, FaultProxy
from .support import Device, access_lines, enrolled, make_device


@pytest.fixture
def proxy(server: BackgroundServer) -> Iterator[FaultProxy]:
    running = FaultProxy(server.port).start()
    yield running
    running.stop()


def _device(tmp_path: Path, storage: Storage, proxy: FaultProxy, name: str) -> Device:
    """Enrolled through the proxy, and synced once (the council register comes from there)."""
    device = enrolled(tmp_path, storage, proxy, name)  # type: ignore[arg-type]
    device.sync()
    return device


def _server_conflicts(storage: Storage) -> list[dict[str, Any]]:
    with storage.engine.connect() as conn:
        rows = conn.execute(sa.select(server_storage.conflicts.c.detail)).scalars().all()
    import json

    return [json.loads(r) for r in rows]


def _change_ids(device: Device, first: str) -> None:
    """Every unsent change id of ``device`` starts with ``first``: which device's edit the
    server keeps in a conflict (the greater change id) is then known in advance."""
    with device.vault.transaction():
        device.vault.conn.execute(
            "UPDATE outbox SET change_id = ? || substr(change_id, 2)", (first,)
        )


def _sli(device: Device, *args: str) -> tuple[int, str]:
    """``sli`` in-process on the device's vault; (exit code, what a terminal shows: stderr,
    which is a terminal here, then stdout)."""
    err, out = _Stream(tty=True), _Stream(tty=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SLI_VAULT", str(device.path))
        mp.setenv("SLI_PASSPHRASE", PASSPHRASE)
        mp.setattr("sys.stderr", err)
        mp.setattr("sys.stdout", out)
        code = main(list(args), keystore_factory=lambda: device.keystore)
    return code, err.text() + out.text()


class _Stream(io.TextIOWrapper):
    """A standard stream the CLI can write text and bytes to; a terminal if ``tty``."""

    def __init__(self, tty: bool) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def text(self) -> str:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8")


# -- 1. a conflict is decided once ------------------------------------------------------------
@pytest.mark.parametrize(
    "lost",
    [
        ("/v1/pull", "before"),  # the push answered "conflict"; the pull never started
        ("/v1/pull", "after"),  # the pull's answer was lost
        ("/v1/push", "after"),  # the push landed; its answer was lost (a repeated push)
        ("/v1/push", "reset"),
    ],
    ids=["pull-cut", "pull-answer-lost", "push-answer-lost", "push-reset"],
)
def test_a_conflict_is_decided_once_whatever_the_loser_misses(
    tmp_path: Path,
    storage: Storage,
    proxy: FaultProxy,
    lost: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = _device(tmp_path, storage, proxy, "alice")
    b = _device(tmp_path, storage, proxy, "bob")
    note = a.add_note("Budget gap", body="Reserves are low.")
    a.sync()
    b.sync()
    a.edit(note.id, title="Budget gap of 12m")
    b.edit(note.id, title="Budget gap of 9m")
    _change_ids(a, "f")  # Alice's edit is kept, Bob's set aside
    _change_ids(b, "0")
    a.sync()
    proxy.fault(*lost)
    with pytest.raises(SyncError):
        b.sync()
    b.edit(note.id, body="Reserves are low; the s114 notice is likely.")
    b.sync()
    a.sync()
    b.sync()

    conflicts = _server_conflicts(storage)
    assert len(conflicts) == 1, conflicts
    assert conflicts[0]["fields"]["title"] == {
        "winner": "Budget gap of 12m",
        "loser": "Budget gap of 9m",
    }
    for device in (a, b):
        held = device.note(note.id)
        assert held is not None
        assert held.title == "Budget gap of 12m"
        assert held.body == "Reserves are low; the s114 notice is likely."
        assert len(device.open_conflicts()) == 1
    code, shown = _sli(b, "conflicts", "list", "--json")
    assert code == 0, shown
    assert shown.count('"record_id"') == 1, shown


# -- 2. a lost enrolment answer ---------------------------------------------------------------
@pytest.mark.parametrize("cut", ["after", "reset", "before", "mid"])
def test_a_lost_enrolment_answer_is_asked_for_again(
    tmp_path: Path, storage: Storage, proxy: FaultProxy, cut: str
) -> None:
    """Cut after the server enrolled the device (the answer lost), or before it could."""
    code = storage.add_user("carol", "adviser", ["London"])
    carol = make_device(tmp_path, "carol")
    proxy.fault("/v1/enroll", cut)
    with pytest.raises(SyncError, match=r"cannot reach .*; enrol again with the same code"):
        carol.client().enroll(proxy.url, code, "carol-laptop")
    done = carol.client().enroll(proxy.url, code, "carol-laptop")
    devices = [d for d in storage.list_devices() if d["user"] == "carol"]
    assert [d["id"] for d in devices] == [done.device_id]
    carol.sync()  # the council register
    carol.add_note("Peer review booked")
    result = carol.sync()
    assert (result.pushed, result.rejected) == (1, 0)

    # Another vault cannot reuse the code, with or without an enrolment id of its own.
    mallory = make_device(tmp_path, "mallory")
    with pytest.raises(SyncError, match="did not accept the enrolment code"):
        mallory.client().enroll(proxy.url, code, "mallory")
    assert len([d for d in storage.list_devices() if d["user"] == "carol"]) == 1


def test_the_same_vault_asking_again_gets_the_same_device_and_token(
    storage: Storage, server: BackgroundServer
) -> None:
    code = storage.add_user("dan", "adviser", ["London"])
    mine = {"code": code, "device_name": "dan", "enrolment_id": "A" * 43}
    other = {**mine, "enrolment_id": "B" * 43}
    with httpx.Client(base_url=server.url + p.API) as http:
        first = http.post("/enroll", json=mine)
        again = http.post("/enroll", json=mine)
        stranger = http.post("/enroll", json=other)
        old_client = http.post("/enroll", json={"code": code, "device_name": "x"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert stranger.status_code == old_client.status_code == 401
    token = first.json()["token"]
    with httpx.Client(base_url=server.url + p.API) as http:
        me = http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["device_id"] == first.json()["device_id"]


def test_no_second_answer_after_the_window_or_for_a_revoked_device(
    storage: Storage, server: BackgroundServer
) -> None:
    code = storage.add_user("erin", "adviser", ["London"])
    first = storage.enroll(code, "erin", now=1_000.0, enrolment_id="C" * 43)
    assert first is not None
    late = storage.enroll(code, "erin", now=1_000.0 + 16 * 60, enrolment_id="C" * 43)
    assert late is None
    soon = storage.enroll(code, "erin", now=1_060.0, enrolment_id="C" * 43)
    assert soon is not None and soon.token == first.token
    storage.revoke_device(first.device_id)
    assert storage.enroll(code, "erin", now=1_070.0, enrolment_id="C" * 43) is None


# -- 3. a request cut by its client -----------------------------------------------------------
@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip", "plain"])
def test_an_upload_cut_by_the_client_is_logged_as_the_clients_with_its_route(
    tmp_path: Path,
    storage: Storage,
    proxy: FaultProxy,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    gzipped: bool,
) -> None:
    a = _device(tmp_path, storage, proxy, "alice")
    for i in range(5):
        a.add_note(f"Finance note {i}", body="The medium-term plan has a gap. " * 20)
    if not gzipped:
        monkeypatch.setattr(transport, "GZIP_FROM", 10**9)
    caplog.set_level(logging.INFO, logger="sli.server.access")
    proxy.fault("/v1/push", "mid", keep=10)
    with pytest.raises(SyncError, match="cannot reach"):
        a.sync()
    lines = access_lines(caplog, "/v1/push")
    assert lines, "the cut push was not logged under its route"
    assert [line.status for line in lines] == [499]  # type: ignore[attr-defined]
    assert not access_lines(caplog, "(no route)", seconds=0)
    assert a.sync().pushed == 5  # and the next sync sends it all


# -- 4. timeouts that fit the work ------------------------------------------------------------
def test_a_hung_server_is_reported_within_fifteen_seconds(
    tmp_path: Path, storage: Storage, proxy: FaultProxy
) -> None:
    a = _device(tmp_path, storage, proxy, "alice")
    a.add_note("Budget gap")
    proxy.fault("/v1/pull", "hang")  # after the push: the pull's page is read in a worker
    started = time.monotonic()
    with pytest.raises(NotAnswering, match="not answering"):
        a.sync()  # the client's own timeouts, as a person gets them
    assert time.monotonic() - started < 15


def test_a_slow_answer_keeps_flowing_past_the_first_byte_timeout(
    tmp_path: Path, storage: Storage, proxy: FaultProxy
) -> None:
    a = _device(tmp_path, storage, proxy, "alice")
    b = _device(tmp_path, storage, proxy, "bob")
    for i in range(30):
        a.add_note(f"Note {i}", body="A long body for a page that takes a while. " * 10)
    a.sync()
    proxy.fault("/v1/pull", "stall", pause=2.0)
    patient = Timeouts(first_byte=1.0, between_bytes=10.0)
    result = SyncClient(b.vault, b.keystore, timeouts=patient).sync()
    assert result.pulled >= 30
    assert [s.action for s in proxy.faults_used()] == ["stall"]


# -- 5. what the person is told ---------------------------------------------------------------
def test_a_failed_sync_leaves_a_clean_terminal_line(
    tmp_path: Path, storage: Storage, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _device(tmp_path, storage, proxy, "alice")
    a.add_note("Budget gap")
    proxy.fault("/v1/pull", "before")
    code, shown = _sli(a, "sync")
    assert code == 2
    assert "push: 1/1" in shown  # progress was shown ...
    last = shown.rstrip("\n").split("\n")[-1]
    visible = last.split("\r")[-1]
    assert visible.startswith("sli: cannot reach the sync server"), repr(last)
    assert last.split("\r")[-2].strip() == "", repr(last)  # ... and wiped before the error


def test_an_edit_refused_because_the_note_was_disposed_says_it_went_with_the_note(
    tmp_path: Path, storage: Storage, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _device(tmp_path, storage, proxy, "alice")
    b = _device(tmp_path, storage, proxy, "bob")
    note = a.add_note("Chief executive leaving", body="Heard at the LGA conference.")
    a.sync()
    b.sync()
    Notes(a.vault).dispose(note.id)
    a.sync()
    b.edit(note.id, body="Confirmed by the leader.")
    code, shown = _sli(b, "sync")
    assert code == 0
    assert "the note has been disposed of" in shown
    assert "disposed of on another device, so this edit was discarded with it" in shown
    assert "kept here unsent" not in shown
    held = b.note(note.id)
    assert held is not None and held.disposed_on is not None
    assert "Confirmed" not in held.body


# -- 6. a seeded random run -------------------------------------------------------------------
FIELDS = ("title", "body")
#: Few notes, so that edits on several devices meet often.
NOTES = 6


@pytest.mark.timeout(120)
def test_a_seeded_random_run_converges_with_nothing_lost(
    tmp_path: Path, storage: Storage, proxy: FaultProxy
) -> None:
    rng = random.Random(2026_12_05)
    devices = [_device(tmp_path, storage, proxy, name) for name in ("ann", "ben", "cat")]
    proxy.chaos = Chaos(random.Random(rng.random()), rate=0.3)
    notes: list[str] = []
    #: every value written, and every value an edit replaced (seen, so not lost)
    written: set[tuple[str, str, str]] = set()
    replaced: set[tuple[str, str, str]] = set()
    counter = 0
    started = time.monotonic()
    for _step in range(400):
        device = rng.choice(devices)
        action = rng.random()
        counter += 1
        if len(notes) < NOTES and (action < 0.15 or not notes):
            note = device.add_note(f"Note {counter}", body=f"body {counter}")
            notes.append(note.id)
            written |= {(note.id, "title", note.title), (note.id, "body", note.body)}
        elif action < 0.65:
            note_id = rng.choice(notes)
            held = device.note(note_id)
            if held is None:
                continue
            name = rng.choice(FIELDS)
            value = f"{name} {counter} by {device.name}"
            replaced.add((note_id, name, getattr(held, name)))
            device.edit(note_id, **{name: value})
            written.add((note_id, name, value))
        else:
            with contextlib.suppress(SyncError):
                device.sync()
    proxy.chaos = None
    for _round in range(2):
        for device in devices:
            device.sync()
    assert time.monotonic() - started < 60

    snapshots = [d.snapshot() for d in devices]
    assert snapshots[0] == snapshots[1] == snapshots[2], "the vaults did not converge"
    conflicts = _server_conflicts(storage)
    pairs = [
        (c["record_id"], name, frozenset({str(f["winner"]), str(f["loser"])}))
        for c in conflicts
        for name, f in c["fields"].items()
    ]
    assert len(pairs) == len(set(pairs)), "a pair of edits met in more than one conflict"
    final = {}
    for note_id in notes:
        held = devices[0].note(note_id)
        assert held is not None, "a note was lost"
        for name in FIELDS:
            final[(note_id, name)] = getattr(held, name)
    in_conflicts = {
        (c["record_id"], name, str(v))
        for c in conflicts
        for name, f in c["fields"].items()
        for v in (f["winner"], f["loser"])
    }
    lost = [
        w
        for w in written
        if w not in replaced and final[(w[0], w[1])] != w[2] and w not in in_conflicts
    ]
    assert not lost, f"edits lost: {lost}"
    assert any(s.action for s in proxy.seen), "the run met no faults"
    for device in devices:
        assert len(device.open_conflicts()) == len(conflicts)
