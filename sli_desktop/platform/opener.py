"""Open a file the user saved (a briefing, an export) with their default application.

Linux: ``xdg-open``, which asks the desktop. macOS: ``open``. Windows: ``os.startfile``, the
shell's "open" verb. Launched and left running, never waited for: the application may stay
open for hours. Only ever for a file the user chose to write outside the vault.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from . import kind


class OpenFailed(Exception):
    """The file could not be handed to an application; the message says why, in one sentence."""


class Opener(Protocol):
    def open(self, path: Path) -> None:
        """Hand ``path`` to the default application, or raise ``OpenFailed``."""


Launch = Callable[[Sequence[str]], object]


def _detached(argv: Sequence[str]) -> object:
    return subprocess.Popen(  # a fixed program and the user's own file
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise OpenFailed(f"{path} is not there to open")
    return path.resolve()


class CommandOpener:
    """Runs ``program FILE`` (``xdg-open`` or ``open``), found on PATH, detached."""

    def __init__(self, program: str, launch: Launch = _detached) -> None:
        self.program = program
        self._launch = launch

    def open(self, path: Path) -> None:
        target = _existing(path)
        found = shutil.which(self.program)
        if found is None:
            raise OpenFailed(f"cannot open files here: {self.program} is not installed")
        try:
            self._launch([found, str(target)])
        except OSError as exc:
            raise OpenFailed(f"could not start {self.program}: {exc.strerror or exc}") from None


class WindowsShellOpener:
    """``os.startfile``: the file type's registered application, as a double-click would."""

    def __init__(self, startfile: Callable[[str], None] | None = None) -> None:
        self._startfile = startfile

    def open(self, path: Path) -> None:
        target = _existing(path)
        startfile = self._startfile or getattr(os, "startfile")  # noqa: B009 - Windows only
        try:
            startfile(str(target))
        except OSError:
            suffix = target.suffix or "these"
            raise OpenFailed(f"no application is set to open {suffix} files") from None


def for_platform(platform: str | None = None) -> Opener:
    family = kind(platform)
    if family == "windows":
        return WindowsShellOpener()
    return CommandOpener("open" if family == "macos" else "xdg-open")
