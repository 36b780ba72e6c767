"""Opening a SQLCipher connection with the settings that keep plaintext off the disk.

This is the only module that imports sqlcipher3 (tests enforce it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import sqlcipher3

from . import keys
from .errors import VaultDamaged, VaultError, classify
from .pages import PageFormat

_SQLITE_BUSY = 5


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The part of a DB-API connection the vault uses (sqlcipher3 ships no type hints)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...
    def set_progress_handler(self, handler: Any, n: int, /) -> None: ...
    def close(self) -> None: ...


#: The driver's base error, for ``except`` clauses outside this module.
Error: type[Exception] = cast(type[Exception], sqlcipher3.Error)

#: Compile options the vault cannot do without: encryption, full-text search, and a build that
#: honours ``temp_store = MEMORY`` (TEMP_STORE=0 would force temp files onto the disk).
_REQUIRED_OPTIONS = ("HAS_CODEC", "ENABLE_FTS5")


class UnsafeBuild(VaultError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"this SQLCipher build is unsafe for a vault: {reason}")


def open_connection(
    path: Path,
    key: bytes | bytearray,
    *,
    pages: PageFormat,
    cache_mib: int = 64,
    check_pages: bool = True,
) -> Connection:
    """A connection keyed with the raw key, hardened, and checked to really be SQLCipher.

    ``pages`` is the format the vault's header records (``Header.pages``: page size and page
    MAC): SQLCipher cannot read it from the encrypted file, and a wrong one makes every page
    fail to authenticate.

    ``cipher_memory_security`` is left off (SQLCipher's default since 4.5.0): it wipes only
    SQLite's own heap, while the same text lives on unwiped in Python strings and Qt widgets,
    and it cost several times over on every write (docs/SECURITY.md, "Memory").

    ``check_pages`` False skips authenticating every page (``check_every_page``): for a second
    connection to a vault the window already opened and checked (``Vault.sibling``), and for
    the window's own, whose check runs beside it (vault/page_check.py).

    Autocommit mode (``isolation_level=None``): the vault opens every write transaction itself
    with ``BEGIN IMMEDIATE`` so the outbox and audit rows always share the record's transaction.
    """
    try:
        conn = cast(Connection, sqlcipher3.connect(str(path), isolation_level=None, timeout=5.0))
    except Error as exc:
        raise classify(exc, path) or VaultDamaged(path, "it cannot be opened") from None
    try:
        conn.execute("PRAGMA cipher_memory_security = OFF")  # decided: see the docstring
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(keys.sqlcipher_key_pragma(key))
        for pragma in pages.pragmas():
            conn.execute(pragma)
        _check_build(conn)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA temp_store = MEMORY")
        # Freed pages are zeroed before reuse: a deleted or disposed note's text does not
        # linger in free pages (the driver's build defaults to this; the vault insists).
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA foreign_keys = ON")
        # REPLACE must fire delete triggers too, or INSERT OR REPLACE could rewrite audit rows.
        conn.execute("PRAGMA recursive_triggers = ON")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA cache_size = -{cache_mib * 1024}")
        if conn.execute("PRAGMA temp_store").fetchone()[0] != 2:
            raise UnsafeBuild("temporary tables would be written to disk")
        if check_pages:
            check_every_page(conn, path)
    except VaultError:
        conn.close()
        raise
    except Error as exc:
        conn.close()
        raise classify(exc, path) or VaultDamaged(path, "it cannot be read") from None
    return conn


def _check_build(conn: Connection) -> None:
    version = conn.execute("PRAGMA cipher_version").fetchone()
    if not version or not version[0]:
        raise UnsafeBuild("it is plain SQLite without encryption")
    options = {
        row[0].split("=")[0]: row[0] for row in conn.execute("PRAGMA compile_options").fetchall()
    }
    missing = [opt for opt in _REQUIRED_OPTIONS if opt not in options]
    if missing:
        raise UnsafeBuild(f"it lacks {', '.join(missing)}")
    if options.get("TEMP_STORE") == "TEMP_STORE=0":
        raise UnsafeBuild("it always writes temporary files to disk (TEMP_STORE=0)")


def check_every_page(conn: Connection, path: Path) -> None:
    """Refuse a vault with a damaged page at open, not later when that page happens to be read.

    ``cipher_integrity_check`` authenticates every page of the file (fast, but blind to the
    WAL). Only if it flags a page is the slower ``quick_check`` run through the pager to
    confirm: a flagged page that the database no longer uses (a free page, or a stale copy
    that the WAL supersedes after a crash) is not damage.
    """
    if not conn.execute("PRAGMA cipher_integrity_check").fetchall():
        return
    result = conn.execute("PRAGMA quick_check").fetchall()  # a failing page raises here
    if [row[0] for row in result] != ["ok"]:
        raise VaultDamaged(path, "some pages fail their integrity check")


def held_exclusively(path: Path) -> bool:
    """Whether another connection holds the existing database at ``path`` exclusively (a key
    rotation does while it copies the vault), asked without the key and without waiting: a
    connection with no key cannot even read the first page, so it fails at once either way,
    with "locked" only when the lock comes first. Never call it on a path that may not exist:
    connecting would create the file."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except Error as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        return isinstance(code, int) and code & 0xFF == _SQLITE_BUSY
    finally:
        conn.close()
    return False


def memory_security_enabled(conn: Connection) -> bool:
    row = conn.execute("PRAGMA cipher_memory_security").fetchone()
    return bool(row and str(row[0]) in ("1", "ON", "on"))


def sqlcipher_version() -> str:
    """The SQLCipher library this build links (for the About box and support), without a vault."""
    conn = sqlcipher3.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        return str(row[0]) if row and row[0] else "none (plain SQLite)"
    finally:
        conn.close()
