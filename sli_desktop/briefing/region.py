"""The regional briefing: every council on a line, most serious concern first; corporate peer
challenge coverage; then a page for each council of concern."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, Paragraph, Spacer

from ..domain import ConcernLevel, Council, Engagement, EngagementKind, Note, Region
from ..vault.engagements import PROGRAMME_START, RegionCoverage
from ..vault.overview import CONTACT_LEADER
from . import sections as sec
from .council import CouncilFacts, concern_of, council_section, engagement_line, next_engagement
from .styles import Sheet

OF_CONCERN = (ConcernLevel.SERIOUS, ConcernLevel.HIGH)
#: A council's page in a regional briefing prints the notes that explain the concern; the
#: council briefing has the rest.
SECTION_MIN_CONCERN = ConcernLevel.MEDIUM


@dataclass(frozen=True)
class CouncilLine:
    council: Council
    concern: ConcernLevel
    next_engagement: Engagement | None
    notes: list[Note]
    concern_notes: list[Note]
    engagements: list[Engagement]

    @property
    def of_concern(self) -> bool:
        return self.concern in OF_CONCERN


def lines(
    councils: Sequence[Council],
    notes: Sequence[Note],
    engagements: Sequence[Engagement],
    today: date,
) -> list[CouncilLine]:
    """One line per council, ordered by concern (serious first) and then by name."""
    by_council: dict[str, list[Note]] = defaultdict(list)
    for n in notes:
        by_council[n.council].append(n)
    plans: dict[str, list[Engagement]] = defaultdict(list)
    for e in engagements:
        plans[e.council].append(e)
    out = []
    for c in councils:
        level, setters = concern_of(by_council[c.gss_code], today)
        out.append(
            CouncilLine(
                council=c,
                concern=level,
                next_engagement=next_engagement(plans[c.gss_code]),
                notes=by_council[c.gss_code],
                concern_notes=setters,
                engagements=plans[c.gss_code],
            )
        )
    out.sort(key=lambda line: (-line.concern.rank, line.council.name.lower()))
    return out


def overview_table(s: Sheet, rows: Sequence[CouncilLine]) -> Flowable:
    if not rows:
        return sec.none_recorded(s, "No councils in this region.")
    return sec.grid(
        s,
        ["Council", "Concern", "Next engagement"],
        [
            [
                f"<b>{sec.text(r.council.name)}</b>",
                sec.concern_mark(r.concern),
                engagement_line(r.next_engagement),
            ]
            for r in rows
        ],
        [0.38, 0.16, 0.46],
    )


def coverage_block(
    s: Sheet,
    coverage: RegionCoverage | None,
    corporate: Sequence[Engagement],
    names: dict[str, str],
) -> list[Flowable]:
    out: list[Flowable] = []
    if coverage is None:
        out.append(
            sec.none_recorded(
                s, "Corporate peer challenge coverage is counted for English regions."
            )
        )
    else:
        share = f"{coverage.had / coverage.councils:.0%}" if coverage.councils else "—"
        out.append(
            sec.summary_box(
                s,
                [
                    ("Councils", str(coverage.councils)),
                    (
                        "Had a challenge",
                        f"{coverage.had} ({share}) since {sec.long_date(PROGRAMME_START)}",
                    ),
                    ("Booked", str(coverage.booked)),
                    ("Being discussed", str(coverage.discussing)),
                    ("None yet", str(coverage.none)),
                ],
            )
        )
    planned = [
        e for e in corporate if e.type is EngagementKind.CORPORATE and not e.status.is_terminal
    ]
    if planned:
        out += [Spacer(1, s.body_size), Paragraph("Open corporate peer challenges", s.h3)]
        out.append(sec.engagements_table(s, planned, names))
    return out


def unaware_notes(rows: Sequence[CouncilLine]) -> list[Note]:
    """Serious concerns in the region the council has not been told are being shared."""
    return [n for r in rows for n in sec.unaware_serious(r.notes)]


def adviser_actions(s: Sheet, rows: Sequence[CouncilLine]) -> list[Flowable]:
    """What the principal adviser must do: contact the leader or chief executive of every
    council with a serious concern it is not yet aware is being shared."""
    found = [(r.council, n) for r in rows for n in sec.unaware_serious(r.notes)]
    if not found:
        return []
    table = sec.grid(
        s,
        ["Council", "Serious concern", "Recorded", "Action"],
        [
            [
                f"<b>{sec.text(c.name)}</b>",
                sec.text(n.title),
                sec.short_date(n.date),
                f"{CONTACT_LEADER}: the council is not yet aware this is being shared",
            ]
            for c, n in found
        ],
        [0.24, 0.32, 0.14, 0.30],
    )
    return sec.section(s, "Actions for the principal adviser", [table])


def story(
    s: Sheet,
    region: Region,
    rows: Sequence[CouncilLine],
    coverage: RegionCoverage | None,
    engagements: Sequence[Engagement],
    sections: Sequence[CouncilFacts],
    today: date,
    since: date | None,
) -> list[Flowable]:
    names = {r.council.gss_code: r.council.name for r in rows}
    counts: dict[ConcernLevel, int] = defaultdict(int)
    for r in rows:
        counts[r.concern] += 1
    tally = ", ".join(
        f"{counts[level]} {level.value}" for level in reversed(ConcernLevel) if counts[level]
    )
    out: list[Flowable] = [
        Paragraph("Councils in the region", s.h1),
        Paragraph(
            f"{len(rows)} councils in {sec.text(region.value)}"
            + (f": {tally} concern" if tally else "")
            + ". Councils with serious or high concerns come first.",
            s.body,
        ),
        overview_table(s, rows),
        *adviser_actions(s, rows),
        *sec.section(
            s, "Corporate peer challenge coverage", coverage_block(s, coverage, engagements, names)
        ),
    ]
    for facts in sections:
        out += council_section(s, facts, today, since)
    return out
