"""Briefings read as a chief executive and a regional lead would (issue 23): real PDFs from a
real vault, read back with pypdf. The summary comes first; concerns run serious, high, then
newest; nothing that must stay whole is split across lines, in ordinary or large print; the
chart stays inside the frame; the team pack has what a team needs and nothing it may not see.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from sli_desktop.briefing import (
    Briefing,
    BriefingOptions,
    brief_challenge,
    brief_council,
    brief_region,
    fonts,
)
from sli_desktop.briefing.document import MARGIN_X, PAGE_WIDTH
from sli_desktop.domain import Marking, Region
from sli_desktop.vault.store import Vault
from tests.integration import briefing_world as w

TODAY = date.today()
LONG_RECIPIENT = "Chair, West Midlands Regional Improvement and Efficiency Partnership Board"


@pytest.fixture
def world(councils_vault: Vault) -> w.World:
    return w.build(councils_vault, TODAY)


def opts(**kw: object) -> BriefingOptions:
    base: dict[str, object] = {"recipient": LONG_RECIPIENT}
    base.update(kw)
    return BriefingOptions(**base)  # type: ignore[arg-type]


def texts(b: Briefing) -> list[str]:
    return [p.extract_text().replace("\u00a0", " ") for p in PdfReader(io.BytesIO(b.pdf)).pages]


FURNITURE = (
    f"Prepared for {LONG_RECIPIENT}",
    f"Prepared by {w.ADVISER}, {w.ROLE} on ",
)


def is_furniture(line: str) -> bool:
    """The marking, the watermark, "Prepared for/by" (whole or wrapped) and "Page N of M":
    whether drawn before the body or after it."""
    line = line.strip()
    return (
        line in ("OFFICIAL", "OFFICIAL-SENSITIVE", LONG_RECIPIENT, TODAY.isoformat())
        or re.fullmatch(r"Page \d+ of \d+", line) is not None
        or line.startswith(("Prepared for ", "Prepared by "))
        or (len(line) >= 12 and any(line in f for f in FURNITURE))
        or re.fullmatch(r"(West Midlands and South West )?on \d+ \w+ \d{4}", line) is not None
    )


def body(page: str) -> str:
    """A page's text without its furniture (which names the recipient and the adviser)."""
    return "\n".join(line for line in page.splitlines() if not is_furniture(line))


def flat(text: str) -> str:
    """Text as read, with lines joined (and words hyphenated at a line's end rejoined)."""
    return " ".join(re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text).split())


def in_order(text: str, *parts: str) -> bool:
    text = flat(text)
    places = [text.index(flat(p)) for p in parts]
    return places == sorted(places)


# -- the council briefing ----------------------------------------------------------------------


def test_council_briefing_opens_with_its_summary(world: w.World) -> None:
    pages = texts(brief_council(world.vault, w.BHAM, opts()))
    first = flat(body(pages[0]))
    assert "COUNCIL BRIEFING" in first and "Birmingham City Council" in first
    # Key concerns: serious, then high, then medium, each with its evidence and awareness.
    assert in_order(first, "Key concerns", w.SERIOUS_TITLE, w.HIGH_TITLE, "Budget gap widening")
    assert "Section 151 officer's letter" in first and "Quarter two forecast" in first
    assert "No: contact the leader or chief executive" in first
    assert w.OLD_MILD_TITLE not in first  # no concern: the intelligence pages have it
    # The next engagement of any kind: the board meets before the peer challenge.
    meeting = TODAY + timedelta(days=w.BOARD_NEXT_IN)
    assert f"Improvement Board meeting, {meeting:%A} {meeting.day}" in first
    assert in_order(first, "Improvement Board meeting", "Corporate peer challenge")
    assert "None planned" not in first
    assert in_order(first, "Overdue actions", "Send the budget recovery plan")
    assert f"Covered by {w.ADVISER}, principal adviser" in first
    assert "020 7664 3000" in first


def test_support_in_place_follows_the_summary(world: w.World) -> None:
    pages = texts(brief_council(world.vault, w.BHAM, opts()))
    opening = "\n".join(body(p) for p in pages[:2])
    assert in_order(opening, "Key concerns", "Support in place", "Leadership programme place")


def test_intelligence_runs_serious_then_high_then_newest(world: w.World) -> None:
    pages = texts(brief_council(world.vault, w.BHAM, opts()))
    later = "\n".join(body(p) for p in pages[1:])
    start = later.index("Intelligence")
    intelligence = later[start:]
    assert in_order(
        intelligence, w.SERIOUS_TITLE, w.HIGH_TITLE, "Budget gap widening", w.OLD_MILD_TITLE
    )


