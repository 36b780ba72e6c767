"""What differs between Linux, Windows and macOS, each behind one small interface.

One module per service: ``crash_dumps`` (a crash must not write decrypted pages to disk),
``owner_only`` (files only the user can read), ``opener`` (open a file with the user's default
application), ``locations`` (where the vault, logs and settings live) and ``keyring_store``
(what the operating system calls the store that "remember on this device" uses). The screen
lock, which needs Qt, is ``gui/screen_lock.py``.

Each module's ``for_platform(name)`` picks the implementation for ``sys.platform``-style names
once, at start-up; tests pass another name, with fakes of the operating system's calls, to
check the Windows and macOS paths on Linux. Nothing here imports a module that exists on one
platform only at import time (``resource``, ``fcntl``, ``winreg``…): those are imported, or
loaded with ctypes, inside the implementation that needs them (tests/unit/test_portable_imports.py).
"""

from __future__ import annotations

import sys
from typing import Literal

Kind = Literal["windows", "macos", "posix"]


def kind(platform: str | None = None) -> Kind:
    """The family ``platform`` (default: this machine's ``sys.platform``) belongs to."""
    name = sys.platform if platform is None else platform
    if name == "win32":
        return "windows"
    if name == "darwin":
        return "macos"
    return "posix"
