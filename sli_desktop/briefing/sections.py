"""Flowables every kind of briefing shares: cover, summary box, tables, and a note as read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeAlias
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..domain import (
    Action,
    Challenge,
    ConcernLevel,
    Contact,
    Council,
    Note,
    SupportOffer,
)
from ..domain.improvement import Assessment, year_label
from ..formats import long_date as long_date
from ..formats import plural as plural
from ..formats import short_date as short_date
from . import fonts, typeset
from .document import CONTENT_WIDTH
from .styles import CONCERN_COLOURS, MUTED, PANEL, RULE, Sheet

#: Tables set a cell font even when every cell is a paragraph; without this it is Helvetica,
#: which would sit in the PDF unembedded.
FONT_ALL = ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)


def text(value: object) -> str:
    """User text made safe for reportlab's paragraph mark-up."""
    return escape(str(value))


def concern_mark(level: ConcernLevel) -> str:
    colour = CONCERN_COLOURS[level.value].hexval()[2:]
    label = "No\u00a0concern" if level is ConcernLevel.NONE else level.value.capitalize()
    return f'<font color="#{colour}"><b>{label}</b></font>'


def para(markup: str, style: ParagraphStyle, room: float = CONTENT_WIDTH) -> Paragraph:
    """A paragraph whose addresses break only at natural points (typeset.py)."""
    return Paragraph(typeset.fit(markup, style.fontSize, room), style)


def title_block(
    s: Sheet,
    kind: str,
    heading: str,
    subheading: str,
    marking: str,
    facts: Sequence[tuple[str, str]],
) -> list[Flowable]:
    """The top of page one: what this is, about whom, for whom and by whom, and how to handle
    it, in a few lines, so that the summary under it is what the reader meets first."""
    line = " · ".join(f"<b>{text(k)}:</b> {v}" for k, v in facts)
    handling = (
        f"Marked <b>{text(marking)}</b>: shared in confidence, for the named recipient only. "
        "Do not copy or forward it; destroy it securely when no longer needed."
    )
    return [
        Paragraph(text(kind).upper(), s.label),
        para(text(heading), s.title),
        para(subheading, s.subtitle),
        Spacer(1, s.body_size * 0.4),
        para(line, s.small),
        para(handling, s.small),
        Spacer(1, s.body_size * 0.3),
    ]


def panel(s: Sheet, content: list[Flowable], width: float = CONTENT_WIDTH) -> Table:
    box = Table([[content]], colWidths=[width], hAlign="LEFT")
    pad = s.body_size * 0.9
    box.setStyle(
        TableStyle(
            [
                FONT_ALL,
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("LINEBEFORE", (0, 0), (0, -1), 4, MUTED),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.5),
            ]
        )
    )
    return box


