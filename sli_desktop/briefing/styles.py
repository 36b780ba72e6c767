"""Paragraph styles: one sheet, in ordinary or large print (body at 16 pt and above).

Every colour that carries text meets 4.5:1 on white and on the panel grey, and every colour
that draws a bar or line meets 3:1 (WCAG 2.2 1.4.3 and 1.4.11; tests/unit/test_briefing_colours.py).
Paragraphs hyphenate English words with pyphen; addresses and numbers are kept whole by
typeset.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict, Unpack

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from . import fonts, typeset

INK = colors.HexColor("#0b0c0c")
MUTED = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")
PANEL = colors.HexColor("#f3f2f1")
ACCENT = colors.HexColor("#1d4f91")
ACCENT_LIGHT = colors.HexColor("#9bb4d6")
#: The region median in charts: a dark grey that still meets 3:1 beside the accent.
MEDIAN = colors.HexColor("#505a5f")
CONCERN_COLOURS = {
    "serious": colors.HexColor("#b10e1e"),
    "high": colors.HexColor("#bf3019"),
    "medium": colors.HexColor("#a34a00"),
    "low": colors.HexColor("#00703c"),
    "none": colors.HexColor("#505a5f"),
}
ORDINARY_BODY = 10.5
LARGE_BODY = 16.0


class StyleOptions(TypedDict, total=False):
    """What a style in the sheet sets beyond its font and size (reportlab's names)."""

    leading: float
    textColor: Color
    alignment: Literal[0, 1, 2, 4]  # TA_LEFT, TA_CENTER, TA_RIGHT, TA_JUSTIFY
    spaceBefore: float
    spaceAfter: float
    leftIndent: float
    bulletIndent: float
    keepWithNext: int


@dataclass(frozen=True)
class Sheet:
    body_size: float
    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    bullet: ParagraphStyle

    @property
    def scale(self) -> float:
        return self.body_size / ORDINARY_BODY


def sheet(large_print: bool = False) -> Sheet:
    fonts.register()
    size = LARGE_BODY if large_print else ORDINARY_BODY
    # Large print keeps every reading size at or above the body size; ordinary print allows
    # smaller labels.
    small = size if large_print else 9.0
    lead = 1.38
    title = 30.0 if large_print else 22.0

    def style(name: str, font: str, sz: float, **kw: Unpack[StyleOptions]) -> ParagraphStyle:
        options: StyleOptions = {"leading": sz * lead, "textColor": INK, **kw}
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=sz,
            # A function is a language to reportlab (it calls it for each word's hyphens);
            # typeshed allows only a language's name.
            hyphenationLang=typeset.hyphenate,  # type: ignore[arg-type]
            hyphenationMinWordLength=7,  # "Medium", "Leeds" stay whole
            embeddedHyphenation=0,  # "Newcastle-under-Lyme" moves whole to the next line
            uriWasteReduce=0.3,  # a web address breaks after a "/" rather than mid-word
            allowOrphans=0,
            allowWidows=0,
            **options,
        )

    return Sheet(
        body_size=size,
        body=style("body", fonts.REGULAR, size, spaceAfter=size * 0.5, alignment=TA_LEFT),
        small=style("small", fonts.REGULAR, small, textColor=MUTED),
        label=style("label", fonts.SEMIBOLD, small, textColor=MUTED),
        title=style("title", fonts.BOLD, title, leading=title * 1.18, spaceAfter=size * 0.8),
        subtitle=style("subtitle", fonts.REGULAR, size * 1.3, textColor=MUTED),
        h1=style(
            "h1",
            fonts.BOLD,
            size * 1.75,
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.7,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        h2=style(
            "h2",
            fonts.BOLD,
            size * 1.25,
            spaceBefore=size * 0.75,
            spaceAfter=size * 0.4,
            keepWithNext=1,
        ),
        h3=style(
            "h3",
            fonts.BOLD,
            size * 1.05,
            spaceBefore=size * 0.8,
            spaceAfter=size * 0.2,
            keepWithNext=1,
        ),
        cell=style("cell", fonts.REGULAR, small),
        cell_bold=style("cell_bold", fonts.SEMIBOLD, small),
        bullet=style("bullet", fonts.REGULAR, size, leftIndent=size * 1.2, bulletIndent=size * 0.3),
    )
