"""Process hardening: a crash must not write decrypted vault pages to a core file."""

from __future__ import annotations

import contextlib
import resource


def disable_core_dumps() -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def core_dumps_disabled() -> bool:
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    return soft == 0 and hard == 0
