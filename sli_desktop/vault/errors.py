"""Vault failures a user can act on, each with one sentence to show them.

Database errors are sorted into these at the boundary (``classify``); anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class VaultError(Exception):
    """A failure the user can act on; ``str(error)`` is the sentence to show."""


class VaultNotFound(VaultError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"no vault at {path}; create one with 'sli init'")


class VaultExists(VaultError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"a vault already exists at {path}")


class WrongPassphrase(VaultError):
    def __init__(self) -> None:
        super().__init__("wrong passphrase for this vault")


class WrongRecoveryKey(VaultError):
    def __init__(self) -> None:
        super().__init__("that recovery key does not open this vault")


class VaultDamaged(VaultError):
    def __init__(self, path: Path, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"the vault at {path} is damaged{extra}; restore it from a backup or sync a fresh copy"
        )


class VaultTooNew(VaultError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"this vault has schema version {found} but this app understands up to {supported}; "
            "update SLI Desktop"
        )


class VaultBusy(VaultError):
    def __init__(self) -> None:
        super().__init__("the vault is busy in another SLI Desktop window or command; try again")


class DiskFull(VaultError):
    def __init__(self) -> None:
        super().__init__("the disk is full; nothing was saved; free some space and try again")


class VaultLocked(VaultError):
    def __init__(self) -> None:
        super().__init__("the vault is locked")


class TransactionFailed(VaultError):
    """A write that joined an enclosing transaction failed and the caller carried on: the
    whole transaction was rolled back rather than committed half-done."""

    def __init__(self) -> None:
        super().__init__("a write inside this change failed, so none of the change was saved")


class WrongThread(VaultError):
    """Bulk work was started on the window's thread: a bug, refused before it freezes the
    window (Vault.bulk_work)."""

    def __init__(self) -> None:
        super().__init__("bulk work must run on a worker, not on the window's thread")


class Interrupted(VaultError):
    """Work stopped by a cancel or a lock (Vault.interrupt_when): its transaction rolled back."""

    def __init__(self) -> None:
        super().__init__("the work was stopped before it finished; none of it was saved")


class NotFound(VaultError):
    """A record the user named is not in the vault."""


def classify(exc: Exception, path: Path) -> VaultError | None:
    """Map a sqlcipher3/sqlite3 error to what the user can act on, or None for a bug."""
    text = str(exc).lower()
    if "database or disk is full" in text or ("disk i/o error" in text and "full" in text):
        return DiskFull()
    if "database is locked" in text or "database is busy" in text:
        return VaultBusy()
    if text == "interrupted":
        return Interrupted()
    # SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), whatever the message: damage met inside an
    # FTS index reads "vtable constructor failed", not "malformed".
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (11, 26):
        return VaultDamaged(path)
    if (
        "file is not a database" in text
        or "malformed" in text
        or "corrupt" in text
        or "hmac" in text
        or "disk i/o error" in text
    ):
        return VaultDamaged(path)
    return None
