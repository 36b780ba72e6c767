"""The vault's page format (page size and page MAC) lives in its header: SQLCipher cannot read
either from the encrypted file. New vaults get ``new_vault_format()`` (in tests the MAC is
always HMAC-SHA256, tests/conftest.py); a vault keeps the format it was made with (those made
before headers recorded one have SQLCipher's defaults, 4 KiB and HMAC-SHA512), and every way of
opening, backing up and restoring a vault follows what its header says. A key rotation, which
copies the whole vault anyway, gives it new vaults' format."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.vault.backup import backup, restore
from sli_desktop.vault.errors import VaultDamaged
from sli_desktop.vault.header import header_path, read_header, write_header
from sli_desktop.vault.keys import KdfParams, KeyBuffer
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.pages import (
    LEGACY,
    NEW_VAULT_PAGE_SIZE,
    SHA256,
    SHA512,
    PageFormat,
    new_vault_format,
)
from sli_desktop.vault.session import change_passphrase, create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import NEW_PASSPHRASE, make_vault, note_ids

#: a page size new vaults do not get, for vaults made before the choice changed
OTHER_PAGE_SIZE = 16384 if NEW_VAULT_PAGE_SIZE == 4096 else 4096
#: what new vaults get in these tests
NEW = PageFormat(NEW_VAULT_PAGE_SIZE, SHA256)
#: a format new vaults do not get: a vault made on a machine without SHA extensions, earlier
OLDER = PageFormat(OTHER_PAGE_SIZE, SHA512)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vaults"


def _format(vault: Vault) -> PageFormat:
    """What SQLCipher was told, checked against the page size the database itself uses."""
    cipher = int(vault.conn.execute("PRAGMA cipher_page_size").fetchone()[0])
    assert int(vault.conn.execute("PRAGMA page_size").fetchone()[0]) == cipher
    return PageFormat(cipher, str(vault.conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0]))


def _old_vault(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the vault fixture made by schema 3, before headers recorded a page size."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "v3", folder)
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return folder / manifest["vault"], manifest


def test_a_new_vault_uses_new_vaults_format_and_its_header_says_so(tmp_path: Path) -> None:
    assert new_vault_format() == NEW
    path = tmp_path / "new.sli"
    with create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault as vault:
        assert _format(vault) == NEW
        with vault.sibling() as worker:  # a worker's connection is told the same
            assert _format(worker) == NEW
    recorded = json.loads(header_path(path).read_text())
    assert (recorded["page_size"], recorded["page_mac"]) == (NEW_VAULT_PAGE_SIZE, SHA256)
    assert path.stat().st_size % NEW_VAULT_PAGE_SIZE == 0
    with unlock(path, PASSPHRASE) as vault:
        assert _format(vault) == NEW
    deferred: list[object] = []
    with unlock(path, PASSPHRASE, page_check_done=deferred.append) as vault:  # the window's
        assert vault.page_check is not None
        vault.page_check.wait()
        assert _format(vault) == NEW
    assert deferred == [None]  # every page passed under the recorded MAC


def test_a_vault_made_before_page_formats_were_recorded_opens_with_the_defaults(
    tmp_path: Path,
) -> None:
    path, manifest = _old_vault(tmp_path)
    recorded = json.loads(header_path(path).read_text())
    assert "page_size" not in recorded and "page_mac" not in recorded
    with unlock(path, manifest["passphrase"]) as vault:
        assert _format(vault) == LEGACY
        assert Notes(vault).count() == manifest["counts"]["notes"]


def test_changing_the_passphrase_keeps_the_page_format(tmp_path: Path) -> None:
    path, manifest = _old_vault(tmp_path)
    change_passphrase(path, manifest["passphrase"], "a new passphrase for the old vault")
    assert read_header(path).pages == LEGACY
    with unlock(path, "a new passphrase for the old vault") as vault:
        assert _format(vault) == LEGACY


def test_a_key_rotation_gives_an_older_vault_new_vaults_format(tmp_path: Path) -> None:
    path = tmp_path / "v.sli"
    _recovery, made = make_vault(path, notes=40, pages=OLDER)
    assert read_header(path).pages == OLDER
    ids = set(made)
    seen: list[tuple[int, int]] = []
    change_passphrase(
        path,
        PASSPHRASE,
        NEW_PASSPHRASE,
        rotate_key=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert read_header(path).pages == NEW
    assert path.stat().st_size % NEW_VAULT_PAGE_SIZE == 0
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert _format(vault) == NEW
        assert note_ids(vault) == ids
        assert [r[0] for r in vault.conn.execute("PRAGMA integrity_check")] == ["ok"]
    assert seen[-1][0] == seen[-1][1]
    assert all(0 < done <= total for done, total in seen)


def test_a_vault_made_before_page_formats_were_recorded_gets_one_from_a_rotation(
    tmp_path: Path,
) -> None:
    path, manifest = _old_vault(tmp_path)
    change_passphrase(path, manifest["passphrase"], NEW_PASSPHRASE, rotate_key=True)
    recorded = json.loads(header_path(path).read_text())
    assert (recorded["page_size"], recorded["page_mac"]) == (NEW_VAULT_PAGE_SIZE, SHA256)
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert _format(vault) == NEW
        assert Notes(vault).count() == manifest["counts"]["notes"]


@pytest.mark.parametrize("made", ["new", "older", "old"])
def test_a_backup_restores_with_the_page_format_of_its_vault(tmp_path: Path, made: str) -> None:
    if made == "old":
        (path, manifest), fmt = _old_vault(tmp_path), LEGACY
        passphrase = manifest["passphrase"]
    else:
        path, passphrase, fmt = tmp_path / "v.sli", PASSPHRASE, NEW if made == "new" else OLDER
        create_vault(path, passphrase, kdf=KdfParams.fast_for_tests(), pages=fmt).vault.close()
    with unlock(path, passphrase) as vault:
        notes = Notes(vault).count()
        backup(vault, tmp_path / "v.sli-backup")
    restored = tmp_path / "restored" / "v.sli"
    restore(tmp_path / "v.sli-backup", restored, passphrase)
    assert read_header(restored).pages == fmt
    with unlock(restored, passphrase) as vault:
        assert _format(vault) == fmt
        assert Notes(vault).count() == notes


@pytest.mark.parametrize(
    ("field", "recorded"),
    [
        ("page_size", 3000),
        ("page_size", "16384"),
        ("page_size", -4096),
        ("page_size", 131072),
        ("page_size", None),
        ("page_mac", "HMAC_SHA1"),  # SQLCipher would take it; a vault may not
        ("page_mac", "hmac_sha256"),
        ("page_mac", "HMAC_SHA256; PRAGMA key = ''"),
        ("page_mac", 256),
        ("page_mac", None),
    ],
)
def test_a_header_with_an_impossible_page_format_is_damage(
    tmp_path: Path, field: str, recorded: Any
) -> None:
    path = tmp_path / "v.sli"
    create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault.close()
    data = json.loads(header_path(path).read_text())
    data[field] = recorded
    header_path(path).write_text(json.dumps(data))
    with pytest.raises(VaultDamaged, match=r"key header .* is unreadable"):
        unlock(path, PASSPHRASE)


@pytest.mark.parametrize(
    "wrong", [PageFormat(OTHER_PAGE_SIZE, SHA256), PageFormat(NEW_VAULT_PAGE_SIZE, SHA512)]
)
def test_a_header_recording_the_wrong_page_format_is_refused_and_the_vault_kept(
    tmp_path: Path, wrong: PageFormat
) -> None:
    """A possible page size or MAC that is not the vault's: every page fails to authenticate,
    so the vault is reported damaged (never opened as empty, never rewritten)."""
    path = tmp_path / "v.sli"
    create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    write_header(path, replace(read_header(path), pages=wrong))
    with pytest.raises(VaultDamaged):
        unlock(path, PASSPHRASE)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]


def test_a_page_format_no_vault_may_have_cannot_be_made(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a page size"):
        PageFormat(3000, SHA256)
    with pytest.raises(ValueError, match="not a page MAC"):
        PageFormat(NEW_VAULT_PAGE_SIZE, "HMAC_SHA1")
    assert not list(tmp_path.iterdir())


def test_a_vault_holding_its_key_cannot_be_made_without_its_format(tmp_path: Path) -> None:
    """Its workers' connections are opened in that format: without it they would fail every
    page of a vault made in another."""
    with pytest.raises(ValueError, match="page format"):
        Vault(None, tmp_path / "v.sli", "tester", key=KeyBuffer(bytes(32)))