def test_a_draft_never_counts_or_shows(world: w.World) -> None:
    everything = "\n".join(texts(brief_council(world.vault, w.COV, opts())))
    assert "Draft: not yet evidenced" not in everything
    birmingham = "\n".join(texts(brief_council(world.vault, w.BHAM, opts())))
    assert "Draft: not yet evidenced" not in birmingham
    assert "4 notes" in birmingham  # the draft is not among them


def test_prepared_by_names_the_adviser_and_role(world: w.World) -> None:
    b = brief_council(world.vault, w.BHAM, opts())
    signature = f"Prepared by {w.ADVISER}, {w.ROLE}"
    for page in texts(b):
        assert signature in " ".join(page.split()), page[-300:]
    meta = PdfReader(io.BytesIO(b.pdf)).metadata
    assert meta is not None and meta.author == w.ADVISER
    assert "tester" not in "\n".join(texts(b))


def test_running_head_wraps_rather_than_being_cut(world: w.World) -> None:
    for large in (False, True):
        for page in texts(brief_council(world.vault, w.BHAM, opts(large_print=large))):
            assert "…" not in page
            assert LONG_RECIPIENT in " ".join(page.split())


def test_plain_words_and_plurals(world: w.World) -> None:
    everything = "\n".join(
        "\n".join(texts(b))
        for b in (
            brief_council(world.vault, w.COV, opts()),
            brief_region(world.vault, Region.WEST_MIDLANDS, opts()),
        )
    )
    for wrong in ("1 notes", "1 councils", "none concern", "1 peers", "(s)", "childrens"):
        assert wrong not in everything
    assert "1 note " in everything or "1 note (" in everything


# -- the regional briefing ---------------------------------------------------------------------


def test_region_opens_with_an_executive_summary(world: w.World) -> None:
    pages = texts(brief_region(world.vault, Region.WEST_MIDLANDS, opts()))
    summary = "\n".join(body(p) for p in pages[:3])
    first = body(pages[0])
    assert "Executive summary" in first
    assert in_order(summary, "Councils by concern level", "Serious and high concerns")
    # One table of serious and high concerns: serious first, then high by recency.
    assert in_order(summary, w.SERIOUS_TITLE, "Coventry reserves below minimum", w.HIGH_TITLE)
    assert in_order(summary, "Overdue actions by council", "Send the budget recovery plan")
    assert in_order(summary, "Improvement Boards", "Not ready")
    assert in_order(summary, "Changes of political control", "Labour to No overall control")
    assert "0 of 5 used" in summary
    assert "Corporate peer challenge coverage" in summary
    assert in_order(summary, "The next 60 days", "Improvement Board meeting")
    leads = summary[summary.index("Regional leads and gaps") :]
    assert in_order(leads, w.ADVISER, "No one is recorded as")


def test_region_pages_only_for_councils_with_something_to_report(world: w.World) -> None:
    pages = texts(brief_region(world.vault, Region.WEST_MIDLANDS, opts()))
    headed = [body(p) for p in pages]
    everything = "\n".join(headed)
    appendix = everything[everything.index("Appendix: councils with nothing to report") :]
    for _, name in w.QUIET:
        assert name in appendix
        line = appendix[appendix.index(name) :].splitlines()[0]
        assert "No concern" in line
        # ... and no page of its own before the appendix
        assert everything.index(name) >= everything.index("Appendix") or (
            name.split()[0] in everything[: everything.index("Appendix")]
        )
    reported = everything[: everything.index("Appendix")]
    for name in ("Birmingham City Council", "Coventry City Council", w.NUL_NAME):
        assert f"{name}\n" in reported
    assert "Malvern Hills District Council\nNon-metropolitan" not in everything


# -- typesetting -------------------------------------------------------------------------------

WHOLE = [
    w.LEADER_PHONE_SHOWN,
    w.PEER_PHONE_SHOWN,
    "01782 742222",
    *("Birmingham", "Coventry", "Staffordshire", "Bromsgrove", "Redditch", "Worcester"),
    *("Recorded", "Shropshire", "Castle-Ashby"),
]
NATURAL = [w.LEADER_EMAIL, w.LONG_EMAIL, w.PEER_EMAIL, "Newcastle-under-Lyme"]


def breaks(text: str, token: str) -> list[int]:
    """Where ``token`` occurs in ``text`` broken across lines: the offset inside the token
    at which each line break falls (an empty list when every occurrence is on one line)."""
    gap = r"(?:-?\n)?"
    pattern = gap.join(re.escape(ch) if ch != " " else r"[ \n]" for ch in token)
    found = []
    for m in re.finditer(pattern, text):
        seen = m.group(0)
        if "\n" in seen:
            found.append(len(seen[: seen.index("\n")].rstrip("-")))
    return found


def natural(token: str, at: int) -> bool:
    """A break after '@', '/' or '-', or before '.'."""
    return token[at - 1] in "@/-" or token[at] == "."


