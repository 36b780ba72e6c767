"""The council visit briefing, and the council section a regional briefing repeats.

Page one is a summary a chief executive reads in a minute: the key concerns (serious, then
high, then the most recent) with their evidence and whether the council knows, what happens
next of any kind, overdue actions, who covers the council and the support in place. The
intelligence that follows is in the same order (issue 23).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from .. import formats
from ..domain import (
    Action,
    Challenge,
    ChallengeStatus,
    ConcernLevel,
    Contact,
    Council,
    ImprovementBoard,
    Marking,
    Metric,
    Note,
    Record,
    SupportOffer,
    SupportStatus,
)
from ..domain.coverage import Coverage
from ..domain.improvement import Assessment
from ..vault.assessments import Assessments
from ..vault.boards import Boards
from ..vault.briefings import BriefingSources
from ..vault.challenges import Challenges
from ..vault.coverage import Assignments, CouncilCover
from ..vault.overview import CONCERN_WINDOW, CONTACT_LEADER, KEY_ROLES
from ..vault.store import Vault
from ..vault.support_in_place import SupportItem, support_in_place
from . import sections as sec
from . import typeset
from .charts import MetricSeries, decimals, figure, metric_series, trend_chart
from .document import CONTENT_WIDTH
from .styles import Sheet
from .upcoming import Upcoming, upcoming

#: Key concerns on page one: at most this many, the rest are in "Intelligence".
KEY_CONCERNS = 5
#: Overdue actions listed on page one before "and N more".
OVERDUE_SHOWN = 5

TAKEN_UP = (SupportStatus.TAKEN_UP, SupportStatus.COMPLETED)


@dataclass(frozen=True)
class CouncilFacts:
    """Everything one council's briefing shows, already cleared for sharing."""

    council: Council
    concern: ConcernLevel
    notes: list[Note]
    concern_notes: list[Note]
    contacts: list[Contact]
    engagements: list[Challenge]
    next_engagement: Challenge | None
    open_actions: list[Action]
    overdue: int
    support: list[SupportOffer]
    metrics: list[Metric] = field(default_factory=list)
    metric_series: list[MetricSeries] = field(default_factory=list)
    withheld: int = 0
    #: notes that qualified but were left for the council briefing (``most``)
    not_shown: int = 0
    min_concern: ConcernLevel = ConcernLevel.NONE
    #: the council's single point of contact on the day of the briefing
    adviser: Coverage | None = None
    #: the latest self-assessment and local account, where recorded
    assessments: list[Assessment] = field(default_factory=list)
    #: its principal adviser and regional leads on the day
    cover: CouncilCover | None = None
    #: challenges to come and board meetings, soonest first
    upcoming: list[Upcoming] = field(default_factory=list)
    boards: list[ImprovementBoard] = field(default_factory=list)
    #: support offers and boards in place today (actions are listed apart)
    in_place: list[SupportItem] = field(default_factory=list)
    today: date | None = None

    @property
    def overdue_actions(self) -> list[Action]:
        today = self.today or date.today()
        return [a for a in self.open_actions if a.is_overdue(today)]

    @property
    def key_concerns(self) -> list[Note]:
        """Medium concerns and above, most serious first, then the most recent."""
        return [n for n in self.notes if n.concern.rank >= ConcernLevel.MEDIUM.rank][:KEY_CONCERNS]

    def records(self) -> list[Record]:
        return [
            self.council,
            *self.contacts,
            *self.notes,
            *self.engagements,
            *self.open_actions,
            *self.support,
            *self.metrics,
            *self.assessments,
            *self.boards,
        ]


def by_concern(notes: Sequence[Note]) -> list[Note]:
    """Serious first, then high, and so on; within a level the most recent first."""
    return sorted(notes, key=lambda n: (-n.concern.rank, -n.date.toordinal()))


def highest_marking(notes: Sequence[Note]) -> Marking:
    return max((n.marking for n in notes), key=lambda m: m.rank, default=Marking.OFFICIAL)


def concern_of(notes: Sequence[Note], today: date) -> tuple[ConcernLevel, list[Note]]:
    """The highest concern among the shareable notes of the last year, and the notes that set
    it (the briefing's marking must cover them even when they are not printed)."""
    recent = [n for n in notes if n.date >= today - CONCERN_WINDOW]
    level = max((n.concern for n in recent), key=lambda c: c.rank, default=ConcernLevel.NONE)
    if level is ConcernLevel.NONE:
        return level, []
    return level, [n for n in recent if n.concern is level]


