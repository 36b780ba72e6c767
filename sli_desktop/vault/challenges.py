"""Peer challenges and reviews: the schedule, the workflow, and programme coverage."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain import Challenge, ChallengeKind, ChallengeStatus, Peer, Region
from .councils import Councils
from .errors import NotFound
from .store import Vault

#: The corporate peer challenge programme offered every council one from summer 2011.
PROGRAMME_START = date(2011, 6, 1)
_COUNTED_TYPES = (
    "county",
    "non-metropolitan district",
    "unitary authority",
    "metropolitan district",
    "london borough",
    "city corporation",
)


@dataclass(frozen=True)
class RegionCoverage:
    """Each council counted once, at its furthest stage."""

    region: str
    councils: int
    had: int
    booked: int
    discussing: int

    @property
    def none(self) -> int:
        return self.councils - self.had - self.booked - self.discussing


class Challenges:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> Challenge:
        fields["council"] = Councils(self.vault).require(str(fields.get("council", "")))
        status = fields.get("status", ChallengeStatus.PROPOSED)
        on = fields.pop("status_date", None) or self.vault.now().date()
        engagement = Challenge.build(**fields)
        engagement = engagement.evolve(history=[{"status": status, "on": on}])
        return self.vault.save(engagement)

    def move(
        self, engagement_id: str, status: ChallengeStatus, on: date | None = None, **changes: Any
    ) -> Challenge:
        current = self.get(engagement_id)
        if changes:
            current = current.evolve(**changes)
        moved = current.move_to(status, on or self.vault.now().date())
        return self.vault.save(moved, audit_detail={"status": status.value})

    def edit(self, engagement_id: str, **changes: Any) -> Challenge:
        """Change a challenge's details (kind, dates, venue, timetable, scope): not its status,
        which moves along the workflow (``move``), nor its team (``set_team``). Returns the
        record unchanged, and writes nothing, when nothing differs."""
        for name in ("status", "history", "team", "council"):
            if name in changes:
                raise ValueError(f"{name} is not changed by edit")
        current = self.get(engagement_id)
        edited = current.evolve(**changes)
        differs = [n for n in changes if getattr(edited, n) != getattr(current, n)]
        if not differs:
            return current
        return self.vault.save(edited, audit_detail={"fields": sorted(differs)})

    def set_team(self, engagement_id: str, team: Sequence[Peer]) -> Challenge:
        """Replace the team: peers join and drop out at any stage, so this is not a status move."""
        current = self.get(engagement_id)
        return self.vault.save(current.evolve(team=list(team)), audit_detail={"fields": ["team"]})

    def delete(self, engagement_id: str) -> Challenge:
        """For a challenge recorded by mistake: a tombstone that sync carries everywhere, and
        the next calendar export cancels its event. A challenge that will not happen is moved
        to cancelled instead, which keeps it in the history and the coverage figures."""
        return self.vault.delete(self.get(engagement_id))

    def get(self, engagement_id: str) -> Challenge:
        text = engagement_id.strip().lower()
        found = self.vault.matching_id(Challenge, text)
        if len(found) != 1:
            raise NotFound(f"no single peer challenge matches {engagement_id!r}")
        return found[0]

    def list(self, region: Region | None = None, council: str | None = None) -> list[Challenge]:
        where, params = "e.deleted = 0", []
        if region is not None:
            where += " AND c.region = ?"
            params.append(region.value)
        if council:
            where += " AND e.council = ?"
            params.append(Councils(self.vault).require(council))
        ids = [
            row[0]
            for row in self.vault.query(
                "SELECT e.id FROM engagements e JOIN councils c ON c.gss_code = e.council "
                f"WHERE {where} ORDER BY coalesce(e.start, '9999'), e.seq",
                params,
            )
        ]
        by_id = (
            {
                e.id: e
                for e in self.vault.records(Challenge, f"id IN ({','.join('?' * len(ids))})", ids)
            }
            if ids
            else {}
        )
        return [by_id[i] for i in ids]

    def coverage(
        self, since: date = PROGRAMME_START, kind: ChallengeKind = ChallengeKind.CORPORATE
    ) -> builtins.list[RegionCoverage]:
        """How many councils in each English region have had, have booked, or are discussing
        a peer challenge of ``kind`` since ``since``: one query, every council counted once."""
        had = [s.value for s in ChallengeStatus if s.has_happened]
        rows = self.vault.query(
            f"""
            WITH stage AS (
              SELECT council,
                     max(CASE WHEN status IN ({",".join("?" * len(had))})
                                   AND coalesce(start, '0000') >= ? THEN 3
                              WHEN status = 'booked' THEN 2
                              WHEN status IN ('proposed', 'discussed') THEN 1
                              ELSE 0 END) AS best
              FROM engagements WHERE deleted = 0 AND type = ? GROUP BY council)
            SELECT c.region, count(*),
                   sum(coalesce(s.best, 0) = 3), sum(coalesce(s.best, 0) = 2),
                   sum(coalesce(s.best, 0) = 1)
            FROM councils c LEFT JOIN stage s ON s.council = c.gss_code
            WHERE c.deleted = 0 AND c.nation = 'England'
              AND c.type IN ({",".join("?" * len(_COUNTED_TYPES))})
            GROUP BY c.region ORDER BY c.region""",
            [*had, since.isoformat(), kind.value, *_COUNTED_TYPES],
        )
        return [RegionCoverage(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]
