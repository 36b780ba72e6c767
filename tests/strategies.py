"""Hypothesis strategies for valid domain records, shared by the codec and vault round trips.

Every strategy builds through ``Record.build`` so what it yields is what the app would save.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from sli_desktop.domain import (
    Action,
    ActionStatus,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    ConcernLevel,
    Contact,
    Council,
    CouncilType,
    LawfulBasis,
    Marking,
    Metric,
    Nation,
    Note,
    NoteSource,
    PeerRole,
    Region,
    SupportKind,
    SupportOffer,
    SupportStatus,
    council_id,
)

gss_codes = st.from_regex(r"[ENSWK][0-9]{8}", fullmatch=True)

#: Any text, including accents, emoji, control characters and odd whitespace.
texts = st.text(max_size=80)
#: Required short text: not blank once trimmed.
titles = st.text(min_size=1, max_size=80).filter(lambda s: s.strip())
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
timestamps = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(-timedelta(hours=5, minutes=30))]
    ),
)
phones = st.sampled_from(
    [
        "0121 303 1111",
        "+44 20 7664 3000",
        "020 7664 3000",
        "(0121) 3031111",
        "07912 345678",
        "+1 202 456 1111",
    ]
)
emails = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10})?", fullmatch=True),
    st.sampled_from(["birmingham.gov.uk", "LOCAL.GOV.UK", "example.org"]),
)


def _common(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "created_at": draw(timestamps),
        "updated_at": draw(timestamps),
        "author": draw(st.sampled_from(["", "jo", "Siân"])),
    }


@st.composite
def notes(draw: st.DrawFn) -> Note:
    concern = draw(st.sampled_from(ConcernLevel))
    evidence = draw(st.lists(texts, max_size=3))
    if concern.needs_evidence and not any(e.strip() for e in evidence):
        evidence.append("Ofsted inspection report, March 2024")
    aware = draw(st.booleans())
    return Note.build(
        **_common(draw),
        council=draw(gss_codes),
        date=draw(dates),
        title=draw(titles),
        body=draw(st.text(max_size=400)),
        themes=draw(st.lists(texts, max_size=4)),
        source=draw(st.sampled_from(NoteSource)),
        evidence=evidence,
        concern=concern,
        council_aware=aware,
        council_aware_on=draw(st.none() | dates) if aware else None,
        marking=draw(st.sampled_from(Marking)),
        private=draw(st.booleans()),
    )


@st.composite
def contacts(draw: st.DrawFn) -> Contact:
    return Contact.build(
        **_common(draw),
        name=draw(titles),
        role=draw(texts),
        council=draw(st.none() | gss_codes),
        organisation=draw(texts),
        emails=draw(st.lists(emails, max_size=3)),
        phones=draw(st.lists(phones, max_size=3)),
        lawful_basis=draw(st.sampled_from(LawfulBasis)),
        last_contacted=draw(st.none() | dates),
    )


@st.composite
def peers(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(titles),
        "role": draw(st.sampled_from(PeerRole)),
        "organisation": draw(texts),
        "council": draw(st.none() | gss_codes),
    }


@st.composite
def engagements(draw: st.DrawFn) -> Challenge:
    status = draw(st.sampled_from(ChallengeStatus))
    start = draw(dates) if status is ChallengeStatus.BOOKED else draw(st.none() | dates)
    end = None
    if start is not None:
        end = draw(st.none() | st.integers(0, 10).map(lambda d: start + timedelta(days=d)))
    return Challenge.build(
        **_common(draw),
        council=draw(gss_codes),
        type=draw(st.sampled_from(ChallengeKind)),
        status=status,
        start=start,
        end=end,
        scope=draw(st.text(max_size=200)),
        team=draw(st.lists(peers(), max_size=3)),
        report_date=draw(st.none() | dates),
        recommendations=draw(st.lists(texts, max_size=3)),
        history=draw(
            st.lists(
                st.fixed_dictionaries({"status": st.sampled_from(ChallengeStatus), "on": dates}),
                max_size=3,
            )
        ),
    )


@st.composite
def councils(draw: st.DrawFn) -> Council:
    gss = draw(gss_codes)
    board = draw(st.booleans())
    return Council.build(
        **_common(draw),
        id=council_id(gss),
        gss_code=gss,
        name=draw(titles),
        short_name=draw(texts),
        la_code=draw(st.from_regex(r"[A-Z]{3}", fullmatch=True)),
        type=draw(st.sampled_from(CouncilType)),
        nation=draw(st.sampled_from(Nation)),
        region=draw(st.sampled_from(Region)),
        political_control=draw(texts),
        control_changed_on=draw(st.none() | dates),
        improvement_board=board,
        improvement_board_since=draw(st.none() | dates) if board else None,
        population=draw(st.none() | st.integers(0, 20_000_000)),
        alt_names=draw(st.lists(texts, max_size=4)),
    )


@st.composite
def actions(draw: st.DrawFn) -> Action:
    status = draw(st.sampled_from(ActionStatus))
    return Action.build(
        **_common(draw),
        title=draw(titles),
        owner=draw(texts),
        due=draw(st.none() | dates),
        status=status,
        done_on=draw(st.none() | dates) if status is ActionStatus.DONE else None,
        council=draw(st.none() | gss_codes),
    )


@st.composite
def support_offers(draw: st.DrawFn) -> SupportOffer:
    kind = draw(st.sampled_from(SupportKind))
    offered = draw(st.integers(0, 5 if kind is SupportKind.MEMBER_PEER_SUPPORT else 50))
    return SupportOffer.build(
        **_common(draw),
        council=draw(gss_codes),
        type=kind,
        status=draw(st.sampled_from(SupportStatus)),
        offered_on=draw(st.none() | dates),
        year=draw(st.none() | st.integers(2000, 2100)),
        days_offered=offered,
        days_used=draw(st.floats(0, offered)) if offered else 0,
        details=draw(st.text(max_size=200)),
    )


@st.composite
def metrics(draw: st.DrawFn) -> Metric:
    return Metric.build(
        **_common(draw),
        council=draw(gss_codes),
        period=draw(titles),
        metric_id=draw(titles),
        name=draw(titles),
        value=draw(st.floats(allow_nan=False, allow_infinity=False)),
        unit=draw(st.text(max_size=20)),
        source=draw(texts),
    )


records = st.one_of(
    notes(), contacts(), engagements(), councils(), actions(), support_offers(), metrics()
)
