"""Briefing PDFs for people who use screen readers, magnifiers and the outline panel (issue 22,
docs/ACCESSIBILITY.md): an outline of the sections, the title shown by the viewer, the language
set, the body read before the page furniture, and colours at WCAG's minimums. Real PDFs from a
real vault, read back with pypdf."""

from __future__ import annotations

import io
from datetime import date
from itertools import pairwise

import pytest
from pypdf import PdfReader

from sli_desktop.briefing import BriefingOptions, brief_council, brief_region, styles
from sli_desktop.contrast import GRAPHICS_MINIMUM, TEXT_MINIMUM, ratio
from sli_desktop.domain import Region
from sli_desktop.vault.store import Vault
from tests.integration import briefing_world as w

TODAY = date.today()


@pytest.fixture
def world(councils_vault: Vault) -> w.World:
    return w.build(councils_vault, TODAY)


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) for every entry, depth first."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


@pytest.mark.parametrize("large", [False, True], ids=["ordinary", "large print"])
def test_a_council_briefing_has_an_outline_its_title_and_its_language(
    world: w.World, large: bool
) -> None:
    briefing = brief_council(
        world.vault, w.BHAM, BriefingOptions(recipient="The chair", large_print=large)
    )
    reader = PdfReader(io.BytesIO(briefing.pdf))
    outline = _outline(reader)
    titles = [title for _depth, title, _page in outline]
    assert "Key concerns" in titles and "Intelligence" in titles, titles
    assert outline[0][0] == 0, "the outline starts at its top level"
    depths = [depth for depth, _t, _p in outline]
    assert all(b - a <= 1 for a, b in pairwise(depths)), "no level skipped"
    pages = [page for _d, _t, page in outline]
    assert pages == sorted(pages) and pages[-1] < len(reader.pages)
    # Each entry points at the page its heading is printed on.
    for _depth, title, page in outline:
        assert " ".join(title.split()[:3]) in " ".join(reader.pages[page].extract_text().split())
    root = reader.trailer["/Root"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/PageMode"] == "/UseOutlines"
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None and reader.metadata.title


def test_the_body_is_read_before_the_page_furniture(world: w.World) -> None:
    briefing = brief_region(
        world.vault, Region.WEST_MIDLANDS, BriefingOptions(recipient="The chair")
    )
    for number, page in enumerate(PdfReader(io.BytesIO(briefing.pdf)).pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        assert lines[0] not in ("OFFICIAL", "OFFICIAL-SENSITIVE", "The chair"), lines[:3]
        furniture = next(
            i for i, line in enumerate(lines) if line in ("OFFICIAL", "OFFICIAL-SENSITIVE")
        )
        assert furniture > len(lines) // 2, f"page {number}: the marking comes before the body"
        assert lines[-1].endswith(f"of {len(PdfReader(io.BytesIO(briefing.pdf)).pages)}")


def test_text_and_chart_colours_reach_the_minimums() -> None:
    grounds = ["#ffffff", styles.PANEL.hexval()[2:]]
    texts = {"ink": styles.INK, "muted": styles.MUTED, "accent": styles.ACCENT}
    texts |= {f"concern {k}": v for k, v in styles.CONCERN_COLOURS.items()}
    for name, colour in texts.items():
        for ground in grounds:
            value = "#" + colour.hexval()[2:]
            assert ratio(value, "#" + ground.lstrip("#")) >= TEXT_MINIMUM, (name, value, ground)
    for name, colour in {"council": styles.ACCENT, "median": styles.MEDIAN}.items():
        assert ratio("#" + colour.hexval()[2:], "#ffffff") >= GRAPHICS_MINIMUM, name
