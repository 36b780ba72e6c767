"""The regional briefing: an executive summary first (councils by concern, the serious and high
concerns in one table, overdue actions, Improvement Boards, changes of control, peer challenge
coverage, the next 60 days, who covers the region), then a page for each council with something
to report, and the rest one line each in an appendix (issue 23)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from ..domain import (
    Action,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    ConcernLevel,
    ControlChange,
    Council,
    ImprovementBoard,
    Note,
    Region,
    SignOffElement,
    SignOffStatus,
    SupportOffer,
)
from ..domain.improvement import programme_year, year_label
from ..vault.coverage import CouncilCover
from ..vault.overview import CONTACT_LEADER
from . import sections as sec
from .council import (
    CouncilFacts,
    aware_text,
    by_concern,
    concern_of,
    council_section,
    cover_table,
    upcoming_line,
)
from .styles import Sheet
from .upcoming import Upcoming, upcoming

OF_CONCERN = (ConcernLevel.SERIOUS, ConcernLevel.HIGH)
#: A council's page in a regional briefing prints the notes that explain the concern; the
#: council briefing has the rest.
SECTION_MIN_CONCERN = ConcernLevel.MEDIUM
#: ... at most this many of them, most serious first, so a region reads in a sitting.
NOTES_PER_COUNCIL = 5
#: The executive summary looks this far ahead for engagements and board meetings.
LOOKAHEAD = timedelta(days=60)
#: Changes of political control this recent are listed with their member peer support.
CONTROL_WINDOW = timedelta(days=365)
#: The corporate peer challenge programme offers every council one in three years.
PROGRAMME_YEARS = 3


@dataclass(frozen=True)
class CouncilLine:
    council: Council
    concern: ConcernLevel
    next_engagement: Upcoming | None
    notes: list[Note]
    concern_notes: list[Note]
    engagements: list[Challenge]
    overdue: list[Action] = field(default_factory=list)
    boards: list[ImprovementBoard] = field(default_factory=list)
    soon: list[Upcoming] = field(default_factory=list)
    control_changed: bool = False

    @property
    def of_concern(self) -> bool:
        return self.concern in OF_CONCERN

    @property
    def to_report(self) -> bool:
        """A page of its own: a concern of medium or above, an overdue action, something in
        the next 60 days, an Improvement Board sitting, or a recent change of control."""
        return (
            self.concern.rank >= SECTION_MIN_CONCERN.rank
            or bool(self.overdue)
            or bool(self.soon)
            or bool(self.boards)
            or self.control_changed
        )


@dataclass(frozen=True)
class RegionFacts:
    """What the executive summary shows beyond the lines: gathered by build.prepare_region."""

    boards: list[ImprovementBoard]
    changes: list[tuple[ControlChange, SupportOffer | None]]
    cover: CouncilCover
    gaps: list[str]


def lines(
    councils: Sequence[Council],
    notes: Sequence[Note],
    engagements: Sequence[Challenge],
    today: date,
    actions: Sequence[Action] = (),
    boards: Sequence[ImprovementBoard] = (),
    changed: frozenset[str] = frozenset(),
) -> list[CouncilLine]:
    """One line per council, ordered by concern (serious first) and then by name."""
    by_council: dict[str, list[Note]] = defaultdict(list)
    for n in notes:
        by_council[n.council].append(n)
    plans: dict[str, list[Challenge]] = defaultdict(list)
    for e in engagements:
        plans[e.council].append(e)
    overdue: dict[str, list[Action]] = defaultdict(list)
    for a in actions:
        if a.council and a.is_overdue(today):
            overdue[a.council].append(a)
    sitting: dict[str, list[ImprovementBoard]] = defaultdict(list)
    for b in boards:
        if b.is_active(today):
            sitting[b.council].append(b)
    out = []
    for c in councils:
        gss = c.gss_code
        level, setters = concern_of(by_council[gss], today)
        coming = upcoming(plans[gss], sitting[gss], today)
        out.append(
            CouncilLine(
                council=c,
                concern=level,
                next_engagement=coming[0] if coming else None,
                notes=by_council[gss],
                concern_notes=setters,
                engagements=plans[gss],
                overdue=overdue[gss],
                boards=sitting[gss],
                soon=[u for u in coming if u.on is not None and u.on <= today + LOOKAHEAD],
                control_changed=gss in changed,
            )
        )
    out.sort(key=lambda line: (-line.concern.rank, line.council.name.lower()))
    return out


def unaware_notes(rows: Sequence[CouncilLine]) -> list[Note]:
    """Serious concerns in the region the council has not been told are being shared."""
    return [n for r in rows for n in sec.unaware_serious(r.notes)]


def serious_and_high(rows: Sequence[CouncilLine], today: date) -> list[tuple[Council, Note]]:
    """Every serious and high concern of the last year, most serious first, then newest."""
    found = [
        (r.council, n)
        for r in rows
        for n in r.notes
        if n.concern in OF_CONCERN and n.date >= today - timedelta(days=365)
    ]
    order = {n.id: i for i, n in enumerate(by_concern([n for _, n in found]))}
    return sorted(found, key=lambda cn: order[cn[1].id])


def _levels_table(s: Sheet, rows: Sequence[CouncilLine]) -> Flowable:
    by_level: dict[ConcernLevel, list[str]] = defaultdict(list)
    for r in rows:
        by_level[r.concern].append(r.council.display_name)
    table_rows = []
    for level in reversed(ConcernLevel):
        names = by_level[level]
        if not names:
            continue
        listed = (
            sec.text(", ".join(names))
            if level is not ConcernLevel.NONE or len(names) <= 6
            else "Listed in the appendix"
        )
        table_rows.append([sec.concern_mark(level), str(len(names)), listed])
    return sec.grid(s, ["Concern", "Councils", "Which"], table_rows, [0.18, 0.12, 0.7])


def _concerns_table(s: Sheet, found: Sequence[tuple[Council, Note]]) -> Flowable:
    if not found:
        return sec.none_recorded(s, "No serious or high concerns in the last year.")
    return sec.grid(
        s,
        ["Council", "Concern", "Evidence", "Council aware"],
        [
            [
                f"<b>{sec.text(c.display_name)}</b><br/>{sec.concern_mark(n.concern)}",
                f"{sec.text(n.title)}<br/>{sec.short_date(n.date)}",
                sec.text("; ".join(n.evidence)) or "—",
                aware_text(n),
            ]
            for c, n in found
        ],
        [0.22, 0.32, 0.26, 0.2],
    )


def _overdue_table(s: Sheet, rows: Sequence[CouncilLine]) -> Flowable:
    late = [r for r in rows if r.overdue]
    if not late:
        return sec.none_recorded(s, "No overdue actions.")
    late.sort(key=lambda r: (-len(r.overdue), r.council.name.lower()))
    return sec.grid(
        s,
        ["Council", "Overdue", "Longest overdue"],
        [
            [
                f"<b>{sec.text(r.council.display_name)}</b>",
                str(len(r.overdue)),
                f"{sec.text(oldest.title)} (due {sec.short_date(oldest.due)})",
            ]
            for r in late
            for oldest in [min(r.overdue, key=lambda a: a.due or date.max)]
        ],
        [0.26, 0.12, 0.62],
    )


def readiness_text(board: ImprovementBoard, today: date) -> str:
    ready = board.readiness(today)
    if ready.ready:
        return "<b>Ready to present</b>: all three elements signed off and aligned"
    signed = sum(board.status(e) is SignOffStatus.SIGNED_OFF for e in SignOffElement)
    missing = sec.text(ready.missing[0]) if ready.missing else ""
    return f"Not ready: {signed} of {len(SignOffElement)} signed off. {missing}"


def _boards_table(
    s: Sheet, boards: Sequence[ImprovementBoard], names: dict[str, str], today: date
) -> Flowable:
    active = [b for b in boards if b.is_active(today)]
    if not active:
        return sec.none_recorded(s, "No Improvement Boards sitting.")
    return sec.grid(
        s,
        ["Council", "Next meeting", "Readiness"],
        [
            [
                f"<b>{sec.text(names.get(b.council, b.council))}</b>",
                sec.short_date(b.next_meeting(today)) if b.next_meeting(today) else "None set",
                readiness_text(b, today),
            ]
            for b in active
        ],
        [0.26, 0.18, 0.56],
    )


def _changes_table(
    s: Sheet, changes: Sequence[tuple[ControlChange, SupportOffer | None]], names: dict[str, str]
) -> Flowable:
    if not changes:
        return sec.none_recorded(s, "No changes of political control in the last 12 months.")
    rows = []
    for change, offer in changes:
        days = (
            f"{offer.days_used:g} of {offer.days_offered:g} used ({sec.text(offer.status.value)})"
            if offer is not None
            else "No offer recorded"
        )
        rows.append(
            [
                f"<b>{sec.text(names.get(change.council, change.council))}</b>",
                sec.short_date(change.date),
                sec.text(f"{change.from_control or 'Unknown'} to {change.to_control}"),
                days,
            ]
        )
    return sec.grid(
        s, ["Council", "Changed", "Control", "Member peer days"], rows, [0.24, 0.16, 0.32, 0.28]
    )


def programme_window(today: date) -> list[int]:
    """The three programme years (April to March) ending with the current one."""
    current = programme_year(today)
    return list(range(current - PROGRAMME_YEARS + 1, current + 1))


def _coverage_block(
    s: Sheet, rows: Sequence[CouncilLine], engagements: Sequence[Challenge], today: date
) -> list[sec.Block]:
    years = programme_window(today)
    corporate = [e for e in engagements if e.type is ChallengeKind.CORPORATE]
    counts: dict[int, dict[str, set[str]]] = {
        y: {"had": set(), "booked": set(), "discussing": set()} for y in years
    }
    covered: set[str] = set()
    for e in corporate:
        if e.status is ChallengeStatus.CANCELLED:
            continue
        year = programme_year(e.start) if e.start else None
        if e.status.has_happened and year in counts:
            counts[year]["had"].add(e.council)
            covered.add(e.council)
        elif e.status is ChallengeStatus.BOOKED and year in counts:
            counts[year]["booked"].add(e.council)
            covered.add(e.council)
        elif e.status in (ChallengeStatus.PROPOSED, ChallengeStatus.DISCUSSED):
            bucket = year if year in counts else years[-1]
            counts[bucket]["discussing"].add(e.council)
            covered.add(e.council)
    table = sec.grid(
        s,
        ["Programme year", "Had one", "Booked", "Being discussed"],
        [
            [
                year_label(y),
                str(len(counts[y]["had"])),
                str(len(counts[y]["booked"])),
                str(len(counts[y]["discussing"])),
            ]
            for y in years
        ],
        [0.34, 0.22, 0.22, 0.22],
    )
    none = [r.council.display_name for r in rows if r.council.gss_code not in covered]
    summary = (
        f"{sec.plural(len(rows) - len(none), 'council')} of {len(rows)} had, booked or are "
        f"discussing a corporate peer challenge in these three years; "
        f"{sec.plural(len(none), 'council')} {'has' if len(none) == 1 else 'have'} none"
        + (f": {sec.text(', '.join(none))}." if none and len(none) <= 12 else ".")
    )
    return [table, Spacer(1, s.body_size * 0.5), Paragraph(summary, s.body)]


def _soon_table(s: Sheet, rows: Sequence[CouncilLine], names: dict[str, str]) -> Flowable:
    soon = sorted((u for r in rows for u in r.soon), key=lambda u: u.sort_key)
    if not soon:
        return sec.none_recorded(s, "Nothing booked in the next 60 days.")
    return sec.grid(
        s,
        ["When", "Council", "What"],
        [
            [
                sec.short_date(u.on),
                f"<b>{sec.text(names.get(u.council, u.council))}</b>",
                sec.text(u.what) + (f" ({sec.text(u.status)})" if u.status else ""),
            ]
            for u in soon
        ],
        [0.18, 0.32, 0.5],
    )


def _adviser_actions(s: Sheet, rows: Sequence[CouncilLine]) -> list[Flowable]:
    """Serious concerns the council has not been told are being shared: each asks the
    principal adviser to contact the leader or chief executive."""
    found = [(r.council, n) for r in rows for n in sec.unaware_serious(r.notes)]
    if not found:
        return []
    table = sec.grid(
        s,
        ["Council", "Serious concern", "Recorded", "Action"],
        [
            [
                f"<b>{sec.text(c.display_name)}</b>",
                sec.text(n.title),
                sec.short_date(n.date),
                f"{CONTACT_LEADER}: the council is not yet aware this is being shared",
            ]
            for c, n in found
        ],
        [0.2, 0.32, 0.14, 0.34],
    )
    return sec.section(s, "Actions for the principal adviser", [table])


def _appendix(s: Sheet, rows: Sequence[CouncilLine]) -> list[Flowable]:
    quiet = sorted((r for r in rows if not r.to_report), key=lambda r: r.council.name.lower())
    if not quiet:
        return []
    out: list[Flowable] = [
        PageBreak(),
        Paragraph("Appendix: councils with nothing to report", s.h1),
        Paragraph(
            "No concern of medium level or above, no overdue action, nothing in the next 60 "
            "days, no Improvement Board and no recent change of control.",
            s.small,
        ),
    ]
    out += [
        sec.para(
            f"<b>{sec.text(r.council.name)}</b> · {sec.concern_mark(r.concern)} · next: "
            + upcoming_line(r.next_engagement),
            s.body,
        )
        for r in quiet
    ]
    return out


def story(
    s: Sheet,
    region: Region,
    rows: Sequence[CouncilLine],
    facts: RegionFacts,
    engagements: Sequence[Challenge],
    sections: Sequence[CouncilFacts],
    today: date,
    since: date | None,
) -> list[Flowable]:
    names = {r.council.gss_code: r.council.display_name for r in rows}
    counts: dict[ConcernLevel, int] = defaultdict(int)
    for r in rows:
        counts[r.concern] += 1
    tally = ", ".join(
        f"{counts[level]} {'with no concern' if level is ConcernLevel.NONE else level.value}"
        for level in reversed(ConcernLevel)
        if counts[level]
    )
    years = programme_window(today)
    gaps = (
        "No one is recorded as " + sec.text(", ".join(facts.gaps)) + "."
        if facts.gaps
        else "Every coverage role is held."
    )
    out: list[Flowable] = [
        Paragraph("Executive summary", s.h1),
        Paragraph(
            f"{sec.plural(len(rows), 'council')} in {sec.text(region.value)}"
            + (f": {tally}." if tally else "."),
            s.body,
        ),
        *sec.section(s, "Councils by concern level", [_levels_table(s, rows)]),
        *sec.section(
            s,
            "Serious and high concerns",
            [_concerns_table(s, serious_and_high(rows, today))],
        ),
        *_adviser_actions(s, rows),
        *sec.section(s, "Overdue actions by council", [_overdue_table(s, rows)]),
        *sec.section(s, "Improvement Boards", [_boards_table(s, facts.boards, names, today)]),
        *sec.section(
            s,
            "Changes of political control in the last 12 months",
            [_changes_table(s, facts.changes, names)],
        ),
        *sec.section(
            s,
            f"Corporate peer challenge coverage, {year_label(years[0])} to {year_label(years[-1])}",
            _coverage_block(s, rows, engagements, today),
        ),
        *sec.section(s, "The next 60 days", [_soon_table(s, rows, names)]),
        *sec.section(
            s,
            "Regional leads and gaps",
            [cover_table(s, facts.cover), Spacer(1, s.body_size * 0.5), Paragraph(gaps, s.body)],
        ),
    ]
    for f in sections:
        out += council_section(s, f, today, since)
    return out + _appendix(s, rows)
