"""Standard output for a windowed program: a Windows GUI executable (``sli-desktop.exe``, built
with ``console=False``) starts with no console, and Python gives it ``sys.stdout is None``, so
``--version``, ``--help`` or ``--self-test`` would crash on their first ``print``. Started from
a console (cmd, PowerShell, CI), it writes there; otherwise its output goes nowhere, quietly.
Elsewhere the streams always exist and nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from . import kind
from .crash_dumps import windll

ATTACH_PARENT_PROCESS = ctypes.c_uint32(-1 & 0xFFFFFFFF)  # (DWORD)-1


def _open(name: str) -> TextIO:
    return open(name, "w", encoding="utf-8", errors="replace", buffering=1)


def ensure_streams(
    platform: str | None = None,
    kernel32: Any = None,
    open_stream: Callable[[str], TextIO] = _open,
) -> None:
    """Give ``sys.stdout`` and ``sys.stderr`` somewhere to go when they are None."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    target = os.devnull
    if kind(platform) == "windows":
        with contextlib.suppress(OSError, AttributeError):
            api = kernel32 if kernel32 is not None else windll("kernel32")
            if api.AttachConsole(ATTACH_PARENT_PROCESS):
                target = "CONOUT$"  # the console of the program that started this one
    if sys.stdout is None:
        sys.stdout = open_stream(target)
    if sys.stderr is None:
        sys.stderr = open_stream(target)