@pytest.mark.parametrize("large", [False, True], ids=["ordinary", "large print"])
def test_no_address_phone_or_place_is_split_mid_token(world: w.World, large: bool) -> None:
    o = opts(large_print=large)
    made = [
        brief_council(world.vault, w.BHAM, o),
        brief_council(world.vault, w.NUL, o),
        brief_region(world.vault, Region.WEST_MIDLANDS, o),
        brief_challenge(world.vault, world.challenge_id, o),
    ]
    everything = "\n".join("\n".join(texts(b)) for b in made)
    for token in WHOLE:
        assert token in everything or breaks(everything, token), f"{token} never printed"
        assert breaks(everything, token) == [], f"{token} split across lines"
    for token in NATURAL:
        assert token in everything or breaks(everything, token), f"{token} never printed"
        for at in breaks(everything, token):
            assert natural(token, at), f"{token} split at {token[:at]}|{token[at:]}"


def test_the_check_sees_a_token_split_mid_word() -> None:
    assert breaks("write to leader@birmin\ngham.gov.uk today", w.LEADER_EMAIL) == [13]
    assert breaks("ring 0121 303\n1111", w.LEADER_PHONE_SHOWN) == [8]
    assert not natural(w.LEADER_EMAIL, 13)
    assert natural(w.LONG_EMAIL, w.LONG_EMAIL.index("@") + 1)


# -- charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("large", [False, True], ids=["ordinary", "large print"])
def test_chart_text_stays_inside_the_frame(world: w.World, large: bool) -> None:
    """Every piece of text on the performance page starts and ends inside the margins."""
    b = brief_council(world.vault, w.BHAM, opts(large_print=large))
    reader = PdfReader(io.BytesIO(b.pdf))
    fonts.register()
    checked = 0
    for page in reader.pages:
        if "Region median" not in page.extract_text():
            continue
        spans: list[tuple[float, float, str]] = []

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            spans: list[tuple[float, float, str]] = spans,
        ) -> None:
            text = text.strip()
            if not text or font is None:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            scale = (tm[0] * cm[0]) or 1.0
            name = str(font["/BaseFont"]).split("+")[-1].replace("-Regular", "")  # type: ignore[index]
            width = stringWidth(text, name, size * scale)
            spans.append((x, x + width, text))

        page.extract_text(visitor_text=visit)
        for left, right, text in spans:
            furniture = ("OFFICIAL", "Page ", "Prepared", "Birmingham City Council", "2026-")
            if text.startswith(furniture) or LONG_RECIPIENT[:10] in text:
                continue
            assert left >= MARGIN_X - 1, (text, left)
            assert right <= PAGE_WIDTH - MARGIN_X + 1, (text, right)
            checked += 1
    assert checked > 20


def test_chart_shows_every_year_beside_the_median_with_a_table(world: w.World) -> None:
    pages = texts(brief_council(world.vault, w.BHAM, opts()))
    performance = "\n".join(pages)[("\n".join(pages)).index("Performance") :]
    for year in w.YEARS:
        assert performance.count(year) >= 2, f"{year} not in both the chart and its table"
    assert "This council" in performance and "Region median" in performance
    assert "84.6%" in performance  # Birmingham's latest, in one decimal like the rest


# -- the team pack -----------------------------------------------------------------------------


def test_team_pack_has_what_a_team_needs(world: w.World) -> None:
    b = brief_challenge(world.vault, world.challenge_id, opts())
    everything = "\n".join(texts(b))
    flat = " ".join(everything.split())
    # Peers with role, organisation, e-mail and phone.
    assert "Cllr Morgan Peerless" in flat and "Lead member peer" in flat
    assert "Shropshire Council" in flat and w.PEER_PHONE_SHOWN in flat
    assert w.PEER_EMAIL in flat.replace("@ ", "@").replace(" .", ".")
    # Dates, venue and the timetable the adviser wrote into the scope (and not as scope).
    start = TODAY + timedelta(days=75)
    assert f"{start.day} {start:%B} {start.year}" in flat
    assert f"Venue {w.VENUE}" in flat
    timetable = flat[flat.index("Timetable") : flat.index("Scope")]
    assert "Day 1, 14:00 Focus groups with scrutiny members" in timetable
    scope = flat[flat.index("Scope") : flat.index("Key documents")]
    assert "Financial sustainability" in scope and "Focus groups" not in scope
    # Key documents: the latest self-assessment and the board's terms of engagement.
    assert "Self-assessment (children's services)" in flat
    assert "birmingham.gov.uk/downloads" in flat.replace(" ", "")
    assert "Improvement Board terms of engagement" in flat
    # Previous challenges: the past one with its outcome, never one still to come.
    history = flat[flat.index("Previous peer challenges and reviews") :]
    history = history[: history.index("Key contacts at the council")]
    assert "Children's services peer challenge" in history
    assert "Strengthen placement sufficiency planning" in history
    assert "Adult social care peer challenge" not in history
    assert "Corporate peer challenge" not in history


