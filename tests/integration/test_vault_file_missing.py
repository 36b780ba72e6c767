"""An empty or missing vault file beside its key header is damage, not a new vault (issue 20
item 4): every opener refuses it with one sentence that says to restore from a backup, and
nothing makes an empty database or overwrites the header as a side effect."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sli_desktop.vault import files
from sli_desktop.vault.backup import backup
from sli_desktop.vault.header import VaultFileMissing, header_path, read_header
from sli_desktop.vault.session import (
    change_passphrase,
    create_vault,
    remember,
    unlock,
    unlock_with_recovery_key,
)
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import (
    NEW_PASSPHRASE,
    make_vault,
    note_ids,
    one_line_error,
    sli,
)
from tests.memory_keystore import MemoryKeyStore

LOST = {
    "missing": lambda path: path.unlink(),
    "empty": lambda path: path.write_bytes(b""),
}


@pytest.fixture(params=sorted(LOST))
def lost(request: pytest.FixtureRequest, vault_path: Path) -> tuple[Path, str, bytes]:
    """A vault whose database file went missing or was emptied: its path, recovery key and the
    header's bytes as they were."""
    recovery, _ids = make_vault(vault_path, notes=3)
    LOST[request.param](vault_path)
    return vault_path, recovery, header_path(vault_path).read_bytes()


def _untouched(path: Path, header: bytes, was_empty: bool) -> None:
    """The refusal changed nothing: no database made, the header as it was, no side files."""
    if was_empty:
        assert path.stat().st_size == 0
    else:
        assert not path.exists()
    assert header_path(path).read_bytes() == header
    expected = {header_path(path).name} | ({path.name} if was_empty else set())
    assert {p.name for p in path.parent.iterdir()} == expected


OPENERS: dict[str, Callable[[Path, str], object]] = {
    "unlock": lambda path, recovery: unlock(path, PASSPHRASE),
    "unlock with a remembered key": lambda path, recovery: unlock(path, keystore=MemoryKeyStore()),
    "recovery": lambda path, recovery: unlock_with_recovery_key(path, recovery, NEW_PASSPHRASE),
    "passphrase change": lambda path, recovery: change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE),
    "key rotation": lambda path, recovery: change_passphrase(
        path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True
    ),
    "remember": lambda path, recovery: remember(path, PASSPHRASE, MemoryKeyStore()),
    "create": lambda path, recovery: create_vault(path, NEW_PASSPHRASE),
}


@pytest.mark.parametrize("opener", sorted(OPENERS))
def test_every_opener_refuses_and_changes_nothing(
    lost: tuple[Path, str, bytes], opener: str
) -> None:
    path, recovery, header = lost
    was_empty = path.exists()
    with pytest.raises(VaultFileMissing) as raised:
        OPENERS[opener](path, recovery)
    assert "restore it from a backup" in str(raised.value)
    _untouched(path, header, was_empty)


@pytest.mark.parametrize(
    "args",
    [
        ("vault", "info"),
        ("vault", "check"),
        ("init", "--name", "Asha Patel"),
        ("passphrase", "change", "--rotate-key"),
    ],
    ids=" ".join,
)
def test_sli_refuses_in_one_sentence_and_changes_nothing(
    lost: tuple[Path, str, bytes], args: tuple[str, ...]
) -> None:
    path, _recovery, header = lost
    was_empty = path.exists()
    run = sli(path, *args, SLI_NEW_PASSPHRASE=NEW_PASSPHRASE)
    message = one_line_error(run)
    assert "missing or empty beside its key header" in message
    assert "sli restore" in message
    _untouched(path, header, was_empty)


def test_restoring_a_backup_over_it_is_the_way_back(vault_path: Path, tmp_path: Path) -> None:
    _recovery, ids = make_vault(vault_path, notes=3)
    bundle = tmp_path / "safe.slibak"
    with unlock(vault_path, PASSPHRASE) as vault:
        backup(vault, bundle)
    vault_path.write_bytes(b"")
    run = sli(vault_path, "restore", str(bundle), "--force")
    assert run.code == 0, run.err
    with unlock(vault_path, PASSPHRASE) as vault:
        assert note_ids(vault) == set(ids)


def test_a_header_without_a_vault_is_not_mistaken_for_no_vault(vault_path: Path) -> None:
    make_vault(vault_path, notes=1)
    vault_path.unlink()
    with pytest.raises(VaultFileMissing):
        read_header(vault_path)
    header_path(vault_path).unlink()
    with pytest.raises(Exception, match="create one with 'sli init'"):
        read_header(vault_path)


# -- creation never leaves a header alone ----------------------------------------------------
def test_a_creation_cut_short_after_its_header_is_finished(vault_path: Path) -> None:
    """The database is complete before the header is written: a kill between the header and
    the rename leaves both, and the next open puts the database in place."""
    make_vault(vault_path, notes=2)
    with unlock(vault_path, PASSPHRASE) as vault:
        ids = note_ids(vault)
    os.replace(vault_path, files.creating_path(vault_path))
    with unlock(vault_path, PASSPHRASE) as vault:
        assert note_ids(vault) == ids
    assert not files.creating_path(vault_path).exists()


def test_a_creation_cut_short_before_its_header_is_started_again(vault_path: Path) -> None:
    vault_path.parent.mkdir(parents=True)
    files.creating_path(vault_path).write_bytes(b"half a database")
    create_vault(vault_path, PASSPHRASE).vault.close()
    assert not files.creating_path(vault_path).exists()
    unlock(vault_path, PASSPHRASE).close()
    assert {p.name for p in vault_path.parent.iterdir()} == {
        vault_path.name,
        header_path(vault_path).name,
    }
