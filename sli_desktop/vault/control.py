"""Changes of political control, and the member peer support each one opens.

Recording a change (date, from, to) keeps it as history, brings the council's
``political_control`` and ``control_changed_on`` up to date when it is the latest change, and
offers up to five days of member peer support. The change and its offer have ids derived from
the council and the date, so recording it again (or on another device) changes nothing twice
and never resets the days already used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain import (
    ControlChange,
    Council,
    SupportKind,
    SupportOffer,
    SupportStatus,
    ValidationError,
)
from ..domain.improvement import MEMBER_PEER_DAYS, programme_year
from .councils import Councils
from .errors import NotFound
from .store import Vault


@dataclass(frozen=True)
class Recorded:
    change: ControlChange
    offer: SupportOffer
    offer_made: bool  # False when the offer already existed (recorded before)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.change.to_json(),
            "offer": self.offer.to_json(),
            "offer_made": self.offer_made,
        }


class PoliticalControl:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def record(
        self,
        council: str,
        date: dt.date,
        to_control: str,
        from_control: str | None = None,
        details: str = "",
    ) -> Recorded:
        """Record the change and make the member peer support offer, in one transaction."""
        councils = Councils(self.vault)
        current = councils.get(council)
        gss = current.gss_code
        to_control = " ".join(to_control.split())
        change_id = ControlChange.id_for(gss, date)
        existing = self.vault.get(ControlChange, change_id)
        if from_control is None:
            from_control = (
                existing.from_control
                if existing is not None and not existing.deleted
                else self._control_before(gss, date, current)
            )
        wanted = ControlChange.build(
            id=change_id,
            council=gss,
            date=date,
            from_control=" ".join(from_control.split()),
            to_control=to_control,
            details=details or (existing.details if existing else ""),
        )
        with self.vault.transaction():
            if existing is None or existing.deleted or _differs(existing, wanted):
                change = self.vault.save(wanted)
            else:
                change = existing
            if current.control_changed_on is None or date >= current.control_changed_on:
                councils.set_details(
                    gss,
                    political_control=to_control,
                    control_changed_on=date,
                    improvement_board=current.improvement_board,
                    improvement_board_since=current.improvement_board_since,
                )
            offer = self.vault.get(SupportOffer, ControlChange.offer_id_for(change.id))
            made = offer is None
            if offer is None:
                offer = self.vault.save(
                    SupportOffer.build(
                        id=ControlChange.offer_id_for(change.id),
                        council=gss,
                        type=SupportKind.MEMBER_PEER_SUPPORT,
                        status=SupportStatus.OFFERED,
                        offered_on=date,
                        year=programme_year(date),
                        days_offered=MEMBER_PEER_DAYS,
                        details=f"After the change of political control on {date:%d %B %Y}"
                        f" ({change.from_control or 'unknown'} to {change.to_control}).",
                    ),
                    audit_detail={"source": "change of political control"},
                )
        return Recorded(change, offer, made)

    def set_details(
        self,
        council: str,
        *,
        political_control: str,
        control_changed_on: dt.date | None,
        improvement_board: bool,
        improvement_board_since: dt.date | None,
    ) -> Council:
        """The council details form: a new political control with the date it changed is a
        change of control (kept as history, with its member peer support offer), not just an
        edited field; without a date it is a correction. One transaction either way."""
        councils = Councils(self.vault)
        current = councils.get(council)
        control = " ".join(political_control.split())
        is_change = (
            control_changed_on is not None
            and bool(control)
            and (
                control != current.political_control
                or control_changed_on != current.control_changed_on
            )
        )
        with self.vault.transaction():
            if is_change and control_changed_on is not None:
                self.record(
                    current.gss_code,
                    control_changed_on,
                    control,
                    from_control=current.political_control
                    if control != current.political_control
                    else None,
                )
                current = councils.get(current.gss_code)
            return councils.set_details(
                current.gss_code,
                political_control=current.political_control if is_change else control,
                control_changed_on=current.control_changed_on if is_change else control_changed_on,
                improvement_board=improvement_board,
                improvement_board_since=improvement_board_since,
            )

    def get(self, change_id: str) -> ControlChange:
        """By full id or an unambiguous prefix of at least 8 characters."""
        text = change_id.strip().lower()
        found = self.vault.matching_id(ControlChange, text)
        if len(found) != 1:
            raise NotFound(f"no single change of political control matches {change_id!r}")
        return found[0]

    def delete(self, change_id: str) -> tuple[ControlChange, SupportOffer | None]:
        """Remove a change recorded by mistake, with its offer unless days were used (support
        given stays on record). The council's current control is left for the adviser to set."""
        change = self.get(change_id)
        with self.vault.transaction():
            offer = self.offer_for(change)
            kept = offer
            if offer is not None and not offer.days_used:
                self.vault.delete(offer)
                kept = None
            return self.vault.delete(change), kept

    def history(self, council: str | None = None) -> list[ControlChange]:
        """Newest first."""
        if council:
            gss = Councils(self.vault).require(council)
            return self.vault.records(
                ControlChange, "deleted = 0 AND council = ?", (gss,), order="date DESC"
            )
        return self.vault.records(ControlChange, "deleted = 0", order="date DESC, council")

    def offer_for(self, change: ControlChange) -> SupportOffer | None:
        offer = self.vault.get(SupportOffer, ControlChange.offer_id_for(change.id))
        return None if offer is None or offer.deleted else offer

    def member_support(self, council: str | None = None) -> list[SupportOffer]:
        where, params = "deleted = 0 AND type = ?", [SupportKind.MEMBER_PEER_SUPPORT.value]
        if council:
            where += " AND council = ?"
            params.append(Councils(self.vault).require(council))
        return self.vault.records(SupportOffer, where, params, order="offered_on DESC, seq DESC")

    def use_days(
        self, offer_id: str, used: float, status: SupportStatus | None = None
    ) -> SupportOffer:
        """Set the days of member peer support used so far (never more than offered). The
        status follows the days unless given: some used is taken up, all used is completed."""
        offer = self._offer(offer_id)
        if used < 0:
            raise ValidationError("days_used", "cannot be negative")
        if used > offer.days_offered:
            raise ValidationError(
                "days_used", f"cannot exceed the {offer.days_offered:g} days offered"
            )
        if status is None:
            status = offer.status
            if used >= offer.days_offered:
                status = SupportStatus.COMPLETED
            elif used > 0:
                status = SupportStatus.TAKEN_UP
            elif offer.status in (SupportStatus.TAKEN_UP, SupportStatus.COMPLETED):
                status = SupportStatus.OFFERED
        if used == offer.days_used and status is offer.status:
            return offer
        return self.vault.save(
            offer.evolve(days_used=used, status=status),
            audit_detail={"fields": ["days_used", "status"]},
        )

    def _offer(self, offer_id: str) -> SupportOffer:
        text = offer_id.strip().lower()
        found = self.vault.matching_id(
            SupportOffer, text, "type = ?", (SupportKind.MEMBER_PEER_SUPPORT.value,)
        )
        if len(found) != 1:
            raise NotFound(f"no single member peer support offer matches {offer_id!r}")
        return found[0]

    def _control_before(self, gss: str, date: dt.date, council: Council) -> str:
        """Who held control before ``date``: the latest earlier change, else the council's
        recorded control when it predates this change; otherwise unknown (blank)."""
        earlier = self.vault.records(
            ControlChange,
            "deleted = 0 AND council = ? AND date < ?",
            (gss, date.isoformat()),
            order="date DESC",
            limit=1,
        )
        if earlier:
            return earlier[0].to_control
        if council.control_changed_on is not None and council.control_changed_on >= date:
            return ""
        return council.political_control


def _differs(old: ControlChange, new: ControlChange) -> bool:
    fields = ("from_control", "to_control", "details")
    return any(getattr(old, f) != getattr(new, f) for f in fields)
