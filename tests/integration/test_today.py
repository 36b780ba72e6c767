"""The Today service (vault/today.py) on a real vault: whose councils, in what order, and
what is overdue, coming up, drafted and due for review."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sli_desktop.domain import (
    ChallengeKind,
    ChallengeStatus,
    ConcernLevel,
    CoverageRole,
    Region,
)
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.boards import Boards
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.coverage import Assignments
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState
from sli_desktop.vault.today import Scope, today

DAY = date(2026, 3, 9)  # a Monday
BHAM, COV, STAFFS, CANNOCK, WESTMINSTER, DURHAM = (
    "E08000025",
    "E08000026",
    "E10000028",
    "E07000192",
    "E09000033",
    "E06000047",
)


def _note(vault: Vault, council: str, on: date, concern: ConcernLevel, **more: object) -> None:
    evidence = ["minutes"] if concern.needs_evidence and not more.get("draft") else []
    Notes(vault).add(
        council=council, date=on, title=f"{concern.value} note", concern=concern,
        evidence=evidence, **more,
    )  # fmt: skip


def test_ranks_my_councils_by_complete_concern_then_recency(councils_vault: Vault) -> None:
    vault = councils_vault
    Assignments(vault).assign(
        person=vault.actor,
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=date(2025, 1, 1),
    )
    _note(vault, COV, DAY - timedelta(days=40), ConcernLevel.HIGH)
    _note(vault, STAFFS, DAY - timedelta(days=2), ConcernLevel.MEDIUM)
    _note(vault, CANNOCK, DAY - timedelta(days=90), ConcernLevel.HIGH)
    # A draft never sets a level: Birmingham's serious draft leaves it at low.
    _note(vault, BHAM, DAY - timedelta(days=1), ConcernLevel.SERIOUS, draft=True)
    _note(vault, BHAM, DAY - timedelta(days=300), ConcernLevel.LOW)
    # Outside my region, however serious, it is not on my list.
    _note(vault, WESTMINSTER, DAY - timedelta(days=1), ConcernLevel.SERIOUS)

    found = today(vault, DAY)

    assert found.scope is Scope.COVERED
    assert found.regions == [Region.WEST_MIDLANDS]
    assert [r.council.gss_code for r in found.councils] == [COV, CANNOCK, STAFFS, BHAM]
    assert [r.concern for r in found.councils] == [
        ConcernLevel.HIGH,
        ConcernLevel.HIGH,
        ConcernLevel.MEDIUM,
        ConcernLevel.LOW,
    ]
    assert found.councils[0].latest_note == DAY - timedelta(days=40)
    assert [n.council for n in found.drafts] == [BHAM]


def test_falls_back_to_enrolled_regions_then_every_council(councils_vault: Vault) -> None:
    vault = councils_vault
    assert today(vault, DAY).scope is Scope.ALL
    assert len(today(vault, DAY).councils) == 6
    SyncState(vault).put("regions", json.dumps(["London", "North East"]))
    found = today(vault, DAY)
    assert found.scope is Scope.REGIONS
    assert {r.council.gss_code for r in found.councils} == {WESTMINSTER, DURHAM}
    # Someone else's coverage does not make the councils mine.
    Assignments(vault).assign(
        person="Somebody Else",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=date(2025, 1, 1),
    )
    assert today(vault, DAY).scope is Scope.REGIONS


def test_overdue_upcoming_and_next_event_per_council(councils_vault: Vault) -> None:
    vault = councils_vault
    SyncState(vault).put("regions", json.dumps(["West Midlands"]))
    actions = Actions(vault)
    late = actions.add(title="Chase the section 151 officer", council=BHAM, due=DAY - timedelta(1))
    actions.add(title="Not yet due", council=BHAM, due=DAY + timedelta(days=3))
    actions.add(title="Elsewhere", council=WESTMINSTER, due=DAY - timedelta(days=5))
    engagements = Challenges(vault)
    corporate = engagements.add(
        council=COV,
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=DAY + timedelta(days=3),
    )
    engagements.add(
        council=COV,
        type=ChallengeKind.SAFEGUARDING,
        status=ChallengeStatus.BOOKED,
        start=DAY + timedelta(days=45),
    )
    engagements.add(
        council=STAFFS,
        type=ChallengeKind.ADULTS,
        status=ChallengeStatus.CANCELLED,
        start=DAY + timedelta(days=4),
    )
    board = Boards(vault).add(
        council=BHAM,
        start=DAY - timedelta(days=100),
        meetings=[DAY - timedelta(days=30), DAY + timedelta(days=10), DAY + timedelta(days=40)],
    )

    found = today(vault, DAY)

    assert [a.id for a in found.overdue] == [late.id]
    assert [(e.council, e.on) for e in found.upcoming] == [
        (COV, DAY + timedelta(days=3)),
        (BHAM, DAY + timedelta(days=10)),
    ]
    assert found.upcoming[0].record_id == corporate.id
    assert found.upcoming[1].record_id == board.id
    rows = {r.council.gss_code: r for r in found.councils}
    assert rows[BHAM].overdue == 1
    assert rows[BHAM].next_event is not None
    assert rows[BHAM].next_event.what == "Improvement Board meeting"
    assert rows[COV].next_event is not None
    assert rows[COV].next_event.record_id == corporate.id
    assert rows[STAFFS].next_event is None  # a cancelled challenge is not coming up


def test_due_for_review_and_last_synced(councils_vault: Vault) -> None:
    vault = councils_vault
    _note(vault, BHAM, date(2015, 1, 1), ConcernLevel.NONE)
    _note(vault, BHAM, DAY, ConcernLevel.NONE)
    vault.set_meta("last_synced", "2026-03-08T09:30:00+00:00")
    found = today(vault, DAY)
    assert found.due_count == 1
    assert [n.date for n in found.due_for_review] == [date(2015, 1, 1)]
    assert found.last_synced == "2026-03-08T09:30:00+00:00"


def test_cover_recorded_under_a_name_used_before_still_counts(councils_vault: Vault) -> None:
    from sli_desktop.vault.identity import set_identity

    vault = councils_vault
    set_identity(vault, "Asha Patel")
    Assignments(vault).assign(
        person="Asha  patel",  # as a coordinator typed it
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.LONDON],
        since=date(2025, 1, 1),
    )
    set_identity(vault, "Asha Patel-Jones")
    found = today(vault, DAY)
    assert found.scope is Scope.COVERED
    assert [r.council.gss_code for r in found.councils] == [WESTMINSTER]
