"""Performance metrics as trends: the council's figure for every year imported, beside the
median of its region's councils for the same year, one small chart per metric.

Everything is placed by measuring the text at the size it is drawn, so a chart fits the width
it is given at ordinary and large print alike and no two labels overprint (issue 23). Lines
and markers meet 3:1 contrast and text 4.5:1 (styles.py); each chart is followed by a table of
the same figures, for a reader who cannot see the chart.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..domain import Metric
from . import fonts
from .styles import ACCENT, INK, MEDIAN, MUTED, RULE

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class Point:
    period: str
    value: float | None  # the council's figure; None when it has none that year
    median: float | None
    councils: int  # how many councils the median is taken over


@dataclass(frozen=True)
class MetricSeries:
    metric_id: str
    name: str
    unit: str
    points: list[Point]

    @property
    def latest(self) -> Point:
        return next(p for p in reversed(self.points) if p.value is not None)


def metric_series(
    council_metrics: Sequence[Metric], region_metrics: Sequence[Metric]
) -> list[MetricSeries]:
    """Each metric the council has, over every period it or its region has a figure for."""
    mine: dict[str, dict[str, Metric]] = defaultdict(dict)
    for m in council_metrics:
        mine[m.metric_id][m.period] = m
    region: dict[tuple[str, str], list[float]] = defaultdict(list)
    for m in region_metrics:
        region[(m.metric_id, m.period)].append(m.value)
    out = []
    for metric_id in sorted(mine):
        own = mine[metric_id]
        periods = sorted(set(own) | {p for (mid, p) in region if mid == metric_id})
        points = []
        for period in periods:
            values = region.get((metric_id, period), [])
            points.append(
                Point(
                    period,
                    own[period].value if period in own else None,
                    statistics.median(values) if values else None,
                    len(values),
                )
            )
        latest = own[max(own)]
        out.append(MetricSeries(metric_id, latest.name, latest.unit, points))
    return out


def decimals(values: Sequence[float | None]) -> int:
    """One decimal place for every figure of a series when any needs it, so 98% and 98.6%
    never sit side by side."""
    return int(any(v is not None and abs(v) < 100 and v != int(v) for v in values))


def figure(value: float | None, unit: str, places: int | None = None) -> str:
    if value is None:
        return "—"
    if places is None:
        places = decimals([value])
    text = f"{value:,.{places}f}"
    if unit in ("%", "percent"):
        return f"{text}%"
    if unit in ("£", "GBP"):
        return f"£{text}"
    return f"{text} {unit}".strip()


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round numbers spanning ``low`` to ``high``."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _width(text: str, size: float, font: str = fonts.REGULAR) -> float:
    return float(stringWidth(text, font, size))


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    colour: Color = INK,
    anchor: Anchor = "start",
    font: str = fonts.REGULAR,
) -> String:
    return String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)


def spread_labels(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights moved apart by at least ``gap``, kept between ``low`` and ``high``."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [wanted[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    overflow = placed[-1] - high if placed else 0.0
    if overflow > 0:
        placed = [p - overflow for p in placed]
    for i in range(len(placed)):
        placed[i] = max(placed[i], low + i * gap)
    out = [0.0] * len(wanted)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


def trend_chart(series: MetricSeries, width: float, size: float) -> Drawing:
    """The council's line (solid, round markers) and the region median (dashed, square
    markers) over the years, labelled at their latest values; fits ``width`` exactly."""
    points = series.points
    values = [v for p in points for v in (p.value, p.median) if v is not None]
    low, high = min(values), max(values)
    if low >= 0 and low < high * 0.6:
        low = 0.0
    ticks = _ticks(low, high)
    low, high = ticks[0], ticks[-1]
    unit = series.unit
    gap = size * 0.5
    # The legend, on one line if it fits, else two.
    council_key, median_key = "This council", "Region median"
    swatch = size * 2.2
    key_w = [swatch + gap + _width(k, size) for k in (council_key, median_key)]
    legend_rows = 1 if sum(key_w) + size * 2 <= width else 2
    legend_h = legend_rows * size * 1.5
    places = decimals([v for p in points for v in (p.value, p.median)])
    axis_w = max(_width(figure(t, unit, decimals(ticks)), size) for t in ticks) + gap
    end_labels = [
        (series.latest.value, ACCENT),
        (next((p.median for p in reversed(points) if p.median is not None), None), MEDIAN),
    ]
    end_w = (
        max(_width(figure(v, unit, places), size, fonts.SEMIBOLD) for v, _ in end_labels) + gap * 2
    )
    x0, x1 = axis_w, width - end_w
    plot_h = max(size * 9, width * 0.24)
    y0 = size * 2.4  # room for the year labels, clear of the lowest axis figure
    y1 = y0 + plot_h
    height = y1 + size * 0.8 + legend_h
    d = Drawing(width, height)

    def y_of(v: float) -> float:
        return y0 + (v - low) / (high - low) * plot_h

    n = len(points)
    step = (x1 - x0) / (n - 1) if n > 1 else 0.0

    def x_of(i: int) -> float:
        return x0 + i * step if n > 1 else (x0 + x1) / 2

    for t in ticks:
        y = y_of(t)
        d.add(Line(x0, y, x1, y, strokeColor=RULE, strokeWidth=0.5))
        d.add(
            _text(x0 - gap, y - size * 0.35, figure(t, unit, decimals(ticks)), size, MUTED, "end")
        )
    # Year labels: as many as fit without touching, always the first and the latest.
    label_w = max(_width(p.period, size) for p in points) + gap
    every = max(1, math.ceil(label_w / step)) if n > 1 else 1
    shown = {i for i in range(0, n, every)} | {n - 1}
    if n > 1 and (n - 1) % every and (n - 1) - max(i for i in shown if i < n - 1) < every:
        shown.discard(max(i for i in shown if i < n - 1))
    for i in sorted(shown):
        anchor: Anchor = "middle"
        x = x_of(i)
        if n > 1 and i == 0 and x - label_w / 2 < 0:
            anchor = "start"
        if n > 1 and i == n - 1 and x + label_w / 2 > width:
            anchor = "end"
        d.add(_text(x, y0 - size * 1.75, points[i].period, size, MUTED, anchor))

    def draw(getter: str, colour: Color, dashed: bool) -> None:
        run: list[float] = []
        for i, p in enumerate(points):
            v = getattr(p, getter)
            if v is None:
                continue
            run += [x_of(i), y_of(v)]
            m = size * 0.32
            if dashed:
                w = 2 * m
                # typeshed types Rect's keywords as one dict (its Unpack is missing).
                square = Rect(x_of(i) - m, y_of(v) - m, w, w, fillColor=colour, strokeColor=None)  # type: ignore[arg-type]
                d.add(square)
            else:
                d.add(Circle(x_of(i), y_of(v), m * 1.1, fillColor=colour, strokeColor=None))
        if len(run) >= 4:
            d.add(
                PolyLine(
                    run,
                    strokeColor=colour,
                    strokeWidth=max(1.5, size * 0.16),
                    # None is a solid line to reportlab; typeshed leaves None out.
                    strokeDashArray=[size * 0.5, size * 0.3] if dashed else None,  # type: ignore[arg-type]
                )
            )

    draw("median", MEDIAN, True)
    draw("value", ACCENT, False)
    # Latest values at the right-hand end, moved apart so they never overprint.
    wanted = [y_of(v) - size * 0.35 if v is not None else y0 for v, _ in end_labels]
    placed = spread_labels(wanted, size * 1.15, 0.0, y1 - size * 0.7)
    for (v, colour), y in zip(end_labels, placed, strict=True):
        if v is not None:
            d.add(_text(x1 + gap, y, figure(v, unit, places), size, colour, font=fonts.SEMIBOLD))
    # The legend, above the plot.
    top = height - size * 1.1
    x = 0.0
    for row, (key, colour, dashed) in enumerate(
        ((council_key, ACCENT, False), (median_key, MEDIAN, True))
    ):
        y = top - (row * size * 1.5 if legend_rows == 2 else 0)
        if legend_rows == 2:
            x = 0.0
        d.add(
            Line(x, y + size * 0.3, x + swatch, y + size * 0.3, strokeColor=colour,
                 strokeWidth=max(1.5, size * 0.16),
                 # None is a solid line to reportlab; typeshed leaves None out.
                 strokeDashArray=[size * 0.5, size * 0.3] if dashed else None)  # type: ignore[arg-type]
        )  # fmt: skip
        d.add(_text(x + swatch + gap, y, key, size))
        x += key_w[row] + size * 2
    return d
