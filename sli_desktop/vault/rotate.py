"""Replacing the database key itself: the vault copied under a new random key, the old key left
opening nothing.

Changing the passphrase alone re-wraps the same key, so a header copied before the change (or
a backup) together with the old passphrase still opens the vault as it is today. Rotation
ends that. SQLCipher's ``PRAGMA rekey`` rewrites pages in place and is not safe in WAL mode, so
the vault is exported instead into a new file under the new key (``sqlcipher_export``, as
backup.py does), checked, and swapped in with its new header through files.py's journal:

1. Open the vault with the old key, take it exclusively (another window or command with it
   open makes this fail: ``VaultInUse``) and checkpoint the WAL empty. The lock is held until
   the commit, so nothing can be written to the old file that the copy would miss, and
   ``files.settle`` in another process leaves the staged files alone meanwhile.
2. Export into ``.NAME.rotating`` under the new key and the page format new vaults get (an older
   vault's pages change size here: the export copies rows, not pages); fsync it.
3. Open the copy with the new key: every page authenticates, the vault id inside is this
   vault's, ``quick_check`` is ok.
4. Write the new header (new salt, new wraps, new key check, today's Argon2id cost, a new
   recovery key) to ``.NAME.rotating.header``, fsynced.
5. Commit: rename it to ``.NAME.rotated.header``. Before this, a kill leaves the old vault and
   the next opener deletes the staged files; from here on the next opener finishes the swap.
6. Close the old connection, delete the old ``-wal``/``-shm``, rename the copy over the vault
   file, then the committed header over the header (files.finish_rotation).

The recovery key wraps the database key, and only someone holding it could wrap the new key
under it, so a rotation makes a new recovery key: the old one, like the old passphrase, opens
only old headers and backups.
"""

from __future__ import annotations

import contextlib
import glob
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..private_file import create_private
from . import files, keys
from .connection import Connection, Error, open_connection
from .errors import VaultBusy, VaultDamaged, VaultError, classify
from .header import Header, header_path, write_header
from .pages import PageFormat

#: Steps reported besides the pages copied: locked, verified, staged, committed, closed, the
#: database in place, the header in place.
STEPS = 7
#: How many SQLite instructions pass between progress reports (and looks at ``cancelled``)
#: during the copy. The copy runs few instructions per page (the B-tree work is in C), so
#: this is often enough to report and stop promptly, and each report is one stat().
_PROGRESS_EVERY = 1_000


class VaultInUse(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "the vault is open in another SLI Desktop window or command; close it, then try again"
        )


class RotationCancelled(VaultError):
    def __init__(self) -> None:
        super().__init__("the change was cancelled; the vault and its passphrase are as they were")


@dataclass(frozen=True)
class Rotated:
    key: bytes
    recovery_key: str
    #: the page format the new key's header records (new vaults' today)
    pages: PageFormat
    #: copies made before schema upgrades (migrations.backup_path) that were removed
    removed_copies: int = 0


