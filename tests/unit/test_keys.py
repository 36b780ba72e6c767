"""Key material and passphrases: wrapping, recovery keys, re-keying without re-encrypting,
remembered keys that turn out to be wrong, and passphrases too weak to accept."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from sli_desktop.vault import keys
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.errors import WrongPassphrase, WrongRecoveryKey
from sli_desktop.vault.header import header_path, read_header
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.pages import NEW_VAULT_PAGE_SIZE
from sli_desktop.vault.session import (
    PassphraseNeeded,
    WeakPassphrase,
    change_passphrase,
    check_passphrase,
    create_vault,
    remember,
    remembered_key,
    unlock,
    unlock_with_recovery_key,
)
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE
from tests.memory_keystore import MemoryKeyStore

FAST = keys.KdfParams.fast_for_tests()
NEW_PASSPHRASE = "a different and longer passphrase"
PAGE = NEW_VAULT_PAGE_SIZE  # every vault these tests make is new
NOTES = 30


# -- wrapping ----------------------------------------------------------------------------------
def test_wrap_unwrap_round_trip() -> None:
    kek, key = os.urandom(32), keys.new_database_key()
    blob = keys.wrap(kek, key, b"vault-id")
    assert key not in blob
    assert keys.unwrap(kek, blob, b"vault-id") == key
    # A fresh nonce every time: the same key never wraps to the same bytes.
    assert keys.wrap(kek, key, b"vault-id") != blob


def test_unwrap_with_a_wrong_kek_fails() -> None:
    kek, key = os.urandom(32), keys.new_database_key()
    blob = keys.wrap(kek, key, b"vault-id")
    assert keys.unwrap(os.urandom(32), blob, b"vault-id") is None


def test_unwrap_is_bound_to_the_vault_and_authenticated() -> None:
    kek, key = os.urandom(32), keys.new_database_key()
    blob = keys.wrap(kek, key, b"vault-id")
    assert keys.unwrap(kek, blob, b"another-vault") is None
    tampered = bytearray(blob)
    tampered[20] ^= 0x01
    assert keys.unwrap(kek, bytes(tampered), b"vault-id") is None
    assert keys.unwrap(kek, blob[:10], b"vault-id") is None
    assert keys.unwrap(kek, b"", b"vault-id") is None


def test_passphrase_derivation_depends_on_passphrase_salt_and_cost() -> None:
    salt = os.urandom(16)
    one = keys.derive_from_passphrase(PASSPHRASE, salt, FAST)
    assert len(one) == keys.KEY_BYTES
    assert keys.derive_from_passphrase(PASSPHRASE, salt, FAST) == one
    assert keys.derive_from_passphrase(PASSPHRASE + "!", salt, FAST) != one
    assert keys.derive_from_passphrase(PASSPHRASE, os.urandom(16), FAST) != one
    costlier = keys.KdfParams(memory_kib=2048, iterations=1, lanes=1)
    assert keys.derive_from_passphrase(PASSPHRASE, salt, costlier) != one


def test_key_check_tells_keys_and_vaults_apart() -> None:
    key = keys.new_database_key()
    check = keys.key_check(key, "vault-a")
    assert keys.key_check(key, "vault-a") == check
    assert keys.key_check(key, "vault-b") != check
    assert keys.key_check(keys.new_database_key(), "vault-a") != check
    assert key.hex() not in check


def test_sqlcipher_key_pragma_uses_the_raw_key_form() -> None:
    key = bytes(range(32))
    assert keys.sqlcipher_key_pragma(key) == f"PRAGMA key = \"x'{key.hex()}'\""


# -- recovery keys -----------------------------------------------------------------------------
def test_recovery_key_text_parses_back_in_every_spelling() -> None:
    raw, text = keys.new_recovery_key()
    assert len(raw) == keys.KEY_BYTES
    groups = text.split("-")
    assert all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4
    assert "".join(groups).isalnum() and text == text.upper()
    for spelling in (
        text,
        text.replace("-", ""),
        text.lower(),
        text.replace("-", "").lower(),
        text.replace("-", " "),
        f"  {text}\n",
    ):
        assert keys.parse_recovery_key(spelling) == raw, spelling


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a key",
        "AAAA-BBBB",
        "1111-1111-1111-1111-1111-1111-1111-1111-1111-1111-1111-1111-11",
    ],
)
def test_garbage_is_not_a_recovery_key(text: str) -> None:
    assert keys.parse_recovery_key(text) is None


def test_recovery_key_of_the_wrong_length_is_refused() -> None:
    _, text = keys.new_recovery_key()
    assert keys.parse_recovery_key(text[:-5]) is None
    assert keys.parse_recovery_key(text + "-ABCD") is None


# -- a vault on disk ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A closed vault spanning many pages, and its recovery key: built once, copied per test."""
    from sli_desktop.domain import Council, CouncilType, Region, council_id
    from sli_desktop.vault.councils import Councils

    path = tmp_path_factory.mktemp("keys-template") / "vault" / "test.sli"
    created = create_vault(path, PASSPHRASE, owner="tester", kdf=FAST)
    with created.vault as vault:
        Councils(vault).upsert_register(
            [
                Council.build(
                    id=council_id("E08000025"),
                    gss_code="E08000025",
                    name="Birmingham City Council",
                    type=CouncilType.METROPOLITAN_DISTRICT,
                    region=Region.WEST_MIDLANDS,
                )
            ]
        )
        with vault.transaction():
            for i in range(NOTES):
                Notes(vault).add(
                    council="E08000025",
                    title=f"Note {i}",
                    body="lorem ipsum " * 80,
                    date="2024-05-01",
                )
    return path, created.recovery_key


