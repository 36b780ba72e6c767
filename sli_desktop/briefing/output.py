"""Writing the one file the user asked for: complete or not at all, readable only by them."""

from __future__ import annotations

from pathlib import Path

from ..private_file import write_private


def write_pdf(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically and owner-only, so a crash leaves the old file or
    none, never half a briefing, and nobody else on the machine can read it."""
    write_private(path, data)
