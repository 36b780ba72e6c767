"""The peer challenge team pack: what the visiting team needs, and only what it may see.

Peers come from other councils, so the pack carries only intelligence the council knows is
being shared (``council_aware``), never private notes, and nothing above the pack's marking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable, Paragraph

from ..domain import Contact, Council, Engagement, Note
from . import sections as sec
from .council import flags, profile
from .styles import Sheet


def team_notes(notes: Sequence[Note]) -> list[Note]:
    return [n for n in notes if n.council_aware]


def story(
    s: Sheet,
    e: Engagement,
    council: Council,
    contacts: Sequence[Contact],
    history: Sequence[Engagement],
    notes: Sequence[Note],
    today: date,
    since: date | None,
) -> list[Flowable]:
    when = sec.long_date(e.start) + (f" to {sec.long_date(e.end)}" if e.end else "")
    out: list[Flowable] = [
        Paragraph("The peer challenge", s.h1),
        sec.summary_box(
            s,
            [
                ("Council", f"<b>{sec.text(council.name)}</b>"),
                ("Peer challenge", sec.text(e.type.label)),
                ("On site", when if e.start else "Dates to be agreed"),
                ("Status", sec.text(e.status.value)),
                ("Team", f"{len(e.team)} peers"),
            ],
        ),
    ]
    scope = [p for p in e.scope.split("\n\n") if p.strip()]
    out += sec.section(
        s,
        "Scope",
        [Paragraph(sec.text(p).replace("\n", "<br/>"), s.body) for p in scope]
        or [sec.none_recorded(s, "The scope has not been recorded yet.")],
    )
    team: Flowable = sec.none_recorded(s, "No peers named yet.")
    if e.team:
        team = sec.grid(
            s,
            ["Name", "Role", "Organisation"],
            [
                [
                    f"<b>{sec.text(p.name)}</b>",
                    sec.text(p.role.value),
                    sec.text(p.organisation or "—"),
                ]
                for p in e.team
            ],
            [0.32, 0.3, 0.38],
        )
    out += [
        *sec.section(s, "The team", [team]),
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
        *sec.section(
            s,
            "Previous peer challenges and reviews",
            [sec.engagements_table(s, [h for h in history if h.id != e.id])],
        ),
        *sec.section(s, "Key contacts", [sec.contacts_table(s, contacts)]),
    ]
    intro = Paragraph(
        "Only intelligence that the council knows is being shared with the team is included"
        + (f", from {sec.long_date(since)} onwards." if since else "."),
        s.small,
    )
    cleared: list[sec.Block] = [sec.note_block(s, n) for n in notes] or [
        sec.none_recorded(s, "No intelligence cleared for the team.")
    ]
    return out + sec.section(s, "Intelligence the team may see", [intro, *cleared])
