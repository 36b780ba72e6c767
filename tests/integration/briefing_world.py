"""A West Midlands a regional lead would recognise, for briefing tests and screenshots.

Birmingham with a serious Section 114 concern recorded after older, milder notes; Newcastle-
under-Lyme (a hyphenated place name) with long e-mail addresses; an Improvement Board meeting
next week; a change of control; seven years of performance figures; a corporate peer challenge
with a team whose contact details are on record; coverage with a gap; and quiet councils.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sli_desktop.domain import (
    Council,
    CouncilType,
    CoverageRole,
    Metric,
    Region,
    SupportOffer,
    council_id,
)
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.assessments import Assessments
from sli_desktop.vault.boards import Boards
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.control import PoliticalControl
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.coverage import Assignments
from sli_desktop.vault.identity import set_identity
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault

BHAM, COV, STAFFS, CANNOCK = "E08000025", "E08000026", "E10000028", "E07000192"
NUL = "E07000195"
NUL_NAME = "Newcastle-under-Lyme Borough Council"
QUIET = [
    ("E07000234", "Bromsgrove District Council"),
    ("E07000235", "Malvern Hills District Council"),
    ("E07000236", "Redditch Borough Council"),
    ("E07000237", "Worcester City Council"),
]
LONG_EMAIL = "chief.executive.office@newcastle-staffs.gov.uk"
LEADER_EMAIL = "leader@birmingham.gov.uk"
LEADER_PHONE = "+441213031111"
LEADER_PHONE_SHOWN = "0121 303 1111"
PEER_EMAIL = "lead.member.peer@shropshire.gov.uk"
PEER_PHONE = "+441743252000"
PEER_PHONE_SHOWN = "01743 252000"
SERIOUS_TITLE = "Section 114 notice likely this year"
OLD_MILD_TITLE = "New cabinet member settling in well"
HIGH_TITLE = "Children's services overspend of £18m"
BOARD_NEXT_IN = 6  # days until the Improvement Board next meets
VENUE = "Council House, Victoria Square, Birmingham B1 1BB"
ADVISER, ROLE = "Asha Patel", "Principal Adviser, West Midlands and South West"
YEARS = ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]


@dataclass
class World:
    vault: Vault
    today: date
    challenge_id: str
    past_challenge_id: str
    future_other_id: str


def build(vault: Vault, today: date) -> World:
    """Fill ``vault`` (which holds the conftest councils) with the West Midlands above."""
    v = vault

    def ago(n: int) -> date:
        return today - timedelta(days=n)

    set_identity(v, ADVISER, ROLE)
    Councils(v).upsert_register(
        Council.build(
            id=council_id(g),
            gss_code=g,
            name=n,
            type=CouncilType.NON_METROPOLITAN_DISTRICT,
            region=Region.WEST_MIDLANDS,
        )
        for g, n in [(NUL, NUL_NAME), *QUIET]
    )
    notes, contacts = Notes(v), Contacts(v)
    contacts.add(
        council=BHAM,
        name="Cllr John Cotton",
        role="Leader",
        emails=[LEADER_EMAIL],
        phones=[LEADER_PHONE],
    )
    contacts.add(
        council=NUL,
        name="Dr Jordan Castle-Ashby",
        role="Chief Executive",
        emails=[LONG_EMAIL],
        phones=["+441782742222"],
    )
    contacts.add(
        name="Cllr Morgan Peerless",
        role="Lead member peer",
        organisation="Shropshire Council",
        emails=[PEER_EMAIL],
        phones=[PEER_PHONE],
    )
    # Birmingham: the mild note is oldest, the serious one newest but not first by date.
    notes.add(council=BHAM, date=ago(200), title=OLD_MILD_TITLE, body="Settling in well.")
    notes.add(
        council=BHAM,
        date=ago(150),
        title="Budget gap widening",
        body="Officers described a widening gap.",
        concern="medium",
        evidence=["Budget monitoring report"],
        council_aware=True,
    )
    notes.add(
        council=BHAM,
        date=ago(40),
        title=SERIOUS_TITLE,
        body="The section 151 officer expects to issue a section 114 notice.",
        concern="serious",
        evidence=["Quarter two budget monitoring report", "Section 151 officer's letter"],
        council_aware=False,
    )
    notes.add(
        council=BHAM,
        date=ago(20),
        title=HIGH_TITLE,
        body="Placements drive the overspend.",
        concern="high",
        evidence=["Quarter two forecast"],
        council_aware=True,
        council_aware_on=ago(18),
    )
    notes.add(
        council=BHAM,
        date=ago(3),
        title="Draft: not yet evidenced",
        body="A draft must never set a concern.",
        concern="serious",
        evidence=["to follow"],
        draft=True,
    )
    notes.add(
        council=NUL,
        date=ago(30),
        title="Newcastle-under-Lyme town deal slipping",
        body=(
            "Officers at Newcastle-under-Lyme said the town deal was slipping; write to "
            f"{LONG_EMAIL} or ring 01782 742222 for the revised plan."
        ),
        concern="medium",
        evidence=["Cabinet report"],
        council_aware=True,
    )
    notes.add(
        council=COV,
        date=ago(15),
        title="Coventry reserves below minimum",
        concern="high",
        evidence=["Statement of accounts"],
        council_aware=True,
    )
    # A board meeting next week; the peer challenge months away.
    Boards(v).add(
        council=BHAM,
        start=ago(100),
        terms_agreed_on=ago(90),
        members=[{"name": "Cllr Jo Marsh", "role": "independent chair"}],
        meetings=[ago(30), today + timedelta(days=BOARD_NEXT_IN), today + timedelta(days=40)],
    )
    PoliticalControl(v).record(COV, ago(120), "No overall control", from_control="Labour")
    challenge = Challenges(v).add(
        council=BHAM,
        type="corporate",
        status="booked",
        start=today + timedelta(days=75),
        end=today + timedelta(days=78),
        scope=(
            "Financial sustainability and the children's services improvement plan.\n\n"
            f"Venue: {VENUE}\n"
            "Timetable:\n"
            "Day 1, 09:00: Arrival, introductions and the leader's welcome\n"
            "Day 1, 14:00: Focus groups with scrutiny members\n"
            "Day 4, 11:30: Feedback to the leader and chief executive"
        ),
        team=[
            {
                "name": "Cllr Morgan Peerless",
                "role": "lead member peer",
                "organisation": "Shropshire Council",
            },
            {"name": "Dr Chief Peer", "role": "chief executive peer", "organisation": "Leeds"},
        ],
    )
    past = Challenges(v).add(
        council=BHAM,
        type="childrens",
        status="closed",
        start=ago(700),
        end=ago(697),
        report_date=ago(650),
        recommendations=["Strengthen placement sufficiency planning"],
    )
    other = Challenges(v).add(
        council=BHAM, type="adults", status="discussed", start=today + timedelta(days=300)
    )
    Actions(v).add(title="Send the budget recovery plan", council=BHAM, due=ago(10))
    Actions(v).add(title="Agree the board's work programme", council=BHAM, due=ago(3))
    v.save(SupportOffer.build(council=BHAM, type="leadership programme place", status="taken up"))
    Assessments(v).record(
        BHAM,
        "self-assessment",
        date=ago(60),
        link="https://www.birmingham.gov.uk/downloads/self-assessment-2025",
        summary="Candid about placement sufficiency.",
    )
    cover = Assignments(v)
    cover.assign(
        person=ADVISER,
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS, Region.SOUTH_WEST],
        since=ago(400),
        email="asha.patel@local.gov.uk",
        phone="+442076643000",
    )
    cover.assign(
        person="Morgan Tate",
        role=CoverageRole.CHILDRENS_CHIEF_EXECUTIVE,
        regions=[Region.WEST_MIDLANDS],
        since=ago(400),
        email="morgan.tate@example.org",
    )
    values = {BHAM: 90.0, COV: 94.0, STAFFS: 96.0, NUL: 95.0, CANNOCK: 97.0}
    for gss, start in values.items():
        for i, year in enumerate(YEARS):
            v.save(
                Metric.build(
                    council=gss,
                    period=year,
                    metric_id="ctax",
                    name="Council tax collected in the year",
                    value=start + (i * 0.6 if gss != BHAM else -i * 0.9),
                    unit="%",
                )
            )
    return World(v, today, challenge.id, past.id, other.id)
