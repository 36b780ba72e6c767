"""Performance figures from a long-format CSV (one figure per row), the shape of the sector
data service's exports: area code, area name, period, metric id, metric name, value, unit.

Figures are upserted by (council, metric id, period): a re-import of the same file changes
nothing, a corrected figure updates the one already held. Rows for areas that are not councils
(England, regions, combined authorities) and suppressed or missing values are skipped and
counted; an area code the vault does not know is a bad row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from ..domain import Metric, ValidationError
from ..domain.batch_check import FieldsAtOnce
from ..gcpause import collector_paused
from ..vault.bulk import insert_new, save_many
from ..vault.councils import Councils
from ..vault.metrics import Metrics
from ..vault.store import Vault
from .problems import ImportProblem
from .tabular import Parsed, open_table
from .textfile import read_text

SPELLINGS: dict[str, tuple[str, ...]] = {
    "area_code": (
        "Area code",
        "Area_code",
        "GSS code",
        "ONS code",
        "Geography code",
        "Local authority code",
        "Code",
    ),
    "area_name": ("Area name", "Area", "Geography name", "Local authority", "Geography"),
    "period": ("Period", "Time period", "Period label", "Year", "Date"),
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
    ),
    "value": ("Value", "Data value", "Figure", "Amount"),
    "unit": ("Unit", "Units", "Unit of measure", "Measure unit"),
}
REQUIRED = ("area_code", "period", ("metric_id", "metric_name"), "value")
#: Codes of areas that are not councils: country, regions, combined authorities and the like.
NOT_COUNCILS = ("E92", "E12", "E13", "E15", "E47", "E61", "K02", "K03", "K04", "E40")
#: How statistical releases write "no figure": suppressed, not available, not applicable.
NO_VALUE = frozenset(
    ["", "-", "–", ".", "..", ":", "*", "x", "[x]", "c", "[c]", "z", "[z]", "n/a", "na", "~"]
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


@collector_paused()
def read_metrics(path: Path) -> MetricsParsed:
    text = read_text(path)
    table = open_table(path, text, SPELLINGS, REQUIRED)
    parsed = MetricsParsed(path)

    def label(name: str) -> str:
        return table.header[table.columns[name]].strip()

    # A field the file lacks (metric id, metric name or unit) reads the empty cell added last.
    at = {name: i for i, name in enumerate(table.columns)}
    absent = len(at)
    fields = itemgetter(*(at.get(name, absent) for name in _READ))
    # Each distinct area code and value is judged once: 200,000 figures name a few hundred
    # areas, and a rate has at most a thousand values.
    areas: dict[str, tuple[str, str]] = {}
    figures: dict[str, tuple[str, float, str]] = {}
    area_label, value_label = label("area_code"), label("value")
    for line, cells in table.records():
        if isinstance(cells, ImportProblem):
            parsed.problems.append(cells)
            continue
        raw_code, period, metric_id, name, raw_value, unit = fields((*cells, ""))
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
    if not parsed.rows and not parsed.problems and not parsed.skipped:
        raise ImportProblem(path, "holds no figures")
    return parsed


#: What a cell's check found: a good value, a row to skip (with why), or a bad row (with why).
_OK, _SKIP, _BAD = "ok", "skip", "bad"


def _area(raw: str, label: str) -> tuple[str, str]:
    """(_OK, the GSS code upper-cased), or (_SKIP or _BAD, why)."""
    code = raw.upper()
    if code.startswith(NOT_COUNCILS):
        return _SKIP, f"{code} is not a council"
    if not _GSS.match(code):
        return _BAD, f"{label}: {raw!r} is not a GSS code"
    return _OK, code


def _figure(raw: str, label: str) -> tuple[str, float, str]:
    """(_OK, the number, ""), or (_SKIP or _BAD, 0, why). Cells come stripped."""
    if raw.lower() in NO_VALUE:
        return _SKIP, 0.0, "no figure (missing or suppressed)"
    try:
        value = float(raw)  # the usual case: a plain number
    except ValueError:
        try:
            value = float(raw.replace(",", "").replace("£", "").removesuffix("%").strip())
        except ValueError:
            return _BAD, 0.0, f"{label}: {raw!r} is not a number"
    if not math.isfinite(value):
        return _BAD, 0.0, f"{label}: {raw!r} is not a finite number"
    return _OK, value, ""


def _problem(period: str, metric_id: str, name: str, unit: str, label: Callable[[str], str]) -> str:
    """What is wrong with a figure's other fields, or "" (the column's label for a message is
    looked up only when there is one)."""
    if not metric_id:
        return "the row names no metric"
    if not period:
        return f"{label('period')}: is empty"
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

    @property
    def summary(self) -> str:
        bad = f", {len(self.problems)} bad" if self.problems else ""
        verbs = ("added", "updated") if self.written else ("to add", "to update")
        return (
            f"{self.added} {verbs[0]}, {self.updated} {verbs[1]}, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped{bad}"
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
        }


@collector_paused()
def import_metrics(
    vault: Vault, parsed: MetricsParsed, *, skip_bad: bool = False, dry_run: bool = False
) -> MetricsResult:
    """Upsert by (council, metric id, period) in one transaction; with any bad row and no
    ``skip_bad``, raise the first problem and write nothing. ``dry_run`` counts only."""
    result = MetricsResult(parsed.path, skipped=list(parsed.skipped))
    result.problems = list(parsed.problems)
    with vault.transaction():
        known = {c.gss_code for c in Councils(vault).list()}
        held = Metrics(vault).keyed()
        seen: dict[tuple[str, str, str], tuple[int, float]] = {}
        source = parsed.path.name[:300]
        fresh: list[tuple[int, MetricRow]] = []
        updated: list[Metric] = []
        for line, row in parsed.rows:
            if row.council not in known:
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
