"""The UK local authority register (mySociety's ``uk_la_past_current`` CSV) as councils.

Columns are found by header name, never position. The product treats as councils the six
English types that deliver services: counties, non-metropolitan and metropolitan districts,
unitary authorities, London boroughs and the City of London (317 in the 2024 register).
Combined authorities and the Greater London Authority are not councils here: they are not
offered the corporate peer challenge as councils are, but each council's combined authority is
kept (peers from councils of one combined authority are neighbours). ``all_nations`` adds Welsh
and Scottish unitaries and Northern Ireland districts.

A release also lists councils that have ended (``end-date``, ``replaced-by``): ``read_release``
returns them too, marked abolished, so an import retires them with their successors and their
history stays. A release is dated by the latest start or end date it records (``as_of``), so an
import can tell a file older than the register the vault already holds.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain import Council, CouncilType, Nation, Region, ValidationError
from .problems import ImportProblem, missing_columns
from .textfile import read_text

REQUIRED = (
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "nation",
    "region",
    "local-authority-type",
    "current-authority",
    "alt-names",
)
ENGLISH_TYPES = {
    "CTY": CouncilType.COUNTY,
    "NMD": CouncilType.NON_METROPOLITAN_DISTRICT,
    "UA": CouncilType.UNITARY,
    "MD": CouncilType.METROPOLITAN_DISTRICT,
    "LBO": CouncilType.LONDON_BOROUGH,
    "CC": CouncilType.CITY_CORPORATION,
}
OTHER_TYPES = {
    "WPA": CouncilType.WELSH_UNITARY,
    "SCO": CouncilType.SCOTTISH_UNITARY,
    "NID": CouncilType.NI_DISTRICT,
}
NOT_COUNCILS = {"COMB", "SRA"}


@dataclass(frozen=True)
class Release:
    """A register file: its current councils, those that have ended, and the date it speaks
    for (the latest start or end date in it; None when it records none)."""

    current: list[Council]
    ended: list[Council]
    as_of: date | None

    @property
    def councils(self) -> list[Council]:
        return [*self.current, *self.ended]


def read_register(path: Path, all_nations: bool = False) -> list[Council]:
    """Every current council in the file, or ImportProblem naming the first bad line."""
    return read_release(path, all_nations).current


def read_release(path: Path, all_nations: bool = False) -> Release:
    """The file's current and ended councils and its date, or ImportProblem naming the first
    bad line. An ended council without a region takes its first successor's."""
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportProblem(path, f"is not valid CSV ({exc})", 1) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise missing_columns(path, missing)
    councils: list[Council] = []
    ended: list[tuple[dict[str, str], int]] = []
    regions: dict[str, Region] = {}
    seen: dict[str, int] = {}
    dates: list[date] = []
    line = reader.line_num
    try:
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                found = sum(v is not None for k, v in row.items() if k is not None)
                raise ImportProblem(
                    path,
                    f"has {found + len(row.get(None) or [])} fields where the "
                    f"header has {len(header)}",
                    line,
                )
            dates.extend(d for d in (_date(row.get("start-date")), _date(row.get("end-date"))) if d)
            if (row.get("region") or "").strip():
                with contextlib.suppress(ValueError):  # the council's own row reports it
                    regions[row["local-authority-code"].strip()] = Region.parse(row["region"])
            if row["current-authority"].strip() == "False" and _date(row.get("end-date")):
                ended.append((row, line))
                continue
            council = _council(path, row, line, all_nations)
            if council is None:
                continue
            if council.gss_code in seen:
                raise ImportProblem(
                    path,
                    f"GSS code {council.gss_code} is repeated "
                    f"(first on line {seen[council.gss_code]})",
                    line,
                )
            seen[council.gss_code] = line
            councils.append(council)
    except csv.Error as exc:
        # DictReader.line_num is only updated after a good row: the bad record starts on the
        # line after the last good one.
        raise ImportProblem(path, f"is not valid CSV ({exc})", line + 1) from None
    if not councils:
        raise ImportProblem(path, "holds no current councils")
    gone: list[Council] = []
    for row, line in ended:
        if not (row.get("region") or "").strip():
            successors = _codes(row.get("replaced-by"))
            successor = next((regions[s] for s in successors if s in regions), None)
            if successor is None:
                continue  # nowhere to place it: an ended council no list would show anyway
            row = {**row, "region": successor.value}
        try:
            council = _council(path, {**row, "current-authority": "True"}, line, all_nations)
        except ImportProblem:
            continue  # history: a flaw in a row that has ended never refuses the current ones
        if council is None or council.gss_code in seen:
            continue
        seen[council.gss_code] = line
        ended_on, successors = _date(row.get("end-date")), _codes(row.get("replaced-by"))
        gone.append(council.evolve(ended_on=ended_on, replaced_by=successors))
    return Release(councils, gone, max(dates) if dates else None)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _council(path: Path, row: dict[str, str], line: int, all_nations: bool) -> Council | None:
    current = row["current-authority"].strip()
    if current not in ("True", "False"):
        raise ImportProblem(path, f"current-authority must be True or False, not {current!r}", line)
    code = row["local-authority-type"].strip()
    try:
        nation = Nation(row["nation"].strip())
    except ValueError:
        raise ImportProblem(path, f"unknown nation {row['nation']!r}", line) from None
    if current != "True" or code in NOT_COUNCILS:
        return None
    if nation is not Nation.ENGLAND and not all_nations:
        return None
    types = ENGLISH_TYPES if nation is Nation.ENGLAND else OTHER_TYPES
    if code not in types:
        raise ImportProblem(path, f"unknown local-authority-type {code!r} for {nation.value}", line)
    region_text = row["region"].strip() or nation.value
    try:
        region = Region.parse(region_text)
    except ValueError:
        raise ImportProblem(path, f"unknown region {region_text!r}", line) from None
    gss = row["gss-code"].strip()
    population = _population(row.get("pop-2020", ""))
    try:
        return Council.build(
            id=_id_for(gss),
            gss_code=gss,
            name=row["official-name"],
            short_name=row["nice-name"].strip(),
            la_code=row["local-authority-code"].strip(),
            county_la=(row.get("county-la") or "").strip(),
            combined_authority=(row.get("combined-authority") or "").strip(),
            type=types[code],
            nation=nation,
            region=region,
            population=population,
            alt_names=_alt_names(row["alt-names"], row["official-name"], row["nice-name"]),
        )
    except ValidationError as exc:
        raise ImportProblem(path, str(exc), line) from None


def _id_for(gss: str) -> str:
    from ..domain import council_id

    try:
        return council_id(gss)
    except ValueError:
        return gss  # the record's own validation reports the bad code with its field name


def _population(text: str | None) -> int | None:
    if not text or not text.strip():
        return None
    try:
        return int(float(text))
    except (ValueError, OverflowError):
        return None


def _alt_names(text: str, official: str, nice: str) -> list[str]:
    """Distinct alternative names, case-insensitively, without repeating the main names.
    A name holding a broken character from an old encoding mistake is kept as data."""
    known = {official.strip().lower(), nice.strip().lower()}
    names: dict[str, str] = {}
    for name in text.split(","):
        clean = " ".join(name.split())
        if clean and clean.lower() not in known:
            names.setdefault(clean.lower(), clean)
    return list(names.values())
