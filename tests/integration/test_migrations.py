"""Schema migrations against real vaults: every committed fixture version upgrades to the latest
schema with its data intact; a vault newer than the app is refused untouched; an upgrade leaves
an encrypted backup beside the file and a failing migration rolls back completely.

The fixtures in tests/fixtures/vaults/v<N>/ are made by tests/fixtures/make_vault_fixture.py and
are only ever read here: each test copies one into tmp_path first.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import (
    Action,
    Assessment,
    Challenge,
    Contact,
    Council,
    Document,
    ImprovementBoard,
    Note,
    Record,
)
from sli_desktop.vault import migrations
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.connection import Error, open_connection
from sli_desktop.vault.errors import VaultTooNew
from sli_desktop.vault.header import read_header
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import unlock, unlock_with_recovery_key

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vaults"
KINDS: dict[str, type[Record]] = {
    "council": Council,
    "note": Note,
    "contact": Contact,
    "engagement": Challenge,
    "action": Action,
    "improvement-board": ImprovementBoard,
    "document": Document,
    "assessment": Assessment,
}


def _label(record: Record) -> str | None:
    """What a fixture's manifest records to recognise a record by."""
    if isinstance(record, Challenge):
        return record.type.value
    if isinstance(record, ImprovementBoard):
        return record.council
    if isinstance(record, Document):
        return record.filename
    if isinstance(record, Assessment):
        return record.summary
    return getattr(record, "title", None) or getattr(record, "name", None)


def _fixture_dirs() -> list[Path]:
    return sorted(
        (p for p in FIXTURES.glob("v*") if (p / "manifest.json").exists()),
        key=lambda p: int(p.name[1:]),
    )


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return data


