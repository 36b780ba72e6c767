"""Who covers what, through the services and the `sli` command: assignments keep their history,
a handover ends the old holder's period and continues the regions they keep, two people never
hold one role in one region on one day, a device enrolled as an adviser cannot change coverage,
and the council page's data (overview, `sli council show --json`) names its principal adviser,
leads and the support in place from every source."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import (
    ChallengeKind,
    ChallengeStatus,
    Coverage,
    CoverageRole,
    Peer,
    PeerRole,
    Region,
    SupportKind,
    SupportOffer,
    SupportStatus,
    ValidationError,
)
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.coverage import Assignments, NotAllowed, payload_digest
from sli_desktop.vault.errors import VaultError
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.overview import overview
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState

WM, SW, LONDON = Region.WEST_MIDLANDS, Region.SOUTH_WEST, Region.LONDON
BHAM = "E08000025"
PA = CoverageRole.PRINCIPAL_ADVISER


def test_roles_parse_by_name_or_short_name_and_regional_leads_lead_one_region() -> None:
    assert CoverageRole.parse("DCS") is CoverageRole.CHILDRENS_DIRECTOR
    assert CoverageRole.parse("director of adult social services") is CoverageRole.ADULTS_DIRECTOR
    assert CoverageRole.parse("Principal Adviser") is PA
    with pytest.raises(ValueError, match="unknown role"):
        CoverageRole.parse("mayor")
    with pytest.raises(ValidationError) as exc:
        Coverage.build(
            person="Dee",
            role=CoverageRole.CHILDRENS_DIRECTOR,
            regions=[WM, SW],
            since=date(2026, 1, 1),
        )
    assert exc.value.field == "regions"
    with pytest.raises(ValidationError) as exc:
        Coverage.build(
            person="Dee", role=PA, regions=[WM], since=date(2026, 1, 2), until=date(2026, 1, 1)
        )
    assert exc.value.field == "until"
    with pytest.raises(ValidationError) as exc:
        Coverage.build(person="Dee", role=PA, regions=[WM], since=date(2026, 1, 1), email="nope")
    assert exc.value.field == "email"
    area = Coverage.build(person="Ann", role=PA, regions=[SW, WM, SW], since=date(2026, 1, 1))
    assert area.regions == [WM, SW] and area.area == "West Midlands and South West"


def test_a_handover_keeps_history_and_continues_the_regions_not_taken(vault: Vault) -> None:
    service = Assignments(vault)
    ann = service.assign(
        person="Ann Adviser",
        role=PA,
        regions=[WM, SW],
        since=date(2025, 1, 1),
        email="ann@example.org",
        phone="020 7664 3000",
    ).assignment
    assert ann.phone == "+442076643000"
    done = service.assign(person="Bob Baker", role=PA, regions=[WM], since=date(2026, 4, 1))
    (ended,) = done.ended
    assert ended.id == ann.id and ended.until == date(2026, 3, 31)
    (continued,) = done.continued
    assert (continued.person, continued.regions, continued.since, continued.until) == (
        "Ann Adviser",
        [SW],
        date(2026, 4, 1),
        None,
    )
    assert continued.email == "ann@example.org"
    # Who covered the West Midlands when: the history answers for any day.
    assert service.for_region(WM, date(2025, 6, 1)).principal_adviser.person == "Ann Adviser"  # type: ignore[union-attr]
    assert service.for_region(WM, date(2026, 4, 1)).principal_adviser.person == "Bob Baker"  # type: ignore[union-attr]
    assert service.for_region(SW, date(2026, 5, 1)).principal_adviser.id == continued.id  # type: ignore[union-attr]
    assert len(service.list(region=WM)) == 2
    assert [c.person for c in service.list(on=date(2026, 5, 1))] == ["Bob Baker", "Ann Adviser"]
    # Every write is journalled for sync: three records, four outbox rows.
    assert len(SyncState(vault).outbox()) == 4


def test_two_people_never_hold_one_role_in_one_region_on_the_same_day(vault: Vault) -> None:
    service = Assignments(vault)
    future = service.assign(
        person="Cat", role=CoverageRole.CHILDRENS_DIRECTOR, regions=[WM], since=date(2026, 9, 1)
    ).assignment
    with pytest.raises(VaultError, match="Cat is already the director of children's services"):
        service.assign(
            person="Dan", role=CoverageRole.CHILDRENS_DIRECTOR, regions=[WM], since=date(2026, 8, 1)
        )
    # Another region, or another role, is no clash.
    service.assign(
        person="Dan", role=CoverageRole.CHILDRENS_DIRECTOR, regions=[SW], since=date(2026, 8, 1)
    )
    dan = service.assign(
        person="Dan", role=CoverageRole.ADULTS_DIRECTOR, regions=[WM], since=date(2026, 8, 1)
    ).assignment
    with pytest.raises(VaultError, match="already"):
        service.edit(dan.id, role=CoverageRole.CHILDRENS_DIRECTOR)
    assert service.get(dan.id[:8]).role is CoverageRole.ADULTS_DIRECTOR  # nothing half-written
    ended = service.end(future.id, date(2027, 8, 31))
    assert ended.until == date(2027, 8, 31) and not ended.is_current(date(2027, 9, 1))
    with pytest.raises(ValidationError):
        service.end(future.id, date(2026, 1, 1))
    service.remove(dan.id)
    assert all(c.id != dan.id for c in service.list())


def test_a_device_enrolled_as_an_adviser_reads_but_cannot_change_coverage(vault: Vault) -> None:
    service = Assignments(vault)
    kept = service.assign(person="Ann", role=PA, regions=[WM], since=date(2026, 1, 1)).assignment
    assert service.may_maintain()  # not enrolled: the owner's own vault
    SyncState(vault).put("role", "adviser")
    assert not service.may_maintain()
    with pytest.raises(NotAllowed, match="only a coordinator or an admin"):
        service.assign(person="Bob", role=PA, regions=[WM], since=date(2026, 5, 1))
    with pytest.raises(NotAllowed):
        service.end(kept.id, date(2026, 6, 1))
    with pytest.raises(NotAllowed):
        service.remove(kept.id)
    assert [c.person for c in service.list()] == ["Ann"]
    SyncState(vault).put("role", "coordinator")
    assert service.assign(person="Bob", role=PA, regions=[WM], since=date(2026, 5, 1)).ended


def test_a_refused_copy_is_flagged_until_it_changes(vault: Vault) -> None:
    service = Assignments(vault)
    ann = service.assign(person="Ann", role=PA, regions=[WM], since=date(2026, 1, 1)).assignment
    vault.audit(
        "sync-rejected",
        "coverage",
        ann.id,
        {
            "reason": "only a coordinator or an admin may change who covers what",
            "payload_sha256": payload_digest(ann.to_json()),
        },
    )
    assert service.refused() == {
        ann.id: "only a coordinator or an admin may change who covers what"
    }
    service.edit(ann.id, phone="0121 303 9944")
    assert service.refused() == {}


def test_the_council_overview_names_its_cover_and_the_support_in_place(
    councils_vault: Vault,
) -> None:
    vault = councils_vault
    today = date(2026, 5, 1)
    service = Assignments(vault)
    service.assign(person="Ann Adviser", role=PA, regions=[WM, SW], since=date(2025, 1, 1))
    for role, person in [
        (CoverageRole.CHILDRENS_LEAD_MEMBER, "Cllr Lee"),
        (CoverageRole.CHILDRENS_CHIEF_EXECUTIVE, "Chris Exec"),
        (CoverageRole.CHILDRENS_DIRECTOR, "Dana Director"),
        (CoverageRole.ADULTS_DIRECTOR, "Ada Dass"),
    ]:
        service.assign(person=person, role=role, regions=[WM], since=date(2025, 1, 1))
    service.assign(person="Lon Don", role=PA, regions=[LONDON], since=date(2025, 1, 1))

    challenge = Challenges(vault).add(
        council=BHAM,
        type=ChallengeKind.CHILDRENS,
        status=ChallengeStatus.BOOKED,
        start=date(2026, 6, 1),
        team=[
            Peer(name="Pat Peer", role=PeerRole.OFFICER_PEER),
            Peer(name="Mo Manager", role=PeerRole.PEER_CHALLENGE_MANAGER),
        ],
    )
    Challenges(vault).add(
        council=BHAM, type=ChallengeKind.CORPORATE, status=ChallengeStatus.CANCELLED
    )
    vault.save(
        SupportOffer.build(
            council=BHAM,
            type=SupportKind.MEMBER_PEER_SUPPORT,
            days_offered=5,
            days_used=2,
            status=SupportStatus.TAKEN_UP,
        )
    )
    vault.save(
        SupportOffer.build(
            council=BHAM, type=SupportKind.LEADERSHIP_PLACE, status=SupportStatus.DECLINED
        )
    )
    Councils(vault).set_details(
        BHAM,
        political_control="Labour",
        control_changed_on=None,
        improvement_board=True,
        improvement_board_since=date(2025, 11, 1),
    )
    note = Notes(vault).add(council=BHAM, title="Budget gap", date="2026-04-01", body="")
    Actions(vault).add(
        title="Call the chief executive",
        owner="Ann Adviser",
        council=BHAM,
        note_id=note.id,
        due=date(2026, 4, 20),
    )
    Actions(vault).add(title="Agree the scope", council=BHAM, engagement_id=challenge.id)

    info = overview(vault, BHAM, today)
    assert info.cover is not None
    assert info.cover.principal_adviser is not None
    assert info.cover.principal_adviser.person == "Ann Adviser"
    assert [c.person for c in info.cover.childrens] == ["Cllr Lee", "Chris Exec", "Dana Director"]
    assert [c.person for c in info.cover.adults] == ["Ada Dass"]
    rows = {(s.source, s.what): s for s in info.support_in_place}
    assert set(rows) == {
        ("peer challenge", "Children's services peer challenge"),
        ("support offer", "Member peer support, 2 of 5 days used"),
        ("improvement board", "Improvement Board"),
        ("action", "Call the chief executive (from a note)"),
        ("action", "Agree the scope (from a peer challenge)"),
    }
    assert rows["peer challenge", "Children's services peer challenge"].provider == (
        "LGA peer team: Mo Manager (peer challenge manager)"
    )
    assert rows["support offer", "Member peer support, 2 of 5 days used"].provider == (
        "LGA (principal adviser Ann Adviser)"
    )
    assert rows["action", "Call the chief executive (from a note)"].status == "overdue"
    assert rows["action", "Agree the scope (from a peer challenge)"].provider == "no owner yet"
    # Another region's council has another adviser and none of this support.
    westminster = overview(vault, "E09000033", today)
    assert westminster.cover is not None and westminster.cover.principal_adviser is not None
    assert westminster.cover.principal_adviser.person == "Lon Don"
    assert westminster.support_in_place == []


def test_sli_coverage_commands_and_council_show(cli, vault_path, councils_vault: Vault) -> None:
    councils_vault.close()
    out = cli(
        "coverage",
        "assign",
        "--person",
        "Ann Adviser",
        "--role",
        "pa",
        "--region",
        "West Midlands",
        "--region",
        "south west",
        "--from",
        "2025-01-01",
        "--email",
        "ann@example.org",
        "--json",
    )
    assert out.code == 0, out.err
    ann = json.loads(out.out)["assignment"]
    assert ann["regions"] == ["West Midlands", "South West"]
    out = cli(
        "coverage",
        "assign",
        "--person",
        "Bob",
        "--role",
        "pa",
        "--region",
        "West Midlands",
        "--from",
        "2026-04-01",
    )
    assert out.code == 0 and "Bob is principal adviser for West Midlands" in out.out
    assert "continues for South West" in out.out
    out = cli(
        "coverage",
        "assign",
        "--person",
        "Dana",
        "--role",
        "dcs",
        "--region",
        "West Midlands",
        "--region",
        "London",
    )
    assert out.code == 2 and out.err.startswith(
        "sli: regions: a director of children's services leads one region"
    )
    out = cli("coverage", "assign", "--person", "Dana", "--role", "mayor", "--region", "London")
    assert out.code == 2 and "unknown role" in out.err

    listed = json.loads(cli("coverage", "list", "--region", "West Midlands", "--json").out)
    assert [(c["person"], c["until"]) for c in listed] == [
        ("Bob", None),
        ("Ann Adviser", "2026-03-31"),
    ]
    assert all(c["refused"] is None for c in listed)
    current = json.loads(cli("coverage", "list", "--on", "2026-05-01", "--json").out)
    assert sorted(c["person"] for c in current) == ["Ann Adviser", "Bob"]
    council = json.loads(
        cli("coverage", "list", "--council", "E08000025", "--on", "2025-06-01", "--json").out
    )
    assert council["principal_adviser"]["person"] == "Ann Adviser"

    out = cli("coverage", "end", listed[0]["id"][:8], "--on", "2030-12-31", "--json")
    assert out.code == 0 and json.loads(out.out)["until"] == "2030-12-31"
    out = cli("coverage", "edit", listed[0]["id"][:8], "--phone", "0121 303 9944", "--json")
    assert json.loads(out.out)["phone"] == "+441213039944"
    out = cli("coverage", "edit", listed[0]["id"][:8])
    assert out.code == 2 and out.err.startswith("sli: nothing to change")
    out = cli("coverage", "remove", "nonexistent")
    assert out.code == 2 and "no single coverage assignment" in out.err
    gaps = json.loads(cli("coverage", "gaps", "--on", "2026-05-01", "--json").out)
    assert "principal adviser" not in gaps["West Midlands"]
    assert gaps["London"][0] == "principal adviser"

    show = cli("council", "show", "E08000025", "--json")
    assert show.code == 0, show.err
    data = json.loads(show.out)
    assert data["coverage"]["principal_adviser"]["person"] == "Bob"
    assert data["support_in_place"] == []
    text = cli("council", "show", "E08000025").out
    assert "Who covers it" in text and "principal adviser  Bob" in text


def test_an_improvement_board_record_shows_its_members_and_sign_off(councils_vault: Vault) -> None:
    from sli_desktop.domain.board import BoardMember, ImprovementBoard, SignOffStatus

    vault = councils_vault
    today = date(2026, 5, 1)
    Assignments(vault).assign(person="Ann Adviser", role=PA, regions=[WM], since=date(2025, 1, 1))
    vault.save(
        ImprovementBoard.build(
            council=BHAM,
            members=[
                BoardMember(name="Sir Ian Chair", role="independent chair"),
                BoardMember(name="Cllr Lee", role="leader", organisation="Birmingham"),
            ],
            start=date(2025, 11, 1),
            meetings=[date(2026, 4, 1), date(2026, 6, 3)],
            report_status=SignOffStatus.SIGNED_OFF,
            report_on=date(2026, 3, 1),
        )
    )
    vault.save(ImprovementBoard.build(council=BHAM, start=date(2024, 1, 1), end=date(2024, 12, 31)))
    (board,) = [s for s in overview(vault, BHAM, today).support_in_place if s.kind != "action"]
    assert board.what == "Improvement Board, next meeting 3 Jun 2026"
    assert board.provider == (
        "members: Sir Ian Chair (independent chair), Cllr Lee (leader); "
        "LGA (principal adviser Ann Adviser)"
    )
    assert board.status == "sign-off 1 of 3"


def test_the_council_briefing_names_the_principal_adviser(councils_vault: Vault) -> None:
    import io

    from pypdf import PdfReader

    from sli_desktop.briefing import BriefingOptions, brief_council

    vault = councils_vault
    Notes(vault).add(council=BHAM, title="Budget gap", date=date.today().isoformat(), body="")
    options = BriefingOptions(prepared_by="Test Adviser", recipient="Chair")
    before = brief_council(vault, BHAM, options)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(before.pdf)).pages)
    assert "Covered by" in text and "Nobody recorded" in text
    Assignments(vault).assign(
        person="Ann Adviser",
        role=PA,
        regions=[WM],
        since=date(2020, 1, 1),
        email="ann@example.org",
    )
    after = brief_council(vault, BHAM, options)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(after.pdf)).pages)
    assert "Ann Adviser, principal adviser (ann@example.org)" in text


def test_the_demo_vault_shows_who_covers_its_councils(tmp_path) -> None:
    from sli_desktop.demo import open_or_create_demo

    today = date(2026, 11, 26)
    demo = open_or_create_demo(tmp_path / "demo.sli", today)
    try:
        cover = Assignments(demo).for_council("E99000001", today)
        assert cover.principal_adviser is not None
        assert cover.principal_adviser.person == "Demo Adviser"
        assert len(cover.childrens) == 3 and len(cover.adults) == 2
        assert Assignments(demo).gaps(today, [WM]) == {}
    finally:
        demo.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([PA, CoverageRole.CHILDRENS_DIRECTOR]),
            st.sets(st.sampled_from([WM, SW, LONDON]), min_size=1, max_size=3),
            st.integers(min_value=0, max_value=60),
            st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_sequence_of_assignments_never_gives_one_role_in_one_region_to_two_people(
    vault: Vault, steps: list[tuple[CoverageRole, set[Region], int, int | None]]
) -> None:
    from datetime import timedelta

    with vault.transaction():
        vault.conn.execute("DELETE FROM coverage")
    service = Assignments(vault)
    start = date(2026, 1, 1)
    for number, (role, regions, offset, length) in enumerate(steps):
        chosen = sorted(regions, key=list(Region).index)
        if role.one_region:
            chosen = chosen[:1]
        since = start + timedelta(days=offset)
        until = since + timedelta(days=length) if length is not None else None
        try:
            done = service.assign(
                person=f"P{number}", role=role, regions=chosen, since=since, until=until
            )
        except VaultError:
            continue  # a clash with a later-starting holder: refused, nothing written
        assert done.assignment.is_current(since)
    live = service.list()
    for day in (start + timedelta(days=d) for d in range(0, 100, 3)):
        for role in (PA, CoverageRole.CHILDRENS_DIRECTOR):
            for region in (WM, SW, LONDON):
                holders = [c for c in live if c.role is role and region in c.regions]
                assert sum(c.is_current(day) for c in holders) <= 1
