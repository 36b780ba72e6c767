"""Crash-dump hardening: a crash must not write the process's memory, and with it decrypted
vault pages and the key, to a file anyone can read later.

Linux and macOS: the core-file size limit (``RLIMIT_CORE``) set to 0, soft and hard, so not
even a later change in this process can raise it again. Windows: no crash dialog
(``SetErrorMode``), no heap in Windows Error Reporting's dumps of this process
(``WerSetFlags``), and, for the built app, the executable excluded from error reporting for
this user (``WerAddExcludedApplication``): never for ``python.exe``, which would silence every
Python program's reports.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from pathlib import Path
from typing import Any, Protocol

from . import kind


class CrashDumps(Protocol):
    def disable(self) -> None:
        """Best effort and silent: a limit that cannot be set must not stop the app."""

    def disabled(self) -> bool:
        """Whether a crash now would leave no memory image behind, as far as we can tell."""


class CoreLimit:
    """POSIX: ``RLIMIT_CORE`` 0/0. ``resource`` is imported here, not at the top: it does not
    exist on Windows, where every module of the package must still import."""

    def __init__(self, resource: Any = None) -> None:
        if resource is None:
            import resource
        self._resource = resource

    def disable(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            self._resource.setrlimit(self._resource.RLIMIT_CORE, (0, 0))

    def disabled(self) -> bool:
        soft, hard = self._resource.getrlimit(self._resource.RLIMIT_CORE)
        return bool(soft == 0 and hard == 0)


# Windows constants (winbase.h, werapi.h).
SEM_FAILCRITICALERRORS = 0x0001
SEM_NOGPFAULTERRORBOX = 0x0002
SEM_NOOPENFILEERRORBOX = 0x8000
ERROR_MODE = SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX
WER_FAULT_REPORTING_FLAG_NOHEAP = 0x1
S_OK = 0


def windll(name: str) -> Any:
    """A Windows DLL through ctypes (``WinDLL`` exists only on Windows, hence getattr)."""
    loader = getattr(ctypes, "WinDLL")  # noqa: B009 - absent from ctypes elsewhere
    return loader(name, use_last_error=True)


class WindowsErrorReporting:
    """Windows: no fault dialog, no heap in reports, the built app excluded from reporting.

    ``kernel32`` and ``wer`` are the DLLs (ctypes objects), loaded on first use unless given:
    tests pass fakes. ``executable`` is the built app's file, or None when running from
    source (``python.exe`` must never be excluded)."""

    def __init__(
        self, kernel32: Any = None, wer: Any = None, executable: Path | None = None
    ) -> None:
        self._kernel32 = kernel32
        self._wer = wer
        self._executable = executable

    @classmethod
    def for_this_process(cls) -> WindowsErrorReporting:
        frozen = bool(getattr(sys, "frozen", False))
        return cls(executable=Path(sys.executable) if frozen else None)

    def _k32(self) -> Any:
        if self._kernel32 is None:
            kernel32 = windll("kernel32")
            # A HANDLE is pointer-sized: without these, ctypes would pass it as a C int.
            kernel32.GetCurrentProcess.restype = ctypes.c_void_p
            kernel32.WerGetFlags.argtypes = (ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32))
            kernel32.WerGetFlags.restype = ctypes.c_long
            kernel32.WerSetFlags.argtypes = (ctypes.c_uint32,)
            kernel32.WerSetFlags.restype = ctypes.c_long
            self._kernel32 = kernel32
        return self._kernel32

    def disable(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            kernel32 = self._k32()
            kernel32.SetErrorMode(kernel32.GetErrorMode() | ERROR_MODE)
            kernel32.WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP)
        if self._executable is not None:
            with contextlib.suppress(OSError, AttributeError):
                if self._wer is None:
                    self._wer = windll("wer")
                # Per user (bAllUsers FALSE): needs no administrator; kept in the registry.
                self._wer.WerAddExcludedApplication(ctypes.c_wchar_p(self._executable.name), 0)

    def disabled(self) -> bool:
        try:
            kernel32 = self._k32()
            flags = ctypes.c_uint32(0)
            process = kernel32.GetCurrentProcess()
            if kernel32.WerGetFlags(process, ctypes.byref(flags)) != S_OK:
                return False
            mode = int(kernel32.GetErrorMode())
        except (OSError, AttributeError):
            return False
        return bool(mode & SEM_NOGPFAULTERRORBOX) and bool(
            flags.value & WER_FAULT_REPORTING_FLAG_NOHEAP
        )


def for_platform(platform: str | None = None) -> CrashDumps:
    """The hardening this platform has (``sys.platform`` unless named)."""
    if kind(platform) == "windows":
        return WindowsErrorReporting.for_this_process()
    return CoreLimit()