def _copy(fixture: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    target = tmp_path / fixture.name
    shutil.copytree(fixture, target)
    manifest = _manifest(target)
    return target / manifest["vault"], manifest


def _raw_connection(path: Path, passphrase: str) -> Any:
    header = read_header(path)
    key = header.unwrap_with_passphrase(passphrase)
    assert key is not None
    return open_connection(path, key, pages=header.pages)


def _schema(conn: Any) -> list[tuple[str, str, str]]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    return [tuple(row) for row in rows]


# -- the committed fixtures --------------------------------------------------------------------
def test_there_is_a_fixture_for_every_schema_version() -> None:
    found = {int(p.name[1:]) for p in _fixture_dirs()}
    missing = sorted(set(range(1, migrations.LATEST + 1)) - found)
    assert not missing, (
        f"no fixture vault for schema version(s) {missing}: run "
        "tests/fixtures/make_vault_fixture.py while that version is the latest and commit it"
    )


@pytest.mark.parametrize("fixture", _fixture_dirs(), ids=lambda p: p.name)
def test_fixture_upgrades_to_latest_with_its_data_readable(fixture: Path, tmp_path: Path) -> None:
    committed = _digests(fixture)
    path, manifest = _copy(fixture, tmp_path)

    conn = _raw_connection(path, manifest["passphrase"])
    try:
        assert migrations.schema_version(conn) == manifest["schema_version"]
        assert manifest["schema_version"] == int(fixture.name[1:])
    finally:
        conn.close()

    with unlock(path, manifest["passphrase"]) as vault:
        assert migrations.schema_version(vault.conn) == migrations.LATEST
        assert vault.actor == manifest["owner"]
        for table, count in manifest["counts"].items():
            assert vault.scalar(f"SELECT count(*) FROM {table} WHERE deleted = 0") == count
        for entry in manifest["records"]:
            record = vault.get(KINDS[entry["kind"]], entry["id"])
            assert record is not None, entry
            assert _label(record) == entry["label"]
            assert record.version == entry["version"]
            assert not record.deleted
        assert vault.scalar("SELECT count(*) FROM audit") >= manifest["audit_entries"]
        assert vault.scalar("SELECT count(*) FROM outbox") == manifest["outbox_entries"]
        assert AuditLog(vault).verify() is None
        # Still a working vault: it takes a new note after the upgrade.
        council = next(e["id"] for e in manifest["records"] if e["kind"] == "council")
        gss = vault.get(Council, council)
        assert gss is not None
        Notes(vault).add(council=gss.gss_code, title="After upgrade", date="2025-01-01")

    assert _digests(fixture) == committed, "the committed fixture was modified"


@pytest.mark.parametrize("fixture", _fixture_dirs(), ids=lambda p: p.name)
def test_fixture_opens_with_its_recovery_key(fixture: Path, tmp_path: Path) -> None:
    path, manifest = _copy(fixture, tmp_path)
    new = "a brand new passphrase after recovery"
    unlock_with_recovery_key(path, manifest["recovery_key"], new).close()
    with unlock(path, new) as vault:
        assert migrations.schema_version(vault.conn) == migrations.LATEST


# -- newer than the app ------------------------------------------------------------------------
def _newest_fixture(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    dirs = _fixture_dirs()
    assert dirs, "no fixture vaults"
    return _copy(dirs[-1], tmp_path)


def test_a_vault_newer_than_the_app_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path, manifest = _newest_fixture(tmp_path)
    conn = _raw_connection(path, manifest["passphrase"])
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digests(path.parent)

    with pytest.raises(VaultTooNew) as caught:
        unlock(path, manifest["passphrase"])

    message = str(caught.value)
    assert f"schema version {migrations.LATEST + 1}" in message
    assert f"up to {migrations.LATEST}" in message
    assert "update SLI Desktop" in message
    assert _digests(path.parent) == before


# -- a future migration, patched in ------------------------------------------------------------
@pytest.fixture
def next_version(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Install a migration to LATEST+1 made of ``statements``; returns the new version."""
    new = migrations.LATEST + 1

    def install(statements: list[str]) -> int:
        monkeypatch.setitem(migrations.MIGRATIONS, new, statements)
        monkeypatch.setattr(migrations, "LATEST", new)
        return new

    return install


def test_an_upgrade_writes_a_backup_beside_the_vault_first(
    tmp_path: Path, next_version: Any
) -> None:
    path, manifest = _newest_fixture(tmp_path)
    old = manifest["schema_version"]
    original = hashlib.sha256(path.read_bytes()).hexdigest()
    new = next_version(
        [
            "CREATE TABLE briefings (seq INTEGER PRIMARY KEY, title TEXT NOT NULL)",
            "ALTER TABLE notes ADD COLUMN briefing INTEGER",
        ]
    )

    with unlock(path, manifest["passphrase"]) as vault:
        assert migrations.schema_version(vault.conn) == new
        assert vault.scalar("SELECT count(*) FROM briefings") == 0
        assert vault.scalar("SELECT count(*) FROM notes WHERE briefing IS NULL") >= 1

    backup = migrations.backup_path(path, old)
    assert backup.parent == path.parent
    assert backup.name == f"{path.name}.schema-v{old}.bak"
    assert hashlib.sha256(backup.read_bytes()).hexdigest() == original
    # The backup is the old vault, still encrypted, still opening with the same key.
    header = read_header(path)
    key = header.unwrap_with_passphrase(manifest["passphrase"])
    assert key is not None
    old_conn = open_connection(backup, key, pages=header.pages)
    try:
        assert migrations.schema_version(old_conn) == old
        tables = {r[0] for r in old_conn.execute("SELECT name FROM sqlite_master").fetchall()}
        assert "briefings" not in tables
    finally:
        old_conn.close()


def test_a_failing_migration_rolls_back_completely(tmp_path: Path, next_version: Any) -> None:
    path, manifest = _newest_fixture(tmp_path)
    old = manifest["schema_version"]
    conn = _raw_connection(path, manifest["passphrase"])
    schema_before = _schema(conn)
    notes_before = conn.execute("SELECT id, version, title FROM notes ORDER BY seq").fetchall()
    conn.close()
    next_version(
        [
            "CREATE TABLE briefings (seq INTEGER PRIMARY KEY, title TEXT NOT NULL)",
            "ALTER TABLE notes ADD COLUMN briefing INTEGER",
            "UPDATE notes SET title = 'half-migrated'",
            "INSERT INTO briefings (title) VALUES (NULL)",  # NOT NULL: fails
        ]
    )

    with pytest.raises(Error, match="NOT NULL"):
        unlock(path, manifest["passphrase"])

    conn = _raw_connection(path, manifest["passphrase"])
    try:
        assert migrations.schema_version(conn) == old
        assert _schema(conn) == schema_before
        assert conn.execute("SELECT id, version, title FROM notes ORDER BY seq").fetchall() == (
            notes_before
        )
    finally:
        conn.close()
