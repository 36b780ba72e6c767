"""The wire, hardened: gzip-compressed pushes (and a gzip bomb refused with a clean 413), the pull
page served from the stored JSON texts, and the limit on failed enrolment attempts, all through
a real server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import Note
from sli_desktop.server.ratelimit import ADDRESS_WINDOW, PER_ADDRESS
from sli_desktop.server.storage import Storage, applied
from sli_desktop.sync import protocol as p
from sli_desktop.sync.client import SyncError
from sli_desktop.vault.store import Vault
from tests.background_server import BackgroundServer
from tests.conftest import CliResult
from tests.integration.test_cli import fails, ok

from .support import Flaky, enrolled, make_device, new_note_changes

Cli = Callable[..., CliResult]


class Recording(httpx.HTTPTransport):
    """Real HTTP that keeps each request's headers and the size of its body as sent."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, dict[str, str], int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.url.path, dict(request.headers), len(request.content)))
        return super().handle_request(request)


def _token(storage: Storage, server: BackgroundServer, name: str = "admin") -> str:
    code = storage.add_user(name, "admin", ["London"])
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_name": name})
    answer.raise_for_status()
    return str(answer.json()["token"])


def _push_body(count: int) -> dict[str, Any]:
    changes = new_note_changes(count, "admin", body="x" * 50)
    return {"changes": [c.model_dump(mode="json") for c in changes], "resolved": []}


def _post(server: BackgroundServer, token: str, body: bytes, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/push",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers},
        timeout=60,
    )


def test_a_gzip_compressed_push_is_applied(storage: Storage, server: BackgroundServer) -> None:
    token = _token(storage, server)
    raw = json.dumps(_push_body(20)).encode()
    answer = _post(server, token, gzip.compress(raw), **{"Content-Encoding": "gzip"})
    assert answer.status_code == 200, answer.text
    results = p.PushResponse.model_validate_json(answer.content).results
    assert [r.status for r in results] == ["applied"] * 20


