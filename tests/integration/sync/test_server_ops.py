"""What an operator relies on: /healthz and /readyz on the real server (also over a broken
database), and access logs, as `sli server serve --log-format json` writes them, that carry
who and what route but never a word of a note."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import Note
from sli_desktop.server.logs import JsonFormatter, TextFormatter, device_hash
from sli_desktop.server.storage import Storage
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, access_lines, make_device, register_payloads


def test_healthz_answers_without_a_token_and_says_nothing_else(server: BackgroundServer) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_over_a_working_database(server: BackgroundServer) -> None:
    response = httpx.get(f"{server.url}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[tuple[Storage, BackgroundServer, Path]]:
    folder = tmp_path / "db"
    folder.mkdir()
    storage = Storage(f"sqlite:///{folder / 'server.sqlite'}")
    running = BackgroundServer(storage).start()
    yield storage, running, folder
    running.stop()
    storage.close()


def test_readyz_is_503_when_a_table_is_missing(
    sqlite_server: tuple[Storage, BackgroundServer, Path],
) -> None:
    storage, running, folder = sqlite_server
    assert httpx.get(f"{running.url}/readyz").status_code == 200
    with storage.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE conflicts"))
    response = httpx.get(f"{running.url}/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "1 of the server's tables" in response.json()["detail"]
    assert str(folder) not in response.text
    assert httpx.get(f"{running.url}/healthz").status_code == 200  # alive, but not ready


def test_readyz_is_503_when_the_database_does_not_answer(
    sqlite_server: tuple[Storage, BackgroundServer, Path],
) -> None:
    storage, running, folder = sqlite_server
    shutil.rmtree(folder)
    storage.engine.dispose()  # no pooled connection to the deleted file: the next one fails
    response = httpx.get(f"{running.url}/readyz")
    assert response.status_code == 503
    assert response.json()["detail"] == "the database does not answer"
    assert str(folder) not in response.text
    assert httpx.get(f"{running.url}/healthz").status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sli server serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail("sli server serve did not become ready in 60 s")


def test_json_access_log_of_a_real_sync_holds_no_note_text(tmp_path: Path) -> None:
    phrase = "Quixotic Marmalade Heron"
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    setup = Storage(db)
    setup.import_councils(register_payloads())
    code = setup.add_user("alice", "adviser", ["London"])
    second_code = setup.add_user("bob", "adviser", ["London"])
    setup.close()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    serve = [sys.executable, "-c", "from sli_desktop.cli.app import run; run()"]
    serve += ["server", "serve", "--db", db, "--port", str(port), "--log-format", "json"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(serve, stdout=log, stderr=subprocess.STDOUT, env=os.environ)
        try:
            _wait_ready(url, process)
            device = make_device(tmp_path, "laptop")
            enrolled = device.client().enroll(url, code, "laptop")
            device.sync()  # the council register comes down first
            device.add_note(
                title=f"Budget gap: {phrase}",
                council=WESTMINSTER,
                body=f"The chief executive said {phrase} twice.",
            )
            result = device.sync()
            assert result.pushed >= 1
            other = make_device(tmp_path, "second")
            other.client().enroll(url, second_code, "second")
            assert other.sync().pulled >= 1
            assert any(phrase in n.title for n in other.vault.records(Note))  # it travelled
            # A refused body and an unknown path that both carry the phrase.
            token = enrolled.token
            bad = httpx.post(
                f"{url}/v1/push",
                content=json.dumps({"changes": [{"note": phrase}]}),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert bad.status_code == 422
            assert httpx.get(f"{url}/{phrase.replace(' ', '-')}").status_code == 404
            device.vault.close()
            other.vault.close()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)

    text = log_path.read_text("utf-8")
    for word in phrase.split():
        assert word not in text, f"{word!r} from a note reached the server log"
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("message") == "request"]
    pushes = [r for r in requests if r["path"] == "/v1/push" and r["status"] == 200]
    assert pushes, requests
    assert pushes[0]["method"] == "POST"
    assert pushes[0]["user"] == "alice"
    assert pushes[0]["device"] == device_hash(enrolled.device_id)
    assert isinstance(pushes[0]["duration_ms"], float)
    assert any(r["path"] == "(no route)" and r["status"] == 404 for r in requests)
    assert any(r["path"] == "/v1/push" and r["status"] == 422 for r in requests)


def test_an_unexpected_error_is_logged_by_type_only_and_answered_500(
    sqlite_server: tuple[Storage, BackgroundServer, Path],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storage, running, _folder = sqlite_server
    secret = "Wistful Pelican Ledger"
    code = storage.add_user("carol", "adviser", ["London"])
    enrolled = httpx.post(
        f"{running.url}/v1/enroll", json={"code": code, "device_name": "laptop"}
    ).json()

    def broken_pull(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"a database error quoting a note: {secret}")

    for name in ("pull", "pull_json"):  # whichever the route calls
        monkeypatch.setattr(storage, name, broken_pull, raising=False)
    caplog.set_level(logging.INFO, logger="sli.server.access")
    response = httpx.get(
        f"{running.url}/v1/pull", headers={"Authorization": f"Bearer {enrolled['token']}"}
    )
    assert response.status_code == 500
    assert secret not in response.text
    (line,) = access_lines(caplog, "/v1/pull")
    assert line.status == 500  # type: ignore[attr-defined]
    assert line.error == "RuntimeError"  # type: ignore[attr-defined]
    assert line.user == "carol"  # type: ignore[attr-defined]
    formatted = [JsonFormatter().format(r) for r in caplog.records]
    formatted += [TextFormatter().format(r) for r in caplog.records]
    captured = capfd.readouterr()
    for text in (*formatted, captured.out, captured.err, caplog.text):
        assert "Wistful" not in text
    assert json.loads(formatted[0])["error"] == "RuntimeError"
    assert "status=500" in TextFormatter().format(line)
