"""Who covers what: assignments of principal advisers and regional leads, with their history.

Coverage is maintained by a coordinator (or an admin) and synced to everyone. The server is
what enforces that; this service says so up front on a device enrolled in another role, so a
person is told at once rather than at the next sync. A vault not enrolled with any server is
its owner's own and may record coverage (the server still decides when it is enrolled).
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..domain import Coverage, CoverageRole, Region
from ..domain.coverage import Service
from .councils import Councils
from .errors import NotFound, VaultError
from .store import Vault
from .syncstate import SyncState

#: Server roles that may write coverage (the server's rule, mirrored for a clear message).
MAINTAINERS = ("coordinator", "admin")
#: Fields a correction may change; role and dates of a handover go through assign/end.
EDITABLE = (
    "person",
    "role",
    "regions",
    "organisation",
    "email",
    "phone",
    "since",
    "until",
    "details",
)


class NotAllowed(VaultError):
    """This device's role may not change coverage."""


@dataclass(frozen=True)
class Handover:
    """What one assignment did: the new assignment, the ones it ended the day before it
    started, and the continuations that keep the regions it did not take."""

    assignment: Coverage
    ended: list[Coverage] = field(default_factory=list)
    continued: list[Coverage] = field(default_factory=list)


@dataclass(frozen=True)
class CouncilCover:
    """Who covers one council on a day: its region's principal adviser and leads."""

    region: Region
    principal_adviser: Coverage | None
    childrens: list[Coverage]
    adults: list[Coverage]

    @property
    def all(self) -> list[Coverage]:
        first = [self.principal_adviser] if self.principal_adviser else []
        return [*first, *self.childrens, *self.adults]

    def to_json(self) -> dict[str, Any]:
        def brief(c: Coverage) -> dict[str, Any]:
            return {
                "id": c.id,
                "person": c.person,
                "role": c.role.value,
                "regions": [r.value for r in c.regions],
                "organisation": c.organisation,
                "email": c.email,
                "phone": c.phone,
                "since": c.since.isoformat(),
                "until": c.until.isoformat() if c.until else None,
            }

        return {
            "region": self.region.value,
            "principal_adviser": brief(self.principal_adviser) if self.principal_adviser else None,
            "childrens_leads": [brief(c) for c in self.childrens],
            "adult_social_care_leads": [brief(c) for c in self.adults],
        }


