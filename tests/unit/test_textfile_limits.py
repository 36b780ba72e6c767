"""The size limit holds whatever the file claims (review of issue 23): a pipe or a device
reports a size of 0 (/dev/zero never ends), and standard input has none, so the read itself
stops one byte past the limit and refuses in one sentence. A finite pipe stands for them all:
a test that read /dev/zero would, should the fix go, fill the machine's memory."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from sli_desktop.importers.problems import ImportProblem
from sli_desktop.importers.textfile import read_stream, read_text

LIMIT = 4096


def test_a_pipe_is_refused_at_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "timetable.txt"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with fifo.open("wb") as out:
                out.write(b"2026-03-10 Arrival\n" * 1000)
        except BrokenPipeError:
            pass  # the reader stopped at the limit, as it should

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(ImportProblem, match="larger than the 4 KB limit"):
            read_text(fifo, max_bytes=LIMIT)
    finally:
        writer.join(timeout=10)


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"a" * LIMIT)
    assert read_text(path, max_bytes=LIMIT) == "a" * LIMIT


def test_standard_input_is_refused_beyond_the_limit() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"x" * (LIMIT + 1)), encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"^standard input: is larger than the 4 KB limit"):
        read_stream(stream, max_bytes=LIMIT)


def test_standard_input_is_decoded_like_a_file() -> None:
    utf16 = "2026-03-10 Café\n".encode("utf-16")
    assert read_stream(io.TextIOWrapper(io.BytesIO(utf16)), LIMIT) == "2026-03-10 Café\n"
    assert read_stream(io.StringIO("2026-03-10 Arrival\n"), LIMIT) == "2026-03-10 Arrival\n"
    with pytest.raises(ImportProblem, match=r"^standard input: is empty$"):
        read_stream(io.BytesIO(b""), LIMIT)
