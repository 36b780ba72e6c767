"""Creating, unlocking and re-keying a vault: where the header, the keyring and SQLCipher meet."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import keys, strength
from .connection import Error, open_connection
from .errors import VaultError, VaultExists, WrongPassphrase, WrongRecoveryKey, classify
from .header import NEW_VAULT_PAGE_SIZE, Header, header_path, read_header, write_header
from .keystore import KeyStore
from .migrations import migrate
from .store import Vault

MIN_PASSPHRASE = strength.MIN_LENGTH


class PassphraseNeeded(VaultError):
    def __init__(self) -> None:
        super().__init__("a passphrase is needed to unlock the vault")


class WeakPassphrase(VaultError):
    """A passphrase that would be easy to guess: the sentence says why and what would help."""


@dataclass(frozen=True)
class Created:
    vault: Vault
    recovery_key: str
    remembered: bool


def check_passphrase(passphrase: str, *, owner: str | None = None) -> None:
    """Refuse a passphrase that is easy to guess (vault/strength.py has the rule), so every
    place that sets one holds to the same rule."""
    estimate = strength.estimate(passphrase, owner=owner)
    if not estimate.acceptable:
        raise WeakPassphrase(estimate.refusal)


def create_vault(
    path: Path,
    passphrase: str,
    *,
    owner: str | None = None,
    remember: bool = False,
    keystore: KeyStore | None = None,
    kdf: keys.KdfParams | None = None,
    page_size: int = NEW_VAULT_PAGE_SIZE,
) -> Created:
    """A new, empty vault. The recovery key is returned once and stored nowhere in clear.
    ``page_size`` is for measuring the choice (tests/bench); the app keeps the default."""
    if path.exists():
        raise VaultExists(path)
    check_passphrase(passphrase, owner=owner)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = keys.new_database_key()
    recovery_raw, recovery_text = keys.new_recovery_key()
    header = Header.new(key, passphrase, recovery_raw, kdf or keys.KdfParams(), page_size)
    # Header first: a crash before the database exists leaves an orphan header that the next
    # init replaces, never a database without the key to open it.
    write_header(path, header)
    try:
        conn = open_connection(path, key, page_size=header.page_size)
    except BaseException:
        header_path(path).unlink(missing_ok=True)
        raise
    os.chmod(path, 0o600)
    migrate(conn, path)
    vault = Vault(conn, path, owner or _os_user())
    with vault.transaction():
        vault.set_meta("vault_id", header.vault_id)
        vault.set_meta("owner", vault.actor)
        vault.set_meta("created_at", vault.now().isoformat())
        vault.audit("vault-created")
    remembered = bool(remember and keystore and keystore.set(header.vault_id, key.hex()))
    return Created(vault, recovery_text, remembered)


def unlock(
    path: Path,
    passphrase: str | None = None,
    *,
    keystore: KeyStore | None = None,
) -> Vault:
    """Open with the remembered key if it is right, else with the passphrase."""
    header = read_header(path)
    key = remembered_key(header, keystore) if passphrase is None else None
    if key is None:
        if passphrase is None:
            raise PassphraseNeeded()
        key = header.unwrap_with_passphrase(passphrase)
        if key is None:
            raise WrongPassphrase()
    return _open(path, key, header.page_size)


def unlock_with_recovery_key(path: Path, recovery_key: str, new_passphrase: str) -> Vault:
    """A forgotten passphrase: the recovery key opens the vault and sets a new passphrase."""
    header = read_header(path)
    raw = keys.parse_recovery_key(recovery_key)
    key = header.unwrap_with_recovery(raw) if raw else None
    if key is None:
        raise WrongRecoveryKey()
    check_passphrase(new_passphrase)
    write_header(path, header.rewrapped(key, new_passphrase))
    vault = _open(path, key, header.page_size)
    vault.audit("passphrase-reset-with-recovery-key")
    return vault


def change_passphrase(
    path: Path,
    old: str,
    new: str,
    *,
    rotate_key: bool = False,
    keystore: KeyStore | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """A new passphrase. Without ``rotate_key`` the same database key is re-wrapped and the
    vault file is not rewritten; with it, the vault is copied under a new random key and the
    old key (and every old header) stops opening anything (vault/rotate.py).

    ``progress(done, total)`` reports steps; ``cancelled`` is asked before anything is swapped
    and stops the change with nothing altered. When the key changes, a key ``keystore``
    remembers is replaced by the new one. Call it with no connection to the vault open."""
    header = read_header(path)
    key = header.unwrap_with_passphrase(old)
    if key is None:
        raise WrongPassphrase()
    check_passphrase(new)
    if rotate_key:
        raise NotImplementedError("key rotation is being built")
    write_header(path, header.rewrapped(key, new))
    with _open(path, key, header.page_size) as vault:
        vault.audit("passphrase-changed")


def remember(path: Path, passphrase: str, keystore: KeyStore) -> bool:
    header = read_header(path)
    key = header.unwrap_with_passphrase(passphrase)
    if key is None:
        raise WrongPassphrase()
    return keystore.set(header.vault_id, key.hex())


def forget(path: Path, keystore: KeyStore) -> None:
    keystore.delete(read_header(path).vault_id)


def remembered_key(header: Header, keystore: KeyStore | None) -> bytes | None:
    """The keyring's key only if it really is this vault's: a stale entry is ignored."""
    if keystore is None:
        return None
    value = keystore.get(header.vault_id)
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == keys.KEY_BYTES and header.matches(key) else None


def _open(path: Path, key: bytes, page_size: int) -> Vault:
    conn = open_connection(path, key, page_size=page_size)
    try:
        migrate(conn, path)
        row = conn.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone()
    except Error as exc:
        conn.close()
        raise classify(exc, path) or exc from None
    except BaseException:
        conn.close()
        raise
    return Vault(conn, path, str(row[0]) if row else _os_user())


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
