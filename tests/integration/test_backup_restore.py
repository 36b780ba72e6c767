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
    assert wrong.code == 2 and "wrong passphrase for this backup" in wrong.err
    monkeypatch.setenv("SLI_PASSPHRASE", PASSPHRASE)

    export = tmp_path / "sar.json"
    result = cli("export", "--json", "-o", str(export))
    assert result.code == 0, result
    document = json.loads(export.read_text(encoding="utf-8"))
    assert document["format"] == "sli-export/1"
    assert [c["name"] for c in document["records"]["contact"]] == [SECRET]
    assert len(document["records"]["council"]) == 6
    assert any(a["action"] == "backup" for a in document["audit"])


# -- the recovery key opens a backup too ---------------------------------------------------------
NEW_PASSPHRASE = "a brand new passphrase after the loss"


@pytest.fixture
def with_recovery(tmp_path: Path) -> tuple[Path, str]:
    """A vault whose recovery key the test knows, holding one contact, then closed."""
    from sli_desktop.vault.keys import KdfParams
    from sli_desktop.vault.session import create_vault

    path = tmp_path / "source" / "v.sli"
    created = create_vault(path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    with created.vault as vault:
        Contacts(vault).add(name=SECRET, emails=["zq@example.org"])
    return path, created.recovery_key


def _nothing_at(path: Path) -> bool:
    return not path.parent.exists() or not [p for p in path.parent.iterdir()]


def test_recovery_key_restores_a_backup_and_sets_a_new_passphrase(
    with_recovery: tuple[Path, str], tmp_path: Path
) -> None:
    from sli_desktop.vault.errors import WrongRecoveryKey
    from sli_desktop.vault.header import read_header
    from sli_desktop.vault.keys import new_recovery_key, parse_recovery_key
    from sli_desktop.vault.session import WeakPassphrase, change_passphrase

    source, recovery = with_recovery
    out = tmp_path / "b.sli-backup"
    with unlock(source, PASSPHRASE) as vault:
        backups.backup(vault, out)
    # The passphrase changes after the backup and is then forgotten: the backup's header
    # still holds the old one, and the recovery key (which never changes) opens it.
    change_passphrase(source, PASSPHRASE, "the later passphrase, forgotten")
    target = tmp_path / "restored" / "v.sli"
    _, other_key = new_recovery_key()
    for wrong in (other_key, "not a recovery key at all"):
        with pytest.raises(WrongRecoveryKey):
            backups.restore(
                out, target, backups.BackupSecret(recovery_key=wrong, new_passphrase=NEW_PASSPHRASE)
            )
        assert _nothing_at(target)
    with pytest.raises(backups.VaultError, match="new passphrase is needed"):
        backups.restore(out, target, backups.BackupSecret(recovery_key=recovery))
    with pytest.raises(WeakPassphrase):
        backups.restore(
            out, target, backups.BackupSecret(recovery_key=recovery, new_passphrase="short")
        )
    assert _nothing_at(target)

    info = backups.restore(
        out,
        target,
        backups.BackupSecret(recovery_key=recovery.lower(), new_passphrase=NEW_PASSPHRASE),
    )
    assert info.path == target
    with pytest.raises(WrongPassphrase):
        unlock(target, PASSPHRASE)  # the new passphrase replaced the backup's
    with unlock(target, NEW_PASSPHRASE) as restored:
        assert [c.name for c in Contacts(restored).list()] == [SECRET]
        assert _audit(restored)[-1].action == "restored-with-recovery-key"
    raw = parse_recovery_key(recovery)
    assert raw is not None and read_header(target).unwrap_with_recovery(raw) is not None
    # and the passphrase of the day the backup was made still opens the backup itself
    again = tmp_path / "again" / "v.sli"
    backups.restore(out, again, PASSPHRASE)
    with unlock(again, PASSPHRASE) as vault:
        assert [c.name for c in Contacts(vault).list()] == [SECRET]


def test_a_backup_in_the_first_format_restores_with_passphrase_or_recovery_key(
    with_recovery: tuple[Path, str], tmp_path: Path
) -> None:
    """sli-backup/1 as the release before this one wrote it, built here by hand from its
    documented layout: the vault's closed database file, its header and a manifest."""
    import hashlib

    source, recovery = with_recovery
    db = source.read_bytes()
    header = json.loads(header_path(source).read_text())
    manifest = {
        "format": "sli-backup/1",
        "vault_id": header["vault_id"],
        "schema_version": 2,
        "created_at": "2026-01-05T09:00:00+00:00",
        "sha256": hashlib.sha256(db).hexdigest(),
    }
    old = tmp_path / "old.sli-backup"
    with zipfile.ZipFile(old, "w") as bundle:
        bundle.writestr("manifest.json", json.dumps(manifest))
        bundle.writestr("header.json", json.dumps(header))
        bundle.writestr("vault.db", db)
    by_passphrase = tmp_path / "p" / "v.sli"
    backups.restore(old, by_passphrase, PASSPHRASE)
    with unlock(by_passphrase, PASSPHRASE) as vault:
        assert [c.name for c in Contacts(vault).list()] == [SECRET]
    by_recovery = tmp_path / "r" / "v.sli"
    secret = backups.BackupSecret(recovery_key=recovery, new_passphrase=NEW_PASSPHRASE)
    backups.restore(old, by_recovery, secret)
    with unlock(by_recovery, NEW_PASSPHRASE) as vault:
        assert [c.name for c in Contacts(vault).list()] == [SECRET]


def test_cli_restore_with_the_recovery_key(
    with_recovery: tuple[Path, str], cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, recovery = with_recovery
    out = tmp_path / "b.sli-backup"
    assert cli("--vault", str(source), "backup", "-o", str(out)).code == 0
    target = tmp_path / "new-laptop" / "v.sli"
    monkeypatch.setenv("SLI_PASSPHRASE", "not the passphrase, and ignored")
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", NEW_PASSPHRASE)
    wrong = cli("--vault", str(target), "restore", str(out), "--recovery-key", "ABCD-EFGH")
    assert wrong.code == 2, wrong
    # the key typed on the command line is warned about (others can read it), then refused
    assert wrong.err.splitlines()[-1] == "sli: that recovery key does not open this backup"
    assert _nothing_at(target)
    no_key = cli("--vault", str(target), "restore", str(out), "--recovery-key")
    assert no_key.code == 2 and "a recovery key is needed" in no_key.err
    monkeypatch.setenv("SLI_RECOVERY_KEY", recovery)  # the key from the environment
    done = cli("--vault", str(target), "restore", str(out), "--recovery-key")
    assert done.code == 0, done
    assert "new passphrase" in done.out
    monkeypatch.setenv("SLI_PASSPHRASE", NEW_PASSPHRASE)
    listed = cli("--vault", str(target), "contact", "list")
    assert listed.code == 0 and SECRET in listed.out
    monkeypatch.delenv("SLI_NEW_PASSPHRASE")
    weak = tmp_path / "weak" / "v.sli"
    new_file = tmp_path / "new.txt"
    new_file.write_text("short\n")
    result = cli(
        "--vault", str(weak), "restore", str(out), "--recovery-key", recovery,
        "--new-passphrase-file", str(new_file),
    )  # fmt: skip
    assert result.code == 2 and "at least 10 characters" in result.err
    assert _nothing_at(weak)
    no_new = cli("--vault", str(weak), "restore", str(out), "--recovery-key", recovery)
    assert no_new.code == 2 and "a new passphrase is needed" in no_new.err
    assert _nothing_at(weak)
