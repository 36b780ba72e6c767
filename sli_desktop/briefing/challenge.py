"""The peer challenge team pack: what the visiting team needs, and only what it may see.

The team needs each other's details, the dates and the timetable on site, the council's key
documents (its latest self-assessment or local account, an Improvement Board's terms of
engagement), and what earlier challenges found. Peers come from other councils, so the pack
carries only intelligence the council knows is being shared (``council_aware``), never private
notes, and nothing above the pack's marking: OFFICIAL unless OFFICIAL-SENSITIVE is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.platypus import Flowable, Paragraph

from ..domain import Challenge, Contact, Council, Document, ImprovementBoard, Note
from ..domain.improvement import Assessment, year_label
from ..domain.timetable import TimetableEntry
from ..formats import NONE, heading_date
from . import sections as sec
from .council import flags, profile
from .styles import Sheet


@dataclass(frozen=True)
class KeyDocument:
    what: str
    detail: str
    where: str


@dataclass(frozen=True)
class ScopeParts:
    """The engagement's scope, with the venue and timetable an adviser wrote into it before
    challenges had fields for them."""

    venue: str
    timetable: list[tuple[str, str]]
    text: str


def scope_parts(scope: str) -> ScopeParts:
    """A line 'Venue: …' names where the team meets; lines after 'Timetable:' (up to a blank
    line) are its programme, each 'when: what' or 'when – what'. The rest is the scope.
    Challenges recorded before the venue and timetable fields carried them so; they are read
    this way where the fields are empty rather than moved by a migration, which would rewrite
    every such challenge on every device at once (one edit each, racing in sync)."""
    venue = ""
    timetable: list[tuple[str, str]] = []
    rest: list[str] = []
    in_timetable = False
    for line in scope.splitlines():
        stripped = line.strip()
        low = stripped.lower()
        if low.startswith("venue:"):
            venue = stripped[6:].strip()
            in_timetable = False
            continue
        if low.startswith("timetable:"):
            in_timetable = True
            first = stripped[10:].strip()
            if first:
                timetable.append(_session(first))
            continue
        if in_timetable and stripped:
            timetable.append(_session(stripped.lstrip("-•* ")))
            continue
        in_timetable = False
        rest.append(line)
    return ScopeParts(venue, timetable, "\n".join(rest).strip())


def _session(line: str) -> tuple[str, str]:
    for sep in (": ", " – ", " - "):
        when, found, what = line.partition(sep)
        if found and when.strip() and what.strip():
            return when.strip(), what.strip()
    return "", line


def team_notes(notes: Sequence[Note]) -> list[Note]:
    return [n for n in notes if n.council_aware]


def past(history: Sequence[Challenge], current: Challenge, today: date) -> list[Challenge]:
    """Earlier challenges and reviews that have happened: never this one, nor one to come."""
    return [
        h
        for h in history
        if h.id != current.id
        and h.status.has_happened
        and (h.start is None or h.start <= today)
        and (current.start is None or h.start is None or h.start < current.start)
    ]


def key_documents(
    assessments: Sequence[Assessment],
    boards: Sequence[tuple[ImprovementBoard, list[Document]]],
) -> list[KeyDocument]:
    out = []
    for a in sorted(assessments, key=lambda x: x.type.value, reverse=True):
        where = a.link or ("Held in the vault" if a.document_id else "Ask the council")
        out.append(
            KeyDocument(a.type.label, f"{year_label(a.year)}, {sec.short_date(a.date)}", where)
        )
    for board, documents in boards:
        agreed = (
            f"agreed {sec.short_date(board.terms_agreed_on)}"
            if board.terms_agreed_on
            else "not yet agreed"
        )
        names = ", ".join(d.filename for d in documents) or "No copy held"
        out.append(KeyDocument("Improvement Board terms of engagement", agreed, names))
    return out


def timetable(e: Challenge) -> list[tuple[str, str]]:
    """Each day on site, then the feedback and report dates where recorded."""
    rows: list[tuple[str, str]] = []
    if e.start:
        last = e.end or e.start
        days = (last - e.start).days + 1
        for i in range(days):
            day = e.start + timedelta(days=i)
            what = "On site: arrival, introductions and interviews" if i == 0 else "On site"
            if i == days - 1 and days > 1:
                what = "On site: findings and feedback to the council"
            rows.append((sec.text(f"{day:%A}") + f" {sec.long_date(day)}", what))
    if e.report_date:
        rows.append((sec.long_date(e.report_date), "Report to the council"))
    return rows


def _recorded_timetable(s: Sheet, entries: Sequence[TimetableEntry]) -> Flowable:
    """Day, time, what: each day named once, on its first entry, as a printed programme."""
    rows = []
    last = None
    for entry in entries:
        day = f"<b>{sec.text(heading_date(entry.day))}</b>" if entry.day != last else ""
        at = f"{entry.at:%H:%M}" if entry.at else NONE
        rows.append([day, at, sec.text(entry.what)])
        last = entry.day
    return sec.grid(s, ["Day", "Time", "What"], rows, [0.4, 0.12, 0.48])


def _timetable_block(s: Sheet, e: Challenge, parts: ScopeParts) -> Flowable:
    if e.timetable:
        return _recorded_timetable(s, e.timetable)
    days = [(sec.text(a), sec.text(b)) for a, b in parts.timetable] or timetable(e)
    if not days:
        return sec.none_recorded(s, "Dates to be agreed.")
    return sec.grid(s, ["When", "What"], [list(d) for d in days], [0.4, 0.6])


def _team_table(s: Sheet, e: Challenge, contacts: dict[str, Contact]) -> Flowable:
    if not e.team:
        return sec.none_recorded(s, "No peers named yet.")
    rows = []
    for p in e.team:
        c = contacts.get(p.name)
        organisation = p.organisation or (c.organisation if c else "")
        rows.append(
            [
                f"<b>{sec.text(p.name)}</b><br/>{sec.text(p.role.value.capitalize())}",
                sec.text(organisation or "—"),
                sec.contact_cell(c.emails, c.phones) if c else "—",
            ]
        )
    return sec.grid(
        s, ["Peer and role", "Organisation", "E-mail and phone"], rows, [0.32, 0.26, 0.42]
    )


def _history_table(s: Sheet, earlier: Sequence[Challenge]) -> Flowable:
    if not earlier:
        return sec.none_recorded(s, "No earlier peer challenge or review has taken place.")
    rows = []
    for h in earlier:
        when = sec.short_date(h.start) + (f" to {sec.short_date(h.end)}" if h.end else "")
        outcome = "<br/>".join(f"• {sec.text(r)}" for r in h.recommendations[:6]) or (
            "Report " + sec.short_date(h.report_date) if h.report_date else "No outcome recorded"
        )
        rows.append([f"<b>{sec.text(h.type.label)}</b><br/>{when}", outcome])
    return sec.grid(
        s, ["Peer challenge or review", "Outcome and recommendations"], rows, [0.36, 0.64]
    )


def story(
    s: Sheet,
    e: Challenge,
    council: Council,
    contacts: Sequence[Contact],
    team_contacts: dict[str, Contact],
    history: Sequence[Challenge],
    documents: Sequence[KeyDocument],
    notes: Sequence[Note],
    today: date,
    since: date | None,
) -> list[Flowable]:
    when = sec.long_date(e.start) + (f" to {sec.long_date(e.end)}" if e.end else "")
    parts = scope_parts(e.scope)  # an older challenge wrote its venue and timetable here
    where = sec.text(e.venue or parts.venue).replace("\n", "<br/>")
    out: list[Flowable] = [
        Paragraph("The peer challenge", s.h2),
        sec.summary_box(
            s,
            [
                ("Council", f"<b>{sec.text(council.name)}</b>"),
                ("Peer challenge", sec.text(e.type.label)),
                ("On site", when if e.start else "Dates to be agreed"),
                ("Venue", where or "Not recorded yet"),
                ("Status", sec.text(e.status.value)),
                ("Team", sec.plural(len(e.team), "peer")),
            ],
        ),
    ]
    out += sec.section(s, "The team", [_team_table(s, e, team_contacts)])
    out += sec.section(s, "Timetable", [_timetable_block(s, e, parts)])
    scope = [p for p in parts.text.split("\n\n") if p.strip()]
    out += sec.section(
        s,
        "Scope",
        [sec.para(sec.text(p).replace("\n", "<br/>"), s.body) for p in scope]
        or [sec.none_recorded(s, "The scope has not been recorded yet.")],
    )
    out += sec.section(
        s,
        "Key documents",
        [
            sec.grid(
                s,
                ["Document", "Year or status", "Where to read it"],
                [[sec.text(d.what), sec.text(d.detail), sec.text(d.where)] for d in documents],
                [0.4, 0.25, 0.35],
            )
            if documents
            else sec.none_recorded(s, "No self-assessment, local account or terms recorded.")
        ],
    )
    out += [
        *sec.section(
            s,
            "Council profile",
            [
                sec.summary_box(
                    s,
                    [
                        ("Council", sec.text(council.name)),
                        ("Profile", profile(council)),
                        ("Flags", flags(council, today)),
                    ],
                )
            ],
        ),
        *sec.section(s, "Previous peer challenges and reviews", [_history_table(s, history)]),
        *sec.section(s, "Key contacts at the council", [sec.contacts_table(s, contacts)]),
    ]
    intro = Paragraph(
        "Only intelligence that the council knows is being shared with the team, and that this "
        "pack's marking allows, is included"
        + (f", from {sec.long_date(since)} onwards." if since else "."),
        s.small,
    )
    cleared: list[sec.Block] = [sec.note_block(s, n) for n in notes] or [
        sec.none_recorded(s, "No intelligence cleared for the team.")
    ]
    return out + sec.section(s, "Intelligence the team may see", [intro, *cleared])
