"""What happens next with a council: peer challenges and reviews not yet over, and Improvement
Board meetings, in date order. One list, so "Next engagement" never says "None planned" while
a board meets next week (issue 23)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain import Challenge, ChallengeStatus, ImprovementBoard


@dataclass(frozen=True)
class Upcoming:
    council: str
    on: date | None  # None: a challenge being discussed, dates to be agreed
    until: date | None
    what: str
    status: str

    @property
    def sort_key(self) -> tuple[int, date]:
        return (0, self.on) if self.on else (1, date.max)


def upcoming(
    engagements: Sequence[Challenge],
    boards: Sequence[ImprovementBoard],
    today: date,
    within: timedelta | None = None,
    undated: bool = True,
) -> list[Upcoming]:
    """Challenges still to come or on site, and board meetings from ``today``, soonest first;
    ``within`` keeps only what starts by then; ``undated`` keeps challenges without dates."""
    horizon = today + within if within is not None else None
    out: list[Upcoming] = []
    for e in engagements:
        if e.status.is_terminal or e.status.step > ChallengeStatus.ON_SITE.step:
            continue
        last = e.end or e.start
        if last is not None and last < today:
            continue  # its dates have passed; the schedule has not caught up
        if e.start is None and not undated:
            continue
        out.append(Upcoming(e.council, e.start, e.end, e.type.label, e.status.value))
    for b in boards:
        if not b.is_active(today):
            continue
        for meeting in b.meetings:
            if meeting >= today:
                out.append(Upcoming(b.council, meeting, None, "Improvement Board meeting", ""))
    if horizon is not None:
        out = [u for u in out if u.on is None or u.on <= horizon]
    return sorted(out, key=lambda u: u.sort_key)