def summary_box(s: Sheet, rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value pairs on the panel grey. One table of rows, not a table in a panel, so
    that in large print a long summary continues on the next page rather than jumping there
    whole and leaving page one empty."""
    pad = s.body_size * 0.9
    room = CONTENT_WIDTH * 0.65 - pad
    box = Table(
        [[Paragraph(text(k), s.label), para(v, s.body, room)] for k, v in rows],
        colWidths=[CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.7],
        hAlign="LEFT",
    )
    box.setStyle(
        TableStyle(
            [
                FONT_ALL,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("LINEBEFORE", (0, 0), (0, -1), 4, MUTED),
                ("LEFTPADDING", (0, 0), (0, -1), pad),
                ("LEFTPADDING", (1, 0), (1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, 0), pad * 0.8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.6),
            ]
        )
    )
    return box


def grid(
    s: Sheet, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> Table:
    """A ruled table with a repeating header; cells are paragraph mark-up."""
    pad = max(2.5, s.body_size * 0.25)
    size = s.cell.fontSize
    given = [CONTENT_WIDTH * w for w in widths]
    needs = [
        max(
            typeset.widest_word(cell, size, given[i] - pad * 1.5)
            for cell in [text(h), *(r[i] for r in rows)]
        )
        + pad * 1.5
        for i, h in enumerate(header)
    ]
    cols = typeset.balance(given, needs)
    rooms = [c - pad * 1.5 for c in cols]
    data = [
        [
            Paragraph(typeset.fit(text(h), size, r), s.cell_bold)
            for h, r in zip(header, rooms, strict=True)
        ]
    ]
    data += [
        [Paragraph(typeset.fit(cell, size, r), s.cell) for cell, r in zip(row, rooms, strict=True)]
        for row in rows
    ]
    table = Table(data, colWidths=cols, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                FONT_ALL,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad * 1.5),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ]
        )
    )
    return table


def none_recorded(s: Sheet, what: str) -> Paragraph:
    return Paragraph(f"<i>{text(what)}</i>", s.small)


Block: TypeAlias = "Flowable | list[Flowable]"


def section(s: Sheet, title: str, content: Sequence[Block]) -> list[Flowable]:
    """A heading kept on the same page as the first thing under it. A list in ``content``
    is a block kept together (KeepTogethers do not nest well, so blocks are flattened)."""
    blocks = [item if isinstance(item, list) else [item] for item in content]
    first, *rest = blocks
    return [
        CondPageBreak(s.body_size * 8),
        KeepTogether([Paragraph(text(title), s.h2), *first]),
        *(KeepTogether(block) for block in rest),
    ]


def contact_cell(emails: Sequence[str], phones: Sequence[str]) -> str:
    """E-mail addresses over phone numbers in one cell: wide enough in large print for an
    address to break only after its "@" and a number to stay whole."""
    lines = [text(e) for e in emails] + [typeset.phone(p) for p in phones]
    return "<br/>".join(lines) or "—"


def contacts_table(s: Sheet, contacts: Sequence[Contact]) -> Flowable:
    if not contacts:
        return none_recorded(s, "No contacts recorded.")
    return grid(
        s,
        ["Name", "Role", "E-mail and phone"],
        [
            [
                f"<b>{text(c.name)}</b>",
                text(c.role or c.organisation or "—"),
                contact_cell(c.emails, c.phones),
            ]
            for c in contacts
        ],
        [0.3, 0.28, 0.42],
    )


def unaware_serious(notes: Sequence[Note]) -> list[Note]:
    """Serious concerns the council has not been told are being shared: each asks the
    principal adviser to contact the leader or chief executive."""
    return [n for n in notes if n.concern is ConcernLevel.SERIOUS and not n.council_aware]


def note_block(s: Sheet, note: Note, council: Council | None = None) -> list[Flowable]:
    """One piece of intelligence as an adviser reads it: title, when and how serious, the
    text, its themes and evidence, and whether the council knows it is being shared."""
    meta = [short_date(note.date), text(note.source.value)]
    if council is not None:
        meta.insert(0, text(council.display_name))
    if note.concern is not ConcernLevel.NONE:
        meta.append(f"Concern: {concern_mark(note.concern)}")
    meta.append(text(note.marking.value))
    parts: list[Flowable] = [
        Paragraph(text(note.title), s.h3),
        Paragraph(" · ".join(meta), s.small),
        Spacer(1, s.body_size * 0.3),
    ]
    for chunk in [p for p in note.body.split("\n\n") if p.strip()]:
        parts.append(para(text(chunk.strip()).replace("\n", "<br/>"), s.body))
    # One paragraph, not a table: a regional briefing sets hundreds of these.
    details = []
    if note.themes:
        details.append(f"<b>Themes:</b> {text(', '.join(note.themes))}")
    if note.evidence:
        details.append(f"<b>Evidence:</b> {text('; '.join(note.evidence))}")
    if note.is_good_practice:
        details.append("<b>Good practice</b>")
        if note.outcome:
            details.append(f"<b>Outcome:</b> {text(note.outcome)}")
        if note.contact:
            details.append(f"<b>Contact:</b> {text(note.contact)}")
    aware = "yes" + (f", on {short_date(note.council_aware_on)}" if note.council_aware_on else "")
    details.append(f"<b>Council aware:</b> {aware if note.council_aware else 'no'}")
    parts += [para("<br/>".join(details), s.small), Spacer(1, s.body_size * 0.6)]
    return parts  # kept together by ``section``; a note taller than a page still breaks


def engagements_table(
    s: Sheet, engagements: Sequence[Challenge], names: dict[str, str] | None = None
) -> Flowable:
    if not engagements:
        return none_recorded(s, "No peer challenges or reviews recorded.")
    header = ["Peer challenge or review", "On site", "Status", "Report"]
    widths = [0.42, 0.26, 0.16, 0.16]
    rows = []
    for e in engagements:
        label = text(e.type.label)
        if names is not None:
            label = f"<b>{text(names.get(e.council, e.council))}</b><br/>{label}"
        when = short_date(e.start) + (f" – {short_date(e.end)}" if e.end else "")
        rows.append([label, when, text(e.status.value), short_date(e.report_date)])
    return grid(s, header, rows, widths)


def support_table(s: Sheet, offers: Sequence[SupportOffer]) -> Flowable:
    if not offers:
        return none_recorded(s, "No support offers taken up.")
    return grid(
        s,
        ["Support", "Status", "Offered", "Days used"],
        [
            [
                text(o.type.value.capitalize())
                + (
                    f"<br/><font color='#505a5f'>{text(o.details[:300])}</font>"
                    if o.details
                    else ""
                ),
                text(o.status.value),
                short_date(o.offered_on) if o.offered_on else text(o.year or "—"),
                f"{o.days_used:g} of {o.days_offered:g}" if o.days_offered else "—",
            ]
            for o in offers
        ],
        [0.46, 0.16, 0.2, 0.18],
    )


def actions_table(s: Sheet, actions: Sequence[Action], today: date) -> Flowable:
    if not actions:
        return none_recorded(s, "No open actions.")
    return grid(
        s,
        ["Action", "Owner", "Due"],
        [
            [
                text(a.title),
                text(a.owner or "—"),
                (
                    f"<font color='#d4351c'><b>{short_date(a.due)} (overdue)</b></font>"
                    if a.is_overdue(today)
                    else short_date(a.due)
                ),
            ]
            for a in actions
        ],
        [0.58, 0.2, 0.22],
    )


def assessments_table(s: Sheet, assessments: Sequence[Assessment]) -> Flowable:
    """The council's latest self-assessment (children's services) and local account (adult
    social care): its year and date, where to read it, and the adviser's summary."""
    if not assessments:
        return none_recorded(s, "No self-assessment or local account recorded.")
    rows = []
    for a in sorted(assessments, key=lambda x: x.type.value, reverse=True):
        where = text(a.link) if a.link else ("Document held in the vault" if a.document_id else "—")
        rows.append(
            [
                f"<b>{text(a.type.label)}</b><br/>{text(year_label(a.year))}, {short_date(a.date)}",
                where,
                text(a.summary[:1500]) or "—",
            ]
        )
    return grid(s, ["Kind", "Where to read it", "Adviser's summary"], rows, [0.28, 0.34, 0.38])