def payload_digest(payload: dict[str, Any]) -> str:
    """A fingerprint of a record's JSON form: tells whether the local copy is still the one the
    server refused (the audit keeps this, never the content)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Assignments:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # -- who may maintain ------------------------------------------------------------------
    def enrolled_role(self) -> str | None:
        return SyncState(self.vault).get("role")

    def may_maintain(self) -> bool:
        role = self.enrolled_role()
        return role is None or role in MAINTAINERS

    def _require_maintainer(self) -> None:
        role = self.enrolled_role()
        if role is not None and role not in MAINTAINERS:
            raise NotAllowed(
                "only a coordinator or an admin maintains who covers what; this device is "
                f"enrolled as {role}, so coverage is read-only here"
            )

    # -- reading ---------------------------------------------------------------------------
    def list(
        self,
        region: Region | None = None,
        on: date | None = None,
        role: CoverageRole | None = None,
    ) -> builtins.list[Coverage]:
        """Every assignment (history included), or those current ``on`` a day; by role order,
        then region, newest first."""
        found = [
            c
            for c in self.vault.records(Coverage, "deleted = 0")
            if (region is None or region in c.regions)
            and (on is None or c.is_current(on))
            and (role is None or c.role is role)
        ]
        order = list(Region)
        return sorted(
            found,
            key=lambda c: (c.role.order, order.index(c.regions[0]), -c.since.toordinal(), c.person),
        )

    def get(self, assignment_id: str) -> Coverage:
        text = assignment_id.strip().lower()
        found = self.vault.matching_id(Coverage, text)
        if len(found) != 1:
            raise NotFound(f"no single coverage assignment matches {assignment_id!r}")
        return found[0]

    def for_region(self, region: Region, on: date) -> CouncilCover:
        current = self.list(region=region, on=on)
        pas = [c for c in current if c.role is CoverageRole.PRINCIPAL_ADVISER]
        return CouncilCover(
            region=region,
            principal_adviser=pas[0] if pas else None,
            childrens=[c for c in current if c.role.service is Service.CHILDRENS],
            adults=[c for c in current if c.role.service is Service.ADULTS],
        )

    def for_council(self, gss: str, on: date) -> CouncilCover:
        return self.for_region(Councils(self.vault).get(gss).region, on)

    def gaps(
        self, on: date, regions: Iterable[Region] | None = None
    ) -> dict[Region, builtins.list[str]]:
        """Roles nobody holds in each region on a day (what a coordinator must fill)."""
        out: dict[Region, builtins.list[str]] = {}
        current = self.list(on=on)
        for region in regions or Region.english():
            held = {c.role for c in current if region in c.regions}
            missing = [r.value for r in CoverageRole if r not in held]
            if missing:
                out[region] = missing
        return out

    def refused(self) -> dict[str, str]:
        """Assignments whose local copy the server refused (id -> reason): kept, never lost,
        and shown as refused until a coordinator's version replaces them."""
        rows = self.vault.query(
            "SELECT record_id, detail FROM audit WHERE action = 'sync-rejected' "
            "AND kind = 'coverage' ORDER BY seq"
        )
        latest: dict[str, dict[str, Any]] = {}
        for record_id, detail in rows:
            latest[str(record_id)] = json.loads(detail)
        out: dict[str, str] = {}
        for record_id, detail in latest.items():
            record = self.vault.get(Coverage, record_id)
            if record is None or record.deleted:
                continue
            if detail.get("payload_sha256") == payload_digest(record.to_json()):
                out[record_id] = str(detail.get("reason") or "refused by the server")
        return out

    # -- writing ---------------------------------------------------------------------------
    def assign(
        self,
        *,
        person: str,
        role: CoverageRole,
        regions: Sequence[Region],
        since: date,
        until: date | None = None,
        organisation: str = "",
        email: str = "",
        phone: str = "",
        details: str = "",
    ) -> Handover:
        """Give ``person`` the role for ``regions`` from ``since``. Whoever held the role there
        on that day hands over: their assignment ends the day before, and any regions of theirs
        the newcomer does not take continue in a new assignment of their own from ``since``."""
        self._require_maintainer()
        new = Coverage.build(
            person=person,
            role=role,
            regions=list(regions),
            since=since,
            until=until,
            organisation=organisation,
            email=email,
            phone=phone,
            details=details,
        )
        ended: builtins.list[Coverage] = []
        continued: builtins.list[Coverage] = []
        with self.vault.transaction():
            for old in self._sharing(new):
                if old.since >= new.since:
                    raise _clash(old)
                if old.until is not None and old.until < new.since:
                    continue  # already over (not a clash: _sharing saw the open period)
                ended.append(
                    self.vault.save(
                        old.evolve(until=new.since - timedelta(days=1)),
                        audit_detail={"handover": True},
                    )
                )
                kept = [r for r in old.regions if r not in new.regions]
                if kept:
                    continued.append(
                        self.vault.save(
                            Coverage.build(
                                **{
                                    **_copyable(old),
                                    "regions": kept,
                                    "since": new.since,
                                    "until": old.until,
                                }
                            ),
                            audit_detail={"continues": old.id},
                        )
                    )
            saved = self.vault.save(new)
        return Handover(saved, ended, continued)

    def edit(self, assignment_id: str, **changes: Any) -> Coverage:
        """Correct an assignment (a misspelt name, a new phone, a wrong date). Refused if it
        would give a role in a region to two people at once."""
        self._require_maintainer()
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        current = self.get(assignment_id)
        wanted = current.evolve(**changes)
        if wanted == current:
            return current
        for other in self._sharing(wanted):
            if other.id != wanted.id:
                raise _clash(other)
        changed = sorted(k for k in changes if getattr(current, k) != getattr(wanted, k))
        return self.vault.save(wanted, audit_detail={"fields": changed})

    def end(self, assignment_id: str, on: date) -> Coverage:
        """The last day someone covers: kept as history, no longer current after ``on``."""
        return self.edit(assignment_id, until=on)

    def remove(self, assignment_id: str) -> Coverage:
        """Delete an assignment made by mistake (ending one keeps the history; this does not)."""
        self._require_maintainer()
        return self.vault.delete(self.get(assignment_id))

    def _sharing(self, wanted: Coverage) -> builtins.list[Coverage]:
        """Other live assignments of the same role in a shared region and overlapping period."""
        return [
            c
            for c in self.vault.records(Coverage, "deleted = 0 AND role = ?", (wanted.role.value,))
            if c.id != wanted.id
            and set(c.regions) & set(wanted.regions)
            and c.overlaps(wanted.since, wanted.until)
        ]


def _copyable(record: Coverage) -> dict[str, Any]:
    keep = ("person", "role", "organisation", "email", "phone", "details")
    return {k: getattr(record, k) for k in keep}


def _clash(other: Coverage) -> VaultError:
    until = f" until {other.until}" if other.until else ""
    return _Clash(
        f"{other.person} is already the {other.role.value} for {other.area} from "
        f"{other.since}{until}; end or correct that assignment first"
    )


class _Clash(VaultError):
    """Two people would hold one role in one region on the same day."""