class _Progress:
    """Reports ``done`` of ``total`` (pages copied plus STEPS) and answers whether to stop."""

    def __init__(
        self,
        report: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self._report, self._cancelled = report, cancelled
        self.done, self.total = 0, STEPS

    def step(self) -> None:
        self.done += 1
        self._emit()

    def pages(self, copied: int, pages: int) -> None:
        self.total = pages + STEPS
        done = 1 + min(copied, pages)
        if done != self.done:
            self.done = done
            self._emit()

    def cancelled(self) -> bool:
        return bool(self._cancelled and self._cancelled())

    def _emit(self) -> None:
        if self._report is not None:
            self._report(self.done, self.total)


def rotate(
    path: Path,
    header: Header,
    old_key: bytes,
    passphrase: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Rotated:
    """Re-encrypt the vault at ``path`` under a new key wrapped by ``passphrase``. ``old_key``
    is the key ``header`` wraps, already unwrapped by the caller. No connection to the vault may
    be open; ``cancelled`` is heeded until the commit, after which the change always completes."""
    tracker = _Progress(progress, cancelled)
    if tracker.cancelled():
        raise RotationCancelled()
    new_key = keys.new_database_key()
    recovery_raw, recovery_text = keys.new_recovery_key()
    new_header = header.rotated(new_key, passphrase, recovery_raw)
    staged = files.rotating_path(path)
    conn = _take(path, old_key, header.pages)
    committed = False
    try:
        tracker.step()
        _discard(staged)
        _export(conn, path, staged, new_key, new_header.pages, tracker)
        files.fsync_file(staged)
        _verify(staged, new_key, new_header)
        tracker.step()
        if tracker.cancelled():
            raise RotationCancelled()
        write_header(staged, new_header)
        tracker.step()
        os.replace(header_path(staged), files.committed_header_path(path))
        files.fsync_dir(path.parent)
        committed = True
        tracker.step()
    except OSError as exc:
        raise VaultError(f"the vault could not be re-encrypted ({exc.strerror})") from None
    finally:
        conn.close()
        if not committed:
            _discard(staged)
    tracker.step()
    try:
        files.finish_rotation(path, after_step=tracker.step)
    except OSError as exc:
        raise VaultError(
            f"the vault was re-encrypted but could not be put in place ({exc.strerror}); "
            "it will be the next time it is opened"
        ) from None
    tracker.step()
    return Rotated(new_key, recovery_text, new_header.pages, _remove_old_key_copies(path))


def _remove_old_key_copies(path: Path) -> int:
    """Remove the copies taken before schema upgrades: they are under the old key, so the old
    header and passphrase would still open them, which a rotation exists to end. The vault
    opened after the upgrade, so they are no longer needed (the audit entry counts them)."""
    removed = 0
    for copy in path.parent.glob(f"{glob.escape(path.name)}.schema-v*.bak"):
        with contextlib.suppress(FileNotFoundError):
            copy.unlink()
            removed += 1
    return removed


def _take(path: Path, key: bytes, pages: PageFormat) -> Connection:
    """The vault open with ``key`` and held exclusively, its WAL checkpointed empty."""
    conn = open_connection(path, key, pages=pages)
    try:
        # Another connection that merely has the vault open makes this fail, not wait forever:
        # a window left open holds it for hours, so a short wait is all that is worth doing.
        conn.execute("PRAGMA busy_timeout = 1000")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy is None or busy[0] != 0:
            raise VaultInUse()
    except VaultError:
        conn.close()
        raise
    except Error as exc:
        conn.close()
        found = classify(exc, path)
        raise (VaultInUse() if isinstance(found, VaultBusy) or found is None else found) from None
    return conn


def _export(
    conn: Connection, path: Path, staged: Path, key: bytes, fmt: PageFormat, tracker: _Progress
) -> None:
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    old_page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    stop = False

    def on_progress() -> int:
        nonlocal stop
        try:
            # In the old vault's pages: the copy's pages may be of another size.
            copied = staged.stat().st_size // old_page_size if staged.exists() else 0
            tracker.pages(copied, pages)
            stop = tracker.cancelled()
        except Exception:  # noqa: BLE001 - a failing progress callback stops the copy cleanly
            stop = True
        return 1 if stop else 0

    tracker.pages(0, pages)
    # Owner-only before SQLite opens it, as the vault it replaces is; its journal follows.
    create_private(staged).close()
    try:
        conn.execute(f"ATTACH DATABASE ? AS rotating KEY \"x'{key.hex()}'\"", (str(staged),))
        try:
            for pragma in fmt.pragmas("rotating"):
                conn.execute(pragma)
            conn.set_progress_handler(on_progress, _PROGRESS_EVERY)
            try:
                conn.execute("SELECT sqlcipher_export('rotating')").fetchall()
            finally:
                conn.set_progress_handler(None, 0)
            conn.execute(f"PRAGMA rotating.user_version = {version}")
        finally:
            conn.execute("DETACH DATABASE rotating")
    except Error as exc:
        if stop:
            raise RotationCancelled() from None
        raise classify(exc, path) or VaultError(
            "the vault could not be copied under the new key"
        ) from None
    tracker.pages(pages, pages)


def _verify(staged: Path, key: bytes, header: Header) -> None:
    """The copy opens with the new key, every page authenticates, and it is this vault."""
    problem = "the copy under the new key did not check out; nothing was changed"
    try:
        conn = open_connection(staged, key, pages=header.pages)
    except VaultDamaged:
        raise VaultError(problem) from None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
        checked = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except Error:
        raise VaultError(problem) from None
    finally:
        conn.close()
    if checked != ["ok"] or not row or row[0] != header.vault_id:
        raise VaultError(problem)


def _discard(staged: Path) -> None:
    files.remove_database(staged)
    header_path(staged).unlink(missing_ok=True)
