"""Offline expiry from the command line (issue 8 item 5): after N days without a sync every
command but sync, enroll and looking after the vault refuses in one sentence with exit 2;
`sli sync` reopens it. A standalone vault never expires."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sli_desktop.server.storage import Storage
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE, CliResult
from tests.integration.test_cli import as_json, fails, ok

from .support import WESTMINSTER, register_payloads

Cli = Callable[..., CliResult]


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[Storage, BackgroundServer]]:
    storage = Storage(f"sqlite:///{tmp_path / 'server.sqlite'}")
    storage.import_councils(register_payloads())
    server = BackgroundServer(storage, max_offline_days=5).start()
    yield storage, server
    server.stop()
    storage.close()


def _backdate(path: Path, days: int) -> None:
    """As if the last sync was ``days`` ago: the clock moves on while the device is offline."""
    vault = unlock(path, PASSPHRASE)
    try:
        when = vault.now() - timedelta(days=days)
        vault.set_meta("last_synced", when.isoformat())
    finally:
        vault.close()


def test_a_device_offline_too_long_refuses_until_it_syncs(
    vault: Vault, cli: Cli, limited: tuple[Storage, BackgroundServer]
) -> None:
    storage, server = limited
    path = vault.path
    vault.close()
    # Standalone: no limit, however old.
    _backdate(path, 400)
    ok(cli("note", "list"))

    code = storage.add_user("amy", "adviser", ["London"])
    ok(cli("enroll", "--server", server.url, "--code", code))
    ok(cli("sync"))
    ok(cli("note", "list"))
    _backdate(path, 6)  # the server allows 5 days
    for command in (["note", "list"], ["council", "list"], ["search", "budget"]):
        message = fails(cli(*command))
        assert message == (
            "this device has not synced for more than 5 days, so the vault stays locked "
            "until it syncs: run sli sync"
        )
    ok(cli("vault", "info"))  # looking after the vault file still works
    assert as_json(cli("sync", "--json"))["pushed"] == 0
    ok(cli("note", "list"))  # reopened

    # A draft stays behind, and sync says so.
    ok(
        cli(
            "note", "add", "--council", WESTMINSTER, "--title", "Gap", "--body", "x",
            "--concern", "high", "--draft",
        )
    )  # fmt: skip
    assert as_json(cli("sync", "--json")) == {
        "pushed": 0,
        "pulled": 0,
        "conflicts": 0,
        "drafts_held": 1,
    }
    assert "1 draft note stays on this device until complete" in ok(cli("sync")).out


def test_the_operator_limit_is_checked_before_the_server_starts(cli: Cli, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'never-created.sqlite'}"
    message = fails(cli("server", "serve", "--max-offline-days", "-1", "--db", db))
    assert message == "--max-offline-days must be between 0 and 3650"
    assert "invalid int value" in fails(cli("server", "serve", "--max-offline-days", "a week"))
    assert not (tmp_path / "never-created.sqlite").exists()
