"""What a council page and the councils list show, gathered in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..domain import (
    Action,
    Challenge,
    ChallengeStatus,
    ConcernLevel,
    Contact,
    Council,
    Metric,
    Note,
    SupportOffer,
)
from .actions import Actions
from .challenges import Challenges
from .contacts import Contacts
from .councils import Councils
from .coverage import Assignments, CouncilCover
from .notes import Notes
from .store import Vault
from .support_in_place import SupportItem, support_in_place

#: Roles that make a contact "key": the people an adviser asks for first.
KEY_ROLES = ("leader", "chief executive", "mayor", "director", "section 151")
CONCERN_WINDOW = timedelta(days=365)
#: The action a serious concern the council is not aware of asks of the principal adviser.
CONTACT_LEADER = "Contact the leader or chief executive"


@dataclass(frozen=True)
class CouncilOverview:
    council: Council
    contacts: list[Contact]
    key_contacts: list[Contact]
    recent_notes: list[Note]
    engagements: list[Challenge]
    next_engagement: Challenge | None
    open_actions: list[Action]
    overdue_actions: list[Action]
    support: list[SupportOffer]
    metrics: list[Metric]
    concern: ConcernLevel
    #: its principal adviser and regional leads today
    cover: CouncilCover | None = None
    #: engagements, offers, Improvement Board and actions, with who provides each
    support_in_place: list[SupportItem] = field(default_factory=list)
    #: serious concerns the council has not been told are shared: the principal adviser
    #: should contact the leader or chief executive (CONTACT_LEADER)
    serious_unaware: list[Note] = field(default_factory=list)


def concern_levels(vault: Vault, today: date) -> dict[str, ConcernLevel]:
    """Each council's current concern: the highest among its complete notes of the last year.
    A draft never sets it: it is unfinished, unsynced and left out of briefings, and the window
    must tell the same story as the briefing."""
    ranks = {level.value: level.rank for level in ConcernLevel}
    rows = vault.query(
        "SELECT council, concern FROM notes WHERE deleted = 0 AND draft = 0 AND date >= ? "
        "GROUP BY council, concern",
        ((today - CONCERN_WINDOW).isoformat(),),
    )
    best: dict[str, ConcernLevel] = {}
    for gss, concern in rows:
        level = ConcernLevel(concern)
        if gss not in best or ranks[level.value] > best[gss].rank:
            best[gss] = level
    return best


def overview(vault: Vault, gss: str, today: date) -> CouncilOverview:
    council = Councils(vault).get(gss)
    contacts = Contacts(vault).list(council.gss_code)
    key = [c for c in contacts if any(r in c.role.lower() for r in KEY_ROLES)]
    engagements = Challenges(vault).list(council=council.gss_code)
    upcoming = [
        e
        for e in engagements
        if not e.status.is_terminal and e.status.step <= ChallengeStatus.ON_SITE.step
    ]
    actions = Actions(vault).list("open", council.gss_code)
    support = vault.records(SupportOffer, "deleted = 0 AND council = ?", (council.gss_code,))
    cover = Assignments(vault).for_region(council.region, today)
    return CouncilOverview(
        council=council,
        contacts=contacts,
        key_contacts=key or contacts[:3],
        recent_notes=Notes(vault).list(council.gss_code, limit=5),
        engagements=engagements,
        next_engagement=upcoming[0] if upcoming else None,
        open_actions=actions,
        overdue_actions=[a for a in actions if a.is_overdue(today)],
        support=support,
        metrics=vault.records(
            Metric, "deleted = 0 AND council = ?", (council.gss_code,), order="metric_id, period"
        ),
        concern=concern_levels(vault, today).get(council.gss_code, ConcernLevel.NONE),
        cover=cover,
        serious_unaware=Notes(vault).serious_unaware([council.gss_code]),
        support_in_place=support_in_place(vault, council, today, cover.principal_adviser),
    )
