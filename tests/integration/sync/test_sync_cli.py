"""The sync command contract, in-process: sli server add-user|list-devices|revoke-device|
import-councils --db, sli enroll, sli sync --json, sli conflicts list|resolve, one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.server.storage import Storage
from sli_desktop.vault.store import Vault
from tests.background_server import BackgroundServer
from tests.conftest import CliResult
from tests.integration.test_cli import as_json, fails, ok

from .support import WESTMINSTER, make_device, register_payloads

Cli = Callable[..., CliResult]


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server' / 'sync.sqlite'}"


@pytest.fixture
def running(db: str, tmp_path: Path) -> Iterator[BackgroundServer]:
    (tmp_path / "server").mkdir()
    storage = Storage(db)
    storage.import_councils(register_payloads())
    server = BackgroundServer(storage).start()
    yield server
    server.stop()
    storage.close()


@pytest.fixture
def sli(vault: Vault, cli: Cli) -> Cli:
    """The CLI against an empty vault: the register comes from the server."""
    vault.close()
    return cli


def test_the_whole_contract_from_enrolment_to_revocation(
    sli: Cli, db: str, running: BackgroundServer, tmp_path: Path
) -> None:
    user = as_json(
        sli(
            "server",
            "add-user",
            "alice",
            "--role",
            "adviser",
            "--region",
            "London",
            "--db",
            db,
            "--json",
        )
    )
    assert user["user"] == "alice" and len(user["code"]) >= 8
    ok(sli("enroll", "--server", running.url, "--code", user["code"]))
    # A code works once.
    assert "enrolment code" in fails(sli("enroll", "--server", running.url, "--code", user["code"]))

    first = as_json(sli("sync", "--json"))
    assert first == {"pushed": 0, "pulled": 3, "conflicts": 0}
    note = as_json(
        sli(
            "note",
            "add",
            "--council",
            WESTMINSTER,
            "--title",
            "Budget gap",
            "--body",
            "Start",
            "--json",
        )
    )
    assert as_json(sli("sync", "--json")) == {"pushed": 1, "pulled": 1, "conflicts": 0}

    other = make_device(tmp_path, "other")
    other.vault.close()
    bob = sli(
        "server", "add-user", "bob", "--role", "regional-lead", "--region", "London", "--db", db
    )
    code = ok(bob).out.strip()
    ok(sli("enroll", "--vault", str(other.path), "--server", running.url, "--code", code))
    pulled = as_json(sli("sync", "--vault", str(other.path), "--json"))
    assert pulled["pulled"] == 4 and pulled["pushed"] == 0

    ok(sli("note", "edit", note["id"], "--title", "Mine"))
    ok(sli("note", "edit", note["id"], "--vault", str(other.path), "--title", "Theirs"))
    as_json(sli("sync", "--json"))
    second = as_json(sli("sync", "--vault", str(other.path), "--json"))
    assert second["conflicts"] == 1
    as_json(sli("sync", "--json"))
    listed: list[dict[str, Any]] = as_json(sli("conflicts", "list", "--json"))
    theirs: list[dict[str, Any]] = as_json(
        sli("conflicts", "list", "--vault", str(other.path), "--json")
    )
    assert [c["id"] for c in listed] == [c["id"] for c in theirs] and len(listed) == 1
    assert listed[0]["fields"]["title"]["mine"] == "Mine"
    assert theirs[0]["fields"]["title"]["mine"] == "Theirs"

    ok(
        sli(
            "conflicts",
            "resolve",
            theirs[0]["id"][:8],
            "--vault",
            str(other.path),
            "--keep",
            "mine",
        )
    )
    assert "no open conflict" in fails(
        sli("conflicts", "resolve", theirs[0]["id"], "--vault", str(other.path), "--keep", "mine")
    )
    as_json(sli("sync", "--vault", str(other.path), "--json"))
    as_json(sli("sync", "--json"))
    assert as_json(sli("conflicts", "list", "--json")) == []
    assert as_json(sli("note", "show", note["id"], "--json"))["title"] == "Theirs"

    devices: list[dict[str, Any]] = as_json(sli("server", "list-devices", "--db", db, "--json"))
    assert sorted(d["user"] for d in devices) == ["alice", "bob"]
    bobs = next(d["id"] for d in devices if d["user"] == "bob")
    ok(sli("server", "revoke-device", bobs, "--db", db))
    assert "revoked" in fails(sli("sync", "--vault", str(other.path)))
    assert not other.path.exists() and list(other.path.parent.iterdir()) == []
    assert "no device" in fails(sli("server", "revoke-device", "nope", "--db", db))


def test_mistakes_are_one_line_errors(sli: Cli, db: str, tmp_path: Path) -> None:
    assert "not enrolled" in fails(sli("sync", "--json"))
    assert "plain HTTP" in fails(
        sli("enroll", "--server", "http://sync.example.org", "--code", "AAAA-BBBB")
    )
    assert "cannot reach" in fails(
        sli("enroll", "--server", "http://127.0.0.1:9", "--code", "AAAA-BBBB-CCCC")
    )
    assert "unknown region" in fails(
        sli("server", "add-user", "x", "--role", "adviser", "--region", "Atlantis", "--db", db)
    )
    fails(sli("server", "add-user", "x", "--role", "emperor", "--region", "London", "--db", db))
    assert "needs at least one --region" in fails(
        sli("server", "add-user", "x", "--role", "adviser", "--db", db)
    )
    assert "--certfile" in fails(sli("server", "serve", "--host", "0.0.0.0", "--db", db))
    assert "cannot open" in fails(sli("server", "list-devices", "--db", "nonsense://x"))


def test_import_councils_loads_the_register_once(
    sli: Cli, db: str, register_csv: Path, tmp_path: Path
) -> None:
    (tmp_path / "server").mkdir(exist_ok=True)
    first = as_json(sli("server", "import-councils", str(register_csv), "--db", db, "--json"))
    assert first["councils"] > 300 and first["changed"] == first["councils"]
    again = as_json(sli("server", "import-councils", str(register_csv), "--db", db, "--json"))
    assert again["changed"] == 0
