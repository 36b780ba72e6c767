"""A pull page as JSON lines (``protocol.FEED_LINES``): the device reads it a slice at a time,
so no single call holds the interpreter lock for a whole page (the window's thread waited up
to 180 ms behind one). The lines must carry exactly the page the JSON form carries, a server
that answers plain JSON (one older than the lines) must still be pulled from, and a broken
line must fail its page whole with one sentence, as a broken JSON answer does."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.server.storage import Storage, revisions
from sli_desktop.sync import protocol as p
from sli_desktop.sync import pull
from sli_desktop.sync.client import SyncError
from sli_desktop.sync.turns import Turns
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import enrolled, enrolled_pair, rewrite_payloads


class Recording(httpx.HTTPTransport):
    """Real HTTP; keeps each pull's Accept header and the answer's content type. With
    ``plain``, asks as an older device would (no JSON lines), as an older server answers."""

    def __init__(self, plain: bool = False) -> None:
        super().__init__()
        self.plain = plain
        self.pulls: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/pull") and self.plain:
            request.headers["Accept"] = "application/json"
        response = super().handle_request(request)
        if request.url.path.endswith("/pull"):
            self.pulls.append(
                (request.headers.get("accept", ""), response.headers.get("content-type", ""))
            )
        return response


def _page(server: BackgroundServer, token: str, accept: str) -> httpx.Response:
    with httpx.Client(base_url=server.url + p.API) as http:
        response = http.get(
            "/pull",
            params={"cursor": 0, "limit": 1000},
            headers={"Authorization": f"Bearer {token}", "Accept": accept},
        )
    response.raise_for_status()
    return response


def test_the_lines_carry_the_page_the_json_carries(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    alice.add_note("Line one\nline two", body='Café — naïve\n\n{"seq":1}\r\n\u2028end')
    for i in range(120):
        alice.add_note(f"Finance {i}")
    shared = alice.add_note("Both edit this")
    alice.sync()
    bob.sync()
    alice.edit(shared.id, title="Alice's title")
    bob.edit(shared.id, title="Bob's title")
    alice.sync()
    bob.sync()  # a conflict item in the feed
    # A payload stored over several lines (written some other way than the server writes it)
    # still makes one line.
    with storage.engine.begin() as conn:
        rev, payload = conn.execute(
            sa.select(revisions.c.rev, revisions.c.payload).where(
                revisions.c.record_id == shared.id
            )
        ).first()  # type: ignore[misc]
        conn.execute(
            revisions.update()
            .where(revisions.c.record_id == shared.id, revisions.c.rev == rev)
            .values(payload=json.dumps(json.loads(payload), indent=2))
        )
    token = str(SyncState(bob.vault).get("token") or bob.keystore.get(bob.client().token_name))

    lines = _page(server, token, p.FEED_LINES)
    plain = _page(server, token, "application/json")

    assert lines.headers["content-type"].startswith(p.FEED_LINES)
    assert plain.headers["content-type"].startswith("application/json")
    body = lines.content.split(b"\n")
    assert len(body) == 1 + len(json.loads(plain.content)["items"])  # the head, then one a line
    answer = pull.read_page(lines)
    assert answer == p.PullResponse.model_validate_json(plain.content)
    assert any(item.type == "conflict" for item in answer.items)
    assert answer.max_offline_days is not None


def test_a_page_is_read_a_slice_at_a_time(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """The reader validates a few items per call, and is given its turn before each: never a
    whole page in one call."""
    alice, bob = enrolled_pair(tmp_path, storage, server)
    for i in range(130):
        alice.add_note(f"Finance {i}")
    alice.sync()
    token = str(SyncState(bob.vault).get("token") or bob.keystore.get(bob.client().token_name))
    response = _page(server, token, p.FEED_LINES)
    turns: list[int] = []
    slices: list[int] = []
    answer = pull.read_page(
        response,
        before_slice=lambda: turns.append(len(slices)),
        after_slice=lambda items: slices.append(len(items)),
    )
    assert len(answer.items) >= 130
    assert sum(slices) == len(answer.items)
    assert max(slices) <= pull._READ_AT_ONCE
    assert len(slices) >= 3 and turns == list(range(len(slices)))


def test_the_device_asks_for_lines_and_pulls_an_older_servers_json_too(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, _ = enrolled_pair(tmp_path, storage, server)
    notes = [alice.add_note(f"Finance {i}") for i in range(40)]
    alice.sync()

    modern = enrolled(tmp_path, storage, server, "carol")
    modern.transport = wire = Recording()
    assert modern.sync(page=16).pulled >= 40
    assert wire.pulls and all(
        accept.startswith(p.FEED_LINES) and kind.startswith(p.FEED_LINES)
        for accept, kind in wire.pulls
    )

    older = enrolled(tmp_path, storage, server, "dave")
    older.transport = plain = Recording(plain=True)
    assert older.sync(page=16).pulled >= 40
    assert plain.pulls and all(kind.startswith("application/json") for _, kind in plain.pulls)
    for device in (modern, older):
        assert [device.note(n.id) for n in notes] == [alice.note(n.id) for n in notes]


def test_a_broken_line_fails_its_page_whole(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    good = alice.add_note("Finance: reserves")
    bad = alice.add_note("Housing: repairs")
    alice.sync()
    rewrite_payloads(storage, bad.id, '"date":"2026-01-05"', '"date":')
    cursor = SyncState(bob.vault).cursor

    with pytest.raises(SyncError, match="an answer this app does not understand"):
        bob.sync()
    assert bob.note(good.id) is None and bob.note(bad.id) is None
    assert SyncState(bob.vault).cursor == cursor


def test_the_reader_gets_its_turn_during_the_index_and_the_commit_only(
    tmp_path: Path, storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer spares the interpreter while SQLite alone works (the full-text index, the
    page's commit) and not while it inserts rows one by one."""
    alice, bob = enrolled_pair(tmp_path, storage, server)
    for i in range(30):
        alice.add_note(f"Finance {i}")
    alice.sync()
    made: list[Turns] = []

    class Kept(Turns):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(pull, "Turns", Kept)
    seen: list[tuple[str, bool]] = []
    bob.vault.conn.set_trace_callback(
        lambda sql: seen.append((" ".join(sql.split()[:3]), bool(made) and made[0].spare.is_set()))
    )
    try:
        assert bob.sync().pulled == 30
    finally:
        bob.vault.conn.set_trace_callback(None)
    spare = {statement for statement, is_set in seen if is_set}
    assert "COMMIT" in spare
    assert "INSERT INTO notes_fts(rowid," in spare
    assert ("INSERT INTO notes", False) in seen and "INSERT INTO notes" not in spare
    assert not made[0].spare.is_set() and made[0].done.is_set()
