"""What the adviser's day starts with (the window's Today view): her councils ranked by
concern, what is overdue, what is coming in the next 30 days, drafts to finish, notes due for
review and when she last synced.

Read-only, and cheap on a large vault: notes are read once, grouped in SQL over the last
year (the index on date), and only the councils in scope are loaded
(docs/PERFORMANCE.md, "Cold start").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from ..domain import (
    Action,
    Challenge,
    ConcernLevel,
    Council,
    ImprovementBoard,
    Note,
    Region,
)
from .coverage import Assignments
from .identity import former_names
from .notes import Notes
from .overview import CONCERN_WINDOW
from .store import Vault
from .syncstate import SyncState

#: How far ahead "coming up" looks.
AHEAD = timedelta(days=30)
#: At most this many notes due for review are listed (the count says how many there are).
REVIEW_LIMIT = 20
#: Notes due for review are counted up to this many ("1,000 or more"): an old vault has tens
#: of thousands due, and counting them all would cost more than the rest of Today together.
DUE_COUNTED = 1000


class Scope(StrEnum):
    """Whose councils Today ranks, in the order they are tried."""

    COVERED = "covered"  # regions the adviser covers (who covers what), today
    REGIONS = "regions"  # regions this device is enrolled for on the sync server
    ALL = "all"  # neither is known: every council


@dataclass(frozen=True)
class Event:
    """Something on a day: a peer challenge or review starting, or a board meeting."""

    on: date
    what: str
    council: str  # GSS code
    council_name: str
    kind: str  # the record kind it lives in: "engagement" or "improvement-board"
    record_id: str


@dataclass(frozen=True)
class CouncilRow:
    council: Council
    #: the highest concern among its complete notes of the last year (drafts never count)
    concern: ConcernLevel
    #: the date of its latest complete note of the last year
    latest_note: date | None
    next_event: Event | None
    overdue: int
    #: a serious concern the council has not been told is shared (contact the leader)
    serious_unaware: bool = False


@dataclass(frozen=True)
class Today:
    day: date
    scope: Scope
    regions: list[Region]
    councils: list[CouncilRow]
    overdue: list[Action]
    upcoming: list[Event]
    drafts: list[Note]
    due_for_review: list[Note]
    due_count: int
    last_synced: str | None
    names: dict[str, str] = field(default_factory=dict)

    def council_name(self, gss: str | None) -> str:
        return self.names.get(gss or "", gss or "")


def rank_key(row: CouncilRow) -> tuple[int, int, str]:
    """Highest concern first, then the most recent note, then by name."""
    recency = row.latest_note.toordinal() if row.latest_note else 0
    return (-row.concern.rank, -recency, row.council.name.lower())


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def my_regions(vault: Vault, me: Sequence[str], day: date) -> tuple[Scope, list[Region]]:
    """The regions the adviser covers today (by her name, or one she used before, in who
    covers what), else those the device is enrolled for, else none (meaning every council)."""
    wanted = {_folded(name) for name in me if name.strip()}
    covered: list[Region] = []
    if wanted:
        for cover in Assignments(vault).list(on=day):
            if _folded(cover.person) in wanted:
                covered += [r for r in cover.regions if r not in covered]
    if covered:
        return Scope.COVERED, covered
    enrolled = SyncState(vault).get("regions")
    if enrolled:
        regions = list(_regions(json.loads(enrolled)))
        if regions:
            return Scope.REGIONS, regions
    return Scope.ALL, []


def _regions(values: Iterable[str]) -> Iterable[Region]:
    for value in values:
        try:
            yield Region(value)
        except ValueError:
            continue


def today(vault: Vault, day: date | None = None, me: str | None = None) -> Today:
    """Everything Today shows, for ``me`` (default: the vault's adviser, under her name now
    or any she used before) on ``day``."""
    day = day or vault.now().date()
    names = [vault.actor, *former_names(vault)] if me is None else [me]
    scope, regions = my_regions(vault, names, day)
    if regions:
        marks = ",".join("?" * len(regions))
        councils = vault.records(
            Council, f"deleted = 0 AND region IN ({marks})", [r.value for r in regions]
        )
    else:
        councils = vault.records(Council, "deleted = 0")
    titles = {c.gss_code: c.display_name for c in councils}
    mine = set(titles)

    concern, latest = _concern(vault, day, mine)
    overdue = [
        a
        for a in vault.records(
            Action,
            "deleted = 0 AND status = 'open' AND due < ?",
            (day.isoformat(),),
            order="due, seq",
        )
        if a.council in mine
    ]
    events = [e for e in _events(vault, day, titles) if e.council in mine]
    upcoming = [e for e in events if e.on <= day + AHEAD]
    first_event: dict[str, Event] = {}
    for event in events:
        first_event.setdefault(event.council, event)
    overdue_by: dict[str, int] = {}
    for action in overdue:
        overdue_by[action.council or ""] = overdue_by.get(action.council or "", 0) + 1
    unaware = _serious_unaware(vault) & mine

    rows = sorted(
        (
            CouncilRow(
                council=c,
                concern=concern.get(c.gss_code, ConcernLevel.NONE),
                latest_note=latest.get(c.gss_code),
                next_event=first_event.get(c.gss_code),
                overdue=overdue_by.get(c.gss_code, 0),
                serious_unaware=c.gss_code in unaware,
            )
            for c in councils
        ),
        key=rank_key,
    )
    due, due_count = _due(vault, day)
    return Today(
        day=day,
        scope=scope,
        regions=regions,
        councils=rows,
        overdue=overdue,
        upcoming=upcoming,
        drafts=Notes(vault).drafts(),
        due_for_review=due,
        due_count=due_count,
        last_synced=vault.meta("last_synced"),
        names=titles,
    )


def data_version(vault: Vault) -> int:
    """A number that changes when another connection (a pull or an import on a worker) has
    committed since this one last asked (SQLite's ``data_version``). SQLite then drops this
    connection's whole page cache, so reading Today back costs decrypting its pages again: the
    window has a worker read it instead (gui/views/today.py)."""
    return int(vault.scalar("PRAGMA data_version"))


def _serious_unaware(vault: Vault) -> set[str]:
    """Councils with a complete serious concern they have not been told is shared; the
    condition is written out literally so the partial index notes_serious_unaware serves it."""
    unaware = "deleted = 0 AND concern = 'serious' AND council_aware = 0"
    candidates = vault.query(f"SELECT DISTINCT council FROM notes WHERE {unaware}")
    # A draft never counts: each candidate needs one complete note, found by the same index.
    return {
        str(gss)
        for (gss,) in candidates
        if vault.scalar(
            f"SELECT 1 FROM notes WHERE council = ? AND {unaware} AND draft = 0 LIMIT 1", (gss,)
        )
    }


def _due(vault: Vault, day: date) -> tuple[list[Note], int]:
    """The oldest notes due for review and how many are due (counted to DUE_COUNTED), by the
    Notes view's own rule. Oldest first rather than by review date, so the date index answers
    without sorting every due note."""
    where, params = Notes(vault).due_where(day)
    first = vault.records(Note, where, params, order="date, seq", limit=REVIEW_LIMIT)
    counted = vault.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM notes WHERE {where} LIMIT {DUE_COUNTED})", params
    )
    return first, int(counted or 0)


def _concern(
    vault: Vault, day: date, councils: set[str]
) -> tuple[dict[str, ConcernLevel], dict[str, date]]:
    """Each council's highest concern and latest date among its complete notes of the last
    year: one grouped pass over the date index."""
    rows: Sequence[tuple[str, str, str]] = vault.query(
        "SELECT council, concern, max(date) FROM notes "
        "WHERE deleted = 0 AND draft = 0 AND date >= ? GROUP BY council, concern",
        ((day - CONCERN_WINDOW).isoformat(),),
    )
    concern: dict[str, ConcernLevel] = {}
    latest: dict[str, date] = {}
    for gss, value, newest in rows:
        if gss not in councils:
            continue
        level = ConcernLevel(value)
        if gss not in concern or level.rank > concern[gss].rank:
            concern[gss] = level
        on = date.fromisoformat(newest)
        if gss not in latest or on > latest[gss]:
            latest[gss] = on
    return concern, latest


def _events(vault: Vault, day: date, names: dict[str, str]) -> list[Event]:
    """Peer challenges and reviews starting, and board meetings, from ``day`` on, soonest
    first."""
    found: list[Event] = []
    for engagement in vault.records(Challenge, "deleted = 0 AND start >= ?", (day.isoformat(),)):
        if engagement.status.is_terminal or engagement.start is None:
            continue
        found.append(
            Event(
                on=engagement.start,
                what=engagement.type.label,
                council=engagement.council,
                council_name=names.get(engagement.council, engagement.council),
                kind=Challenge.kind,
                record_id=engagement.id,
            )
        )
    for board in vault.records(ImprovementBoard, "deleted = 0"):
        for meeting in board.meetings:
            if meeting >= day:
                found.append(
                    Event(
                        on=meeting,
                        what="Improvement Board meeting",
                        council=board.council,
                        council_name=names.get(board.council, board.council),
                        kind=ImprovementBoard.kind,
                        record_id=board.id,
                    )
                )
                break
    return sorted(found, key=lambda e: (e.on, e.council_name, e.what))
