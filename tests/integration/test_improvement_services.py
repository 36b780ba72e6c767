"""Self-assessments and local accounts, good practice, changes of political control and
leadership places, through the vault services on a real SQLCipher vault."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sli_desktop.domain import (
    AssessmentKind,
    Council,
    NoteType,
    SupportKind,
    SupportOffer,
    SupportStatus,
    ValidationError,
)
from sli_desktop.domain.improvement import programme_year, year_label
from sli_desktop.vault.assessments import Assessments
from sli_desktop.vault.control import PoliticalControl
from sli_desktop.vault.documents import Documents
from sli_desktop.vault.errors import NotFound
from sli_desktop.vault.goodpractice import GoodPractice
from sli_desktop.vault.leadership import Leadership, programme
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault

BHAM, COVENTRY, WESTMINSTER, DURHAM = "E08000025", "E08000026", "E09000033", "E06000047"
TODAY = dt.date(2026, 11, 26)


# -- self-assessments and local accounts -------------------------------------------------------
def test_assessments_by_year_latest_of_each_kind_and_one_record_per_year(
    councils_vault: Vault,
) -> None:
    service = Assessments(councils_vault)
    old = service.record(
        BHAM, "self-assessment", date=dt.date(2024, 6, 1), link="https://example.org/sa-2024"
    )
    assert old.year == 2024
    new = service.record(
        BHAM,
        AssessmentKind.SELF_ASSESSMENT,
        date=dt.date(2025, 7, 1),
        summary="Early help strong; placement sufficiency weak.",
    )
    account = service.record(BHAM, "local account", date=dt.date(2025, 10, 3), year=2024)
    again = service.record(BHAM, "self-assessment", date=dt.date(2025, 7, 2))
    assert again.id == new.id and again.summary == new.summary and again.version == 2
    latest = service.latest(BHAM)
    assert latest[AssessmentKind.SELF_ASSESSMENT].year == 2025
    assert latest[AssessmentKind.LOCAL_ACCOUNT].id == account.id
    assert [a.year for a in service.list(BHAM, AssessmentKind.SELF_ASSESSMENT)] == [2025, 2024]
    assert service.list(COVENTRY) == []
    assert year_label(2024) == "2024/25" and programme_year(dt.date(2025, 3, 31)) == 2024


def test_a_link_must_be_a_web_address(councils_vault: Vault) -> None:
    with pytest.raises(ValidationError) as err:
        Assessments(councils_vault).record(
            BHAM, "local account", date=dt.date(2025, 1, 1), link="not a url"
        )
    assert err.value.field == "link" and "web address" in err.value.message
    assert Assessments(councils_vault).list() == []


def test_an_attached_document_is_held_encrypted_in_the_vault_and_replaced(
    councils_vault: Vault, tmp_path: Path, vault_path: Path
) -> None:
    secret = b"%PDF-1.4 Birmingham self-assessment: placement sufficiency remains weak"
    source = tmp_path / "self-assessment 2025.pdf"
    source.write_bytes(secret)
    service = Assessments(councils_vault)
    saved = service.record(BHAM, "self-assessment", date=dt.date(2025, 7, 1), document=source)
    assert saved.document_id
    document, content = service.content(saved.id)
    assert content == secret and document.filename == "self-assessment 2025.pdf"
    councils_vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in vault_path.parent.iterdir():
        assert b"placement sufficiency" not in path.read_bytes(), path.name
    second = tmp_path / "v2.docx"
    second.write_bytes(b"second version")
    replaced = service.attach(saved.id, second)
    assert replaced.document_id != saved.document_id
    assert [d.filename for d in Documents(councils_vault).for_owner("assessment", saved.id)] == [
        "v2.docx"
    ]
    copy = service.save_copy(saved.id, tmp_path / "out.docx")
    assert copy.read_bytes() == b"second version"


def test_saving_a_copy_to_a_missing_folder_is_one_sentence(
    councils_vault: Vault, tmp_path: Path
) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(b"x")
    saved = Assessments(councils_vault).record(
        BHAM, "local account", date=dt.date(2025, 1, 1), document=source
    )
    with pytest.raises(Exception, match="no folder"):
        Assessments(councils_vault).save_copy(saved.id, tmp_path / "nowhere" / "a.pdf")


# -- good practice -----------------------------------------------------------------------------
def _concern(vault: Vault, council: str, themes: list[str], level: str = "high") -> None:
    Notes(vault).add(
        council=council,
        date=TODAY - dt.timedelta(days=30),
        title="Placement costs rising",
        themes=themes,
        concern=level,
        evidence=["Q2 budget monitoring report"],
    )


def test_good_practice_is_searchable_by_theme_and_text(councils_vault: Vault) -> None:
    gp = GoodPractice(councils_vault)
    note = gp.add(
        council=COVENTRY,
        date=dt.date(2026, 3, 1),
        title="Edge-of-care hub",
        body="A multi-agency hub for teenagers at risk of care.",
        themes=["Children's Social Care", "Budget"],
        outcome="Entries to care down 18% in a year",
        contact="Jo Smith, Director of Children's Services",
    )
    assert note.note_type is NoteType.GOOD_PRACTICE
    Notes(councils_vault).add(
        council=COVENTRY, date=dt.date(2026, 3, 2), title="Intel", themes=["budget"]
    )
    assert [n.id for n in gp.list(theme="BUDGET")] == [note.id]
    assert [n.id for n in gp.list(text="multi-agency hub")] == [note.id]
    assert gp.list(theme="housing") == []
    assert gp.themes() == [("budget", 1), ("children's social care", 1)]


def test_good_practice_needs_a_theme_and_no_concern(councils_vault: Vault) -> None:
    gp = GoodPractice(councils_vault)
    with pytest.raises(ValidationError) as err:
        gp.add(council=BHAM, date=TODAY, title="Something good")
    assert err.value.field == "themes"
    with pytest.raises(ValidationError) as err:
        gp.add(council=BHAM, date=TODAY, title="x", themes=["a"], concern="high", evidence=["e"])
    assert err.value.field == "concern"
    with pytest.raises(ValidationError) as err:
        Notes(councils_vault).add(council=BHAM, date=TODAY, title="x", outcome="better")
    assert err.value.field == "outcome"


def test_good_practice_carries_no_evidence(councils_vault: Vault) -> None:
    gp = GoodPractice(councils_vault)
    with pytest.raises(ValidationError) as err:
        gp.add(council=BHAM, date=TODAY, title="Hub", themes=["care"], evidence=["Ofsted letter"])
    assert err.value.field == "evidence"
    note = gp.add(council=BHAM, date=TODAY, title="Hub", themes=["care"])
    with pytest.raises(ValidationError) as err:
        Notes(councils_vault).edit(note.id, evidence=["Ofsted letter"])
    assert err.value.field == "evidence"


def test_good_practice_is_taken_back_by_its_author_only_and_loses_nothing(
    councils_vault: Vault,
) -> None:
    gp = GoodPractice(councils_vault)
    note = gp.add(
        council=BHAM, date=TODAY, title="Hub", body="How", themes=["care"],
        outcome="Fewer entries to care", contact="Jo Bloggs",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="take it back"):
        gp.edit(note.id, note_type=NoteType.INTELLIGENCE)
    assert gp.edit(note.id, outcome="Fewer entries").outcome == "Fewer entries"
    someone_elses = Notes(councils_vault).add(
        council=BHAM, date=TODAY, title="Theirs", themes=["care"],
        note_type=NoteType.GOOD_PRACTICE, author="Someone Else",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="only its author, Someone Else"):
        gp.take_back(someone_elses.id)
    back = gp.take_back(note.id)
    assert back.note_type is NoteType.INTELLIGENCE
    assert back.body == "How\n\nOutcome: Fewer entries\n\nContact: Jo Bloggs"
    assert back.outcome == back.contact == "" and back.themes == ["care"]
    assert [n.id for n in gp.list()] == [someone_elses.id]
    with pytest.raises(NotFound):
        gp.take_back(note.id)  # intelligence now: nothing to take back


def test_suggestions_come_from_other_councils_sharing_an_open_concern_theme(
    councils_vault: Vault,
) -> None:
    gp = GoodPractice(councils_vault)
    own = gp.add(council=BHAM, date=dt.date(2026, 1, 1), title="Our own", themes=["budget"])
    one = gp.add(council=COVENTRY, date=dt.date(2026, 2, 1), title="One", themes=["budget"])
    two = gp.add(
        council=DURHAM, date=dt.date(2025, 2, 1), title="Two", themes=["budget", "sen transport"]
    )
    gp.add(council=WESTMINSTER, date=dt.date(2026, 2, 1), title="Other", themes=["housing"])
    assert gp.suggestions(BHAM, TODAY) == []  # no open concern yet
    _concern(councils_vault, BHAM, ["low one"], level="low")  # low is not an open concern
    assert gp.suggestions(BHAM, TODAY) == []
    _concern(councils_vault, BHAM, ["Budget", "SEN transport"])
    found = gp.suggestions(BHAM, TODAY)
    assert [s.note.id for s in found] == [two.id, one.id]
    assert found[0].shared_themes == ["budget", "sen transport"]
    assert own.id not in [s.note.id for s in found]
    # an old concern (more than a year ago) is not open
    assert gp.suggestions(BHAM, TODAY + dt.timedelta(days=400)) == []


# -- change of political control ---------------------------------------------------------------
def test_a_change_of_control_is_history_and_offers_five_days_once(councils_vault: Vault) -> None:
    control = PoliticalControl(councils_vault)
    first = control.record(BHAM, dt.date(2024, 5, 3), "Labour", from_control="Conservative")
    assert first.offer_made and first.offer.days_offered == 5
    assert first.offer.type is SupportKind.MEMBER_PEER_SUPPORT and first.offer.year == 2024
    council = councils_vault.get(
        Council, councils_vault.records(Council, "gss_code = ?", (BHAM,))[0].id
    )
    assert council is not None
    assert council.political_control == "Labour"
    assert council.control_changed_on == dt.date(2024, 5, 3)
    used = control.use_days(first.offer.id[:8], 2)
    assert used.days_used == 2 and used.status is SupportStatus.TAKEN_UP
    again = control.record(BHAM, dt.date(2024, 5, 3), "Labour")
    assert not again.offer_made and again.offer.days_used == 2  # idempotent: no reset
    assert again.change.version == first.change.version
    assert len(control.member_support(BHAM)) == 1
    later = control.record(BHAM, dt.date(2026, 5, 7), "No overall control")
    assert later.change.from_control == "Labour" and later.offer_made
    assert [c.date.year for c in control.history(BHAM)] == [2026, 2024]
    assert len(control.member_support(BHAM)) == 2
    done = control.use_days(later.offer.id, 5)
    assert done.status is SupportStatus.COMPLETED


def test_days_used_never_exceed_the_five_offered(councils_vault: Vault) -> None:
    control = PoliticalControl(councils_vault)
    made = control.record(COVENTRY, dt.date(2025, 5, 2), "Reform UK", from_control="Labour")
    with pytest.raises(ValidationError) as err:
        control.use_days(made.offer.id, 6)
    assert err.value.field == "days_used"
    with pytest.raises(ValidationError):
        control.record(COVENTRY, dt.date(2025, 6, 1), "labour", from_control="Labour")
    with pytest.raises(NotFound):
        control.use_days("00000000", 1)


def test_an_older_change_recorded_later_does_not_overwrite_current_control(
    councils_vault: Vault,
) -> None:
    control = PoliticalControl(councils_vault)
    control.record(DURHAM, dt.date(2025, 5, 2), "Reform UK", from_control="No overall control")
    control.record(DURHAM, dt.date(2021, 5, 6), "No overall control", from_control="Labour")
    council = councils_vault.records(Council, "gss_code = ?", (DURHAM,))[0]
    assert council.political_control == "Reform UK"
    assert council.control_changed_on == dt.date(2025, 5, 2)


# -- leadership places -------------------------------------------------------------------------
def test_one_leadership_place_per_council_per_year_and_takeup_by_region(
    councils_vault: Vault,
) -> None:
    places = Leadership(councils_vault)
    years = programme(2024, TODAY)
    assert years == [2024, 2025, 2026]
    assert programme(None, TODAY) == [2024, 2025, 2026]
    places.record(BHAM, 2024, SupportStatus.TAKEN_UP, details="Cllr A. Example")
    places.record(BHAM, 2025, SupportStatus.OFFERED)
    again = places.record(BHAM, 2025, SupportStatus.TAKEN_UP)
    places.record(COVENTRY, 2024, SupportStatus.DECLINED)
    places.record(WESTMINSTER, 2026, SupportStatus.COMPLETED)
    assert len(places.list(BHAM)) == 2 and again.version == 2
    assert places.list(BHAM, 2024)[0].details == "Cllr A. Example"
    rows = {t.region.value: t.to_json() for t in places.takeup(years)}
    wm = {y["year"]: y for y in rows["West Midlands"]["years"]}
    assert rows["West Midlands"]["councils"] == 4
    assert wm[2024] == {
        "year": 2024,
        "label": "2024/25",
        "taken_up": 1,
        "offered": 0,
        "declined": 1,
        "not_recorded": 2,
    }
    assert wm[2025]["taken_up"] == 1 and wm[2026]["taken_up"] == 0
    assert {y["year"]: y["taken_up"] for y in rows["London"]["years"]} == {
        2024: 0,
        2025: 0,
        2026: 1,
    }
    offers = councils_vault.records(SupportOffer, "type = ?", (SupportKind.LEADERSHIP_PLACE.value,))
    assert len(offers) == 4


def test_removing_a_change_keeps_an_offer_already_used(councils_vault: Vault) -> None:
    control = PoliticalControl(councils_vault)
    unused = control.record(COVENTRY, dt.date(2025, 5, 2), "Reform UK", from_control="Labour")
    used = control.record(COVENTRY, dt.date(2021, 5, 6), "Labour", from_control="Conservative")
    control.use_days(used.offer.id, 1)
    gone, kept = control.delete(unused.change.id[:8])
    assert gone.deleted and kept is None
    gone, kept = control.delete(used.change.id)
    assert kept is not None and kept.days_used == 1
    assert control.history(COVENTRY) == []
    assert [o.id for o in control.member_support(COVENTRY)] == [used.offer.id]
    with pytest.raises(NotFound):
        control.delete(unused.change.id)
