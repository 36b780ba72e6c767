"""Files and folders only the user can read.

POSIX (Linux, macOS): modes 0600 and 0700, set explicitly so the umask cannot widen them.

Windows: nothing to do, and nothing done. A file created in a folder inherits that folder's
access list, and the app's own folders are under the user's profile (``%LOCALAPPDATA%``),
whose list already grants only the user, SYSTEM and Administrators. ``os.chmod`` there would
only toggle the read-only flag, so no code path may rely on it (tests/unit/test_platform_*.py
runs the private-file writers with chmod made to fail). A file the user saves elsewhere gets
the access list of the folder they chose, as every other program's files do.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from . import kind

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700


class OwnerOnly(Protocol):
    def restrict_file(self, fd: int) -> None:
        """Make the open file ``fd`` readable and writable by its owner only."""

    def restrict_path(self, path: Path) -> None:
        """The same for a file by name (one this process just created)."""

    def restrict_folder(self, path: Path) -> None:
        """Make the folder ``path`` usable by its owner only."""


class PosixModes:
    def restrict_file(self, fd: int) -> None:
        os.fchmod(fd, OWNER_ONLY_FILE)

    def restrict_path(self, path: Path) -> None:
        os.chmod(path, OWNER_ONLY_FILE)

    def restrict_folder(self, path: Path) -> None:
        os.chmod(path, OWNER_ONLY_FOLDER)


class ProfileAcl:
    """Windows: the access list inherited from the user's profile is the protection."""

    def restrict_file(self, fd: int) -> None:
        return None

    def restrict_path(self, path: Path) -> None:
        return None

    def restrict_folder(self, path: Path) -> None:
        return None


def for_platform(platform: str | None = None) -> OwnerOnly:
    return ProfileAcl() if kind(platform) == "windows" else PosixModes()
