"""Creating, unlocking and re-keying a vault: where the header, the keyring and SQLCipher meet."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..private_file import restrict
from . import identity, keys, rotate, strength
from .connection import Error, check_every_page, open_connection
from .errors import VaultError, VaultExists, WrongPassphrase, WrongRecoveryKey, classify
from .files import creating_path, fsync_dir, is_empty_or_missing, remove_database, settle
from .header import (
    Header,
    VaultFileMissing,
    header_path,
    read_header,
    write_header,
)
from .keystore import KeyStore
from .migrations import LATEST, migrate, schema_version
from .page_check import PageCheck
from .pages import PageFormat
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
    role: str = "",
    remember: bool = False,
    keystore: KeyStore | None = None,
    kdf: keys.KdfParams | None = None,
    pages: PageFormat | None = None,
) -> Created:
    """A new, empty vault. The recovery key is returned once and stored nowhere in clear.
    ``pages`` is for measuring and testing a format (tests/bench); the app lets the vault
    take new vaults' (vault/pages.py).

    The database is made complete under a hidden name first, then the header is written, then
    the database is renamed into place (files.py finishes that rename if it was cut short). So
    a vault file never exists without its header, and a header never stands alone except when
    the vault beside it was lost: that is refused (VaultFileMissing), never overwritten."""
    settle(path)
    if header_path(path).exists() and is_empty_or_missing(path):
        raise VaultFileMissing(path)
    if path.exists():
        raise VaultExists(path)
    adviser = identity.checked(owner, role) if owner is not None else None
    check_passphrase(passphrase, owner=owner)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = keys.new_database_key()
    recovery_raw, recovery_text = keys.new_recovery_key()
    header = Header.new(key, passphrase, recovery_raw, kdf or keys.KdfParams(), pages)
    creating = creating_path(path)
    remove_database(creating)  # a creation cut short before it wrote its header
    wrote_header = False
    try:
        _new_database(creating, key, header, adviser or identity.Identity(_os_user())).close()
        write_header(path, header)
        wrote_header = True
        os.replace(creating, path)
        fsync_dir(path.parent)
    except BaseException:
        remove_database(creating)
        if wrote_header and not path.exists():
            header_path(path).unlink(missing_ok=True)
        raise
    vault = open_with_key(path, key, header.pages)
    remembered = bool(remember and keystore and keystore.set(header.vault_id, key.hex()))
    return Created(vault, recovery_text, remembered)


def _new_database(db: Path, key: bytes, header: Header, adviser: identity.Identity) -> Vault:
    conn = open_connection(db, key, pages=header.pages)
    try:
        restrict(db)  # owner-only, the platform's way (no chmod on Windows)
        migrate(conn, db)
    except BaseException:
        conn.close()
        raise
    vault = Vault(conn, db, adviser.name)
    try:
        with vault.transaction():
            vault.set_meta("vault_id", header.vault_id)
            vault.set_meta(identity.NAME_KEY, adviser.name)
            if adviser.role:
                vault.set_meta(identity.ROLE_KEY, adviser.role)
            vault.set_meta("created_at", vault.now().isoformat())
            vault.audit("vault-created")
    except BaseException:
        vault.close()
        raise
    return vault


def unlock(
    path: Path,
    passphrase: str | None = None,
    *,
    keystore: KeyStore | None = None,
    page_check_done: Callable[[VaultError | None], None] | None = None,
) -> Vault:
    """Open with the remembered key if it is right, else with the passphrase.

    With ``page_check_done`` the page check runs beside the caller instead of before the
    return (``open_with_key``); it is called, on the check's thread, with its outcome."""
    header = read_header(path)
    key = remembered_key(header, keystore) if passphrase is None else None
    if key is None:
        if passphrase is None:
            raise PassphraseNeeded()
        key = header.unwrap_with_passphrase(passphrase)
        if key is None:
            raise WrongPassphrase()
    return open_with_key(path, key, header.pages, page_check_done=page_check_done)


def unlock_with_recovery_key(path: Path, recovery_key: str, new_passphrase: str) -> Vault:
    """A forgotten passphrase: the recovery key opens the vault and sets a new passphrase."""
    header = read_header(path)
    raw = keys.parse_recovery_key(recovery_key)
    key = header.unwrap_with_recovery(raw) if raw else None
    if key is None:
        raise WrongRecoveryKey()
    check_passphrase(new_passphrase)
    write_header(path, header.rewrapped(key, new_passphrase))
    vault = open_with_key(path, key, header.pages)
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
) -> str | None:
    """A new passphrase. Without ``rotate_key`` the same database key is re-wrapped and the
    vault file is not rewritten. With it, the vault is copied under a new random key and the
    old key stops opening anything (vault/rotate.py): old headers, old passphrases and the old
    recovery key open only backups made before. The new recovery key is returned then (show
    it once, as at creation); None otherwise.

    ``progress(done, total)`` reports pages copied and steps; ``cancelled`` is heeded until the
    swap and stops the change with nothing altered (RotationCancelled). When the key changes, a
    key ``keystore`` remembers for this vault is replaced by the new one (or forgotten if the
    keyring will not take it). Call it with no connection to the vault open: a rotation
    refuses (VaultInUse) while another window or command has the vault open."""
    header = read_header(path)
    key = header.unwrap_with_passphrase(old)
    if key is None:
        raise WrongPassphrase()
    check_passphrase(new)
    if not rotate_key:
        write_header(path, header.rewrapped(key, new))
        with open_with_key(path, key, header.pages) as vault:
            vault.audit("passphrase-changed")
        return None
    remembered = remembered_key(header, keystore) == key
    rotated = rotate.rotate(path, header, key, new, progress=progress, cancelled=cancelled)
    with open_with_key(path, rotated.key, rotated.pages) as vault:
        vault.audit(
            "passphrase-changed",
            detail={"key": "rotated", "removed_copies": rotated.removed_copies},
        )
    if remembered and keystore is not None and not keystore.set(header.vault_id, rotated.key.hex()):
        keystore.delete(header.vault_id)
    return rotated.recovery_key


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


def open_with_key(
    path: Path,
    key: bytes,
    pages: PageFormat,
    *,
    page_check_done: Callable[[VaultError | None], None] | None = None,
) -> Vault:
    """The unlocked vault, holding the key in one buffer that locking it overwrites.

    Every page is authenticated before anything is written. By default that happens here,
    before the return (the CLI: a command is over in moments and most write). With
    ``page_check_done`` (the window) it runs on a thread beside the caller, so the first view
    reads meanwhile, and every write waits for it (vault/page_check.py); the callback hears
    how it ended. A vault whose schema must be upgraded is checked here either way: the
    upgrade writes."""
    buffer = keys.KeyBuffer(key)
    deferred = page_check_done is not None
    conn = open_connection(path, buffer.key, pages=pages, check_pages=not deferred)
    check: PageCheck | None = None
    try:
        if deferred and schema_version(conn) != LATEST:
            check_every_page(conn, path)
            deferred = False
        migrate(conn, path)
        row = conn.execute("SELECT value FROM meta WHERE key = 'owner'").fetchone()
        if deferred:
            check = PageCheck(path, buffer, pages, page_check_done)
    except Error as exc:
        conn.close()
        buffer.wipe()
        raise classify(exc, path) or exc from None
    except BaseException:
        conn.close()
        buffer.wipe()
        raise
    owner = str(row[0]) if row else _os_user()
    if page_check_done is not None and check is None:
        page_check_done(None)  # checked above, before the upgrade
    return Vault(conn, path, owner, key=buffer, pages=pages, page_check=check)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
