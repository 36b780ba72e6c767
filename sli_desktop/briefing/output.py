"""Writing the one file the user asked for: complete or not at all, readable only by them."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_pdf(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a sibling temporary file (owner-only) renamed
    over the target, so a crash leaves the old file or none, never half a briefing."""
    target = path.expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
