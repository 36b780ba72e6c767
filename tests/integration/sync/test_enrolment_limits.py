"""Failed enrolment attempts are limited per client address and per code, never for everyone
at once; X-Forwarded-For counts only from a proxy the operator trusts; the counts live in the
server's database. Through real servers on 127.0.0.1 over SQLite and PostgreSQL, with forged
headers standing for other clients, and the server's clock moved instead of waiting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.server import ratelimit
from sli_desktop.server.proxies import trusted_networks
from sli_desktop.server.ratelimit import ADDRESS_WINDOW, PER_ADDRESS, PER_CODE
from sli_desktop.server.storage import Storage, enrolment_failures
from tests.background_server import BackgroundServer
from tests.conftest import CliResult
from tests.integration.test_cli import fails

from .support import database_url, register_payloads

BURNT = "too many failed enrolment attempts with this code"


def _enrol(url: str, code: str, forwarded: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return httpx.post(
        f"{url}/v1/enroll", json={"code": code, "device_name": "laptop"}, headers=headers
    )


def _wrong(n: int, selector: str | None = None) -> str:
    """A code that matches nothing: its own first group, or ``selector``."""
    return f"{selector or f'{n:06X}'}-000000-000000-{n:06X}"


def _behind_a_proxy(server: BackgroundServer) -> None:
    """As `sli server serve --trusted-proxy 127.0.0.1`: the tests' requests come from the
    proxy, and the address each one forwards stands for a different client."""
    server.app.state.trusted_proxies = trusted_networks(["127.0.0.1"])


def test_other_clients_failures_never_refuse_a_valid_code(
    storage: Storage, server: BackgroundServer
) -> None:
    _behind_a_proxy(server)
    # Many clients failing (more than the old overall limit of 30 a minute), each once.
    for n in range(40):
        assert _enrol(server.url, _wrong(n), forwarded=f"198.51.100.{n}").status_code == 401
    code = storage.add_user("amy", "adviser", ["London"])
    assert _enrol(server.url, code, forwarded="203.0.113.9").status_code == 200


def test_one_address_is_limited_and_waits_on_the_servers_clock(
    storage: Storage, server: BackgroundServer
) -> None:
    _behind_a_proxy(server)
    now = [time.time()]
    server.app.state.clock = lambda: now[0]
    for n in range(PER_ADDRESS):
        assert _enrol(server.url, _wrong(n), forwarded="198.51.100.7").status_code == 401
    amy, bob = (storage.add_user(n, "adviser", ["London"]) for n in ("amy", "bob"))
    limited = _enrol(server.url, amy, forwarded="198.51.100.7")
    assert limited.status_code == 429
    assert limited.json()["detail"].startswith("too many failed enrolment attempts: wait ")
    assert 0 < int(limited.headers["Retry-After"]) <= ADDRESS_WINDOW + 1
    assert _enrol(server.url, bob, forwarded="198.51.100.8").status_code == 200  # elsewhere
    now[0] += ADDRESS_WINDOW
    assert _enrol(server.url, amy, forwarded="198.51.100.7").status_code == 200


def test_an_ipv6_client_counts_by_its_64(storage: Storage, server: BackgroundServer) -> None:
    _behind_a_proxy(server)
    for n in range(PER_ADDRESS):  # one host, a new address from its /64 each time
        wrong = _enrol(server.url, _wrong(n), forwarded=f"2001:db8:1:2::{n + 1:x}")
        assert wrong.status_code == 401
    code = storage.add_user("amy", "adviser", ["London"])
    assert _enrol(server.url, code, forwarded="2001:db8:1:2::ffff").status_code == 429
    assert _enrol(server.url, code, forwarded="2001:db8:1:3::1").status_code == 200


def test_wrong_tries_burn_a_code_from_any_address_and_say_nothing_of_it(
    storage: Storage, server: BackgroundServer
) -> None:
    _behind_a_proxy(server)
    code = storage.add_user("amy", "adviser", ["London"])
    selector = code.split("-")[0]
    for n in range(PER_CODE):  # a different address for each: only the code counts
        wrong = _enrol(server.url, _wrong(n, selector), forwarded=f"198.51.100.{n}")
        assert wrong.status_code == 401
    burnt = _enrol(server.url, code, forwarded="203.0.113.1")
    assert burnt.status_code == 429 and BURNT in burnt.json()["detail"]
    # A code that does not exist, with the same first group, gets the same answer.
    unknown = _enrol(server.url, _wrong(99, selector), forwarded="203.0.113.2")
    assert (unknown.status_code, unknown.json()) == (burnt.status_code, burnt.json())
    # The operator issues a new code (another first group), which works.
    again = storage.add_user("amy", "adviser", ["London"])
    assert again.split("-")[0] != selector
    assert _enrol(server.url, again, forwarded="203.0.113.1").status_code == 200


def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(
    storage: Storage, server: BackgroundServer
) -> None:
    for n in range(PER_ADDRESS):  # a new forged address each time: all one client
        assert _enrol(server.url, _wrong(n), forwarded=f"198.51.100.{n}").status_code == 401
    code = storage.add_user("amy", "adviser", ["London"])
    assert _enrol(server.url, code, forwarded="203.0.113.1").status_code == 429


def test_a_trusted_proxy_is_believed_only_for_the_address_it_saw(
    storage: Storage, server: BackgroundServer
) -> None:
    """A proxy that appends (nginx's $proxy_add_x_forwarded_for) leaves what the client sent
    on the left: the right-most address that is not a trusted proxy is the client's."""
    server.app.state.trusted_proxies = trusted_networks(["127.0.0.1", "10.0.0.0/8"])
    for n in range(PER_ADDRESS):
        forged = f"192.0.2.{n}, 198.51.100.7, 10.1.2.3"  # client forged, real, inner proxy
        assert _enrol(server.url, _wrong(n), forwarded=forged).status_code == 401
    code = storage.add_user("amy", "adviser", ["London"])
    assert _enrol(server.url, code, forwarded="192.0.2.77, 198.51.100.7").status_code == 429
    assert _enrol(server.url, code, forwarded="198.51.100.8").status_code == 200


def test_counts_are_shared_by_server_processes_and_kept_over_a_restart(
    storage: Storage, server: BackgroundServer
) -> None:
    for n in range(PER_ADDRESS):
        assert _enrol(server.url, _wrong(n)).status_code == 401
    code = storage.add_user("amy", "adviser", ["London"])
    other = Storage(storage.url)  # a second server process on the same database
    second = BackgroundServer(other).start()
    try:
        assert _enrol(second.url, code).status_code == 429
    finally:
        second.stop()
        other.close()
    server.stop()
    restarted = BackgroundServer(storage).start()
    try:
        assert _enrol(restarted.url, code).status_code == 429
        restarted.app.state.clock = lambda: time.time() + ADDRESS_WINDOW
        assert _enrol(restarted.url, code).status_code == 200
    finally:
        restarted.stop()


# -- sli server serve --trusted-proxy ---------------------------------------------------------
def test_sli_server_serve_refuses_a_trusted_proxy_that_is_not_an_address(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    message = fails(cli("server", "serve", "--db", db, "--trusted-proxy", "proxy.example"))
    assert "--trusted-proxy 'proxy.example' is not an IP address or network" in message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = database_url(request.param, tmp_path)
    storage = Storage(url)
    storage.reset()
    storage.import_councils(register_payloads())
    storage.close()
    yield url


def _serving(database: str, tmp_path: Path, *flags: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-c", "from sli_desktop.cli.app import run; run()"]
    command += ["server", "serve", "--db", database, "--port", str(port), *flags]
    log = (tmp_path / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sli server serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    pytest.fail("sli server serve did not become ready in 60 s")


def test_sli_server_serve_believes_forwarded_for_only_from_a_trusted_proxy(
    database: str, tmp_path: Path
) -> None:
    setup = Storage(database)
    codes = [setup.add_user(name, "adviser", ["London"]) for name in ("amy", "bob", "cat")]
    setup.close()
    # Without --trusted-proxy (uvicorn alone would believe 127.0.0.1): forged addresses are
    # one client, the peer.
    process, url = _serving(database, tmp_path)
    try:
        for n in range(PER_ADDRESS):
            assert _enrol(url, _wrong(n), forwarded=f"198.51.100.{n}").status_code == 401
        assert _enrol(url, codes[0], forwarded="203.0.113.1").status_code == 429
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    # With it: each forwarded address is a client of its own. The count above is in the
    # database, so 127.0.0.1 itself is still limited.
    process, url = _serving(database, tmp_path, "--trusted-proxy", "127.0.0.1/32")
    try:
        for n in range(PER_ADDRESS):
            assert _enrol(url, _wrong(n + 50), forwarded="198.51.100.60").status_code == 401
        assert _enrol(url, codes[1], forwarded="198.51.100.60").status_code == 429
        assert _enrol(url, codes[1], forwarded="198.51.100.61").status_code == 200
        assert _enrol(url, codes[2]).status_code == 429  # no header: the proxy itself
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def _failure_rows(storage: Storage) -> dict[str, int]:
    with storage.engine.connect() as conn:
        rows = conn.execute(
            sa.select(enrolment_failures.c.scope, sa.func.count()).group_by(
                enrolment_failures.c.scope
            )
        ).all()
    return {str(scope): int(count) for scope, count in rows}


def test_what_cannot_select_a_code_counts_against_its_address_only(
    storage: Storage, server: BackgroundServer
) -> None:
    _behind_a_proxy(server)
    code = storage.add_user("amy", "adviser", ["London"])
    for n in range(PER_CODE + 5):  # not six hex digits first: no code starts so
        typed = f"ZZ{n:04d}-" + code.split("-", 1)[1]
        assert _enrol(server.url, typed, forwarded=f"198.51.100.{n}").status_code == 401
    assert _failure_rows(storage) == {"address": PER_CODE + 5}
    assert _enrol(server.url, code, forwarded="203.0.113.1").status_code == 200


def test_a_flood_of_failures_cannot_fill_the_disk(
    storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fresh first groups from ever new addresses: the table keeps at most MAX_ROWS, the
    oldest going first, and the per-address limit still holds."""
    monkeypatch.setattr(ratelimit, "MAX_ROWS", 40)
    _behind_a_proxy(server)
    for n in range(60):
        assert (
            _enrol(server.url, _wrong(n), forwarded=f"198.51.{n // 200}.{n % 200}").status_code
            == 401
        )
        assert sum(_failure_rows(storage).values()) <= 40
    for _ in range(PER_ADDRESS):
        _enrol(server.url, _wrong(1000), forwarded="203.0.113.9")
    assert _enrol(server.url, _wrong(1001), forwarded="203.0.113.9").status_code == 429
