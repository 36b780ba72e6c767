"""The domain's records: what each accepts, what it refuses and how it says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sli_desktop.domain import (
    RECORD_TYPES,
    Action,
    ActionStatus,
    Challenge,
    ChallengeStatus,
    ConcernLevel,
    Contact,
    Council,
    CouncilType,
    Marking,
    Metric,
    Note,
    Record,
    Region,
    SupportOffer,
    ValidationError,
    council_id,
)
from sli_desktop.domain.board import ImprovementBoard
from sli_desktop.domain.coverage import Coverage
from sli_desktop.domain.document import Document, DocumentPart
from sli_desktop.domain.fields import normalise_phone
from sli_desktop.domain.improvement import Assessment, ControlChange

S = ChallengeStatus

MINIMAL: dict[type[Record], dict[str, Any]] = {
    Council: {
        "gss_code": "E08000025",
        "name": "Birmingham City Council",
        "type": "metropolitan district",
        "region": "West Midlands",
    },
    Contact: {"name": "Jo Bloggs"},
    Note: {"council": "E08000025", "date": "2024-05-01", "title": "Budget gap"},
    Challenge: {"council": "E08000025", "type": "corporate"},
    SupportOffer: {"council": "E08000025", "type": "leadership programme place"},
    Action: {"title": "Send the letter"},
    Metric: {
        "council": "E08000025",
        "period": "2023/24",
        "metric_id": "m1",
        "name": "M",
        "value": 1,
    },
    Coverage: {
        "person": "Ann Adviser",
        "role": "principal adviser",
        "regions": ["West Midlands"],
        "since": "2026-01-01",
    },
    Document: {
        "owner_kind": "improvement-board",
        "owner_id": "0f0e0d0c-0000-4000-8000-000000000001",
        "filename": "terms.pdf",
        "size": 0,
        "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    },
    DocumentPart: {"document_id": "0f0e0d0c-0000-4000-8000-000000000001", "number": 0},
    ImprovementBoard: {"council": "E08000025"},
    Assessment: {
        "council": "E08000025",
        "type": "local account",
        "year": 2024,
        "date": "2025-10-01",
    },
    ControlChange: {"council": "E08000025", "date": "2026-05-07", "to_control": "Labour"},
}

BODY = "The chief executive said in confidence that the s114 notice is imminent"


def test_minimal_fields_cover_every_record_type() -> None:
    assert set(MINIMAL) == set(RECORD_TYPES)


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_record_type_builds_with_identity_and_defaults(cls: type[Record]) -> None:
    record = cls.build(**MINIMAL[cls])
    assert len(record.id) == 36
    assert record.version == 0
    assert record.deleted is False
    assert record.created_at.tzinfo is not None
    assert cls.build(**MINIMAL[cls]).id != record.id
    # Records are immutable values: evolve returns a validated copy.
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        record.deleted = True  # type: ignore[misc]
    assert record.evolve(deleted=True).deleted is True
    assert record.deleted is False


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_record_type_refuses_unknown_fields_and_bad_ids(cls: type[Record]) -> None:
    with pytest.raises(ValidationError) as caught:
        cls.build(**MINIMAL[cls], colour="blue")
    assert caught.value.field == "colour"
    with pytest.raises(ValidationError) as caught:
        cls.build(**MINIMAL[cls], id="not-a-uuid")
    assert caught.value.field == "id"


@pytest.mark.parametrize(
    ("cls", "changes", "field"),
    [
        (Council, {"gss_code": "E0800002"}, "gss_code"),
        (Council, {"gss_code": "X08000025"}, "gss_code"),
        (Council, {"gss_code": "E08000025A"}, "gss_code"),
        # Arabic-Indic digits match \d but are not a GSS code
        (Council, {"gss_code": "E\u0660\u0668\u0660\u0660\u0660\u0660\u0662\u0665"}, "gss_code"),
        (Council, {"type": "parish"}, "type"),
        (Council, {"region": "Midlands"}, "region"),
        (Council, {"population": -1}, "population"),
        (Council, {"name": "   "}, "name"),
        (Contact, {"name": ""}, "name"),
        (Contact, {"phones": ["1" * 61]}, "phones"),
        (Contact, {"phones": ["not a phone"]}, "phones"),
        (Contact, {"emails": ["jo@"]}, "emails"),
        (Contact, {"emails": ["jo at example dot org"]}, "emails"),
        (Contact, {"lawful_basis": "because"}, "lawful_basis"),
        (Contact, {"last_contacted": "yesterday"}, "last_contacted"),
        (Note, {"council": "Birmingham"}, "council"),
        (Note, {"title": ""}, "title"),
        (Note, {"title": " \t "}, "title"),
        (Note, {"title": "x" * 501}, "title"),
        (Note, {"date": "2024-13-01"}, "date"),
        (Note, {"date": "01/05/2024"}, "date"),
        (Note, {"date": "2024-02-30"}, "date"),
        (Note, {"concern": "extreme"}, "concern"),
        (Note, {"concern": "high"}, "evidence"),
        (Note, {"concern": "serious", "evidence": ["  "]}, "evidence"),
        (Note, {"marking": "SECRET"}, "marking"),
        (Note, {"source": "gossip"}, "source"),
        (Note, {"council_aware_on": "2024-05-02"}, "council_aware_on"),
        (Note, {"private": "perhaps"}, "private"),
        (Challenge, {"type": "finance"}, "type"),
        (Challenge, {"status": "pending"}, "status"),
        (Challenge, {"start": "2025-03-06", "end": "2025-03-03"}, "end"),
        (Challenge, {"end": "2025-03-03"}, "start"),
        (Challenge, {"status": "booked"}, "start"),
        (Challenge, {"team": [{"name": "Jo", "role": "tea maker"}]}, "team.0.role"),
        (Challenge, {"team": [{"name": "", "role": "member peer"}]}, "team.0.name"),
        (SupportOffer, {"days_offered": 3, "days_used": 4}, "days_used"),
        (SupportOffer, {"type": "member peer support", "days_offered": 6}, "days_offered"),
        (SupportOffer, {"days_offered": -1}, "days_offered"),
        (SupportOffer, {"days_offered": float("inf")}, "days_offered"),
        (SupportOffer, {"year": 1999}, "year"),
        (Action, {"due": "soon"}, "due"),
        (Action, {"status": "open", "done_on": "2024-05-01"}, "done_on"),
        (Action, {"status": "finished"}, "status"),
        (Metric, {"value": "lots"}, "value"),
        (Metric, {"value": float("nan")}, "value"),
    ],
)
def test_invalid_values_name_their_field(
    cls: type[Record], changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        cls.build(**{**MINIMAL[cls], **changes})
    error = caught.value
    assert error.field == field
    assert error.message
    assert str(error) == f"{field}: {error.message}"
    # evolve applies the same rules as build
    with pytest.raises(ValidationError) as caught:
        cls.build(**MINIMAL[cls]).evolve(**changes)
    assert caught.value.field == field


def test_a_domain_error_is_a_value_error_with_field_and_message() -> None:
    error = ValidationError("title", "must not be empty")
    assert isinstance(error, ValueError)
    assert (error.field, error.message, str(error)) == ("title", "must not be empty", error.args[0])
    assert str(error) == "title: must not be empty"


def test_friendly_messages_for_common_mistakes() -> None:
    with pytest.raises(ValidationError, match=r"^title: must not be empty$"):
        Note.build(**{**MINIMAL[Note], "title": ""})
    with pytest.raises(ValidationError, match=r"^date: is not a valid date \(use YYYY-MM-DD\)$"):
        Note.build(**{**MINIMAL[Note], "date": "2024-13-01"})
    with pytest.raises(ValidationError, match=r"^council: is required$"):
        Note.build(date="2024-05-01", title="t")
    with pytest.raises(ValidationError, match=r"^concern: must be one of .*'serious'"):
        Note.build(**{**MINIMAL[Note], "concern": "extreme"})
    with pytest.raises(ValidationError, match=r"^gss_code: must be a GSS code"):
        Council.build(**{**MINIMAL[Council], "gss_code": "nope"})


_INVALID_NOTE_CHANGES = [
    {"title": ""},
    {"date": "2024-13-45"},
    {"concern": "high"},
    {"concern": "serious", "evidence": []},
    {"concern": "catastrophic"},
    {"council": "E0"},
    {"marking": "TOP SECRET"},
    {"council_aware_on": "2024-01-01"},
    {"themes": "not a list"},
    {"source": 7},
]


@pytest.mark.parametrize("changes", _INVALID_NOTE_CHANGES)
def test_errors_never_echo_the_note_body(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        Note.build(**{**MINIMAL[Note], "body": BODY, **changes})
    assert "s114" not in str(caught.value)
    assert "confidence" not in str(caught.value)


@settings(max_examples=100, deadline=None)
@given(
    body=st.text(min_size=1, max_size=300),
    changes=st.sampled_from(_INVALID_NOTE_CHANGES),
)
def test_no_invalid_note_ever_echoes_its_body(body: str, changes: dict[str, Any]) -> None:
    secret = f"SENSITIVE-7f3a {body}"
    with pytest.raises(ValidationError) as caught:
        Note.build(**{**MINIMAL[Note], "body": secret, **changes})
    assert "SENSITIVE-7f3a" not in str(caught.value)
    assert "SENSITIVE-7f3a" not in caught.value.message
    # nor through evolve of a valid note holding the text
    note = Note.build(**MINIMAL[Note], body=secret)
    with pytest.raises(ValidationError) as caught:
        note.evolve(**changes)
    assert "SENSITIVE-7f3a" not in str(caught.value)


def test_a_body_too_long_is_refused_without_echoing_it() -> None:
    body = "SENSITIVE " * 20_001
    with pytest.raises(ValidationError) as caught:
        Note.build(**MINIMAL[Note], body=body)
    assert caught.value.field == "body"
    assert "SENSITIVE" not in str(caught.value)


def test_medium_high_and_serious_concerns_need_evidence_lower_ones_do_not() -> None:
    for level in ConcernLevel:
        if level.needs_evidence:
            with pytest.raises(ValidationError) as caught:
                Note.build(**MINIMAL[Note], concern=level)
            assert caught.value.field == "evidence"
            assert level.value in caught.value.message
            note = Note.build(**MINIMAL[Note], concern=level, evidence=["Ofsted report 2024"])
            assert note.evidence == ["Ofsted report 2024"]
        else:
            assert Note.build(**MINIMAL[Note], concern=level).concern is level
    assert [c.rank for c in ConcernLevel] == [0, 1, 2, 3, 4]
    assert {c for c in ConcernLevel if c.needs_evidence} == {
        ConcernLevel.MEDIUM,
        ConcernLevel.HIGH,
        ConcernLevel.SERIOUS,
    }


def test_removing_the_evidence_of_a_serious_note_is_refused() -> None:
    note = Note.build(**MINIMAL[Note], concern="serious", evidence=["Auditor's letter"])
    with pytest.raises(ValidationError) as caught:
        note.evolve(evidence=[])
    assert caught.value.field == "evidence"
    assert note.evolve(evidence=[], concern="low").evidence == []


def test_note_defaults_and_marking() -> None:
    note = Note.build(**MINIMAL[Note])
    assert note.date == date(2024, 5, 1)
    assert note.concern is ConcernLevel.NONE
    assert note.marking is Marking.OFFICIAL
    assert note.private is False and note.council_aware is False
    assert Marking.OFFICIAL.rank < Marking.OFFICIAL_SENSITIVE.rank
    aware = Note.build(**MINIMAL[Note], council_aware=True, council_aware_on="2024-05-02")
    assert aware.council_aware_on == date(2024, 5, 2)


def test_gss_codes_are_trimmed_and_upper_cased() -> None:
    council = Council.build(**{**MINIMAL[Council], "gss_code": "  e08000025 "})
    assert council.gss_code == "E08000025"
    assert Note.build(**{**MINIMAL[Note], "council": "w06000001"}).council == "W06000001"


def test_council_ids_derive_from_the_gss_code() -> None:
    assert council_id("E08000025") == council_id("e08000025")
    assert council_id("E08000025") != council_id("E08000026")
    assert len(council_id("E08000025")) == 36


def test_council_display_name_and_board_consistency() -> None:
    council = Council.build(**MINIMAL[Council])
    assert council.display_name == "Birmingham City Council"
    assert council.evolve(short_name="Birmingham").display_name == "Birmingham"
    with pytest.raises(ValidationError) as caught:
        council.evolve(improvement_board_since="2024-01-01")
    assert "improvement_board" in str(caught.value)
    on_board = council.evolve(improvement_board=True, improvement_board_since="2024-01-01")
    assert on_board.improvement_board_since == date(2024, 1, 1)


def test_themes_are_trimmed_lower_cased_and_deduplicated_in_order() -> None:
    note = Note.build(
        **MINIMAL[Note],
        themes=["Finance", " finance ", "FINANCE", "Children's  Services", "", "  ", "leadership"],
    )
    assert note.themes == ["finance", "children's services", "leadership"]
    assert Note.build(**MINIMAL[Note], themes=["Ynys MÔN", "ynys môn"]).themes == ["ynys môn"]


def test_evidence_is_trimmed_and_blank_items_dropped() -> None:
    note = Note.build(**MINIMAL[Note], evidence=["  Ofsted   report ", "", "   "])
    assert note.evidence == ["Ofsted report"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0121 303 1111", "+441213031111"),
        ("(0121) 3031111", "+441213031111"),
        ("+44 121 303 1111", "+441213031111"),
        ("0044 121 303 1111", "+441213031111"),
        ("020 7664 3000", "+442076643000"),
        ("07912 345678", "+447912345678"),
        ("+1 202 456 1111", "+12024561111"),
        ("+33 1 42 68 53 00", "+33142685300"),
    ],
)
def test_phones_are_stored_in_e164_with_gb_as_the_default(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored
    assert Contact.build(name="Jo", phones=[typed]).phones == [stored]


def test_the_same_phone_typed_two_ways_is_one_number() -> None:
    contact = Contact.build(
        name="Jo", phones=["0121 303 1111", "+44 121 303 1111", "", "020 7664 3000"]
    )
    assert contact.phones == ["+441213031111", "+442076643000"]


def test_emails_are_normalised_and_deduplicated() -> None:
    contact = Contact.build(
        name="Jo", emails=["Jo.Bloggs@Birmingham.GOV.UK", "Jo.Bloggs@birmingham.gov.uk", ""]
    )
    assert contact.emails == ["Jo.Bloggs@birmingham.gov.uk"]


def test_invalid_phone_or_email_names_the_field_and_the_value() -> None:
    with pytest.raises(ValidationError) as caught:
        Contact.build(name="Jo", phones=["0121 303 1111", "ask reception"])
    assert caught.value.field == "phones"
    assert "'ask reception'" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        Contact.build(name="Jo", emails=["jo@@example.org"])
    assert caught.value.field == "emails"


def test_record_timestamps_are_utc() -> None:
    naive = datetime(2024, 5, 1, 12, 0)
    note = Note.build(**MINIMAL[Note], created_at=naive)
    assert note.created_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    plus_one = datetime(2024, 5, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert Note.build(**MINIMAL[Note], updated_at=plus_one).updated_at.tzinfo is UTC


def test_action_overdue_only_when_open_and_past_due() -> None:
    today = date(2024, 5, 1)
    action = Action.build(title="Chase", due="2024-04-30")
    assert action.is_overdue(today)
    assert not action.is_overdue(date(2024, 4, 30))
    assert not Action.build(title="Chase").is_overdue(today)
    done = action.evolve(status=ActionStatus.DONE, done_on=today)
    assert not done.is_overdue(today)
    assert not action.evolve(status=ActionStatus.CANCELLED).is_overdue(today)


def test_support_offer_days() -> None:
    offer = SupportOffer.build(**MINIMAL[SupportOffer], days_offered=5, days_used=5)
    assert offer.days_used == 5
    peer = SupportOffer.build(council="E08000025", type="member peer support", days_offered=5)
    assert peer.days_offered == 5


# -- the peer challenge workflow -------------------------------------------------------------


def _engagement(status: ChallengeStatus) -> Challenge:
    return Challenge.build(council="E08000025", type="corporate", status=status, start="2025-03-03")


ALLOWED = [
    (S.PROPOSED, S.DISCUSSED),
    (S.PROPOSED, S.BOOKED),
    (S.DISCUSSED, S.BOOKED),
    (S.BOOKED, S.ON_SITE),
    (S.BOOKED, S.DISCUSSED),  # the dates fell through
    (S.BOOKED, S.CLOSED),  # steps may be skipped
    (S.ON_SITE, S.FEEDBACK),
    (S.FEEDBACK, S.REPORT),
    (S.REPORT, S.FOLLOW_UP),
    (S.FOLLOW_UP, S.CLOSED),
    *[(s, S.CANCELLED) for s in S if not s.is_terminal],
]
REFUSED = [
    (S.DISCUSSED, S.PROPOSED),
    (S.ON_SITE, S.BOOKED),
    (S.ON_SITE, S.DISCUSSED),
    (S.REPORT, S.FEEDBACK),
    (S.CLOSED, S.FOLLOW_UP),
    *[(S.CLOSED, s) for s in S],
    *[(S.CANCELLED, s) for s in S],
    *[(s, s) for s in S],
]


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=lambda s: s.value)
def test_allowed_workflow_moves(old: ChallengeStatus, new: ChallengeStatus) -> None:
    engagement = _engagement(old)
    assert engagement.can_move_to(new)
    moved = engagement.move_to(new, date(2025, 1, 2))
    assert moved.status is new
    assert moved.history[-1].status is new
    assert moved.history[-1].on == date(2025, 1, 2)
    assert len(moved.history) == len(engagement.history) + 1


@pytest.mark.parametrize(("old", "new"), REFUSED, ids=lambda s: s.value)
def test_refused_workflow_moves(old: ChallengeStatus, new: ChallengeStatus) -> None:
    engagement = _engagement(old)
    assert not engagement.can_move_to(new)
    with pytest.raises(ValidationError) as caught:
        engagement.move_to(new, date(2025, 1, 2))
    assert caught.value.field == "status"
    assert old.value in caught.value.message


def test_booking_without_a_start_date_is_refused_by_the_move() -> None:
    proposed = Challenge.build(council="E08000025", type="corporate")
    with pytest.raises(ValidationError) as caught:
        proposed.move_to(S.BOOKED, date(2025, 1, 2))
    assert caught.value.field == "start"
    booked = proposed.evolve(start="2025-03-03").move_to(S.BOOKED, date(2025, 1, 2))
    assert booked.status is S.BOOKED


def test_workflow_vocabulary() -> None:
    assert [s.step for s in S if s is not S.CANCELLED] == list(range(8))
    assert S.CANCELLED.step == -1
    assert {s for s in S if s.has_happened} == {
        S.ON_SITE,
        S.FEEDBACK,
        S.REPORT,
        S.FOLLOW_UP,
        S.CLOSED,
    }
    assert S.parse("On_Site") is S.ON_SITE
    assert S.parse(" follow up ") is S.FOLLOW_UP
    with pytest.raises(ValueError, match="unknown status"):
        S.parse("pending")


def test_region_parse_accepts_variations() -> None:
    assert Region.parse("yorkshire & the humber") is Region.YORKSHIRE
    assert Region.parse("  SOUTH   east ") is Region.SOUTH_EAST
    with pytest.raises(ValueError, match="unknown region"):
        Region.parse("Midlands")
    assert len(Region.english()) == 9
    assert Region.WALES not in Region.english()


def test_council_types_include_the_six_english_council_types() -> None:
    english = {
        CouncilType.COUNTY,
        CouncilType.NON_METROPOLITAN_DISTRICT,
        CouncilType.UNITARY,
        CouncilType.METROPOLITAN_DISTRICT,
        CouncilType.LONDON_BOROUGH,
        CouncilType.CITY_CORPORATION,
    }
    assert english < set(CouncilType)
