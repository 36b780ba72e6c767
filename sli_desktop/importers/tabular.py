"""CSV files whose columns are found by header name, however a tool happens to spell it.

A header cell is compared without case, spaces or punctuation ("E-mail Address" is
"emailaddress"), against a list of accepted spellings per field. Rows come back with the line
they start on; a row with the wrong number of fields is a row problem, not the end of the file.
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

from .problems import ImportProblem

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


@dataclass(frozen=True)
class Table:
    """An open CSV file: which column each wanted field is in, and its rows."""

    path: Path
    header: list[str]
    columns: dict[str, int]
    text: str

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
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        next(reader)  # the header, already read by open_table
        pick = itemgetter(*self.columns.values()) if len(self.columns) > 1 else _one(self.columns)
        width = len(self.header)
        start = reader.line_num + 1  # where the next record starts
        try:
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not "".join(cells).strip():
                    continue
                if len(cells) != width:
                    reason = f"has {len(cells)} fields where the header has {width}"
                    yield line, ImportProblem(self.path, reason, line)
                    continue
                yield line, tuple(map(str.strip, pick(cells)))
        except csv.Error as exc:
            # The reader cannot find the next record after a broken quote: stop here.
            yield start, ImportProblem(self.path, f"is not valid CSV ({exc})", start)


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
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), strict=True), [])
    except csv.Error as exc:
        raise ImportProblem(path, f"is not valid CSV ({exc})", 1) from None
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
        raise ImportProblem(path, f"missing required column(s): {', '.join(missing)}", 1)
    return Table(path, header, columns, text)
