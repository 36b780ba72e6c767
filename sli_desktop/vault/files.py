"""The files that make up a vault on disk, and putting a new pair of them in place.

A vault is two files: the database and its key header beside it (plus SQLite's ``-wal`` and
``-shm`` while it is open). Replacing both at once (a key rotation, rotate.py, or a restore,
backup.py, which uses the same journal) or making both
(a new vault, session.create_vault) cannot be one rename, so it is staged beside them under
hidden names and recorded as a small journal that the next opener finishes or undoes:

- ``.NAME.creating``: a new vault's complete database, made before its header is written.
  With a header and no vault file it is moved into place; without a header it is an unfinished
  creation, which only ``create_vault`` clears.
- ``.NAME.rotating`` and ``.NAME.rotating.header``: a rotation's new database and header, not
  yet committed. Removed (the rotation is undone) unless the rotation is still running.
- ``.NAME.rotated.header``: the commit mark. It is the new header renamed once the new database
  is complete, synced and verified; from then on the rotation is always finished, never undone.

Every opener calls ``settle`` (``header.read_header`` does), so a process killed at any point
leaves either the old pair or the new pair to whoever opens the vault next, never a mix.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from ..private_file import fsync_folder
from .connection import held_exclusively

SIDE_FILES = ("-wal", "-shm", "-journal")
#: Renames made durable by the app's one helper for it (private_file), under the vault's name.
fsync_dir = fsync_folder


def header_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".header")


def creating_path(vault_path: Path) -> Path:
    return vault_path.with_name(f".{vault_path.name}.creating")


def rotating_path(vault_path: Path) -> Path:
    """The rotation's new database; its staged header is ``header_path`` of this."""
    return vault_path.with_name(f".{vault_path.name}.rotating")


def committed_header_path(vault_path: Path) -> Path:
    return vault_path.with_name(f".{vault_path.name}.rotated.header")


def side_files(db: Path) -> list[Path]:
    return [db.with_name(db.name + s) for s in SIDE_FILES]


def remove_database(db: Path) -> None:
    """A database file and whatever SQLite left beside it."""
    for p in (db, *side_files(db)):
        p.unlink(missing_ok=True)


def is_empty_or_missing(vault_path: Path) -> bool:
    try:
        return vault_path.stat().st_size == 0
    except FileNotFoundError:
        return True


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def settle(vault_path: Path) -> None:
    """Finish a committed rotation, undo an abandoned one, and move a created vault into place.

    A rotation that is still running holds the vault file exclusively (rotate.py keeps the old
    database locked until its commit mark is down), so its staged files are left to it."""
    rotating, committed = rotating_path(vault_path), committed_header_path(vault_path)
    creating = creating_path(vault_path)
    staged = [committed, rotating, header_path(rotating)]
    if any(p.exists() for p in staged) and not _in_use(vault_path):
        if committed.exists():
            finish_rotation(vault_path)
        else:
            remove_database(rotating)
            header_path(rotating).unlink(missing_ok=True)
            fsync_dir(vault_path.parent)
    if creating.exists() and header_path(vault_path).exists() and not vault_path.exists():
        # create_vault writes the header only once the database is complete.
        with contextlib.suppress(FileNotFoundError):
            os.replace(creating, vault_path)
        fsync_dir(vault_path.parent)


def finish_rotation(vault_path: Path, after_step: Callable[[], None] | None = None) -> None:
    """The committed rotation's database, then its header, in place. Safe to repeat, and to run
    in two processes at once: each rename happens once and a missing source means it is done.

    The old database's ``-wal`` and ``-shm`` go first: the rotation checkpointed the WAL empty
    under its lock, and SQLite must never replay an old frame into the new file."""
    rotating, committed = rotating_path(vault_path), committed_header_path(vault_path)
    if rotating.exists():
        for side in side_files(vault_path):
            side.unlink(missing_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.replace(rotating, vault_path)
        fsync_dir(vault_path.parent)
        if after_step is not None:
            after_step()
    with contextlib.suppress(FileNotFoundError):
        os.replace(committed, header_path(vault_path))
    fsync_dir(vault_path.parent)


def _in_use(vault_path: Path) -> bool:
    return vault_path.exists() and held_exclusively(vault_path)
