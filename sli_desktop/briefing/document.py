"""The page: A4, the protective marking at top and bottom, "Page N of M", who it was prepared
for and by and when, and the recipient's name as a light watermark. Rendered into memory."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, PageTemplate

from . import fonts
from .accessibility import OutlinedDocTemplate, finish
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
    author: str = ""  # the adviser's name alone, for the PDF's metadata

    @property
    def header_lines(self) -> list[str]:
        """The running head and "Prepared for …": side by side when both fit, else each on
        its own line, wrapped rather than cut short (issue 23)."""
        return _header_lines(self)

    @property
    def footer_lines(self) -> list[str]:
        """ "Prepared by …" wrapped to leave room for "Page N of M"."""
        return _wrap(self.prepared_by_line, self.furniture_size, CONTENT_WIDTH * 0.72)

    @property
    def prepared_by_line(self) -> str:
        when = short_date(self.prepared_on).replace(" ", "\u00a0")  # never split a date
        return f"Prepared by {self.prepared_by} on {when}"


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

    header_rows: int = 1
    footer_rows: int = 1

    @classmethod
    def for_size(cls, size: float, header_rows: int = 1, footer_rows: int = 1) -> Furniture:
        """``top_line`` is the first header line and ``bottom_line`` the last footer line;
        further lines sit below and above them, one leading apart."""
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
            top_rule=top_line - (header_rows - 1) * size * LEADING - size * 0.45 - 1 * mm,
            bottom_marking=bottom_marking,
            bottom_line=bottom_line,
            bottom_rule=bottom_line + (footer_rows - 1) * size * LEADING + size + 1 * mm,
            header_rows=header_rows,
            footer_rows=footer_rows,
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
    header = info.header_lines
    if len(header) == 2 and _side_by_side(info):
        canvas.drawString(MARGIN_X, f.top_line, header[0])
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, f.top_line, header[1])
    else:
        for i, line in enumerate(header):
            canvas.drawString(MARGIN_X, f.top_line - i * size * LEADING, line)
    footer = info.footer_lines
    for i, line in enumerate(footer):
        y = f.bottom_line + (len(footer) - 1 - i) * size * LEADING
        canvas.drawString(MARGIN_X, y, line)
    canvas.restoreState()


#: Line spacing of wrapped header and footer lines, as a multiple of their size.
LEADING = 1.25


def _width(text: str, size: float) -> float:
    return float(stringWidth(text, fonts.REGULAR, size))


def _wrap(text: str, size: float, room: float) -> list[str]:
    """``text`` in lines no wider than ``room``, broken between words."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _width(f"{lines[-1]} {word}", size) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _side_by_side(info: PageInfo) -> bool:
    size = info.furniture_size
    gap = size * 2
    return bool(info.prepared_for) and (
        _width(info.running_head, size) + gap + _width(f"Prepared for {info.prepared_for}", size)
        <= CONTENT_WIDTH
    )


def _header_lines(info: PageInfo) -> list[str]:
    size = info.furniture_size
    parts = [info.running_head]
    if info.prepared_for:
        parts.append(f"Prepared for {info.prepared_for}")
    if _side_by_side(info):
        return parts
    return [line for part in parts for line in _wrap(part, size, CONTENT_WIDTH)]


def _numbered_canvas(furniture: Furniture) -> type[Canvas]:
    """A canvas that holds its pages back until the end so each can say "Page N of M"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            # reportlab's own way to begin a page without emitting one; typeshed omits it.
            self._startPage()  # type: ignore[attr-defined]

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
                PAGE_WIDTH - MARGIN_X,
                furniture.bottom_line,
                f"Page {self.getPageNumber()} of {total}",
            )
            self.restoreState()

    return NumberedCanvas


def render(story: list[Flowable], info: PageInfo) -> tuple[bytes, int]:
    """The finished PDF and its page count, built entirely in memory."""
    fonts.register()
    furniture = Furniture.for_size(
        info.furniture_size,
        header_rows=1 if _side_by_side(info) else len(info.header_lines),
        footer_rows=len(info.footer_lines),
    )
    buffer = io.BytesIO()
    doc = OutlinedDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=PAGE_HEIGHT - furniture.frame_top,
        bottomMargin=furniture.frame_bottom,
        title=info.title,
        author=info.author or info.prepared_by,
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
                # At the end of the page, so the body comes first in reading order.
                onPageEnd=lambda c, _d: _draw_furniture(c, info, furniture),
            )
        ]
    )
    doc.build(story, canvasmaker=_numbered_canvas(furniture))
    return finish(buffer.getvalue(), doc.headings), doc.page
