"""Councils in the vault: the register upsert and the lookups every other service needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..domain import Council, Region
from ..domain.council import REGISTER_FIELDS
from .errors import NotFound
from .store import Vault


@dataclass(frozen=True)
class UpsertResult:
    added: int
    updated: int
    unchanged: int


class Councils:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def upsert_register(self, entries: Iterable[Council]) -> UpsertResult:
        """Add new councils and refresh register fields by GSS code, in one transaction.
        A council whose register fields are unchanged is not written, so re-imports are no-ops."""
        added = updated = unchanged = 0
        with self.vault.transaction():
            existing = {c.gss_code: c for c in self.vault.records(Council)}
            for entry in entries:
                current = existing.get(entry.gss_code)
                if current is None:
                    self.vault.save(entry, audit_detail={"source": "register"})
                    added += 1
                    continue
                changes = {
                    f: getattr(entry, f)
                    for f in REGISTER_FIELDS
                    if getattr(entry, f) != getattr(current, f)
                }
                if current.deleted:
                    changes["deleted"] = False
                if changes:
                    self.vault.save(current.evolve(**changes), audit_detail={"source": "register"})
                    updated += 1
                else:
                    unchanged += 1
        return UpsertResult(added, updated, unchanged)

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

    def list(self, region: Region | None = None) -> list[Council]:
        if region is None:
            return self.vault.records(Council, "deleted = 0", order="name")
        return self.vault.records(
            Council, "deleted = 0 AND region = ?", (region.value,), order="name"
        )

    def get(self, gss_or_name: str) -> Council:
        """By GSS code, or by exact official or short name (case-insensitive)."""
        text = gss_or_name.strip()
        found = self.vault.records(
            Council,
            "deleted = 0 AND (gss_code = upper(?) OR lower(name) = lower(?) "
            "OR lower(short_name) = lower(?))",
            (text, text, text),
        )
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFound(
                f"no council {gss_or_name!r} in the vault; "
                "import the register with 'sli council import'"
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
        return int(self.vault.scalar("SELECT count(*) FROM councils WHERE deleted = 0"))
