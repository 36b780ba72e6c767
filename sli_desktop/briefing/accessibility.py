"""What a briefing PDF carries for a person using a screen reader, a magnifier or the outline
panel (issue 22, docs/ACCESSIBILITY.md):

- an outline (bookmarks) of its sections, from the headings as they were laid out, shown when
  the file opens;
- ``DisplayDocTitle``, so the viewer's title bar names the briefing, not the file;
- the language (``/Lang en-GB``, set by document.render) and a reading order with the body
  before the page furniture (the furniture is drawn when each page ends).

Not a tagged PDF: ReportLab's open-source edition writes no marked content (no BDC/EMC with
MCIDs), which a structure tree needs on every text run, and rebuilding that afterwards would
mean guessing which drawn strings form which heading or cell. docs/ACCESSIBILITY.md says what
a reader who needs tags gets instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import Fit
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph

#: Paragraph style name -> outline level (styles.py names its headings so).
HEADING_LEVELS = {"title": 0, "h1": 0, "h2": 1, "h3": 2}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    page: int  # from 0
    top: float  # points from the bottom of the page


class OutlinedDocTemplate(BaseDocTemplate):
    """A document template that notes each heading where it lands, for ``finish``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headings: list[Heading] = []

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        if not isinstance(flowable, Paragraph):
            return
        level = HEADING_LEVELS.get(flowable.style.name)
        text = " ".join(flowable.getPlainText().split())
        if level is None or not text:
            return
        # Where the frame's cursor is: reportlab keeps it private (typeshed too).
        top = float(self.frame._y + getattr(flowable, "height", 0))  # type: ignore[attr-defined]
        self.headings.append(Heading(text, level, self.page - 1, top))


def finish(pdf: bytes, headings: list[Heading]) -> bytes:
    """``pdf`` with its outline and viewer preferences; everything else as it was."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    parents: list[Any] = []
    for heading in headings:
        level = min(heading.level, len(parents))  # an outline never skips a level
        item = writer.add_outline_item(
            title=heading.text,
            page_number=heading.page,
            parent=parents[level - 1] if level else None,
            fit=Fit.xyz(top=heading.top),
        )
        parents = [*parents[:level], item]
    preferences = writer.create_viewer_preferences()
    preferences.display_doctitle = True  # type: ignore[assignment]  # pypdf types it as property
    if headings:
        writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
