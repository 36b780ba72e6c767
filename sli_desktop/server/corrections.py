"""Coordinators' corrections of the council register on the server.

The register's fields belong to the server (``sli server import-councils``): a device's change
to a council never rewrites them, with one exception. A programme coordinator (or an admin) may
correct a council's region or type where the register is wrong (it lists Derbyshire County
Council in the West Midlands); the council then names the field in ``corrected``, and the
server's next register import keeps it, as the devices' imports do.
"""

from __future__ import annotations

from typing import Any

from ..domain import council as council_domain

#: What the register owns (besides what advisers know: political control, flags).
REGISTER_FIELDS = frozenset({"gss_code", *council_domain.REGISTER_FIELDS})
CORRECTORS = frozenset({"coordinator", "admin"})
CORRECTABLE = frozenset(council_domain.CORRECTABLE)


def protected(role: str, payload: dict[str, Any]) -> frozenset[str]:
    """The fields of a device's council change the server keeps as it holds them: every
    register field, less those a coordinator corrects in this change (named in its
    ``corrected``), and ``corrected`` itself unless a coordinator sent it."""
    if role not in CORRECTORS:
        return REGISTER_FIELDS | {"corrected"}
    named = {str(f) for f in payload.get("corrected") or []}
    return REGISTER_FIELDS - (CORRECTABLE & named)


def register_payload(new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """A council as the server's register import stores it: the file's register fields, except
    those a coordinator corrected, over everything else the server holds (political control,
    Improvement Board, corrections), which a register file knows nothing of."""
    if old is None:
        return new
    corrected = set(old.get("corrected") or [])
    kept = {k: v for k, v in new.items() if k in REGISTER_FIELDS and k not in corrected}
    if old.get("ended_on") and not new.get("ended_on"):
        # An older file still lists a council that has ended: it stays abolished.
        kept = {k: v for k, v in kept.items() if k not in ("ended_on", "replaced_by")}
    return {**old, **kept, **{k: new[k] for k in ("id",) if k in new}}
