"""The sync server's SQLite database is private to the user it runs as, whatever the umask.

It holds every note the devices sent, in clear. SQLite creates its file with mode 0644 less
the umask, so a umask of 0o022 (the usual) left it readable by every user of the machine, and a
umask of 0 writable too. The file is therefore created owner-only (0600) before SQLite opens
it, and SQLite gives its -wal, -shm and -journal files the mode of the database file on Unix.
Folders the server makes for it are 0700; folders that already exist are the operator's and
are left as they are. A database file (or -wal, -shm) found with wider permissions is
narrowed, for the same reason. POSIX only: on Windows the files inherit the folder's access
list.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import sqlalchemy as sa

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700
#: The files SQLite keeps beside the database while it works.
COMPANIONS = ("-wal", "-shm", "-journal")


def sqlite_path(url: str) -> Path | None:
    """The file a ``sqlite:`` URL opens; None for an in-memory database or another store."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):  # a URI filename: SQLite's to interpret
        return None
    return Path(database)


def make_private(path: Path) -> None:
    """Create ``path``'s missing folders (0700) and the file itself (0600), or narrow an
    existing one to 0600. Errors are left for SQLite to report when it opens the file, in
    the words the operator already gets for a wrong path."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        _make_folders(path.parent)
        # O_NOFOLLOW: never chmod whatever a symbolic link planted in the folder points at.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, OWNER_ONLY_FILE)
        try:
            os.fchmod(fd, OWNER_ONLY_FILE)  # the umask may have taken bits off; none added
        finally:
            os.close(fd)
        for suffix in COMPANIONS:
            companion = path.with_name(path.name + suffix)
            with contextlib.suppress(FileNotFoundError):
                mode = companion.lstat().st_mode
                if stat.S_ISREG(mode) and mode & 0o077:
                    os.chmod(companion, OWNER_ONLY_FILE)


def _make_folders(folder: Path) -> None:
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for made in reversed(missing):
        os.mkdir(made, OWNER_ONLY_FOLDER)
        os.chmod(made, OWNER_ONLY_FOLDER)  # mkdir's mode is also cut by the umask
