"""Leadership programme places: one subsidised place per council each year, for three years.

A place is a ``SupportOffer`` of type leadership programme place with its year; its id derives
from the council and the year, so a council has one place a year however many devices record
it. Take-up is counted by region over the programme's three years.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..domain import Region, SupportKind, SupportOffer, SupportStatus
from ..domain.improvement import leadership_place_id, programme_year, year_label
from .councils import Councils
from .store import Vault

#: One subsidised place each year for this many years.
PROGRAMME_YEARS = 3
TAKEN = (SupportStatus.TAKEN_UP, SupportStatus.COMPLETED)


@dataclass
class RegionTakeup:
    region: Region
    councils: int
    #: year -> places taken up (or completed), offered but not yet taken, declined
    taken: dict[int, int] = field(default_factory=dict)
    offered: dict[int, int] = field(default_factory=dict)
    declined: dict[int, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region.value,
            "councils": self.councils,
            "years": [
                {
                    "year": year,
                    "label": year_label(year),
                    "taken_up": self.taken.get(year, 0),
                    "offered": self.offered.get(year, 0),
                    "declined": self.declined.get(year, 0),
                    "not_recorded": self.councils
                    - self.taken.get(year, 0)
                    - self.offered.get(year, 0)
                    - self.declined.get(year, 0),
                }
                for year in sorted(self.taken)
            ],
        }


def programme(first_year: int | None, today: dt.date) -> list[int]:
    """The three programme years: from ``first_year``, or the three ending with this one."""
    start = programme_year(today) - PROGRAMME_YEARS + 1 if first_year is None else first_year
    return [start + i for i in range(PROGRAMME_YEARS)]


class Leadership:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def record(
        self,
        council: str,
        year: int,
        status: SupportStatus = SupportStatus.OFFERED,
        details: str | None = None,
        offered_on: dt.date | None = None,
    ) -> SupportOffer:
        """Set the council's place for ``year`` (added if new, else updated: one a year)."""
        gss = Councils(self.vault).require(council)
        place_id = leadership_place_id(gss, year)
        current = self.vault.get(SupportOffer, place_id)
        if current is None or current.deleted:
            return self.vault.save(
                SupportOffer.build(
                    id=place_id,
                    council=gss,
                    type=SupportKind.LEADERSHIP_PLACE,
                    status=status,
                    year=year,
                    offered_on=offered_on,
                    details=details or "",
                )
            )
        changes: dict[str, Any] = {"status": status}
        if details is not None:
            changes["details"] = details
        if offered_on is not None:
            changes["offered_on"] = offered_on
        wanted = current.evolve(**changes)
        if wanted == current:
            return current
        return self.vault.save(wanted, audit_detail={"fields": sorted(changes)})

    def list(self, council: str | None = None, year: int | None = None) -> list[SupportOffer]:
        where = "deleted = 0 AND type = ?"
        params: list[Any] = [SupportKind.LEADERSHIP_PLACE.value]
        if council:
            where += " AND council = ?"
            params.append(Councils(self.vault).require(council))
        if year is not None:
            where += " AND year = ?"
            params.append(year)
        return self.vault.records(SupportOffer, where, params, order="year DESC, council")

    def takeup(self, years: builtins.list[int]) -> builtins.list[RegionTakeup]:
        """Per region (with councils in the vault): councils, and per year how many places
        were taken up, are offered and waiting, or were declined."""
        by_region: dict[str, RegionTakeup] = {}
        for region, count in self.vault.query(
            "SELECT region, count(*) FROM councils WHERE deleted = 0 GROUP BY region"
        ):
            by_region[region] = RegionTakeup(Region(region), int(count))
            for year in years:
                by_region[region].taken[year] = 0
        if not years:
            return []
        marks = ",".join("?" * len(years))
        rows = self.vault.query(
            "SELECT c.region, s.year, s.status, count(*) FROM support_offers s "
            "JOIN councils c ON c.gss_code = s.council AND c.deleted = 0 "
            f"WHERE s.deleted = 0 AND s.type = ? AND s.year IN ({marks}) "
            "GROUP BY c.region, s.year, s.status",
            (SupportKind.LEADERSHIP_PLACE.value, *years),
        )
        for region, year, status, count in rows:
            entry = by_region[region]
            state = SupportStatus(status)
            if state in TAKEN:
                entry.taken[year] += count
            elif state is SupportStatus.DECLINED:
                entry.declined[year] = entry.declined.get(year, 0) + count
            else:
                entry.offered[year] = entry.offered.get(year, 0) + count
        order = {r: i for i, r in enumerate(Region)}
        return sorted(by_region.values(), key=lambda t: order[t.region])
