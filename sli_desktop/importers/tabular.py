"""CSV files whose columns are found by header name, however a tool happens to spell it.

A header cell is compared without case, spaces or punctuation ("E-mail Address" is
"emailaddress"), against a list of accepted spellings per field. Rows come back with the line
they start on; a row with the wrong number of fields is a row problem, not the end of the file.

The delimiter is found from the header line: a comma, or the semicolon Excel writes where the
decimal mark is a comma (German, French settings), or a tab. Empty cells after the last column
(a trailing delimiter on every row, as Thunderbird writes) are not extra fields.

The reader is fed a piece of the file at a time (``lines``): the desktop reads files on a
worker, and one ``io.StringIO`` of a whole file is a single call that holds the interpreter
lock while it copies every character, during which the window cannot run (issue 25).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Generic, TypeVar

from .problems import ImportProblem, missing_columns

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: A sane limit on one cell: a field larger than this is a broken quote, not a contact.
FIELD_LIMIT = 1_000_000

T = TypeVar("T")


def header_key(text: str) -> str:
    return _NOT_ALNUM.sub("", text.strip().lower())


@dataclass
class Parsed(Generic[T]):
    """What an importer made of a file: good rows with their lines, and the bad rows' reasons."""

    path: Path
    rows: list[tuple[int, T]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def first_problem(self) -> ImportProblem:
        first = self.problems[0]
        more = len(self.problems) - 1
        reason = first.reason.rstrip(". ")
        if more:
            reason += f" (and {more} more bad row{'s' if more > 1 else ''})"
        reason += "; nothing was imported (--skip-bad imports only the good rows)"
        return ImportProblem(first.path, reason, first.line)


#: What a broken quote means, in words a person can act on (the csv module's own are not).
BROKEN_QUOTE = (
    "is not valid CSV from this line on: a value in double quotes is not closed, or has text "
    "after its closing quote; check the quotes on this line"
)
_DELIMITERS = (",", ";", "\t")


#: Characters per piece of a file handed to the CSV reader (``lines``).
PIECE = 64 * 1024


def lines(text: str, piece: int = PIECE) -> Iterator[str]:
    """The text's lines as ``io.StringIO(text, newline="")`` gives them (line ends kept, for
    the csv module), made a piece of about ``piece`` characters at a time. Pieces end just
    after a line feed, so no CRLF is split and the lines are the same as the whole file's."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start + piece)
        end = size if end < 0 else end + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most, counting outside double quotes."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    outside = "".join(first.split('"')[0::2])
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Table:
    """An open CSV file: which column each wanted field is in, and its rows."""

    path: Path
    header: list[str]
    columns: dict[str, int]
    text: str
    delimiter: str = ","

    def rows(self) -> Iterator[tuple[int, dict[str, str] | ImportProblem]]:
        """(line, {field: value}) for each non-blank row, or (line, problem) for a bad one."""
        names = list(self.columns)
        for line, cells in self.records():
            if isinstance(cells, ImportProblem):
                yield line, cells
            else:
                yield line, dict(zip(names, cells, strict=True))

    def records(self) -> Iterator[tuple[int, tuple[str, ...] | ImportProblem]]:
        """As ``rows``, a good row being the tuple of its fields' cells (stripped) in
        ``columns`` order: no dictionary per row, for files of hundreds of thousands."""
        pick = itemgetter(*self.columns.values()) if len(self.columns) > 1 else _one(self.columns)
        for line, cells in self.cells():
            if isinstance(cells, ImportProblem):
                yield line, cells
            else:
                yield line, tuple(map(str.strip, pick(cells)))

    def cells(self, notes: bool = False) -> Iterator[tuple[int, list[str] | ImportProblem]]:
        """Each non-blank row's cells, as many as the header has, or a problem. With
        ``notes``, a row holding only its first value (a footnote below a published table,
        "Source: …") comes back as that one cell."""
        reader = csv.reader(lines(self.text), strict=True, delimiter=self.delimiter)
        next(reader)  # the header, already read by open_table
        width = len(self.header)
        start = reader.line_num + 1  # where the next record starts
        try:
            for cells in reader:
                line, start = start, reader.line_num + 1
                if notes and width > 1 and cells and cells[0].strip() and not any(cells[1:]):
                    yield line, [cells[0].strip()]
                    continue
                if len(cells) != width:
                    if not "".join(cells).strip():
                        continue
                    if len(cells) > width and not "".join(cells[width:]).strip():
                        cells = cells[:width]  # trailing delimiters
                    else:
                        yield line, ImportProblem(self.path, self._width(len(cells)), line)
                        continue
                elif not "".join(cells).strip():
                    continue
                yield line, cells
        except csv.Error:
            # The reader cannot find the next record after a broken quote: stop here.
            yield start, ImportProblem(self.path, BROKEN_QUOTE, start)

    def _width(self, found: int) -> str:
        width = len(self.header)
        name = {",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter]
        return (
            f"has {found} fields where the header has {width}; a value holding a {name} must be "
            "in double quotes"
        )


def _one(columns: Mapping[str, int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """``itemgetter`` with one index returns the item, not a tuple: this keeps the tuple."""
    index = next(iter(columns.values()), None)
    return lambda cells: () if index is None else (cells[index],)


def open_table(
    path: Path,
    text: str,
    spellings: Mapping[str, Sequence[str]],
    required: Sequence[str | tuple[str, ...]],
) -> Table:
    """Find each field's column by header name. ``required`` holds field names, or tuples of
    which at least one must be present. A missing required column is a problem on line 1."""
    csv.field_size_limit(FIELD_LIMIT)
    delimiter = sniff_delimiter(text)
    try:
        header = next(csv.reader(lines(text), strict=True, delimiter=delimiter), [])
    except csv.Error:
        raise ImportProblem(path, BROKEN_QUOTE.replace("this line", "the header"), 1) from None
    while header and not header[-1].strip():
        header.pop()  # a trailing delimiter on the header line
    keys = [header_key(h) for h in header]
    columns: dict[str, int] = {}
    for name, accepted in spellings.items():
        wanted = [header_key(a) for a in accepted]
        for spelling in wanted:
            if spelling in keys:
                columns[name] = keys.index(spelling)
                break
    missing = []
    for need in required:
        options = need if isinstance(need, tuple) else (need,)
        if not any(o in columns for o in options):
            missing.append(" or ".join(f'"{spellings[o][0]}"' for o in options))
    if missing:
        raise missing_columns(path, missing)
    return Table(path, header, columns, text, delimiter)
