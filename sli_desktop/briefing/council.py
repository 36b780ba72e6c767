"""The council visit briefing, and the council section a regional briefing repeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable, PageBreak, Paragraph

from ..domain import (
    Action,
    ConcernLevel,
    Contact,
    Council,
    Engagement,
    EngagementStatus,
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
from ..vault.briefings import BriefingSources
from ..vault.coverage import Assignments
from ..vault.engagements import Engagements
from ..vault.overview import CONCERN_WINDOW, CONTACT_LEADER, KEY_ROLES
from ..vault.store import Vault
from . import sections as sec
from .charts import MetricRow, metric_chart, metric_rows
from .document import CONTENT_WIDTH
from .styles import Sheet

TAKEN_UP = (SupportStatus.TAKEN_UP, SupportStatus.COMPLETED)


@dataclass(frozen=True)
class CouncilFacts:
    """Everything one council's briefing shows, already cleared for sharing."""

    council: Council
    concern: ConcernLevel
    notes: list[Note]
    concern_notes: list[Note]
    contacts: list[Contact]
    engagements: list[Engagement]
    next_engagement: Engagement | None
    open_actions: list[Action]
    overdue: int
    support: list[SupportOffer]
    metrics: list[Metric] = field(default_factory=list)
    metric_rows: list[MetricRow] = field(default_factory=list)
    withheld: int = 0
    min_concern: ConcernLevel = ConcernLevel.NONE
    #: the council's single point of contact on the day of the briefing
    adviser: Coverage | None = None
    #: the latest self-assessment and local account, where recorded
    assessments: list[Assessment] = field(default_factory=list)

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
        ]


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


def next_engagement(engagements: Sequence[Engagement]) -> Engagement | None:
    upcoming = [
        e
        for e in engagements
        if not e.status.is_terminal and e.status.step <= EngagementStatus.ON_SITE.step
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
    engagements: Sequence[Engagement] | None = None,
    min_concern: ConcernLevel = ConcernLevel.NONE,
) -> CouncilFacts:
    """``notes``: the council's shareable notes when the caller already has them (a regional
    briefing fetches a whole region's at once); they must reach back a year for the concern.
    ``engagements``: likewise. ``min_concern``: print only notes at this level or above (a
    regional page per council)."""
    sources = BriefingSources(vault)
    code = the_council.gss_code
    everyone = sources.contacts(code)
    key_contacts = [c for c in everyone if any(r in c.role.lower() for r in KEY_ROLES)]
    if engagements is None:
        engagements = Engagements(vault).list(council=code)
    if notes is None:
        window = today - CONCERN_WINDOW
        start = min(since, window) if since else None
        notes = sources.notes([code], start, ceiling)
    shown = [
        n
        for n in notes
        if (since is None or n.date >= since) and n.concern.rank >= min_concern.rank
    ]
    concern, concern_notes = concern_of(notes, today)
    hidden = sources.hidden_note_ids([code], ceiling)
    actions = [a for a in sources.open_actions(code) if a.note_id not in hidden]
    rows: list[MetricRow] = []
    metrics = sources.metrics([code]) if with_metrics else []
    if metrics:
        region = sources.region_metrics(
            the_council.region.value, sorted({m.metric_id for m in metrics})
        )
        rows = metric_rows(metrics, region)
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
        metric_rows=rows,
        withheld=sources.withheld([code], since, ceiling),
        min_concern=min_concern,
        adviser=Assignments(vault).for_region(the_council.region, today).principal_adviser,
        assessments=list(Assessments(vault).latest(code).values()),
    )


def engagement_line(e: Engagement | None) -> str:
    if e is None:
        return "None planned"
    when = sec.long_date(e.start) if e.start else "dates to be agreed"
    return f"{sec.text(e.type.label)}, {when} ({sec.text(e.status.value)})"


def adviser_line(a: Coverage | None) -> str:
    if a is None:
        return "None recorded"
    return sec.text(" · ".join(part for part in (a.person, a.email, a.phone) if part))


def profile(c: Council) -> str:
    bits = [c.type.value.capitalize(), c.region.value]
    if c.population:
        bits.append(f"population {c.population:,}")
    if c.political_control:
        bits.append(f"{c.political_control} control")
    return sec.text(", ".join(bits))


def flags(c: Council, today: date) -> str:
    found = []
    if c.improvement_board:
        since = (
            f" since {sec.short_date(c.improvement_board_since)}"
            if c.improvement_board_since
            else ""
        )
        found.append(f"Improvement board{since}")
    if c.control_changed_on and (today - c.control_changed_on).days <= 365:
        found.append(f"Change of political control on {sec.short_date(c.control_changed_on)}")
    return sec.text("; ".join(found)) if found else "None"


def summary(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> Flowable:
    actions = f"{len(f.open_actions)} open"
    if f.overdue:
        actions += f", <font color='#d4351c'><b>{f.overdue} overdue</b></font>"
    window = f"since {sec.long_date(since)}" if since else "all recorded"
    if f.min_concern is not ConcernLevel.NONE:
        window = f"{f.min_concern.value} concern or above, {window}"
    rows = [
        ("Concern level", sec.concern_mark(f.concern)),
        ("Flags", flags(f.council, today)),
        ("Principal adviser", adviser_line(f.adviser)),
        ("Next engagement", engagement_line(f.next_engagement)),
        ("Open actions", actions),
        ("Intelligence", f"{len(f.notes)} notes ({window})"),
    ]
    if f.withheld:
        rows.append(("Withheld", f"{f.withheld} notes above this briefing's marking"))
    unaware = sec.unaware_serious(f.notes)
    if unaware:
        rows.append(
            (
                "Action",
                f"<font color='#d4351c'><b>{CONTACT_LEADER}</b></font>: {len(unaware)} serious "
                "concern(s) the council is not yet aware are being shared",
            )
        )
    return sec.summary_box(s, rows)


def intelligence(s: Sheet, notes: Sequence[Note]) -> list[sec.Block]:
    if not notes:
        return [sec.none_recorded(s, "No intelligence recorded for this period.")]
    return [sec.note_block(s, n) for n in notes]


def story(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> list[Flowable]:
    """The council briefing after its cover."""
    out: list[Flowable] = [Paragraph("Summary", s.h1), summary(s, f, today, since)]
    out += sec.section(s, "Key contacts", [sec.contacts_table(s, f.contacts)])
    out += sec.section(s, "Intelligence", intelligence(s, f.notes))
    out += sec.section(
        s, "Peer challenge and review history", [sec.engagements_table(s, f.engagements)]
    )
    out += sec.section(
        s, "Self-assessment and local account", [sec.assessments_table(s, f.assessments)]
    )
    out += sec.section(s, "Support offers taken up", [sec.support_table(s, f.support)])
    out += sec.section(s, "Open actions", [sec.actions_table(s, f.open_actions, today)])
    performance: Flowable = sec.none_recorded(s, "No performance figures recorded.")
    if f.metric_rows:
        performance = metric_chart(f.metric_rows, CONTENT_WIDTH, s.small.fontSize)
    return out + sec.section(s, "Performance", [performance])


def council_section(s: Sheet, f: CouncilFacts, today: date, since: date | None) -> list[Flowable]:
    """A regional briefing's page for one council of concern."""
    return [
        PageBreak(),
        Paragraph(sec.text(f.council.name), s.h1),
        Paragraph(profile(f.council), s.small),
        summary(s, f, today, since),
        *sec.section(s, "Key contacts", [sec.contacts_table(s, f.contacts)]),
        *sec.section(s, "Intelligence", intelligence(s, f.notes)),
    ]