def test_a_gzip_bomb_gets_a_clean_413_and_the_server_carries_on(
    storage: Storage, server: BackgroundServer
) -> None:
    token = _token(storage, server)
    # About 17 kB sent, inflating to more than the 16 MiB limit.
    bomb = gzip.compress(b"[" + b" " * (p.MAX_BODY_BYTES + 10) + b"]", compresslevel=9)
    assert len(bomb) < 100_000
    answer = _post(server, token, bomb, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413
    assert answer.json() == {"detail": "request too large"}
    # a body that inflates to just under the limit is still read (and refused as invalid JSON)
    near = gzip.compress(b" " * (p.MAX_BODY_BYTES - 10))
    assert _post(server, token, near, **{"Content-Encoding": "gzip"}).status_code == 422
    again = _post(
        server,
        token,
        gzip.compress(json.dumps(_push_body(1)).encode()),
        **{"Content-Encoding": "gzip"},
    )
    assert again.status_code == 200


def test_bad_gzip_and_unknown_encodings_are_refused_cleanly(
    storage: Storage, server: BackgroundServer
) -> None:
    token = _token(storage, server)
    body = json.dumps(_push_body(1)).encode()
    broken = _post(server, token, b"not gzip at all", **{"Content-Encoding": "gzip"})
    assert broken.status_code == 400 and "gzip" in broken.json()["detail"]
    truncated = _post(server, token, gzip.compress(body)[:-12], **{"Content-Encoding": "gzip"})
    assert truncated.status_code == 400 and "gzip" in truncated.json()["detail"]
    other = _post(server, token, body, **{"Content-Encoding": "br"})
    assert other.status_code == 415 and "Content-Encoding" in other.json()["detail"]


def test_the_client_pushes_compressed_and_everything_arrives(
    storage: Storage, server: BackgroundServer, tmp_path: Path
) -> None:
    wire = Recording()
    a = enrolled(tmp_path, storage, server, "a")
    a.sync()  # the register first
    a.transport = wire
    made = [a.add_note(f"Note {i}", body="Finance observations. " * 20) for i in range(30)]
    assert a.sync().pushed == 30
    pushes = [(h, n) for path, h, n in wire.requests if path.endswith("/push")]
    assert pushes and all(h.get("content-encoding") == "gzip" for h, _ in pushes)
    plain = len(json.dumps([n.to_json() for n in made]))
    assert sum(n for _, n in pushes) < plain / 3  # compressed well below the JSON it carries
    b = enrolled(tmp_path, storage, server, "b")
    b.sync()
    assert {n.id for n in made} <= {n.id for n in b.vault.records(Note)}
    assert b.note(made[0].id) == a.note(made[0].id)


def test_the_pull_body_is_exactly_the_pull_response(
    storage: Storage, server: BackgroundServer, tmp_path: Path
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    a.sync()
    for i in range(5):
        a.add_note(f'Née {i} \u2014 "quoted" \\ back', body="Ünïcode body\nline two")
    a.sync()
    who = storage.authenticate(_token(storage, server, "reader")).principal
    assert who is not None
    for cursor, limit in ((0, 2), (0, 1000), (3, 2)):
        body = storage.pull_json(who, cursor, limit, max_offline_days=30)
        parsed = p.PullResponse.model_validate_json(body)
        expected = storage.pull(who, cursor, limit).model_copy(update={"max_offline_days": 30})
        assert parsed == expected


def test_failed_enrolment_attempts_are_limited_with_a_clear_429(
    storage: Storage, server: BackgroundServer, tmp_path: Path
) -> None:
    url = f"{server.url}/v1/enroll"
    for i in range(PER_ADDRESS):
        wrong = httpx.post(url, json={"code": f"WRONG-CODE-{i:04d}", "device_name": "x"})
        assert wrong.status_code == 401
    good = storage.add_user("amy", "adviser", ["London"])
    limited = httpx.post(url, json={"code": good, "device_name": "x"})
    assert limited.status_code == 429
    assert "too many failed enrolment attempts" in limited.json()["detail"]
    assert 0 < int(limited.headers["Retry-After"]) <= 61
    # the client turns it into one sentence, and nothing was spent: the code still works later
    device = make_device(tmp_path, "amy")
    with pytest.raises(SyncError, match="refusing for now: too many failed enrolment"):
        device.client().enroll(server.url, good)
    server.app.state.clock = lambda: time.time() + ADDRESS_WINDOW  # a minute on
    assert device.client().enroll(server.url, good).user == "amy"


def test_sli_enroll_says_one_sentence_when_limited(
    vault: Vault, cli: Cli, storage: Storage, server: BackgroundServer
) -> None:
    vault.close()
    for i in range(PER_ADDRESS):
        wrong = f"{i:06d}-BBBBBB"
        assert "enrolment code" in fails(cli("enroll", "--server", server.url, "--code", wrong))
    code = storage.add_user("amy", "adviser", ["London"])
    message = fails(cli("enroll", "--server", server.url, "--code", code))
    assert "too many failed enrolment attempts" in message and "wait" in message
    server.app.state.clock = lambda: time.time() + ADDRESS_WINDOW
    ok(cli("enroll", "--server", server.url, "--code", code))


def test_applied_changes_keep_no_second_copy_and_a_lost_answer_still_merges_right(
    storage: Storage, server: BackgroundServer, tmp_path: Path
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    b = enrolled(tmp_path, storage, server, "b")
    a.sync()
    b.sync()
    note = a.add_note("Budget gap", body="First wording")
    a.transport = Flaky(after={1})  # the push lands (applied, rev 1); its answer is lost
    with pytest.raises(SyncError, match="cannot reach"):
        a.sync()
    with storage.engine.connect() as conn:
        sent = conn.execute(sa.select(applied.c.sent).where(applied.c.record_id == note.id))
        assert [row[0] for row in sent] == [""]  # the revision holds it: no second copy
    b.sync()
    b.edit(note.id, body="Body edited on B")  # rev 2, from rev 1
    b.sync()
    a.transport = None
    a.edit(note.id, title="Title edited on A")  # its base is the push whose answer was lost
    a.sync()
    b.sync()
    got = b.note(note.id)
    assert got is not None and (got.title, got.body) == ("Title edited on A", "Body edited on B")
    assert a.open_conflicts() == [] and b.open_conflicts() == []
    assert a.snapshot() == b.snapshot()
