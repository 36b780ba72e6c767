"""Performance figures from CSV downloads as they are published, without editing them first:

- long (one figure per row), the sector data service's shape: area code, area name, period,
  metric id, metric name, value, unit; Oflog's own column names ("Local authority code",
  "Financial year", "Measure", "Value") and LG Inform's are among the spellings;
- wide by period (a column per year, "2016-17", "2017/18", …), the metric named by a column, or
  by the title line above the header (LG Inform's downloads), or else by the file's name;
- wide by measure (a period column and a column per measure, Oflog's "download all measures").

Title lines above the header are skipped (the header is the first line naming an area code).
Financial years are written one way, "2016/17", whether the file says "2016-17", "2016/2017" or
"FY 2016-17", so the same year from two publishers is one figure.

Figures are upserted by (council, metric id, period): a re-import of the same file changes
nothing, a corrected figure updates the one already held. Rows for areas that are not councils
(England, regions, combined authorities) and suppressed or missing values are skipped and
counted; an area code the vault does not know is a bad row.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from ..domain import Council, Metric, ValidationError
from ..domain.batch_check import FieldsAtOnce
from ..gcpause import collector_paused
from ..vault.bulk import insert_new, save_many
from ..vault.councils import Councils
from ..vault.metrics import Metrics
from ..vault.store import Vault
from .problems import ImportProblem
from .tabular import Parsed, Table, header_key, open_table, sniff_delimiter
from .textfile import read_text

SPELLINGS: dict[str, tuple[str, ...]] = {
    "area_code": (
        "Area code",
        "Area_code",
        "GSS code",
        "ONS code",
        "Geography code",
        "Local authority code",
        "LA code",
        "Authority code",
        "Council code",
        "LAD code",
        "ONS area code",
        "Organisation code",
        "Code",
    ),
    "area_name": (
        "Area name",
        "Area",
        "Geography name",
        "Local authority",
        "Local authority name",
        "LA name",
        "Authority",
        "Council",
        "Geography",
    ),
    "period": (
        "Period",
        "Time period",
        "Period label",
        "Financial year",
        "Year",
        "Reporting period",
        "Year ending",
        "Time",
        "Date",
    ),
    "metric_id": (
        "Metric id",
        "Metric type id",
        "Indicator id",
        "Measure id",
        "Metric code",
        "Indicator code",
    ),
    "metric_name": (
        "Metric name",
        "Metric",
        "Metric type",
        "Indicator name",
        "Indicator",
        "Measure name",
        "Measure",
        "Metric label",
    ),
    "value": ("Value", "Data value", "Figure", "Amount", "Measure value", "Numeric value"),
    "unit": ("Unit", "Units", "Unit of measure", "Unit of measurement", "Measure unit"),
}
REQUIRED = ("area_code", "period", ("metric_id", "metric_name"), "value")
#: Codes of areas that are not councils: country, regions, combined authorities and the like.
NOT_COUNCILS = ("E92", "E12", "E13", "E15", "E47", "E61", "K02", "K03", "K04", "E40")
#: How statistical releases write "no figure": suppressed, not available, not applicable.
NO_VALUE = frozenset(
    [
        *("", "-", "–", ".", "..", ":", "*", "x", "[x]", "c", "[c]", "z", "[z]", "n/a", "na"),
        *("~", "[u]", "[w]", "[low]", "[d]", "suppressed", "not available", "null", "none"),
        *("#n/a", "n.a.", "nan", "dnc", "[dnc]", "not published"),
    ]
)
#: A small count suppressed as "<5" or "< 10": no figure either.
_SMALL = re.compile(r"^[<>]\s*[0-9]+$")
#: A column header that is a period: a year, a financial year, a quarter of one.
PERIOD = re.compile(
    r"^(?:(?:fy|financial year)\s*)?((?:19|20)[0-9]{2})(?:\s*(?:[-/–]|to)\s*((?:19|20)?[0-9]{2}))?"
    r"(\s+(?:q[1-4]|quarter [1-4]))?$",
    re.IGNORECASE,
)
_GSS = re.compile(r"^[ENSWK][0-9]{8}$")


class MetricRow(NamedTuple):
    """One figure as read (a tuple: a large export makes 200,000 of them, and a frozen
    dataclass took five times as long to make)."""

    council: str
    period: str
    metric_id: str
    name: str
    value: float
    unit: str


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass
class MetricsParsed(Parsed[MetricRow]):
    skipped: list[Skipped] = field(default_factory=list)


#: The fields a figure is read from, in the order read_metrics unpacks them.
_READ = ("area_code", "period", "metric_id", "metric_name", "value", "unit")


def period_of(text: str) -> str:
    """ "2016-17", "2016/2017", "FY 2016-17" -> "2016/17"; any other period as written."""
    found = PERIOD.match(text.strip())
    if found is None or found.group(2) is None:
        return text
    start, end = found.group(1), found.group(2)
    if int(end[-2:]) != (int(start) + 1) % 100:
        return text  # not one financial year: keep it as the publisher wrote it
    return f"{start}/{end[-2:]}{found.group(3) or ''}"


_HEADER_SEARCH = 15
#: Columns of a wide-by-measure download that describe the area rather than measure it.
_DESCRIBES = re.compile(
    r"region|county|country|nation|type|class|tier|group|note|source|status|name|code"
)


def _find_header(text: str) -> tuple[int, str]:
    """(lines before the header, the first title line's text): downloads such as LG Inform's
    put a title and notes above the header row."""
    wanted = {header_key(s) for s in SPELLINGS["area_code"]}
    lines = text.split("\n", _HEADER_SEARCH)[:_HEADER_SEARCH]
    for index, line in enumerate(lines):
        if any(header_key(c) in wanted for c in _line_cells(line)):
            title = ""
            for above in lines[:index]:
                title = title or next((c.strip() for c in _line_cells(above) if c.strip()), "")
            return index, title
    return 0, ""


def _line_cells(line: str) -> list[str]:
    line = line.rstrip("\r")
    try:
        return next(csv.reader([line], delimiter=sniff_delimiter(line)), [])
    except csv.Error:  # not a CSV line (a quote that runs on): not the header
        return []


#: Why a row holding one value alone is skipped.
_NOTE = "a note in the file, not a figure"
Record = tuple[int, str, str, str, str, str, str]  # line, code, period, id, name, value, unit


@collector_paused()
def read_metrics(path: Path) -> MetricsParsed:
    text = read_text(path)
    skip, title = _find_header(text)
    if skip:
        text = text.split("\n", skip)[skip]
    table = open_table(path, text, SPELLINGS, ("area_code",))
    parsed = MetricsParsed(path)
    if "value" in table.columns and "period" in table.columns:
        records = _long(table, parsed, skip)
    else:
        records = _wide(table, parsed, skip, title or path.stem)
    _read(parsed, table, records)
    if not parsed.rows and not parsed.problems and not parsed.skipped:
        raise ImportProblem(path, "holds no figures")
    return parsed


def _label(table: Table, name: str) -> str:
    return table.header[table.columns[name]].strip() if name in table.columns else name


def _long(table: Table, parsed: MetricsParsed, skip: int) -> Iterator[Record]:
    if "metric_id" not in table.columns and "metric_name" not in table.columns:
        raise ImportProblem(
            table.path,
            'missing required column: "Metric id" or "Metric name" (Oflog calls it "Measure")',
            skip + 1,
        )
    # A field the file lacks (metric id, metric name or unit) reads the empty cell added last.
    absent = len(table.header)
    fields = itemgetter(*(table.columns.get(name, absent) for name in _READ))
    for line, cells in table.cells(notes=True):
        if isinstance(cells, ImportProblem):
            parsed.problems.append(_moved(cells, skip))
        elif len(cells) == 1:
            parsed.skipped.append(Skipped(line + skip, _NOTE))
        else:
            code, period, metric_id, name, value, unit = map(str.strip, fields((*cells, "")))
            yield line + skip, code, period, metric_id, name, value, unit


def _moved(problem: ImportProblem, skip: int) -> ImportProblem:
    line = problem.line + skip if problem.line is not None else None
    return ImportProblem(problem.path, problem.reason, line) if skip else problem


def _wide(table: Table, parsed: MetricsParsed, skip: int, title: str) -> Iterator[Record]:
    """A column per period (the metric named by a column, the title or the file), or a period
    column and a column per measure."""
    named = set(table.columns.values())
    periods = {
        i: period_of(h.strip())
        for i, h in enumerate(table.header)
        if i not in named and PERIOD.match(h.strip())
    }
    if periods and "period" not in table.columns:
        metric = [table.columns[k] for k in ("metric_id", "metric_name") if k in table.columns]
        unit = table.columns.get("unit")
        spread = [(i, p, "") for i, p in periods.items()]
    elif "period" in table.columns:
        measures = [
            i
            for i, h in enumerate(table.header)
            if i not in named and h.strip() and not _DESCRIBES.search(header_key(h))
        ]
        if not measures:
            raise ImportProblem(
                table.path,
                'missing required column: "Value" (or a column per measure or per year)',
                skip + 1,
            )
        metric, unit = [], table.columns.get("unit")
        spread = [(i, "", table.header[i].strip()) for i in measures]
    else:
        raise ImportProblem(
            table.path,
            'missing required column: "Period" (or "Financial year", or a column per year '
            'such as "2016-17")',
            skip + 1,
        )
    code_at = table.columns["area_code"]
    period_at = table.columns.get("period")
    for line, cells in table.cells(notes=True):
        if isinstance(cells, ImportProblem):
            parsed.problems.append(_moved(cells, skip))
            continue
        if len(cells) == 1:
            parsed.skipped.append(Skipped(line + skip, _NOTE))
            continue
        code = cells[code_at].strip()
        unit_text = cells[unit].strip() if unit is not None else ""
        named_metric = next((cells[i].strip() for i in metric if cells[i].strip()), "")
        for index, period, measure in spread:
            name = measure or named_metric or title
            when = period or (cells[period_at].strip() if period_at is not None else "")
            yield (line + skip, code, when, "", name, cells[index].strip(), unit_text)


def _read(parsed: MetricsParsed, table: Table, records: Iterable[Record]) -> None:
    path = parsed.path
    label = functools.partial(_label, table)
    # Each distinct area code, value and period is judged once: 200,000 figures name a few
    # hundred areas, and a rate has at most a thousand values.
    areas: dict[str, tuple[str, str]] = {}
    figures: dict[str, tuple[str, float, str]] = {}
    periods: dict[str, str] = {}
    area_label, value_label = label("area_code"), label("value")
    for line, raw_code, raw_period, metric_id, name, raw_value, unit in records:
        period = periods.get(raw_period) or periods.setdefault(raw_period, period_of(raw_period))
        area = areas.get(raw_code) or areas.setdefault(raw_code, _area(raw_code, area_label))
        figure = figures.get(raw_value) or figures.setdefault(
            raw_value, _figure(raw_value, value_label)
        )
        if area[0] == _SKIP:
            parsed.skipped.append(Skipped(line, area[1]))
        elif figure[0] == _SKIP:
            parsed.skipped.append(Skipped(line, figure[2]))
        elif area[0] == _BAD:
            parsed.problems.append(ImportProblem(path, area[1], line))
        elif figure[0] == _BAD:
            parsed.problems.append(ImportProblem(path, figure[2], line))
        else:
            metric_id = metric_id or name
            name = name or metric_id
            problem = _problem(period, metric_id, name, unit, label)
            if problem:
                parsed.problems.append(ImportProblem(path, problem, line))
            else:
                parsed.rows.append(
                    (line, MetricRow(area[1], period, metric_id, name, figure[1], unit))
                )


#: What a cell's check found: a good value, a row to skip (with why), or a bad row (with why).
_OK, _SKIP, _BAD = "ok", "skip", "bad"


def _area(raw: str, label: str) -> tuple[str, str]:
    """(_OK, the GSS code upper-cased), or (_SKIP or _BAD, why)."""
    code = raw.upper()
    if code.startswith(NOT_COUNCILS):
        return _SKIP, f"{code} is not a council"
    if not _GSS.match(code):
        return _BAD, f"{label}: {raw!r} is not a GSS code such as E08000025; correct it"
    return _OK, code


def _figure(raw: str, label: str) -> tuple[str, float, str]:
    """(_OK, the number, ""), or (_SKIP or _BAD, 0, why). Cells come stripped."""
    if raw.lower() in NO_VALUE or _SMALL.match(raw):
        return _SKIP, 0.0, "no figure (missing or suppressed)"
    try:
        value = float(raw)  # the usual case: a plain number
    except ValueError:
        try:
            value = float(raw.replace(",", "").replace("£", "").removesuffix("%").strip())
        except ValueError:
            return _BAD, 0.0, f"{label}: {raw!r} is not a number; correct it, or empty the cell"
    if not math.isfinite(value):
        return _BAD, 0.0, f"{label}: {raw!r} is not a finite number"
    return _OK, value, ""


def _problem(period: str, metric_id: str, name: str, unit: str, label: Callable[[str], str]) -> str:
    """What is wrong with a figure's other fields, or "" (the column's label for a message is
    looked up only when there is one)."""
    if not metric_id:
        return "the row names no metric; fill in its Metric or Measure"
    if not period:
        return f"{label('period')}: is empty; fill in the period, such as 2016/17"
    if len(metric_id) > 500 or len(name) > 500 or len(period) > 500:
        return "a metric id, name or period is longer than 500 characters"
    if len(unit) > 50:
        return f"{label('unit')}: is longer than 50 characters"
    return ""


@dataclass
class MetricsResult:
    path: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    written: bool = False
    #: Figures for abolished councils given to their successor: (line, from, to).
    mapped: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        bad = f", {len(self.problems)} bad" if self.problems else ""
        verbs = ("added", "updated") if self.written else ("to add", "to update")
        mapped = (
            f", {len(self.mapped)} for abolished councils given to their successors"
            if self.mapped
            else ""
        )
        return (
            f"{self.added} {verbs[0]}, {self.updated} {verbs[1]}, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped{bad}{mapped}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "written": self.written,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"line": s.line, "reason": s.reason} for s in self.skipped],
            "bad": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "mapped": [{"line": n, "from": a, "to": b} for n, a, b in self.mapped],
        }


def successors(councils: Iterable[Council]) -> tuple[dict[str, str], dict[str, str]]:
    """From the register the vault holds: abolished council -> its one current successor, and
    abolished council -> why its figures go to none (several successors, or none known)."""
    every = list(councils)
    by_la = {c.la_code: c for c in every if c.la_code and not c.abolished}
    one: dict[str, str] = {}
    none: dict[str, str] = {}
    for council in every:
        if not council.abolished:
            continue
        after = [by_la[code] for code in council.replaced_by if code in by_la]
        if len(after) == 1:
            one[council.gss_code] = after[0].gss_code
        elif after:
            names = " and ".join(c.display_name for c in after)
            none[council.gss_code] = (
                f"{council.gss_code} ({council.display_name}) was abolished and split between "
                f"{names}: its figure cannot be given to either"
            )
        else:
            none[council.gss_code] = (
                f"{council.gss_code} ({council.display_name}) was abolished and the vault knows "
                "no successor; import the current council register"
            )
    return one, none


@collector_paused()
def import_metrics(
    vault: Vault, parsed: MetricsParsed, *, skip_bad: bool = False, dry_run: bool = False
) -> MetricsResult:
    """Upsert by (council, metric id, period) in one transaction; with any bad row and no
    ``skip_bad``, raise the first problem and write nothing. ``dry_run`` counts only."""
    result = MetricsResult(parsed.path, skipped=list(parsed.skipped))
    result.problems = list(parsed.problems)
    with vault.transaction():
        councils = Councils(vault).list(abolished=True)
        known = {c.gss_code for c in councils if not c.abolished}
        moved, ended = successors(councils)
        periods: dict[str, str] = {}
        held = {
            (c, m, periods.get(p) or periods.setdefault(p, period_of(p))): v
            for (c, m, p), v in Metrics(vault).keyed().items()
        }
        # A predecessor's figure goes to its successor only where it is the one figure for it:
        # not where the successor has its own, nor where several predecessors merged.
        claims: dict[tuple[str, str, str], int] = {}
        for _line, row in parsed.rows:
            key = (moved.get(row.council, row.council), row.metric_id, row.period)
            claims[key] = claims.get(key, 0) + (1 if row.council in moved else 1000)
        seen: dict[tuple[str, str, str], tuple[int, float]] = {}
        source = parsed.path.name[:300]
        fresh: list[tuple[int, MetricRow]] = []
        updated: list[Metric] = []
        for line, row in parsed.rows:
            if row.council in ended:
                result.skipped.append(Skipped(line, ended[row.council]))
                continue
            if row.council in moved:
                successor = moved[row.council]
                if claims[(successor, row.metric_id, row.period)] != 1:
                    reason = (
                        f"{row.council} was abolished; its successor {successor} has its own "
                        "figure for this period, or several former councils have one"
                    )
                    result.skipped.append(Skipped(line, reason))
                    continue
                result.mapped.append((line, row.council, successor))
                row = row._replace(council=successor)
            elif row.council not in known:
                reason = f"council {row.council} is not in the vault; import the register first"
                result.problems.append(ImportProblem(parsed.path, reason, line))
                continue
            key = (row.council, row.metric_id, row.period)
            if key in seen:
                first, value = seen[key]
                if value != row.value:
                    reason = (
                        f"repeats {row.metric_id} for {row.council} {row.period} "
                        f"(line {first}) with a different value"
                    )
                    result.problems.append(ImportProblem(parsed.path, reason, line))
                else:
                    result.skipped.append(Skipped(line, f"repeats line {first}"))
                continue
            seen[key] = (line, row.value)
            current = held.get(key)
            if current is None:
                fresh.append((line, row))
            elif current[1:] != (row.name, row.value, row.unit):
                record = Metrics(vault).get(current[0])
                if record is None:  # pragma: no cover - read in this same transaction
                    raise ImportProblem(parsed.path, "the vault changed during the import")
                fields = {"name": row.name, "value": row.value, "unit": row.unit}
                try:
                    updated.append(record.evolve(source=source, **fields))
                except ValidationError as exc:
                    result.problems.append(ImportProblem(parsed.path, str(exc), line))
                else:
                    result.updated += 1
            else:
                result.unchanged += 1
        # The new figures are checked as Metric.build checks, column by column: each distinct
        # value of each field once. One pass in C turns the rows into those columns (MetricRow's
        # fields are named as Metric's).
        rows = [row for _line, row in fresh]
        columns: dict[str, list[Any]] = {name: [] for name in MetricRow._fields}
        if rows:
            transposed = map(list, zip(*rows, strict=True))
            columns = dict(zip(MetricRow._fields, transposed, strict=True))
        added, bad = FieldsAtOnce(Metric).columns(
            {**columns, "source": [source] * len(rows)}, len(rows)
        )
        result.added = added.count
        for index, error in bad.items():
            result.problems.append(ImportProblem(parsed.path, str(error), fresh[index][0]))
        result.problems.sort(key=lambda p: p.line or 0)
        if result.problems and not skip_bad and not dry_run:
            raise Parsed(parsed.path, [], result.problems).first_problem()
        if dry_run:
            return result
        insert_new(vault, added)
        save_many(vault, updated, audit_each=False, returning=False)
        vault.audit(
            "import",
            "metric",
            "",
            {"file": parsed.path.name, "added": result.added, "updated": result.updated},
        )
    result.written = True
    return result
