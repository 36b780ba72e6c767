"""The support a council has now, from every source, each with who provides it and its status:
peer challenges and reviews under way, support offers open or taken up, an Improvement Board,
and open actions (from notes, peer challenges or the council itself).

One list, so the council page, ``sli council show`` and a briefing say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain import (
    Action,
    Challenge,
    Council,
    Coverage,
    PeerRole,
    SupportOffer,
    SupportStatus,
)
from ..domain.board import SignOffElement, SignOffStatus
from ..formats import short_date
from .actions import Actions
from .boards import Boards
from .challenges import Challenges
from .store import Vault

#: Offers still in place: declined and completed ones are history, not support.
LIVE_OFFERS = (SupportStatus.OFFERED.value, SupportStatus.TAKEN_UP.value)
#: Who leads a peer team, named first as its provider.
_LEADS = (
    PeerRole.PEER_CHALLENGE_MANAGER,
    PeerRole.LEAD_MEMBER_PEER,
    PeerRole.CHIEF_EXECUTIVE_PEER,
    PeerRole.DIRECTOR_PEER,
)


@dataclass(frozen=True)
class SupportItem:
    source: str  # peer challenge | support offer | improvement board | action
    what: str
    provider: str
    status: str
    on: date | None
    kind: str
    record_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "what": self.what,
            "provider": self.provider,
            "status": self.status,
            "on": self.on.isoformat() if self.on else None,
            "kind": self.kind,
            "record_id": self.record_id,
        }


def support_in_place(
    vault: Vault, council: Council, today: date, adviser: Coverage | None = None
) -> list[SupportItem]:
    """Everything supporting ``council`` now. ``adviser`` is its principal adviser, named as the
    LGA's point of contact for offers that have no named provider of their own."""
    lga = f"LGA (principal adviser {adviser.person})" if adviser else "LGA"
    gss = council.gss_code
    items = [
        _engagement(e) for e in Challenges(vault).list(council=gss) if not e.status.is_terminal
    ]
    offers = vault.records(
        SupportOffer,
        f"deleted = 0 AND council = ? AND status IN ({','.join('?' * len(LIVE_OFFERS))})",
        (gss, *LIVE_OFFERS),
        order="coalesce(offered_on, '9999'), seq",
    )
    for offer in offers:
        days = (
            f", {offer.days_used:g} of {offer.days_offered:g} days used"
            if offer.days_offered
            else ""
        )
        year = f" {offer.year}" if offer.year else ""
        items.append(
            SupportItem(
                "support offer",
                f"{offer.type.value.capitalize()}{year}{days}",
                lga,
                offer.status.value,
                offer.offered_on,
                offer.kind,
                offer.id,
            )
        )
    items.extend(_boards(vault, council, lga, today))
    for action in Actions(vault).list("open", gss):
        origin = " (from a note)" if action.note_id else ""
        origin = " (from a peer challenge)" if action.engagement_id else origin
        items.append(
            SupportItem(
                "action",
                action.title + origin,
                action.owner or "no owner yet",
                "overdue" if action.is_overdue(today) else action.status.value,
                action.due,
                Action.kind,
                action.id,
            )
        )
    return items


def _engagement(e: Challenge) -> SupportItem:
    leads = sorted(
        (p for p in e.team if p.role in _LEADS), key=lambda p: _LEADS.index(p.role)
    ) or list(e.team)
    provider = (
        "LGA peer team: " + ", ".join(f"{p.name} ({p.role.value})" for p in leads[:3])
        if leads
        else "LGA peer team (not yet named)"
    )
    return SupportItem(
        "peer challenge", e.type.label, provider, e.status.value, e.start, e.kind, e.id
    )


def _boards(vault: Vault, council: Council, lga: str, today: date) -> list[SupportItem]:
    """The council's Improvement Boards active today, with their members and whether the
    adult social care sign-off aligns; failing any, the flag the council itself carries."""
    boards = [b for b in Boards(vault).list(council.gss_code) if b.is_active(today)]
    items = []
    for board in boards:
        members = ", ".join(f"{m.name} ({m.role})" if m.role else m.name for m in board.members[:4])
        more = f" and {len(board.members) - 4} more" if len(board.members) > 4 else ""
        signed = sum(board.status(e) is SignOffStatus.SIGNED_OFF for e in SignOffElement)
        nxt = board.next_meeting(today)
        items.append(
            SupportItem(
                "improvement board",
                "Improvement Board" + (f", next meeting {short_date(nxt)}" if nxt else ""),
                f"members: {members}{more}; {lga}" if members else lga,
                "ready to present"
                if board.readiness(today).ready
                else f"sign-off {signed} of {len(SignOffElement)}",
                board.start,
                board.kind,
                board.id,
            )
        )
    if items or not council.improvement_board:
        return items
    return [
        SupportItem(
            "improvement board",
            "Improvement Board",
            f"the council with its partners; {lga}",
            "in place",
            council.improvement_board_since,
            council.kind,
            council.id,
        )
    ]
