"""Decoding text files as advisers' tools write them: UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text", Outlook on some builds; with a BOM, or without one where every other byte is
zero), or Windows-1252 from Excel. Anything else, or binary, is refused with a clear reason."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import IO, Any

from .problems import ImportProblem

MAX_BYTES = 200 * 1024 * 1024


#: How a refusal names standard input (``-`` for a file name on the command line).
STDIN = Path("standard input")


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The text of the file at ``path``, refused beyond ``max_bytes``. The size on disk names
    the size in the refusal, but the read itself stops at ``max_bytes`` + 1: a pipe or a
    device (/dev/zero) reports a size of 0 and would otherwise be read without end."""
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
            f"larger than the {_limit(max_bytes)} limit for this kind of file",
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ImportProblem(path, f"cannot be read ({exc.strerror})") from None
    return _decoded(path, raw, max_bytes)


def read_stream(stream: IO[Any], max_bytes: int = MAX_BYTES, name: Path = STDIN) -> str:
    """The text of ``stream`` (standard input), refused beyond ``max_bytes`` as a file is,
    reading no more than one byte (or character) past it. Its bytes, where it has them, are
    decoded as ``read_text`` decodes a file; a stream of text is taken as it comes."""
    source = getattr(stream, "buffer", stream)
    try:
        data = source.read(max_bytes + 1)
    except OSError as exc:
        raise ImportProblem(name, f"cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ImportProblem(name, "is not UTF-8 text") from None
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return _decoded(name, raw, max_bytes)


def _limit(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        return f"{max_bytes // (1024 * 1024)} MB"
    return f"{max(1, max_bytes // 1024)} KB"


def _decoded(path: Path, raw: bytes, max_bytes: int) -> str:
    """``raw`` as text, whichever of the encodings advisers' tools write it is in."""
    if len(raw) > max_bytes:
        raise ImportProblem(
            path, f"is larger than the {_limit(max_bytes)} limit for this kind of file"
        )
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
