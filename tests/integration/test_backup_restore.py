"""``sli backup`` / ``sli restore`` / ``sli export --json``: one encrypted file that opens only
with the passphrase, a restore that never replaces a vault by accident or with a broken copy,
and a plain JSON copy of everything the user can see."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sli_desktop.vault import backup as backups
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.errors import VaultExists, WrongPassphrase
from sli_desktop.vault.header import header_path
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE, CliResult

Cli = Callable[..., CliResult]
SECRET = "Zebediah Quux-Secret"


@pytest.fixture
def filled(councils_vault: Vault) -> Vault:
    Contacts(councils_vault).add(name=SECRET, council="E08000025", emails=["zq@example.org"])
    return councils_vault


def test_backup_is_encrypted_and_restores_only_with_the_passphrase(
    filled: Vault, tmp_path: Path
) -> None:
    out = tmp_path / "vault.sli-backup"
    info = backups.backup(filled, out)
    assert info.size == out.stat().st_size > 0
    raw = out.read_bytes()
    assert SECRET.encode() not in raw and b"zq@example.org" not in raw
    with zipfile.ZipFile(out) as bundle:
        db = bundle.read("vault.db")
    assert not db.startswith(b"SQLite format 3")
    assert not list(tmp_path.glob(".*partial*"))  # no leftovers

    target = tmp_path / "restored" / "vault.sli"
    with pytest.raises(WrongPassphrase):
        backups.restore(out, target, "not the passphrase at all")
    assert not target.exists() and not header_path(target).exists()
    backups.restore(out, target, PASSPHRASE)
    with unlock(target, PASSPHRASE) as restored:
        assert [c.name for c in Contacts(restored).list()] == [SECRET]
        assert restored.meta("vault_id") == filled.meta("vault_id")
    assert [a.action for a in _audit(filled)][-1] == "backup"


def _audit(vault: Vault) -> list:
    from sli_desktop.vault.audit import AuditLog

    return AuditLog(vault).entries()


def test_restore_refuses_an_existing_vault_unless_forced(
    filled: Vault, vault_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b.zip"
    backups.backup(filled, out)
    Contacts(filled).add(name="Added After Backup")
    filled.close()
    with pytest.raises(VaultExists):
        backups.restore(out, vault_path, PASSPHRASE)
    with unlock(vault_path, PASSPHRASE) as vault:
        assert len(Contacts(vault).list()) == 2
    backups.restore(out, vault_path, PASSPHRASE, force=True)
    with unlock(vault_path, PASSPHRASE) as vault:
        assert [c.name for c in Contacts(vault).list()] == [SECRET]
    leftovers = [p.name for p in vault_path.parent.iterdir() if "before-restore" in p.name]
    assert leftovers == []


def test_a_damaged_backup_is_refused_and_the_vault_left_as_it_was(
    filled: Vault, vault_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b.zip"
    backups.backup(filled, out)
    filled.close()
    with zipfile.ZipFile(out) as bundle:
        members = {n: bundle.read(n) for n in bundle.namelist()}
    db = bytearray(members["vault.db"])
    db[len(db) // 2] ^= 0xFF
    manifest = json.loads(members["manifest.json"])
    import hashlib

    manifest["sha256"] = hashlib.sha256(db).hexdigest()  # a consistent but damaged copy
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as bundle:
        bundle.writestr("manifest.json", json.dumps(manifest))
        bundle.writestr("header.json", members["header.json"])
        bundle.writestr("vault.db", bytes(db))
    before = vault_path.read_bytes()
    with pytest.raises(backups.BackupUnreadable):
        backups.restore(damaged, vault_path, PASSPHRASE, force=True)
    assert vault_path.read_bytes() == before
    with unlock(vault_path, PASSPHRASE) as vault:
        assert [c.name for c in Contacts(vault).list()] == [SECRET]
    assert sorted(p.name for p in vault_path.parent.iterdir()) == sorted(
        [vault_path.name, header_path(vault_path).name]
    )

    (tmp_path / "not.zip").write_bytes(b"this is not a zip")
    with pytest.raises(backups.BackupUnreadable):
        backups.restore(tmp_path / "not.zip", vault_path, PASSPHRASE, force=True)


def test_cli_backup_restore_and_json_export(
    filled: Vault, cli: Cli, vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled.close()
    out = tmp_path / "b.sli-backup"
    result = cli("backup", "-o", str(out))
    assert result.code == 0, result
    refused = cli("restore", str(out))
    assert refused.code == 2 and "use --force" in refused.err
    elsewhere = tmp_path / "other" / "v.sli"
    restored = cli("--vault", str(elsewhere), "restore", str(out))
    assert restored.code == 0, restored
    listed = cli("--vault", str(elsewhere), "contact", "list")
    assert SECRET in listed.out
    monkeypatch.setenv("SLI_PASSPHRASE", "a wrong passphrase here")
    wrong = cli("--vault", str(tmp_path / "third" / "v.sli"), "restore", str(out))
    assert wrong.code == 2 and "wrong passphrase" in wrong.err
    monkeypatch.setenv("SLI_PASSPHRASE", PASSPHRASE)

    export = tmp_path / "sar.json"
    result = cli("export", "--json", "-o", str(export))
    assert result.code == 0, result
    document = json.loads(export.read_text(encoding="utf-8"))
    assert document["format"] == "sli-export/1"
    assert [c["name"] for c in document["records"]["contact"]] == [SECRET]
    assert len(document["records"]["council"]) == 6
    assert any(a["action"] == "backup" for a in document["audit"])
