"""The vault's page size lives in its header: SQLCipher cannot read it from the encrypted file.
New vaults get ``NEW_VAULT_PAGE_SIZE``; a vault keeps the size it was made with (those made
before headers recorded one have SQLCipher's 4 KiB default), and every way of opening, backing
up and restoring a vault follows what its header says. A key rotation, which copies the whole
vault anyway, gives it new vaults' page size."""

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
from sli_desktop.vault.header import (
    LEGACY_PAGE_SIZE,
    NEW_VAULT_PAGE_SIZE,
    header_path,
    read_header,
    write_header,
)
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import change_passphrase, create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import NEW_PASSPHRASE, make_vault, note_ids

#: a page size new vaults do not get, for vaults made before the choice changed
OTHER_PAGE_SIZE = 16384 if NEW_VAULT_PAGE_SIZE == 4096 else 4096

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vaults"


def _page_sizes(vault: Vault) -> tuple[int, int]:
    """What SQLCipher was told, and what the database itself uses."""
    cipher = vault.conn.execute("PRAGMA cipher_page_size").fetchone()[0]
    pages = vault.conn.execute("PRAGMA page_size").fetchone()[0]
    return int(cipher), int(pages)


def _old_vault(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the vault fixture made by schema 3, before headers recorded a page size."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "v3", folder)
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return folder / manifest["vault"], manifest


def test_a_new_vault_uses_new_vaults_page_size_and_its_header_says_so(tmp_path: Path) -> None:
    path = tmp_path / "new.sli"
    with create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault as vault:
        assert _page_sizes(vault) == (NEW_VAULT_PAGE_SIZE, NEW_VAULT_PAGE_SIZE)
    assert json.loads(header_path(path).read_text())["page_size"] == NEW_VAULT_PAGE_SIZE
    assert path.stat().st_size % NEW_VAULT_PAGE_SIZE == 0
    with unlock(path, PASSPHRASE) as vault:
        assert _page_sizes(vault) == (NEW_VAULT_PAGE_SIZE, NEW_VAULT_PAGE_SIZE)


def test_a_vault_made_before_page_sizes_were_recorded_opens_with_4_kib(tmp_path: Path) -> None:
    path, manifest = _old_vault(tmp_path)
    assert "page_size" not in json.loads(header_path(path).read_text())
    with unlock(path, manifest["passphrase"]) as vault:
        assert _page_sizes(vault) == (LEGACY_PAGE_SIZE, LEGACY_PAGE_SIZE)
        assert Notes(vault).count() == manifest["counts"]["notes"]


def test_changing_the_passphrase_keeps_the_page_size(tmp_path: Path) -> None:
    path, manifest = _old_vault(tmp_path)
    change_passphrase(path, manifest["passphrase"], "a new passphrase for the old vault")
    assert read_header(path).page_size == LEGACY_PAGE_SIZE
    with unlock(path, "a new passphrase for the old vault") as vault:
        assert _page_sizes(vault) == (LEGACY_PAGE_SIZE, LEGACY_PAGE_SIZE)


def test_a_key_rotation_gives_an_older_vault_new_vaults_page_size(tmp_path: Path) -> None:
    path = tmp_path / "v.sli"
    _recovery, made = make_vault(path, notes=40, page_size=OTHER_PAGE_SIZE)
    ids = set(made)
    seen: list[tuple[int, int]] = []
    change_passphrase(
        path,
        PASSPHRASE,
        NEW_PASSPHRASE,
        rotate_key=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert read_header(path).page_size == NEW_VAULT_PAGE_SIZE
    assert path.stat().st_size % NEW_VAULT_PAGE_SIZE == 0
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert _page_sizes(vault) == (NEW_VAULT_PAGE_SIZE, NEW_VAULT_PAGE_SIZE)
        assert note_ids(vault) == ids
        assert [r[0] for r in vault.conn.execute("PRAGMA integrity_check")] == ["ok"]
    assert seen[-1][0] == seen[-1][1]
    assert all(0 < done <= total for done, total in seen)


def test_a_vault_made_before_page_sizes_were_recorded_gets_them_from_a_rotation(
    tmp_path: Path,
) -> None:
    path, manifest = _old_vault(tmp_path)
    change_passphrase(path, manifest["passphrase"], NEW_PASSPHRASE, rotate_key=True)
    assert json.loads(header_path(path).read_text())["page_size"] == NEW_VAULT_PAGE_SIZE
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert _page_sizes(vault) == (NEW_VAULT_PAGE_SIZE, NEW_VAULT_PAGE_SIZE)
        assert Notes(vault).count() == manifest["counts"]["notes"]


@pytest.mark.parametrize("made", ["new", "old"])
def test_a_backup_restores_with_the_page_size_of_its_vault(tmp_path: Path, made: str) -> None:
    if made == "new":
        path, passphrase, size = tmp_path / "v.sli", PASSPHRASE, NEW_VAULT_PAGE_SIZE
        create_vault(path, passphrase, kdf=KdfParams.fast_for_tests()).vault.close()
    else:
        (path, manifest), size = _old_vault(tmp_path), LEGACY_PAGE_SIZE
        passphrase = manifest["passphrase"]
    with unlock(path, passphrase) as vault:
        notes = Notes(vault).count()
        backup(vault, tmp_path / "v.sli-backup")
    restored = tmp_path / "restored" / "v.sli"
    restore(tmp_path / "v.sli-backup", restored, passphrase)
    assert read_header(restored).page_size == size
    with unlock(restored, passphrase) as vault:
        assert _page_sizes(vault) == (size, size)
        assert Notes(vault).count() == notes


@pytest.mark.parametrize("recorded", [3000, "16384", -4096, 131072, None])
def test_a_header_with_an_impossible_page_size_is_damage(tmp_path: Path, recorded: Any) -> None:
    path = tmp_path / "v.sli"
    create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault.close()
    data = json.loads(header_path(path).read_text())
    data["page_size"] = recorded
    header_path(path).write_text(json.dumps(data))
    with pytest.raises(VaultDamaged, match=r"key header .* is unreadable"):
        unlock(path, PASSPHRASE)


def test_a_header_recording_the_wrong_page_size_is_refused_and_the_vault_kept(
    tmp_path: Path,
) -> None:
    """A possible page size that is not the vault's: every page fails to decrypt, so the vault
    is reported damaged (never opened as empty, never rewritten)."""
    path = tmp_path / "v.sli"
    create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    write_header(path, replace(read_header(path), page_size=OTHER_PAGE_SIZE))
    with pytest.raises(VaultDamaged):
        unlock(path, PASSPHRASE)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]


def test_a_vault_is_never_made_with_a_page_size_it_could_not_be_opened_with(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="not a page size"):
        create_vault(tmp_path / "v.sli", PASSPHRASE, kdf=KdfParams.fast_for_tests(), page_size=3000)
    assert not list(tmp_path.iterdir())
