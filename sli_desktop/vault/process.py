"""Process hardening: a crash must not write decrypted vault pages to a core file or a crash
report. The how differs by platform: ``platform/crash_dumps.py``."""

from __future__ import annotations

from ..platform import crash_dumps


def disable_core_dumps(dumps: crash_dumps.CrashDumps | None = None) -> None:
    (dumps or crash_dumps.for_platform()).disable()


def core_dumps_disabled(dumps: crash_dumps.CrashDumps | None = None) -> bool:
    return (dumps or crash_dumps.for_platform()).disabled()
