"""Councils in the vault: the register upsert and the lookups every other service needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain import Council, CouncilType, Region
from ..domain.council import REGISTER_FIELDS
from ..formats import short_date
from .errors import NotFound, VaultError
from .store import Vault

#: Meta key: the date of the newest register release imported (``Release.as_of``).
REGISTER_AS_OF = "register_as_of"
#: Roles the sync server lets correct a council's register fields (``CORRECTABLE``).
CORRECTORS = ("coordinator", "admin")
#: How a person reads a register field's name.
FIELD_LABELS = {
    "name": "name",
    "short_name": "short name",
    "la_code": "local authority code",
    "county_la": "county",
    "type": "type",
    "nation": "nation",
    "region": "region",
    "population": "population",
    "alt_names": "other names",
    "combined_authority": "combined authority",
    "ended_on": "end date",
    "replaced_by": "successor",
}


class CorrectionRefused(VaultError):
    """A correction this vault's user may not make, or one that makes no sense."""


@dataclass(frozen=True)
class UpsertResult:
    added: int
    updated: int
    unchanged: int
    #: councils this import marked abolished
    abolished: int = 0
    #: councils whose newer facts in the vault an older file would have overwritten
    held_back: int = 0
    #: coordinators' corrections the file disagrees with, kept
    corrections_kept: int = 0


@dataclass(frozen=True)
class HeldBack:
    council: Council
    #: one sentence: what the file says and why the vault keeps its own
    reason: str


