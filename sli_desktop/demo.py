"""A demo vault of fictional councils and intelligence, so a newcomer can look around.

Every council here is invented (GSS codes in the unused E99 range) so that no made-up concern
is ever attributed to a real council. The vault is marked as a demo in its meta table, and the
app shows DEMO on every screen while it is open.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .domain import (
    ChallengeKind,
    ChallengeStatus,
    Council,
    CouncilType,
    CoverageRole,
    Region,
    council_id,
)
from .vault.actions import Actions
from .vault.assessments import Assessments
from .vault.boards import Boards
from .vault.challenges import Challenges
from .vault.contacts import Contacts
from .vault.councils import Councils
from .vault.coverage import Assignments
from .vault.goodpractice import GoodPractice
from .vault.keys import KdfParams
from .vault.notes import Notes
from .vault.session import create_vault, unlock
from .vault.store import Vault
from .vault.syncstate import wipe

DEMO_PASSPHRASE = "demo vault - not for real data"
DEMO_META = "demo"
#: Raised whenever the demo's content changes, so an older demo vault is made again on opening
#: (it holds only fictional data) and `make run` shows what this release can do.
DEMO_CONTENT = "3"
DEMO_CONTENT_META = "demo_content"

_COUNCILS = [
    (
        "E99000001",
        "Northmoor Borough Council",
        "Northmoor",
        CouncilType.METROPOLITAN_DISTRICT,
        Region.WEST_MIDLANDS,
        "Labour",
    ),
    (
        "E99000002",
        "Kingsbridge City Council",
        "Kingsbridge",
        CouncilType.UNITARY,
        Region.WEST_MIDLANDS,
        "No overall control",
    ),
    (
        "E99000003",
        "Saltmarsh County Council",
        "Saltmarsh",
        CouncilType.COUNTY,
        Region.WEST_MIDLANDS,
        "Conservative",
    ),
    (
        "E99000004",
        "Eastwold District Council",
        "Eastwold",
        CouncilType.NON_METROPOLITAN_DISTRICT,
        Region.WEST_MIDLANDS,
        "Liberal Democrat",
    ),
    (
        "E99000005",
        "Harrowfield Metropolitan Borough Council",
        "Harrowfield",
        CouncilType.METROPOLITAN_DISTRICT,
        Region.NORTH_WEST,
        "Labour",
    ),
    (
        "E99000006",
        "Riverside London Borough Council",
        "Riverside",
        CouncilType.LONDON_BOROUGH,
        Region.LONDON,
        "Labour",
    ),
    (
        "E99000007",
        "Highcombe Council",
        "Highcombe",
        CouncilType.UNITARY,
        Region.SOUTH_WEST,
        "Independent",
    ),
    (
        "E99000008",
        "Ashby Vale District Council",
        "Ashby Vale",
        CouncilType.NON_METROPOLITAN_DISTRICT,
        Region.EAST_MIDLANDS,
        "Conservative",
    ),
    (
        "E99000009",
        "Thornbury Borough Council",
        "Thornbury",
        CouncilType.UNITARY,
        Region.NORTH_EAST,
        "No overall control",
    ),
    (
        "E99000010",
        "Greywater District Council",
        "Greywater",
        CouncilType.NON_METROPOLITAN_DISTRICT,
        Region.SOUTH_EAST,
        "Green",
    ),
]

_PEOPLE = [
    ("Cllr Amara Okafor", "Leader"),
    ("Dr Tom Hale", "Chief Executive"),
    ("Priya Shah", "Director of Children's Services"),
    ("Gareth Lloyd", "Director of Adult Social Services"),
    ("Siân Pryce", "Section 151 Officer"),
]

_NOTES = [
    (
        "Budget gap widening",
        "finance",
        "high",
        "Quarter two budget monitoring shows a forecast overspend of £11.8m, driven by children's "
        "placements and home-to-school transport. Reserves would cover it once, not twice.",
        ["Q2 budget monitoring report to Cabinet"],
    ),
    (
        "New chief executive settling in well",
        "leadership",
        "none",
        "Met the chief executive: clear priorities, a good relationship with the leader, and a "
        "plan to refresh the corporate plan by spring.",
        [],
    ),
    (
        "SEND transport complaints rising",
        "children's services",
        "medium",
        "Complaints about SEND transport have doubled since September; the service is reviewing "
        "routes. The lead member is aware and wants peer support.",
        ["Complaints log, Q2"],
    ),
    (
        "Scrutiny challenge on housing repairs",
        "governance",
        "low",
        "Scrutiny committee asked sharp questions on damp and mould cases; officers committed "
        "to a monthly report.",
        [],
    ),
    (
        "Adult social care waiting list",
        "adult social care",
        "serious",
        "Assessments waiting over six months have risen to 410. CQC assessment expected next year. "
        "The director has asked about an adult social care peer challenge.",
        ["ASC performance dashboard, October", "Letter from DASS"],
    ),
]


def demo_path(data_dir: Path) -> Path:
    return data_dir / "demo" / "demo-vault.sli"


def is_demo(vault: Vault) -> bool:
    return vault.meta(DEMO_META) == "true"


def open_or_create_demo(path: Path, today: date | None = None) -> Vault:
    """The demo vault at ``path``, made on first use with fictional data, and made again when
    it comes from a release with other demo content. Only a vault marked as a demo is remade."""
    if path.exists():
        vault = unlock(path, DEMO_PASSPHRASE)
        if not is_demo(vault) or vault.meta(DEMO_CONTENT_META) == DEMO_CONTENT:
            return vault
        wipe(vault, None)
    created = create_vault(
        path, DEMO_PASSPHRASE, owner="Demo Adviser", kdf=KdfParams.fast_for_tests()
    )
    fill(created.vault, today or date.today())
    return created.vault


def fill(vault: Vault, today: date) -> None:
    rng = random.Random(2011)
    with vault.transaction():
        vault.set_meta(DEMO_META, "true")
        vault.set_meta(DEMO_CONTENT_META, DEMO_CONTENT)
        Councils(vault).upsert_register(
            Council.build(
                id=council_id(g),
                gss_code=g,
                name=n,
                short_name=s,
                type=t,
                region=r,
                political_control=pc,
            )
            for g, n, s, t, r, pc in _COUNCILS
        )
        councils = Councils(vault)
        board = councils.get("E99000005")
        vault.save(
            board.evolve(
                improvement_board=True,
                improvement_board_since=today - timedelta(days=120),
                control_changed_on=today - timedelta(days=200),
            )
        )
        contacts, notes, engagements, actions = (
            Contacts(vault),
            Notes(vault),
            Challenges(vault),
            Actions(vault),
        )
        for index, (gss, *_rest) in enumerate(_COUNCILS):
            slug = gss[-2:]
            for person, role in rng.sample(_PEOPLE, 3):
                contacts.add(
                    council=gss,
                    name=person,
                    role=role,
                    emails=[f"{person.split()[-1].lower()}.{slug}@example.org"],
                    phones=[f"0121 496 {rng.randint(0, 999):04d}"],
                )
            for offset, (title, theme, concern, body, evidence) in enumerate(
                rng.sample(_NOTES, 3 + index % 3)
            ):
                notes.add(
                    council=gss,
                    title=title,
                    body=body,
                    themes=[theme],
                    concern=concern,
                    evidence=evidence,
                    council_aware=offset % 2 == 0,
                    date=today - timedelta(days=7 * offset + index),
                    marking="OFFICIAL-SENSITIVE" if concern == "serious" else "OFFICIAL",
                )
            status = [
                ChallengeStatus.CLOSED,
                ChallengeStatus.BOOKED,
                ChallengeStatus.DISCUSSED,
                ChallengeStatus.PROPOSED,
            ][index % 4]
            start = (
                today + timedelta(days=30 + 10 * index)
                if status is ChallengeStatus.BOOKED
                else today - timedelta(days=400 + 30 * index)
                if status is ChallengeStatus.CLOSED
                else None
            )
            engagements.add(
                council=gss,
                type=ChallengeKind.CORPORATE,
                status=status,
                start=start,
                end=start + timedelta(days=3) if start else None,
                scope="Leadership, corporate capacity, financial resilience and "
                "the council's own focus on regeneration.",
                venue="Committee Room 2, the Council House" if start else "",
                timetable=_demo_timetable(start) if status is ChallengeStatus.BOOKED else [],
                team=[
                    {"name": "Cllr Jo Marsh", "role": "lead member peer"},
                    {"name": "Sam Osei", "role": "chief executive peer"},
                    {"name": "Lena Novak", "role": "officer peer"},
                ],
            )
            actions.add(
                title="Follow up on the budget recovery plan",
                owner="Demo Adviser",
                council=gss,
                due=today + timedelta(days=(index % 5) * 7 - 10),
            )
        _coverage(vault, today)
        _improvement(vault, today)


def _demo_timetable(start: date | None) -> list[dict[str, Any]]:
    """Four days on site as a team would plan them."""
    if start is None:
        return []
    return [
        {"day": start, "at": "09:00", "what": "Arrival, introductions and the leader's welcome"},
        {"day": start, "at": "14:00", "what": "Focus group with scrutiny members"},
        {"day": start + timedelta(days=1), "what": "Interviews with partners and staff"},
        {"day": start + timedelta(days=3), "at": "11:30", "what": "Feedback to the leader"},
    ]


#: Invented good practice: (council, title, theme, what they did, outcome, contact).
_GOOD_PRACTICE = [
    (
        "E99000003",
        "Route planning cut SEND transport costs",
        "children's services",
        "Re-tendered SEND transport routes with families on the design group.",
        "Costs down 9% and complaints halved within two terms.",
        "Head of transport, via the principal adviser",
    ),
    (
        "E99000007",
        "Budget challenge sessions with all members",
        "finance",
        "Cross-party budget challenge sessions three months before the budget meeting.",
        "A balanced budget agreed without late amendments for the first time in four years.",
        "Section 151 officer",
    ),
    (
        "E99000010",
        "Trusted assessors cleared the waiting list",
        "adult social care",
        "Trained occupational therapy assistants as trusted assessors for simple equipment.",
        "Waits over six months fell from 300 to 40 in a year.",
        "Director of Adult Social Services",
    ),
]


def _improvement(vault: Vault, today: date) -> None:
    """Good practice elsewhere, a self-assessment and an Improvement Board, so those parts of
    the council page and the Good practice view have something to show."""
    practice = GoodPractice(vault)
    for gss, title, theme, body, outcome, contact in _GOOD_PRACTICE:
        practice.add(
            council=gss,
            title=title,
            body=body,
            themes=[theme],
            outcome=outcome,
            contact=contact,
            date=today - timedelta(days=60),
        )
    Assessments(vault).record(
        "E99000001",
        "self-assessment",
        date=today - timedelta(days=90),
        summary="Candid about placement sufficiency; early help strengths well evidenced.",
    )
    Boards(vault).add(
        council="E99000005",
        start=today - timedelta(days=120),
        terms_agreed_on=today - timedelta(days=110),
        members=[
            {"name": "Cllr Jo Marsh", "role": "independent chair", "organisation": "LGA"},
            {"name": "Demo Adviser", "role": "principal adviser", "organisation": "LGA"},
        ],
        meetings=[today - timedelta(days=90), today - timedelta(days=30)],
    )


#: Invented people for who covers what: the demo's principal adviser is its action owner.
_COVERAGE = [
    ("Demo Adviser", CoverageRole.PRINCIPAL_ADVISER, [Region.WEST_MIDLANDS, Region.SOUTH_WEST]),
    ("Pat Northam", CoverageRole.PRINCIPAL_ADVISER, [Region.NORTH_WEST, Region.NORTH_EAST]),
    ("Robin Ellery", CoverageRole.PRINCIPAL_ADVISER, [Region.EAST_MIDLANDS, Region.EAST]),
    ("Kit Lowther", CoverageRole.PRINCIPAL_ADVISER, [Region.LONDON, Region.SOUTH_EAST]),
    ("Cllr Dana Whitby", CoverageRole.CHILDRENS_LEAD_MEMBER, [Region.EAST_MIDLANDS]),
    ("Ash Kerrigan", CoverageRole.CHILDRENS_DIRECTOR, [Region.EAST_MIDLANDS]),
    ("Lou Penrose", CoverageRole.ADULTS_DIRECTOR, [Region.EAST_MIDLANDS]),
    ("Cllr Rowan Hale", CoverageRole.CHILDRENS_LEAD_MEMBER, [Region.WEST_MIDLANDS]),
    ("Morgan Tate", CoverageRole.CHILDRENS_CHIEF_EXECUTIVE, [Region.WEST_MIDLANDS]),
    ("Jordan Pike", CoverageRole.CHILDRENS_DIRECTOR, [Region.WEST_MIDLANDS]),
    ("Cllr Avery Stone", CoverageRole.ADULTS_LEAD_MEMBER, [Region.WEST_MIDLANDS]),
    ("Casey Brook", CoverageRole.ADULTS_DIRECTOR, [Region.WEST_MIDLANDS]),
]


def _coverage(vault: Vault, today: date) -> None:
    cover = Assignments(vault)
    for person, role, regions in _COVERAGE:
        slug = person.split()[-1].lower()
        cover.assign(
            person=person,
            role=role,
            regions=regions,
            since=today - timedelta(days=400),
            email=f"{slug}@example.org",
        )
