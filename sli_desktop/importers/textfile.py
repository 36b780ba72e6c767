"""Decoding text files as advisers' tools write them: UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text", Outlook on some builds; with a BOM, or without one where every other byte is
zero), or Windows-1252 from Excel. Anything else, or binary, is refused with a clear reason."""

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
    utf16 = _utf16(raw)
    if utf16 is not None:
        try:
            return raw.decode(utf16).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise ImportProblem(
                path, "looks like UTF-16 text but is cut short or damaged; save it again"
            ) from None
    if b"\x00" in raw[:65536]:
        raise ImportProblem(path, "is a binary file, not text")
    with contextlib.suppress(UnicodeDecodeError):
        return raw.decode("utf-8-sig")
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportProblem(path, "is not UTF-8 or Windows-1252 text") from None
    return text


def _utf16(raw: bytes) -> str | None:
    """The codec for a UTF-16 file, or None: by its byte order mark, or, without one, by the
    zero high bytes of ASCII text (every other byte zero in the first few hundred)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[:512]
    if len(sample) >= 4 and len(sample) % 2 == 0:
        evens, odds = sample[0::2], sample[1::2]
        if odds.count(0) >= len(odds) * 0.9 and not evens.count(0):
            return "utf-16-le"
        if evens.count(0) >= len(evens) * 0.9 and not odds.count(0):
            return "utf-16-be"
    return None
