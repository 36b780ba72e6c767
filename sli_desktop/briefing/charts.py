"""Performance metrics as paired bars: the council beside its region's median, per metric."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String

from ..domain import Metric
from . import fonts
from .styles import ACCENT, ACCENT_LIGHT, INK, MUTED, RULE


@dataclass(frozen=True)
class MetricRow:
    name: str
    period: str
    unit: str
    value: float
    median: float | None
    councils: int  # how many councils the median is taken over


def metric_rows(
    council_metrics: Sequence[Metric], region_metrics: Sequence[Metric]
) -> list[MetricRow]:
    """Each metric's latest period for the council, with the region median for that period."""
    latest: dict[str, Metric] = {}
    for m in council_metrics:
        if m.metric_id not in latest or m.period > latest[m.metric_id].period:
            latest[m.metric_id] = m
    by_key: dict[tuple[str, str], list[float]] = defaultdict(list)
    for m in region_metrics:
        by_key[(m.metric_id, m.period)].append(m.value)
    rows = []
    for metric_id in sorted(latest):
        m = latest[metric_id]
        values = by_key.get((metric_id, m.period), [])
        rows.append(
            MetricRow(
                m.name,
                m.period,
                m.unit,
                m.value,
                statistics.median(values) if values else None,
                len(values),
            )
        )
    return rows


def _figure(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"
    if unit in ("%", "percent"):
        return f"{text}%"
    if unit in ("£", "GBP"):
        return f"£{text}"
    return f"{text} {unit}".strip()


def metric_chart(rows: Sequence[MetricRow], width: float, size: float) -> Drawing:
    """One block per metric: its name, then the council's bar and the median's bar."""
    label_w = width * 0.36
    bar_w = width - label_w - size * 6
    bar_h = size * 1.05
    block = bar_h * 2 + size * 1.6
    legend = size * 2.2
    height = block * len(rows) + legend
    d = Drawing(width, height)
    # Legend
    y = height - size * 1.1
    d.add(Rect(0, y - 1, size, size * 0.8, fillColor=ACCENT, strokeColor=None))
    d.add(
        String(size * 1.4, y, "This council", fontName=fonts.REGULAR, fontSize=size, fillColor=INK)
    )
    x2 = size * 1.4 + size * 8
    d.add(Rect(x2, y - 1, size, size * 0.8, fillColor=ACCENT_LIGHT, strokeColor=None))
    d.add(
        String(
            x2 + size * 1.4,
            y,
            "Region median",
            fontName=fonts.REGULAR,
            fontSize=size,
            fillColor=INK,
        )
    )
    top = height - legend
    for i, row in enumerate(rows):
        y0 = top - i * block
        d.add(Line(0, y0, width, y0, strokeColor=RULE, strokeWidth=0.4))
        d.add(
            String(
                0, y0 - size * 1.35, row.name, fontName=fonts.SEMIBOLD, fontSize=size, fillColor=INK
            )
        )
        d.add(
            String(
                0,
                y0 - size * 2.6,
                row.period,
                fontName=fonts.REGULAR,
                fontSize=size,
                fillColor=MUTED,
            )
        )
        top_value = max(abs(row.value), abs(row.median or 0.0)) or 1.0
        bars = [(row.value, ACCENT, "")]
        if row.median is not None:
            bars.append((row.median, ACCENT_LIGHT, f"  median of {row.councils}"))
        for j, (value, colour, suffix) in enumerate(bars):
            by = y0 - size * 0.5 - (j + 1) * bar_h
            length = max(0.0, value) / top_value * bar_w
            d.add(
                Rect(
                    label_w, by, max(length, 0.8), bar_h * 0.78, fillColor=colour, strokeColor=None
                )
            )
            d.add(
                String(
                    label_w + length + size * 0.4,
                    by + bar_h * 0.16,
                    _figure(value, row.unit) + suffix,
                    fontName=fonts.REGULAR,
                    fontSize=size * 0.92 if size < 16 else size,
                    fillColor=INK,
                )
            )
    return d
