"""Decoding text files as advisers' tools write them: UTF-8 (with or without BOM) or
Windows-1252 from Excel. Anything else, or binary, is refused with a clear reason."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .problems import ImportProblem

MAX_BYTES = 200 * 1024 * 1024


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportProblem(path, "no such file") from None
    except OSError as exc:
        raise ImportProblem(path, f"cannot be read ({exc.strerror})") from None
    if size > max_bytes:
        raise ImportProblem(
            path,
            f"is {size / (1024 * 1024):.0f} MB, "
            f"larger than the {max_bytes // (1024 * 1024)} MB limit for this kind of file",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(path, f"cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise ImportProblem(path, "is empty")
    if b"\x00" in raw[:65536]:
        raise ImportProblem(path, "is a binary file, not text")
    with contextlib.suppress(UnicodeDecodeError):
        return raw.decode("utf-8-sig")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportProblem(path, "is not UTF-8 or Windows-1252 text") from None
    return text