@dataclass
class RegisterPlan:
    """What importing a register file would change, worked out before anything is written, so
    the preview can say it (and say what is held back) and the import writes exactly that."""

    added: list[Council] = field(default_factory=list)
    #: (the council as it will be stored, the register fields that change)
    updated: list[tuple[Council, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    #: councils the file says have ended, which the vault held as current
    abolished: list[Council] = field(default_factory=list)
    #: (council, field, the file's value) where a coordinator's correction is kept
    corrections_kept: list[tuple[Council, str, str]] = field(default_factory=list)
    held_back: list[HeldBack] = field(default_factory=list)
    file_as_of: date | None = None
    vault_as_of: date | None = None

    @property
    def older(self) -> bool:
        """The file speaks for an earlier date than the register the vault holds."""
        return bool(self.file_as_of and self.vault_as_of and self.file_as_of < self.vault_as_of)

    def result(self) -> UpsertResult:
        return UpsertResult(
            len(self.added),
            len(self.updated),
            self.unchanged,
            len(self.abolished),
            len(self.held_back),
            len(self.corrections_kept),
        )

    def lines(self) -> list[str]:
        """The preview, in sentences: counts first, then every fact kept from the vault."""
        out = [
            f"{_count(len(self.added), 'council')} to add, {len(self.updated)} to update, "
            f"{self.unchanged} unchanged."
        ]
        if self.abolished:
            out.append(
                f"{_count(len(self.abolished), 'council')} to mark abolished: "
                + ", ".join(c.display_name for c in self.abolished)
                + "."
            )
        if self.older:
            out.append(
                f"This file is older than the register the vault holds (its latest change is "
                f"{short_date(self.file_as_of)}; the vault's is {short_date(self.vault_as_of)}): "
                "newer facts in the vault are kept."
            )
        out += [f"Kept as the vault holds it: {h.reason}" for h in self.held_back]
        out += [
            f"Kept as corrected: {c.display_name}'s {FIELD_LABELS.get(f, f)} "
            f"(the file says {value})."
            for c, f, value in self.corrections_kept
        ]
        return out


class Councils:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def upsert_register(
        self, entries: Iterable[Council], as_of: date | None = None
    ) -> UpsertResult:
        """Add new councils and refresh register fields by GSS code, in one transaction.
        A council whose register fields are unchanged is not written, so re-imports are no-ops.
        ``as_of``: the file's date (``Release.as_of``), to tell an older file."""
        return self.apply(self.plan_register(entries, as_of))

    def plan_register(self, entries: Iterable[Council], as_of: date | None = None) -> RegisterPlan:
        """What importing ``entries`` would change; nothing is written.

        A coordinator's correction (``Council.corrected``) is never overwritten. A council the
        vault holds as abolished stays abolished when a file lists it as current (the file is
        older), and a file older than the newest release imported changes no existing council:
        each is listed in the plan instead, so the preview says so."""
        raw = self.vault.meta(REGISTER_AS_OF)
        plan = RegisterPlan(file_as_of=as_of, vault_as_of=date.fromisoformat(raw) if raw else None)
        existing = {c.gss_code: c for c in self.vault.records(Council)}
        for entry in entries:
            current = existing.get(entry.gss_code)
            if current is None:
                plan.added.append(entry)
                continue
            changes: dict[str, Any] = {}
            for name in REGISTER_FIELDS:
                theirs, ours = getattr(entry, name), getattr(current, name)
                if theirs == ours:
                    continue
                if name in current.corrected:
                    plan.corrections_kept.append((current, name, _shown(theirs)))
                else:
                    changes[name] = theirs
            if current.abolished and not entry.abolished:
                plan.held_back.append(
                    HeldBack(
                        current,
                        f"{current.display_name} ended on {short_date(current.ended_on)}; this "
                        "file still lists it as a current council, so it stays abolished.",
                    )
                )
                continue
            if changes and plan.older:
                fields_ = ", ".join(FIELD_LABELS.get(f, f) for f in sorted(changes))
                plan.held_back.append(
                    HeldBack(current, f"{current.display_name}'s {fields_} (this file is older).")
                )
                continue
            if current.deleted:
                changes["deleted"] = False
            if not changes:
                plan.unchanged += 1
                continue
            plan.updated.append((current.evolve(**changes), sorted(changes)))
            if entry.abolished and not current.abolished:
                plan.abolished.append(current)
        return plan

    def apply(self, plan: RegisterPlan) -> UpsertResult:
        """Write a plan from ``plan_register``, in one transaction, each change audited."""
        with self.vault.transaction():
            for council in plan.added:
                self.vault.save(council, audit_detail={"source": "register"})
            for council, fields_ in plan.updated:
                detail: dict[str, Any] = {"source": "register", "fields": fields_}
                if council.abolished and "ended_on" in fields_:
                    detail["abolished"] = {
                        "ended_on": str(council.ended_on),
                        "replaced_by": council.replaced_by,
                    }
                self.vault.save(council, audit_detail=detail)
            newest = max((d for d in (plan.file_as_of, plan.vault_as_of) if d), default=None)
            if newest is not None:
                self.vault.set_meta(REGISTER_AS_OF, newest.isoformat())
        return plan.result()

    def correct(
        self, gss_or_name: str, *, region: Region | None = None, type: CouncilType | None = None
    ) -> Council:
        """A coordinator's correction of a register field the register has wrong. The field is
        named in ``corrected`` so the next register import keeps it; the audit records the
        value before and after; the change syncs like any other (the server accepts it from a
        coordinator). A vault enrolled for another role is refused here rather than at sync."""
        role = self.vault.meta("sync_role")
        if role and role not in CORRECTORS:
            raise CorrectionRefused(
                "Only a programme coordinator can correct a council's region or type: "
                "ask your coordinator to make the correction."
            )
        current = self.get(gss_or_name)
        if region is not None and region not in Region.english():
            raise CorrectionRefused(
                f"Choose one of England's nine regions for {current.display_name}."
            )
        wanted: dict[str, Any] = {"region": region, "type": type}
        changes = {k: v for k, v in wanted.items() if v is not None and getattr(current, k) != v}
        if not changes:
            return current
        before = {k: _shown(getattr(current, k)) for k in changes}
        corrected = sorted({*current.corrected, *changes})
        return self.vault.save(
            current.evolve(**changes, corrected=corrected),
            audit_detail={
                "fields": sorted(changes),
                "correction": {k: [before[k], _shown(v)] for k, v in changes.items()},
            },
        )

    def successors(self, council: Council) -> list[Council]:
        """The councils that replaced an abolished one (by the register's la_codes)."""
        if not council.replaced_by:
            return []
        marks = ",".join("?" * len(council.replaced_by))
        return self.vault.records(
            Council,
            f"deleted = 0 AND la_code IN ({marks}) AND ended_on IS NULL",
            council.replaced_by,
            order="name",
        )

    def set_details(
        self,
        gss_code: str,
        *,
        political_control: str,
        control_changed_on: date | None,
        improvement_board: bool,
        improvement_board_since: date | None,
    ) -> Council:
        """Record the advisers' own knowledge of a council (never a register field, which the
        next import would overwrite). Only changed fields are written, and the audit names them."""
        current = self.get(gss_code)
        wanted = {
            "political_control": political_control,
            "control_changed_on": control_changed_on,
            "improvement_board": improvement_board,
            "improvement_board_since": improvement_board_since,
        }
        changes = {k: v for k, v in wanted.items() if getattr(current, k) != v}
        if not changes:
            return current
        return self.vault.save(current.evolve(**changes), audit_detail={"fields": sorted(changes)})

    def list(self, region: Region | None = None, *, abolished: bool = False) -> list[Council]:
        """Current councils (with ``abolished``, those that have ended too), by name."""
        where = "deleted = 0" if abolished else "deleted = 0 AND ended_on IS NULL"
        if region is None:
            return self.vault.records(Council, where, order="name")
        return self.vault.records(Council, f"{where} AND region = ?", (region.value,), order="name")

    def get(self, gss_or_name: str, *, abolished: bool = True) -> Council:
        """By GSS code, or by exact official or short name (case-insensitive). A name shared by
        an abolished council and its successor means the current one."""
        text = gss_or_name.strip()
        found = self.vault.records(
            Council,
            "deleted = 0 AND (gss_code = upper(?) OR lower(name) = lower(?) "
            "OR lower(short_name) = lower(?))",
            (text, text, text),
        )
        if len(found) > 1 or not abolished:
            current = [c for c in found if not c.abolished]
            found = current if current or not abolished else found
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFound(
                f"no council {gss_or_name!r} in the vault; check the name or GSS code, or "
                "import the council register first"
            )
        raise NotFound(f"{gss_or_name!r} names more than one council; use its GSS code")

    def require(self, gss_code: str) -> str:
        """The canonical GSS code of an existing council, or a clear error."""
        return self.get(gss_code).gss_code

    def names(self) -> dict[str, str]:
        return {
            gss: name
            for gss, name in self.vault.query(
                "SELECT gss_code, CASE WHEN short_name != '' THEN short_name ELSE name END "
                "FROM councils WHERE deleted = 0"
            )
        }

    def count(self) -> int:
        """Current councils (abolished ones are history)."""
        return int(
            self.vault.scalar(
                "SELECT count(*) FROM councils WHERE deleted = 0 AND ended_on IS NULL"
            )
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(value: Any) -> str:
    """A register value as a person reads it."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, date):
        return short_date(value)
    return "none" if value in (None, "") else str(value)
