"""Issue #20, item 9: no cell the app writes to a CSV file starts a spreadsheet formula, and
our own importer gets back exactly the text that was written."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sli_desktop.importers.csv_injection import NeutralisingWriter, neutralise, restore

#: What spreadsheets start a formula with, as the issue lists them, and the other forms of
#: the same characters (small, superscript, subscript, the minus sign) a spreadsheet or a
#: normalising step could read the same way. Written out here, not taken from the module.
FORMULA_STARTS = set(
    "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u207c\u207a\u208c\u208a\u2212"
)
#: What can come before them and still leave a formula: blanks and invisible characters.
BLANKS = set(" \t\r\n\u00a0\u2000\u3000\u200b\u200d\u2060\ufeff")


def would_run(cell: str) -> bool:
    """Independent of the module: a cell a spreadsheet could take for a formula."""
    if cell[:1] in ("\t", "\r"):
        return True
    rest = cell.lstrip("".join(BLANKS))
    return rest[:1] in FORMULA_STARTS


dangerous_texts = st.builds(
    lambda blanks, start, rest: blanks + start + rest,
    st.text(st.sampled_from(sorted(BLANKS)), max_size=3),
    st.sampled_from(sorted(FORMULA_STARTS)),
    st.text(max_size=20),
)
any_text = st.text() | dangerous_texts | st.builds(lambda t: "'" + t, dangerous_texts)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+44 121 303 9944", "'+44 121 303 9944"),
        ("-jo@example.org", "'-jo@example.org"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20x", "'\uff20x"),
        ("\u22121", "'\u22121"),
        (" =1+1", "' =1+1"),
        ("\u00a0\u200b=1", "'\u00a0\u200b=1"),
        ("'=x", "''=x"),  # already an apostrophe: one more, so reading back keeps it
        ("O'Brien", "O'Brien"),
        ("'Tis", "'Tis"),
        ("jo@example.org", "jo@example.org"),
        ("0121 303 9944", "0121 303 9944"),
        ("", ""),
    ],
)
def test_examples(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


@given(any_text)
@example("'")
@example("''=1")
@example(" ")
def test_no_written_cell_runs_and_every_one_reads_back(text: str) -> None:
    written = neutralise(text)
    assert written.startswith("'") or not would_run(written)
    assert restore(written) == text


@given(st.characters())
def test_every_compatibility_form_of_a_formula_character_is_caught(char: str) -> None:
    """Any character that normalises to = + - @ starts a neutralised cell."""
    if unicodedata.normalize("NFKC", char)[:1] in set("=+-@"):
        assert neutralise(char + "1") == "'" + char + "1"


@given(st.lists(st.lists(any_text, min_size=1, max_size=5), max_size=5))
def test_the_writer_neutralises_every_cell(rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    writer = NeutralisingWriter(out)
    for row in rows:
        writer.writerow(row)
    read = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert read == [[neutralise(cell) for cell in row] for row in rows]
    assert all(not would_run(c) or c.startswith("'") for row in read for c in row)