@pytest.fixture
def made(template: tuple[Path, str], tmp_path: Path) -> tuple[Path, str]:
    """This test's own copy of the template vault."""
    source, recovery = template
    folder = tmp_path / "copy"
    shutil.copytree(source.parent, folder)
    return folder / source.name, recovery


def _pages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[i : i + PAGE] for i in range(0, len(data), PAGE)]


def test_change_passphrase_rewraps_the_key_and_never_reencrypts(made: tuple[Path, str]) -> None:
    path, _recovery = made
    header_before = read_header(path)
    key = header_before.unwrap_with_passphrase(PASSPHRASE)
    pages_before = _pages(path)
    assert len(pages_before) >= 40
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]

    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE)

    header_after = read_header(path)
    assert header_after.salt != header_before.salt
    assert header_after.wrapped_key != header_before.wrapped_key
    assert header_after.vault_id == header_before.vault_id
    assert header_after.recovery_wrapped_key == header_before.recovery_wrapped_key
    assert header_after.unwrap_with_passphrase(NEW_PASSPHRASE) == key
    # The database is not rewritten. The one thing that lands in it is the audit entry
    # recording the change: a page or two. Re-encrypting would change every page (SQLCipher
    # writes each page with a fresh IV).
    pages_after = _pages(path)
    assert len(pages_before) <= len(pages_after) <= len(pages_before) + 2
    changed = [
        i + 1 for i, (a, b) in enumerate(zip(pages_before, pages_after, strict=False)) if a != b
    ]
    assert len(changed) <= 3, changed
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert AuditLog(vault).entries(1)[0].action == "passphrase-changed"
        assert AuditLog(vault).verify() is None


def test_after_a_change_the_old_passphrase_fails_and_the_rest_works(
    made: tuple[Path, str],
) -> None:
    path, recovery = made
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE)

    with pytest.raises(WrongPassphrase):
        unlock(path, PASSPHRASE)
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert Notes(vault).count() == NOTES
    third = "recovered with the key written down"
    with unlock_with_recovery_key(path, recovery, third) as vault:
        assert Notes(vault).count() == NOTES
    with pytest.raises(WrongPassphrase):
        unlock(path, NEW_PASSPHRASE)
    unlock(path, third).close()


def test_change_passphrase_with_the_wrong_old_one_changes_nothing(
    made: tuple[Path, str],
) -> None:
    path, _ = made
    before = header_path(path).read_bytes(), path.read_bytes()
    with pytest.raises(WrongPassphrase):
        change_passphrase(path, "not the passphrase at all", NEW_PASSPHRASE)
    assert (header_path(path).read_bytes(), path.read_bytes()) == before
    unlock(path, PASSPHRASE).close()


