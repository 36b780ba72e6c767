"""Header parameters bounded (issue 20 item 7): a key header asking for an Argon2id cost
outside sane bounds is damaged (one sentence), never a hang or a downgrade; recovery and
passphrase changes always write today's defaults, whatever the header had."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.vault import keys
from sli_desktop.vault.backup import BackupSecret, backup, restore
from sli_desktop.vault.errors import VaultDamaged
from sli_desktop.vault.header import header_path, read_header
from sli_desktop.vault.session import change_passphrase, unlock, unlock_with_recovery_key
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import (
    NEW_PASSPHRASE,
    make_vault,
    one_line_error,
    sli,
)

HOSTILE = {
    "memory: 64 GiB": {"memory_kib": 64 * 1024 * 1024},
    "memory: zero": {"memory_kib": 0},
    "memory: below the floor": {"memory_kib": 64},
    "memory: negative": {"memory_kib": -1},
    "passes: a million": {"iterations": 1_000_000},
    "passes: zero": {"iterations": 0},
    "lanes: a thousand": {"lanes": 1000},
    "lanes: zero": {"lanes": 0},
    "cost: 1 GiB x 10 passes": {"memory_kib": 1024 * 1024, "iterations": 10},
    "memory: a string": {"memory_kib": "65536"},
    "memory: a float": {"memory_kib": 65536.0},
    "passes: true": {"iterations": True},
}


def _edit_header(path: Path, **kdf: Any) -> None:
    data = json.loads(header_path(path).read_bytes())
    data["kdf"].update(kdf)
    header_path(path).write_text(json.dumps(data))


@pytest.fixture
def made(vault_path: Path) -> tuple[Path, str]:
    recovery, _ids = make_vault(vault_path, notes=1)
    return vault_path, recovery


def test_todays_defaults_and_the_test_cost_are_within_bounds() -> None:
    assert keys.KdfParams().out_of_bounds() is None
    assert keys.KdfParams.fast_for_tests().out_of_bounds() is None


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_header_asking_for_an_impossible_cost_is_damaged(
    made: tuple[Path, str], case: str
) -> None:
    """Refused as the header is read, before any key derivation could start."""
    path, _recovery = made
    _edit_header(path, **HOSTILE[case])
    before = header_path(path).read_bytes()
    with pytest.raises(VaultDamaged, match=r"key header .* has .*key-derivation"):
        read_header(path)
    with pytest.raises(VaultDamaged):
        unlock(path, PASSPHRASE)
    assert header_path(path).read_bytes() == before


def test_sli_says_so_in_one_sentence(made: tuple[Path, str]) -> None:
    path, _recovery = made
    _edit_header(path, memory_kib=64 * 1024 * 1024)
    message = one_line_error(sli(path, "vault", "info"))
    assert "damaged" in message and "key-derivation memory outside safe bounds" in message


def test_a_backup_with_a_hostile_header_is_refused(made: tuple[Path, str], tmp_path: Path) -> None:
    path, _recovery = made
    bundle, hostile = tmp_path / "b.slibak", tmp_path / "hostile.slibak"
    with unlock(path, PASSPHRASE) as vault:
        backup(vault, bundle)
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(hostile, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "header.json":
                parsed = json.loads(data)
                parsed["kdf"]["iterations"] = 1_000_000
                data = json.dumps(parsed).encode()
            out.writestr(item, data)
    with pytest.raises(Exception, match="not a usable SLI backup"):
        restore(hostile, tmp_path / "elsewhere" / "r.sli", PASSPHRASE)


@pytest.mark.parametrize("field", ["salt", "recovery_salt"])
def test_a_header_with_a_short_salt_is_damaged(made: tuple[Path, str], field: str) -> None:
    path, _recovery = made
    data = json.loads(header_path(path).read_bytes())
    data[field] = "AAAA"
    header_path(path).write_text(json.dumps(data))
    with pytest.raises(VaultDamaged, match="salts of the wrong length"):
        read_header(path)


# -- re-wraps write today's defaults -----------------------------------------------------------
def _weak_but_in_bounds(path: Path) -> None:
    assert read_header(path).kdf == keys.KdfParams.fast_for_tests()  # as the tests make them


def test_a_passphrase_change_writes_todays_defaults(made: tuple[Path, str]) -> None:
    path, _recovery = made
    _weak_but_in_bounds(path)
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE)
    assert read_header(path).kdf == keys.KdfParams()
    unlock(path, NEW_PASSPHRASE).close()


def test_recovery_writes_todays_defaults(made: tuple[Path, str]) -> None:
    path, recovery = made
    _weak_but_in_bounds(path)
    unlock_with_recovery_key(path, recovery, NEW_PASSPHRASE).close()
    assert read_header(path).kdf == keys.KdfParams()


def test_restoring_with_the_recovery_key_writes_todays_defaults(
    made: tuple[Path, str], tmp_path: Path
) -> None:
    path, recovery = made
    bundle = tmp_path / "b.slibak"
    with unlock(path, PASSPHRASE) as vault:
        backup(vault, bundle)
    target = tmp_path / "elsewhere" / "r.sli"
    restore(bundle, target, BackupSecret(recovery_key=recovery, new_passphrase=NEW_PASSPHRASE))
    assert read_header(target).kdf == keys.KdfParams()


def test_a_lowered_cost_is_not_carried_into_a_new_wrap(made: tuple[Path, str]) -> None:
    """Someone who can write the header lowers its cost: the recovery key still unwraps (it
    does not use the cost), and the passphrase set then must not inherit the lowered cost."""
    path, recovery = made
    _edit_header(path, memory_kib=keys.MIN_MEMORY_KIB, iterations=1, lanes=1)
    unlock_with_recovery_key(path, recovery, NEW_PASSPHRASE).close()
    assert read_header(path).kdf == keys.KdfParams()
