"""The page: A4, the protective marking at top and bottom, "Page N of M", who it was prepared
for and by and when, and the recipient's name as a light watermark. Rendered into memory."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from . import fonts
from .dates import short_date
from .styles import ACCENT, INK, MUTED, RULE

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X


@dataclass(frozen=True)
class PageInfo:
    """What every page says about the document. Metadata carries no note text: the title is
    the kind and scope, the subject the marking and recipient."""

    title: str
    running_head: str
    subject: str
    marking: str
    prepared_for: str
    prepared_by: str
    prepared_on: date
    furniture_size: float  # the size of header and footer text (≥ body size in large print)

    @property
    def prepared_by_line(self) -> str:
        return f"Prepared by {self.prepared_by} on {short_date(self.prepared_on)}"


@dataclass(frozen=True)
class Furniture:
    """Where the header and footer sit; the frame takes what is left. Scales with the text."""

    size: float
    marking_size: float
    top_marking: float
    top_line: float
    top_rule: float
    bottom_marking: float
    bottom_line: float
    bottom_rule: float

    @classmethod
    def for_size(cls, size: float) -> Furniture:
        ms = max(size * 1.1, 10.0)
        top_marking = PAGE_HEIGHT - 9 * mm - ms * 0.75
        top_line = top_marking - ms * 0.45 - size * 1.25
        bottom_marking = 9 * mm
        bottom_line = bottom_marking + ms * 1.15 + 1 * mm
        return cls(
            size=size,
            marking_size=ms,
            top_marking=top_marking,
            top_line=top_line,
            top_rule=top_line - size * 0.45 - 1 * mm,
            bottom_marking=bottom_marking,
            bottom_line=bottom_line,
            bottom_rule=bottom_line + size + 1 * mm,
        )

    @property
    def frame_top(self) -> float:
        return float(self.top_rule - 6 * mm)

    @property
    def frame_bottom(self) -> float:
        return float(self.bottom_rule + 5 * mm)


def _draw_furniture(canvas: Canvas, info: PageInfo, f: Furniture) -> None:
    size = f.size
    canvas.saveState()
    if info.prepared_for:  # the watermark first, so everything else sits on top of it
        canvas.setFillColor(ACCENT)
        canvas.setFillAlpha(0.06)
        canvas.setFont(fonts.BOLD, 34)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(52)
        canvas.drawCentredString(0, 0, info.prepared_for)
        canvas.drawCentredString(0, -44, info.prepared_on.isoformat())
        canvas.restoreState()
        canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(fonts.BOLD, f.marking_size)
    canvas.drawCentredString(PAGE_WIDTH / 2, f.top_marking, info.marking)
    canvas.drawCentredString(PAGE_WIDTH / 2, f.bottom_marking, info.marking)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_X, f.top_rule, PAGE_WIDTH - MARGIN_X, f.top_rule)
    canvas.line(MARGIN_X, f.bottom_rule, PAGE_WIDTH - MARGIN_X, f.bottom_rule)
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.REGULAR, size)
    if info.prepared_for:
        canvas.drawString(MARGIN_X, f.top_line, _fit(canvas, info.running_head, size, 0.48))
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X,
            f.top_line,
            _fit(canvas, f"Prepared for {info.prepared_for}", size, 0.5),
        )
    else:
        canvas.drawString(MARGIN_X, f.top_line, _fit(canvas, info.running_head, size, 1.0))
    canvas.drawString(MARGIN_X, f.bottom_line, _fit(canvas, info.prepared_by_line, size, 0.72))
    canvas.restoreState()


def _fit(canvas: Canvas, text: str, size: float, share: float) -> str:
    """Shorten ``text`` with an ellipsis to fit ``share`` of the content width."""
    room = CONTENT_WIDTH * share
    if canvas.stringWidth(text, fonts.REGULAR, size) <= room:
        return text
    while text and canvas.stringWidth(text + "…", fonts.REGULAR, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _numbered_canvas(furniture: Furniture) -> type[Canvas]:
    """A canvas that holds its pages back until the end so each can say "Page N of M"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._page_number(total)
                super().showPage()
            super().save()

        def _page_number(self, total: int) -> None:
            self.saveState()
            self.setFillColor(MUTED)
            self.setFont(fonts.SEMIBOLD, furniture.size)
            self.drawRightString(
                PAGE_WIDTH - MARGIN_X, furniture.bottom_line, f"Page {self._pageNumber} of {total}"
            )
            self.restoreState()

    return NumberedCanvas


def render(story: list[Flowable], info: PageInfo) -> tuple[bytes, int]:
    """The finished PDF and its page count, built entirely in memory."""
    fonts.register()
    furniture = Furniture.for_size(info.furniture_size)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=PAGE_HEIGHT - furniture.frame_top,
        bottomMargin=furniture.frame_bottom,
        title=info.title,
        author=info.prepared_by,
        subject=info.subject,
        creator="SLI Desktop",
        initialFontName=fonts.REGULAR,  # not Helvetica, which would sit in the file unembedded
        keywords=info.marking,
        lang="en-GB",
    )
    frame = Frame(
        MARGIN_X,
        furniture.frame_bottom,
        CONTENT_WIDTH,
        furniture.frame_top - furniture.frame_bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="page",
                frames=[frame],
                onPage=lambda c, _d: _draw_furniture(c, info, furniture),
            )
        ]
    )
    doc.build(story, canvasmaker=_numbered_canvas(furniture))
    return buffer.getvalue(), doc.page
