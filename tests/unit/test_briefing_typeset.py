"""Typesetting rules of briefings (issue 23): where words may break, charts that fit their
width at every size with labels apart, and colours that meet WCAG contrast."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.shapes import Drawing, Group, String

from sli_desktop.briefing import fonts, styles, typeset
from sli_desktop.briefing.charts import MetricSeries, Point, spread_labels, trend_chart

fonts.register()


def test_an_address_breaks_after_its_at_then_before_dots() -> None:
    email = "chief.executive.office@newcastle-staffs.gov.uk"
    assert typeset.natural_pieces("a.b@c.uk") == ["a", ".b@", "c", ".uk"]
    lines = typeset.break_word(email, 16, 140)
    assert "".join(lines) == email
    assert lines[0].endswith("@") or lines[0] + lines[1] == email.split("@")[0] + "@"
    for line in lines:
        assert typeset.width_of(line, 16) <= 140 or "." not in line[1:]


def test_a_word_that_fits_is_left_alone_and_markup_survives() -> None:
    markup = "<b>Leader</b> · leader@birmingham.gov.uk · <i>Birmingham</i>"
    assert typeset.fit(markup, 9, 500) == markup
    narrow = typeset.fit(markup, 16, 170)
    assert "<b>Leader</b>" in narrow and "<i>Birmingham</i>" in narrow
    assert "leader@<br/>birmingham.gov.uk" in narrow


def test_a_phone_number_is_held_together() -> None:
    assert typeset.phone("+441213031111") == "0121\u00a0303\u00a01111"
    assert typeset.phone("+19057771234").count(" ") == 0


def test_only_plain_lower_case_words_are_hyphenated() -> None:
    assert list(typeset.hyphenate("Newcastle-under-Lyme")) == []
    assert list(typeset.hyphenate("Birmingham")) == []
    assert ("transforma", "tion") in list(typeset.hyphenate("transformation"))


@given(st.text(alphabet="abc.@/-", min_size=1, max_size=40))
def test_breaking_a_word_never_loses_or_reorders_characters(word: str) -> None:
    assert "".join(typeset.break_word(word, 12, 30)) == word


# -- charts ------------------------------------------------------------------------------------


def strings(node: Drawing | Group) -> list[String]:
    out: list[String] = []
    for item in node.contents:
        if isinstance(item, String):
            out.append(item)
        elif isinstance(item, Group):
            out += strings(item)
    return out


def series(years: int, name: str = "Council tax collected in the year", big: bool = False):
    points = [
        Point(f"{2010 + i}/{(11 + i) % 100:02d}", (1e6 if big else 90.0) + i * 0.7, 95.0 + i, 12)
        for i in range(years)
    ]
    return MetricSeries("ctax", name, "£" if big else "%", points)


@settings(deadline=None, max_examples=40)
@given(
    years=st.integers(min_value=1, max_value=25),
    width=st.floats(min_value=200, max_value=600),
    size=st.sampled_from([7.0, 9.0, 12.0, 16.0, 20.0]),
    big=st.booleans(),
)
def test_a_chart_fits_its_width_at_every_size(
    years: int, width: float, size: float, big: bool
) -> None:
    d = trend_chart(series(years, big=big), width, size)
    x0, y0, x1, y1 = d.getBounds()
    assert x0 >= -0.01 and x1 <= width + 0.01, (x0, x1, width)
    assert y0 >= -0.01 and y1 <= d.height + 0.01


@pytest.mark.parametrize("years", [2, 7, 20])
@pytest.mark.parametrize("size", [9.0, 16.0])
def test_chart_labels_do_not_overprint(years: int, size: float) -> None:
    d = trend_chart(series(years), 480, size)
    boxes = [s.getBounds() for s in strings(d)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


def test_end_labels_close_together_are_moved_apart() -> None:
    placed = spread_labels([100.0, 101.0], 12.0, 0.0, 500.0)
    assert abs(placed[0] - placed[1]) >= 12.0


def test_every_year_is_drawn() -> None:
    s = series(7)
    labels = {x.text for x in strings(trend_chart(s, 480, 9.0))}
    assert {p.period for p in s.points} <= labels


# -- contrast ----------------------------------------------------------------------------------


def ratio(a: str, b: str = "#ffffff") -> float:
    def lum(h: str) -> float:
        h = h.lstrip("#")
        c = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def hexof(colour: object) -> str:
    return "#" + colour.hexval()[2:]  # type: ignore[attr-defined]


@pytest.mark.parametrize("level", list(styles.CONCERN_COLOURS))
def test_concern_text_meets_4_5_to_1_on_white_and_on_the_panel(level: str) -> None:
    colour = hexof(styles.CONCERN_COLOURS[level])
    assert ratio(colour) >= 4.5
    assert ratio(colour, hexof(styles.PANEL)) >= 4.5


def test_chart_lines_meet_3_to_1_and_text_4_5_to_1() -> None:
    for line in (styles.ACCENT, styles.MEDIAN):
        assert ratio(hexof(line)) >= 3.0
    for text in (styles.INK, styles.MUTED, styles.ACCENT, styles.MEDIAN):
        assert ratio(hexof(text)) >= 4.5