def next_engagement(engagements: Sequence[Challenge]) -> Challenge | None:
    upcoming = [
        e
        for e in engagements
        if not e.status.is_terminal and e.status.step <= ChallengeStatus.ON_SITE.step
    ]
    return upcoming[0] if upcoming else None


def gather(
    vault: Vault,
    the_council: Council,
    today: date,
    since: date | None,
    ceiling: Marking | None,
    *,
    with_metrics: bool = True,
    notes: Sequence[Note] | None = None,
    engagements: Sequence[Challenge] | None = None,
    min_concern: ConcernLevel = ConcernLevel.NONE,
    most: int | None = None,
) -> CouncilFacts:
    """``notes``: the council's shareable notes when the caller already has them (a regional
    briefing fetches a whole region's at once); they must reach back a year for the concern.
    ``engagements``: likewise. ``min_concern``: print only notes at this level or above (a
    regional page per council). ``most``: print at most this many, most serious first."""
    sources = BriefingSources(vault)
    code = the_council.gss_code
    everyone = sources.contacts(code)
    key_contacts = [c for c in everyone if any(r in c.role.lower() for r in KEY_ROLES)]
    if engagements is None:
        engagements = Challenges(vault).list(council=code)
    if notes is None:
        window = today - CONCERN_WINDOW
        start = min(since, window) if since else None
        notes = sources.notes([code], start, ceiling)
    eligible = by_concern(
        [
            n
            for n in notes
            if (since is None or n.date >= since) and n.concern.rank >= min_concern.rank
        ]
    )
    shown = eligible[:most] if most is not None else eligible
    concern, concern_notes = concern_of(notes, today)
    hidden = sources.hidden_note_ids([code], ceiling)
    actions = [a for a in sources.open_actions(code) if a.note_id not in hidden]
    series: list[MetricSeries] = []
    metrics = sources.metrics([code]) if with_metrics else []
    if metrics:
        region = sources.region_metrics(
            the_council.region.value, sorted({m.metric_id for m in metrics})
        )
        series = metric_series(metrics, region)
    boards = [b for b in Boards(vault).list(code) if b.is_active(today)]
    cover = Assignments(vault).for_region(the_council.region, today)
    in_place = [
        item
        for item in support_in_place(vault, the_council, today, cover.principal_adviser)
        if item.source in ("support offer", "improvement board")
    ]
    return CouncilFacts(
        council=the_council,
        concern=concern,
        notes=shown,
        concern_notes=[n for n in concern_notes if n not in shown],
        contacts=key_contacts or everyone[:3],
        engagements=list(engagements),
        next_engagement=next_engagement(engagements),
        open_actions=actions,
        overdue=sum(1 for a in actions if a.is_overdue(today)),
        support=[o for o in sources.support(code) if o.status in TAKEN_UP],
        metrics=metrics,
        metric_series=series,
        withheld=sources.withheld([code], since, ceiling),
        min_concern=min_concern,
        not_shown=len(eligible) - len(shown),
        adviser=cover.principal_adviser,
        assessments=list(Assessments(vault).latest(code).values()),
        cover=cover,
        upcoming=upcoming(engagements, boards, today),
        boards=boards,
        in_place=in_place,
        today=today,
    )


def engagement_line(e: Challenge | None) -> str:
    if e is None:
        return "None planned"
    when = sec.long_date(e.start) if e.start else "dates to be agreed"
    return f"{sec.text(e.type.label)}, {when} ({sec.text(e.status.value)})"


def upcoming_line(u: Upcoming | None) -> str:
    """'Improvement Board meeting, Thursday 10 December 2026'."""
    if u is None:
        return "None planned"
    if u.on is None:
        when = "dates to be agreed"
    else:
        when = typeset.whole(formats.heading_date(u.on))
        if u.until and u.until != u.on:
            when = (
                f"{typeset.whole(formats.short_date(u.on))} to "
                f"{typeset.whole(formats.short_date(u.until))}"
            )
    status = f" ({sec.text(u.status)})" if u.status else ""
    return f"{sec.text(u.what)}, {when}{status}"


def adviser_line(a: Coverage | None) -> str:
    if a is None:
        return "None recorded"
    return sec.text(" · ".join(part for part in (a.person, a.email) if part)) + (
        f" · {typeset.phone(a.phone)}" if a.phone else ""
    )