def test_without_a_written_timetable_the_pack_lists_each_day_on_site(world: w.World) -> None:
    v = world.vault
    from sli_desktop.vault.challenges import Challenges

    start = TODAY + timedelta(days=20)
    e = Challenges(v).add(
        council=w.COV, type="childrens", status="booked", start=start, end=start + timedelta(2)
    )
    flat = " ".join("\n".join(texts(brief_challenge(v, e.id, opts()))).split())
    timetable = flat[flat.index("Timetable") : flat.index("Scope")]
    for n in range(3):
        day = start + timedelta(days=n)
        assert f"{day:%A} {day.day} {day:%B}" in timetable
    assert "findings and feedback" in timetable
    assert "Venue Not recorded yet" in flat


def test_team_pack_carries_concerns_only_as_its_marking_allows(world: w.World) -> None:
    v = world.vault
    from sli_desktop.vault.notes import Notes

    Notes(v).add(
        council=w.BHAM,
        date=TODAY - timedelta(days=5),
        title="Sensitive but known to the council",
        concern="high",
        evidence=["Letter"],
        council_aware=True,
        marking="OFFICIAL-SENSITIVE",
    )
    official = "\n".join(texts(brief_challenge(v, world.challenge_id, opts())))
    assert "Sensitive but known to the council" not in official
    assert w.HIGH_TITLE in official  # aware and OFFICIAL
    assert w.SERIOUS_TITLE not in official  # the council is not aware
    sensitive = brief_challenge(v, world.challenge_id, opts(marking=Marking.OFFICIAL_SENSITIVE))
    assert "Sensitive but known to the council" in "\n".join(texts(sensitive))


def test_the_window_naming_the_adviser_still_gets_the_role(world: w.World) -> None:
    """The Briefings view passes the vault's actor as ``prepared_by``."""
    b = brief_council(world.vault, w.COV, opts(prepared_by=world.vault.actor))
    assert f"Prepared by {w.ADVISER}, {w.ROLE}" in " ".join(texts(b)[0].split())
    other = brief_council(world.vault, w.COV, opts(prepared_by="Someone Else"))
    assert "Prepared by Someone Else on" in " ".join(texts(other)[0].split())


HEADINGS = {
    "Key concerns",
    "Overdue actions",
    "Support in place",
    "Intelligence",
    "Key contacts",
    "Peer challenge and review history",
    "Self-assessment and local account",
    "Support offers taken up",
    "Open actions",
    "Performance",
    "Councils by concern level",
    "Serious and high concerns",
    "Actions for the principal adviser",
    "Overdue actions by council",
    "Improvement Boards",
    "The next 60 days",
    "Regional leads and gaps",
    "Executive summary",
}


@pytest.mark.parametrize("large", [False, True], ids=["ordinary", "large print"])
def test_no_heading_is_stranded_at_the_foot_of_a_page(world: w.World, large: bool) -> None:
    o = opts(large_print=large)
    for b in (
        brief_council(world.vault, w.BHAM, o),
        brief_region(world.vault, Region.WEST_MIDLANDS, o),
    ):
        for number, page in enumerate(texts(b), start=1):
            lines = [ln.strip() for ln in body(page).splitlines() if ln.strip()]
            content = [ln for ln in lines if not ln.startswith(("Page ", "OFFICIAL"))]
            assert content and content[-1] not in HEADINGS, (number, content[-3:])


def test_a_large_print_summary_starts_on_page_one(world: w.World) -> None:
    first = flat(body(texts(brief_council(world.vault, w.BHAM, opts(large_print=True)))[0]))
    assert "Concern level Serious" in first


def test_a_region_page_prints_the_five_most_serious_and_points_to_the_rest(
    world: w.World,
) -> None:
    from sli_desktop.vault.notes import Notes

    for n in range(7):
        Notes(world.vault).add(
            council=w.COV,
            date=TODAY - timedelta(days=30 + n),
            title=f"Coventry medium worry {n}",
            concern="medium",
            evidence=["Report"],
        )
    b = brief_region(world.vault, Region.WEST_MIDLANDS, opts())
    everything = flat("\n".join(body(p) for p in texts(b)))
    page = everything[everything.index("Coventry City Council Metropolitan") :]
    assert "No overall control control" not in page
    page = page[: page.index("Appendix")]
    assert "Coventry reserves below minimum" in page  # high: first
    printed = [n for n in range(7) if f"Coventry medium worry {n}" in page]
    assert printed == [0, 1, 2, 3]  # the four newest medium ones
    assert "3 more in the council briefing" in page
    assert "Coventry medium worry 6" not in everything
    assert not any(r.title == "Coventry medium worry 6" for r in b.contents if r.kind == "note")
