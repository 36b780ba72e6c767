"""The CSV reader is fed a piece of the file at a time (issue 25: no one long call holding the
interpreter lock): the lines, and so the rows and their line numbers, are the same as from one
``io.StringIO`` of the whole file, whatever its line ends and quoted line breaks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sli_desktop.importers.contacts import read_contacts
from sli_desktop.importers.tabular import lines

# Line ends of every kind, quotes and delimiters, around ordinary and non-ASCII text.
TEXT = st.lists(
    st.sampled_from(["a", "ë", ",", ";", '"', "\r", "\n", "\r\n", " ", "\u2028"]), max_size=400
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, piece=st.integers(min_value=1, max_value=50))
def test_pieces_give_the_lines_of_the_whole_file(text: str, piece: int) -> None:
    assert list(lines(text, piece)) == list(io.StringIO(text, newline=""))


@settings(max_examples=200, deadline=None)
@given(text=TEXT, piece=st.integers(min_value=1, max_value=50))
def test_pieces_give_the_same_rows_and_line_numbers(text: str, piece: int) -> None:
    def rows(source: Iterable[str]) -> list[object]:
        reader = csv.reader(source, strict=True)
        out: list[object] = []
        try:
            for cells in reader:
                out.append((reader.line_num, cells))
        except csv.Error as exc:
            out.append(str(exc))
        return out

    assert rows(lines(text, piece)) == rows(io.StringIO(text, newline=""))


def test_a_large_file_reads_the_same_across_pieces(tmp_path: Path) -> None:
    body = "".join(
        f'Person{i},"Brontë{i}",Birmingham City Council,"line one\r\nline two",p{i}@b.gov.uk\r\n'
        for i in range(3000)
    )
    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Last Name,Company,Notes,E-mail Address\r\n" + body, "utf-8")
    parsed = read_contacts(path)
    assert len(parsed.rows) == 3000 and not parsed.problems
    # Each record spans two physical lines: the line numbers count them, past every piece.
    assert [line for line, _row in parsed.rows[:3]] == [2, 4, 6]
    assert parsed.rows[-1][0] == 2 + 2 * 2999
