"""CSV injection: a cell a spreadsheet would run as a formula is written as text instead.

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@``
as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``), and some also after a leading
tab, carriage return or spaces, or after the full-width and small forms of those characters
(U+FF1D, U+FF0B, U+FF0D, U+FF20, U+FE66…), which input methods type and some spreadsheets
normalise. A contact's name, role, e-mail address ("-jo@example.org" is a legal one) or phone
number ("+33 …") comes from other people, so every cell of every CSV the app writes goes
through ``neutralise``: such a cell gets a leading apostrophe, the OWASP recommendation, which
spreadsheets show as text.

``restore`` undoes it when our importer reads the file back, so an export round-trips. That
opens nothing: the importer never evaluates a cell. To keep the round trip lossless for text
that itself starts with apostrophes ("'=x"), a cell is neutralised when what follows its
leading apostrophes is dangerous, so exactly one apostrophe is added and later taken off.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from typing import Any

#: What a spreadsheet starts a formula with; compatibility forms (full-width, small) are
#: caught by normalising, and U+2212 MINUS SIGN, which has no compatibility mapping, by name.
_STARTS_FORMULA = frozenset("=+-@\u2212")
#: What the first cell character may be and still not be what a spreadsheet looks at first.
_IGNORED_CATEGORIES = frozenset({"Zs", "Cc", "Cf", "Zl", "Zp"})


def _starts_formula(char: str) -> bool:
    return char in _STARTS_FORMULA or unicodedata.normalize("NFKC", char)[:1] in _STARTS_FORMULA


def _dangerous(text: str) -> bool:
    """Whether a spreadsheet might read ``text`` as a formula: it starts with a formula
    character, or with tab/CR (OWASP), or with blanks or invisible characters before one."""
    if text[:1] in ("\t", "\r"):
        return True
    for char in text:
        if unicodedata.category(char) not in _IGNORED_CATEGORIES:
            return _starts_formula(char)
    return False


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet will show it as text, never run it."""
    return "'" + cell if _dangerous(cell.lstrip("'")) else cell


def restore(cell: str) -> str:
    """What ``neutralise`` was given (cells not written by it come back unchanged, unless
    they begin with an apostrophe before a formula character, which is then dropped)."""
    return cell[1:] if cell.startswith("'") and _dangerous(cell[1:].lstrip("'")) else cell


class NeutralisingWriter:
    """``csv.writer`` with every cell, headers included, through ``neutralise``: the one way
    the app writes CSV, so no column can be forgotten."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n", **options)

    def writerow(self, cells: Iterable[str]) -> None:
        self._writer.writerow([neutralise(cell) for cell in cells])