def test_recovery_key_sets_a_new_passphrase(made: tuple[Path, str]) -> None:
    path, recovery = made
    sloppy = recovery.replace("-", "").lower()
    with unlock_with_recovery_key(path, sloppy, NEW_PASSPHRASE) as vault:
        assert Notes(vault).count() == NOTES
        assert AuditLog(vault).entries(1)[0].action == "passphrase-reset-with-recovery-key"
    with pytest.raises(WrongPassphrase):
        unlock(path, PASSPHRASE)
    unlock(path, NEW_PASSPHRASE).close()


@pytest.mark.parametrize("recovery", ["wrong", "fresh"])
def test_a_wrong_recovery_key_is_refused_and_changes_nothing(
    made: tuple[Path, str], recovery: str
) -> None:
    path, _ = made
    text = "not-a-key" if recovery == "wrong" else keys.new_recovery_key()[1]
    before = header_path(path).read_bytes()
    with pytest.raises(WrongRecoveryKey):
        unlock_with_recovery_key(path, text, NEW_PASSPHRASE)
    assert header_path(path).read_bytes() == before


# -- remembered keys ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "stale",
    [
        os.urandom(32).hex(),  # another key: e.g. the vault was replaced by a synced copy
        "zz" * 32,  # not hex
        os.urandom(16).hex(),  # wrong length
        "",
    ],
    ids=["wrong-key", "not-hex", "short", "empty"],
)
def test_a_stale_keyring_entry_is_ignored(made: tuple[Path, str], stale: str) -> None:
    path, _ = made
    header = read_header(path)
    store = MemoryKeyStore()
    store.set(header.vault_id, stale)
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    assert remembered_key(header, store) is None
    with pytest.raises(PassphraseNeeded):
        unlock(path, keystore=store)
    with unlock(path, PASSPHRASE, keystore=store) as vault:
        assert Notes(vault).count() == NOTES
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_right_remembered_key_opens_without_a_passphrase(made: tuple[Path, str]) -> None:
    path, _ = made
    store = MemoryKeyStore()
    assert remember(path, PASSPHRASE, store)
    with unlock(path, keystore=store) as vault:
        assert Notes(vault).count() == NOTES
    with pytest.raises(WrongPassphrase):
        remember(path, "not the passphrase at all", MemoryKeyStore())


def test_cli_with_a_stale_keyring_entry_falls_back_to_the_passphrase(
    councils_vault: Vault, cli, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Notes(councils_vault).add(council="E08000025", title="Visible note", date="2024-05-01")
    councils_vault.close()
    store = MemoryKeyStore()
    store.set(read_header(vault_path).vault_id, os.urandom(32).hex())

    result = cli("note", "list", keystore=store)
    assert result.code == 0, result.err
    assert "Visible note" in result.out

    monkeypatch.delenv("SLI_PASSPHRASE")
    result = cli("note", "list", keystore=store)
    assert result.code == 2
    assert result.err.startswith("sli: a passphrase is needed")
    assert "damaged" not in result.err


# -- weak passphrases --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("", "at least 10 characters"),
        ("short1!", "at least 10 characters"),
        ("aaaaaaaaaaaaaaaa", "too repetitive"),
        ("abababababab", "too repetitive"),
    ],
)
def test_weak_passphrases_are_refused_with_a_clear_message(
    passphrase: str, reason: str, tmp_path: Path
) -> None:
    with pytest.raises(WeakPassphrase, match=reason):
        check_passphrase(passphrase)
    path = tmp_path / "weak" / "v.sli"
    with pytest.raises(WeakPassphrase, match=reason):
        create_vault(path, passphrase, kdf=FAST)
    assert not path.exists()
    assert not header_path(path).exists()


def test_good_passphrases_are_accepted() -> None:
    for passphrase in (PASSPHRASE, NEW_PASSPHRASE, "Tr0ub4dor&3x"):
        check_passphrase(passphrase)


def test_a_weak_new_passphrase_changes_nothing(made: tuple[Path, str]) -> None:
    path, recovery = made
    before = header_path(path).read_bytes()
    with pytest.raises(WeakPassphrase):
        change_passphrase(path, PASSPHRASE, "weak")
    with pytest.raises(WeakPassphrase):
        unlock_with_recovery_key(path, recovery, "aaaaaaaaaaaaaaaa")
    assert header_path(path).read_bytes() == before
    unlock(path, PASSPHRASE).close()
