"""The sync server's SQLite database holds every note in clear: it and its -wal and -shm files
are created owner-only (0600), and the folders the server makes for it 0700, whatever the
umask (the ``umask`` fixture of tests/conftest.py)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from sli_desktop.server.storage import Storage
from tests.conftest import CliResult
from tests.integration.test_cli import ok

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(db: Path, made: Path) -> dict[str, int]:
    """The modes that matter, while the database is open (so -wal and -shm exist)."""
    found = {"folder made": _mode(made), "database": _mode(db)}
    for suffix in ("-wal", "-shm"):
        companion = db.with_name(db.name + suffix)
        assert companion.exists(), suffix
        found[suffix] = _mode(companion)
    return found


OWNER_ONLY = {"folder made": 0o700, "database": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_a_new_server_database_and_its_folders_are_owner_only(tmp_path: Path, umask: int) -> None:
    before = _mode(tmp_path)
    db = tmp_path / "made" / "deeper" / "server.sqlite"
    storage = Storage(f"sqlite:///{db}")
    try:
        storage.add_user("amy", "adviser", ["London"])  # a write: the WAL has content
        assert _modes(db, tmp_path / "made") == OWNER_ONLY
        assert _mode(tmp_path / "made" / "deeper") == 0o700
    finally:
        storage.close()
    assert _mode(tmp_path) == before  # a folder that was there is the operator's


def test_an_existing_readable_database_is_narrowed(tmp_path: Path, umask: int) -> None:
    db = tmp_path / "server.sqlite"
    Storage(f"sqlite:///{db}").close()
    for path in (db, db.with_name("server.sqlite-wal")):
        path.touch()
        os.chmod(path, 0o644)
    storage = Storage(f"sqlite:///{db}")
    try:
        assert _mode(db) == 0o600
        assert _mode(db.with_name("server.sqlite-wal")) == 0o600
    finally:
        storage.close()


def test_sli_server_add_user_makes_a_private_database(
    tmp_path: Path, umask: int, cli: Callable[..., CliResult]
) -> None:
    db = tmp_path / "srv" / "server.sqlite"
    ok(
        cli(
            "server",
            "add-user",
            "amy",
            "--role",
            "adviser",
            "--region",
            "London",
            "--db",
            f"sqlite:///{db}",
        )
    )
    assert _mode(tmp_path / "srv") == 0o700
    assert _mode(db) == 0o600
    storage = Storage(f"sqlite:///{db}")
    try:
        storage.add_user("bob", "adviser", ["London"])
        assert _modes(db, tmp_path / "srv") == OWNER_ONLY
    finally:
        storage.close()
