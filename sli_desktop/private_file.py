"""Files and folders the app writes for the user: readable only by them, whole or not at all.

Exports (JSON, contacts, calendars), briefings, saved documents and backups all hold what the
vault protects, some of it in clear, so every one of them is written here: a sibling temporary
file created owner-only, filled, flushed to disk and renamed over the target, so a crash leaves
the old file or none, never half of one, and never a copy anyone else on the machine can read.

The mode is set explicitly (``fchmod``), not left to the umask: a umask of 0 would otherwise
give 0666 files. A file the user overwrites is a new file after the rename, so it becomes
owner-only even if the old one was not: intended, since it now holds what they just exported.

How "owner-only" is done is the platform's (``platform/owner_only.py``): POSIX modes, or on
Windows the access list the file inherits from the user's profile, with no ``chmod`` at all.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .platform import owner_only
from .platform.owner_only import OWNER_ONLY_FILE, OWNER_ONLY_FOLDER

#: Chosen once, at start-up, for this platform; tests swap it to run another platform's way.
OWNER_ONLY: owner_only.OwnerOnly = owner_only.for_platform()


def _restrict_file(fd: int) -> None:
    OWNER_ONLY.restrict_file(fd)


def _restrict_folder(path: Path) -> None:
    OWNER_ONLY.restrict_folder(path)


def restrict(path: Path) -> None:
    """Make a file this process just created owner-only (the platform's way)."""
    OWNER_ONLY.restrict_path(path)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A handle to write the new content of ``path``; on a clean exit the content is on disk
    and in place, on any failure the temporary file is gone and ``path`` is as it was."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        _restrict_file(fd)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(folder)


def write_private(path: Path, data: bytes) -> None:
    """``data`` at ``path``, owner-only, atomically (see ``replacing``)."""
    with replacing(path) as handle:
        handle.write(data)


def create_private(path: Path) -> BinaryIO:
    """A new, empty, owner-only file opened for writing, for a temporary file the caller
    renames into place itself (a restored database, a backup's working copy). Refuses to
    follow a symbolic link or to reuse a file someone else put there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, OWNER_ONLY_FILE)
    try:
        _restrict_file(fd)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def private_folder(path: Path) -> None:
    """Create ``path`` (and any missing parents) for the app's own files: the folder itself
    owner-only if this call made it; a folder that was already there is the user's choice."""
    try:
        try:
            path.mkdir(mode=OWNER_ONLY_FOLDER)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.mkdir(mode=OWNER_ONLY_FOLDER)
    except FileExistsError:
        return
    _restrict_folder(path)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; not every platform or file system can."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
