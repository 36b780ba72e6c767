"""A device's own pushed changes come back in the pull that follows its push. When the vault
already holds one exactly as it comes back, the pull leaves the row alone (sync/client.py,
``SyncClient._held``); anything that differs in any column is written as before. These tests
hold the result to what writing every pulled record gives: every record as the server has it,
the same audit entry, the same counts, and never a colleague's change skipped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import Note, Record
from sli_desktop.server.storage import Storage, records
from sli_desktop.vault import codec
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.store import Vault
from tests.background_server import BackgroundServer

from .support import Device, enrolled_pair


def _as_server_has_it(storage: Storage, device: Device) -> None:
    """Every note of the device's vault holds exactly the row the server's latest revision
    makes (what writing the pulled record stores), column for column."""
    with storage.engine.connect() as conn:
        stored = {
            str(r.record_id): r.payload
            for r in conn.execute(
                sa.select(records.c.record_id, records.c.payload).where(records.c.kind == "note")
            )
        }
    names = codec.columns(Note)
    mine = {n.id: n for n in device.vault.records(Note)}
    assert set(mine) == set(stored)
    for record_id, payload in stored.items():
        expected = codec.encode(codec.from_payload(Note, json.loads(payload)))
        assert codec.encode(mine[record_id]) == expected, record_id
        row = device.vault.query(
            f"SELECT {', '.join(codec.quoted(n) for n in names)} FROM notes WHERE id = ?",
            (record_id,),
        )[0]
        assert tuple(row) == tuple(expected[n] for n in names)


class _Spy:
    """What apply_remote was asked to write and to leave alone, call by call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[int, int]] = []
        original = Vault.apply_remote
        spy = self

        def apply_remote(
            vault: Vault,
            incoming: list[Record],
            detail: dict[str, Any] | None = None,
            *,
            held: list[Record] = [],  # noqa: B006 - mirrors the default ()
            **more: Any,
        ) -> None:
            spy.calls.append((len(incoming), len(held)))
            original(vault, incoming, detail, held=held, **more)

        monkeypatch.setattr(Vault, "apply_remote", apply_remote)


def _received(device: Device) -> list[dict[str, Any]]:
    """The device's sync-received audit details, oldest first."""
    entries = sorted(AuditLog(device.vault).entries(), key=lambda e: e.seq)
    return [json.loads(e.detail) for e in entries if e.action == "sync-received"]


def test_own_changes_coming_back_are_not_rewritten_and_match_the_server(
    tmp_path: Path, storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = enrolled_pair(tmp_path, storage, server)
    ids = [a.add_note(f"Visit {i}", body=f"Observations {i}").id for i in range(30)]
    spy = _Spy(monkeypatch)
    before = len(_received(a))
    done = a.sync()
    assert (done.pushed, done.pulled) == (30, 30)  # counted as pulled, as before
    assert spy.calls == [(0, 30)]  # all 30 came back as sent: none rewritten
    entry = _received(a)[before]
    assert (entry["records"], entry["kinds"]) == (30, ["note"])  # the same audit entry
    _as_server_has_it(storage, a)
    for i, note_id in enumerate(ids[:25]):  # edits of pulled records come back the same way
        a.edit(note_id, title=f"Visit {i} (edited)")
    spy.calls.clear()
    assert a.sync().pushed == 25
    assert spy.calls == [(0, 25)]
    _as_server_has_it(storage, a)
    b.sync()
    assert a.snapshot() == b.snapshot()


def test_an_own_change_that_comes_back_different_is_written(
    tmp_path: Path, storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three local saves make version 3; the server makes it revision 1 and sends version 1
    back: the row takes the server's version, as a pulled record always did."""
    a, b = enrolled_pair(tmp_path, storage, server)
    note = a.add_note("Draft wording")
    a.edit(note.id, body="second")
    a.edit(note.id, body="third")
    assert a.note(note.id).version == 3  # type: ignore[union-attr]
    spy = _Spy(monkeypatch)
    a.sync()
    assert spy.calls == [(1, 0)]
    assert a.note(note.id).version == 1  # type: ignore[union-attr]
    _as_server_has_it(storage, a)
    b.sync()
    assert a.snapshot() == b.snapshot()


class _Between(httpx.BaseTransport):
    """Real HTTP; once the server has answered the first push, ``meanwhile`` runs before the
    answer is handed on (another device syncing between this device's push and its pull; on
    the calling thread, which owns the vaults)."""

    def __init__(self, meanwhile: Callable[[], object]) -> None:
        self.inner = httpx.HTTPTransport()
        self.meanwhile: Callable[[], object] | None = meanwhile

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path.endswith("/push") and self.meanwhile is not None:
            response.read()
            run, self.meanwhile = self.meanwhile, None
            run()
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("page", [1, 2, 500])
@pytest.mark.parametrize("same_field", [False, True])
def test_a_colleagues_change_landing_between_push_and_pull_is_never_skipped(
    tmp_path: Path,
    storage: Storage,
    server: BackgroundServer,
    page: int,
    same_field: bool,
) -> None:
    """Alice's push lands, then Bob's edit of the same notes lands before Alice's pull: the
    feed holds her change and then his. Hers comes back as she holds it and is left; his must
    be written (the cursor passes over nothing), whatever the page size."""
    a, b = enrolled_pair(tmp_path, storage, server)
    ids = [a.add_note(f"Visit {i}", body="before").id for i in range(3)]
    a.sync()
    b.sync()
    for note_id in ids:
        a.edit(note_id, title="Alice's title")
        b.edit(note_id, **({"title": "Bob's title"} if same_field else {"body": "Bob's body"}))
    a.transport = _Between(b.sync)
    a.sync(page=page)
    a.transport = None
    b.sync()
    _as_server_has_it(storage, a)
    assert a.snapshot() == b.snapshot()
    for note_id in ids:
        got = a.note(note_id)
        assert got is not None
        if same_field:
            # one winner everywhere; the other title kept as a conflict on both devices
            assert got.title in ("Alice's title", "Bob's title")
            assert {c["record_id"] for c in a.open_conflicts()} == set(ids)
            assert a.open_conflicts() == b.open_conflicts()
        else:
            assert (got.title, got.body) == ("Alice's title", "Bob's body")
