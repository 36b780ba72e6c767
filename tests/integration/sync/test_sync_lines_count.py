"""A JSON lines pull page counts its items in its head (review of the pull's lines): a body
cut at a line's end still reads as lines, so only the count tells it from the whole page, and
such a page is refused whole; an older server's head without the count is still read. The
answer says it varies with Accept. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from sli_desktop.sync.errors import SyncError
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import enrolled_pair


class Rewriting(httpx.HTTPTransport):
    """Real HTTP; each JSON lines pull answer's body passes through ``rewrite`` first."""

    def __init__(self, rewrite: object) -> None:
        super().__init__()
        self.rewrite = rewrite
        self.heads: list[dict[str, object]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        kind = response.headers.get("content-type", "")
        if not request.url.path.endswith("/pull") or not kind.startswith(p.FEED_LINES):
            return response
        lines = response.read().split(b"\n")
        self.heads.append(json.loads(lines[0]))
        assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
        headers = {"content-type": kind}
        body = b"\n".join(self.rewrite(lines))  # type: ignore[operator]
        return httpx.Response(response.status_code, headers=headers, content=body)


def _without_last_item(lines: list[bytes]) -> list[bytes]:
    return lines[:-1] if len(lines) > 1 else lines


def _without_count(lines: list[bytes]) -> list[bytes]:
    head = json.loads(lines[0])
    del head["count"]
    return [json.dumps(head).encode(), *lines[1:]]


def test_a_page_cut_at_a_line_is_refused_whole(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    notes = [alice.add_note(f"Finance {i}") for i in range(5)]
    alice.sync()
    cursor = SyncState(bob.vault).cursor
    bob.transport = wire = Rewriting(_without_last_item)
    with pytest.raises(SyncError, match=r"^the sync server's answer was cut short: sync again$"):
        bob.sync()
    assert all(bob.note(n.id) is None for n in notes)
    assert SyncState(bob.vault).cursor == cursor
    assert wire.heads and wire.heads[0]["count"] == 5


def test_a_head_without_a_count_is_still_read(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    notes = [alice.add_note(f"Finance {i}") for i in range(5)]
    alice.sync()
    bob.transport = Rewriting(_without_count)
    assert bob.sync().pulled == 5
    assert [bob.note(n.id) for n in notes] == [alice.note(n.id) for n in notes]