def profile(c: Council) -> str:
    bits = [c.type.value.capitalize(), c.region.value]
    if c.population:
        bits.append(f"population {c.population:,}")
    if c.political_control:
        control = c.political_control
        bits.append(control if control.lower().endswith("control") else f"{control} control")
    return sec.text(", ".join(bits))


def flags(c: Council, today: date) -> str:
    found = []
    if c.improvement_board:
        since = (
            f" since {sec.short_date(c.improvement_board_since)}"
            if c.improvement_board_since
            else ""
        )
        found.append(f"Improvement Board{since}")
    if c.control_changed_on and (today - c.control_changed_on).days <= 365:
        found.append(f"Change of political control on {sec.short_date(c.control_changed_on)}")
    return sec.text("; ".join(found)) if found else "None"


def aware_text(n: Note) -> str:
    if not n.council_aware:
        if n.concern is ConcernLevel.SERIOUS:
            return f"<font color='#b10e1e'><b>No</b></font>: {CONTACT_LEADER.lower()}"
        return "No"
    on = n.council_aware_on
    return "Yes" + (f", {typeset.whole(sec.short_date(on))}" if on else "")


def summary(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> Flowable:
    actions = sec.plural(len(f.open_actions), "open action")
    if f.overdue:
        actions += f", <font color='#b10e1e'><b>{f.overdue} overdue</b></font>"
    window = f"since {sec.long_date(since)}" if since else "all recorded"
    if f.min_concern is not ConcernLevel.NONE:
        window = f"{f.min_concern.value} concern or above, {window}"
    nexts = f.upcoming[:3]
    more = f"; {f.not_shown} more in the council briefing" if f.not_shown else ""
    rows = [
        ("Concern level", sec.concern_mark(f.concern)),
        ("Flags", flags(f.council, today)),
        ("Next", "<br/>".join(upcoming_line(u) for u in nexts) or "None planned"),
        ("Actions", actions),
        ("Covered by", covered_by(f.cover)),
        ("Intelligence", f"{sec.plural(len(f.notes), 'note')} ({window})" + more),
    ]
    if f.withheld:
        rows.append(("Withheld", f"{sec.plural(f.withheld, 'note')} above this briefing's marking"))
    unaware = sec.unaware_serious(f.notes)
    if unaware:
        concerns = "serious concern" if len(unaware) == 1 else "serious concerns"
        rows.append(
            (
                "Action",
                f"<font color='#b10e1e'><b>{CONTACT_LEADER}</b></font>: {len(unaware)} "
                f"{concerns} the council is not yet aware {'is' if len(unaware) == 1 else 'are'}"
                " being shared",
            )
        )
    return sec.summary_box(s, rows)


def key_concerns_table(s: Sheet, notes: Sequence[Note]) -> Flowable:
    if not notes:
        return sec.none_recorded(s, "No concerns of medium level or above in the last year.")
    return sec.grid(
        s,
        ["Concern", "Evidence", "Council aware"],
        [
            [
                f"{sec.concern_mark(n.concern)}: <b>{sec.text(n.title)}</b><br/>"
                f"{typeset.whole(sec.short_date(n.date))}",
                sec.text("; ".join(n.evidence)) or "—",
                aware_text(n),
            ]
            for n in notes
        ],
        [0.46, 0.3, 0.24],
    )


def overdue_table(s: Sheet, actions: Sequence[Action], today: date) -> Flowable | list[Flowable]:
    if not actions:
        return sec.none_recorded(s, "No overdue actions.")
    shown = actions[:OVERDUE_SHOWN]
    table = sec.grid(
        s,
        ["Action", "Owner", "Due"],
        [
            [
                sec.text(a.title),
                sec.text(a.owner or "—"),
                f"<font color='#b10e1e'><b>{typeset.whole(sec.short_date(a.due))}</b></font>",
            ]
            for a in shown
        ],
        [0.58, 0.22, 0.2],
    )
    if len(actions) > len(shown):
        more = len(actions) - len(shown)
        return [table, sec.none_recorded(s, f"And {more} more under Open actions.")]
    return table


def covered_by(cover: CouncilCover | None) -> str:
    """'Asha Patel, principal adviser (asha.patel@…, 020 7664 3000)', one person a line."""
    people = cover.all if cover else []
    if not people:
        return "Nobody recorded for this council's region"
    lines = []
    for c in people:
        how = [sec.text(x) for x in (c.email,) if x] + ([typeset.phone(c.phone)] if c.phone else [])
        lines.append(
            f"<b>{sec.text(c.person)}</b>, {sec.text(c.role.value)}"
            + (f" ({', '.join(how)})" if how else "")
        )
    return "<br/>".join(lines)


def cover_table(s: Sheet, cover: CouncilCover | None) -> Flowable:
    people = cover.all if cover else []
    if not people:
        return sec.none_recorded(s, "Nobody recorded as covering this council's region.")
    return sec.grid(
        s,
        ["Role", "Name", "Contact"],
        [
            [
                sec.text(c.role.value.capitalize()),
                f"<b>{sec.text(c.person)}</b>",
                "<br/>".join(part for part in (sec.text(c.email), typeset.phone(c.phone)) if part)
                or "—",
            ]
            for c in people
        ],
        [0.32, 0.26, 0.42],
    )


def in_place_table(s: Sheet, items: Sequence[SupportItem]) -> Flowable:
    if not items:
        return sec.none_recorded(s, "No support offers or Improvement Board in place.")
    return sec.grid(
        s,
        ["Support", "Provided by", "Status"],
        [[sec.text(i.what), sec.text(i.provider), sec.text(i.status)] for i in items],
        [0.4, 0.4, 0.2],
    )


def summary_page(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> list[Flowable]:
    """Page one after the title: what the LGA is worried about and what happens next."""
    return [
        summary(s, f, today, since),
        *sec.section(s, "Key concerns", [key_concerns_table(s, f.key_concerns)]),
        *sec.section(s, "Overdue actions", [overdue_table(s, f.overdue_actions, today)]),
        *sec.section(s, "Support in place", [in_place_table(s, f.in_place)]),
    ]


def intelligence(s: Sheet, notes: Sequence[Note]) -> list[sec.Block]:
    if not notes:
        return [sec.none_recorded(s, "No intelligence recorded for this period.")]
    return [sec.note_block(s, n) for n in notes]


def performance(s: Sheet, series: Sequence[MetricSeries]) -> list[sec.Block]:
    """Each metric's trend, then a table of the same figures."""
    if not series:
        return [sec.none_recorded(s, "No performance figures recorded.")]
    out: list[sec.Block] = []
    for m in series:
        places = decimals([v for p in m.points for v in (p.value, p.median)])
        title = sec.text(m.name) + (f" ({sec.text(m.unit)})" if m.unit else "")
        out.append(
            [
                Paragraph(title, s.h3),
                trend_chart(m, CONTENT_WIDTH, s.small.fontSize),
                Spacer(1, s.body_size * 0.6),
                sec.grid(
                    s,
                    ["Year", "This council", "Region median"],
                    [
                        [
                            sec.text(p.period),
                            figure(p.value, m.unit, places),
                            figure(p.median, m.unit, places)
                            + (f" (of {p.councils})" if p.median is not None else ""),
                        ]
                        for p in m.points
                    ],
                    [0.3, 0.3, 0.4],
                ),
            ]
        )
    return out


def story(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> list[Flowable]:
    """The council briefing after its title: the summary page, then the detail."""
    out: list[Flowable] = [*summary_page(s, f, today, since), PageBreak()]
    out += sec.section(s, "Intelligence", intelligence(s, f.notes))
    out += sec.section(s, "Key contacts", [sec.contacts_table(s, f.contacts)])
    out += sec.section(
        s, "Peer challenge and review history", [sec.engagements_table(s, f.engagements)]
    )
    out += sec.section(
        s, "Self-assessment and local account", [sec.assessments_table(s, f.assessments)]
    )
    out += sec.section(s, "Support offers taken up", [sec.support_table(s, f.support)])
    out += sec.section(s, "Open actions", [sec.actions_table(s, f.open_actions, today)])
    return out + sec.section(s, "Performance", performance(s, f.metric_series))


def council_section(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> list[Flowable]:
    """A regional briefing's page for one council with something to report."""
    return [
        PageBreak(),
        Paragraph(sec.text(f.council.name), s.h1),
        Paragraph(profile(f.council), s.small),
        Spacer(1, s.body_size * 0.4),
        summary(s, f, today, since),
        *sec.section(s, "Key contacts", [sec.contacts_table(s, f.contacts)]),
        # Its key concerns in full, most serious first: the council briefing has the rest.
        *sec.section(s, "Key concerns", intelligence(s, f.notes)),
    ]
