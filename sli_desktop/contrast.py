"""WCAG 2.2 contrast arithmetic, shared by the window (gui/theme.py) and the briefings
(briefing/accessibility.py): colours as "#rrggbb", no Qt and no reportlab, so both can use it
and tests can check either against the same numbers (docs/ACCESSIBILITY.md)."""

from __future__ import annotations

from collections.abc import Iterable

#: WCAG 2.2 success criteria 1.4.3 (text) and 1.4.11 (graphics, focus indicators).
TEXT_MINIMUM = 4.5
GRAPHICS_MINIMUM = 3.0

RGB = tuple[int, int, int]


def rgb(colour: str) -> RGB:
    """``#rgb`` or ``#rrggbb`` as three 0-255 integers."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a colour: {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_colour(value: tuple[float, float, float]) -> str:
    """Rounded and clamped to 0-255: ``mix`` hands it fractions."""
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(c))) for c in value))


def luminance(colour: str) -> float:
    """Relative luminance as WCAG defines it (sRGB, gamma removed)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(first: str, second: str) -> float:
    """The contrast ratio of two colours, 1 to 21, whichever is lighter."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def mix(colour: str, towards: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0-1) of the way to ``towards``."""
    a, b = rgb(colour), rgb(towards)
    red, green, blue = (x + (y - x) * amount for x, y in zip(a, b, strict=True))
    return hex_colour((red, green, blue))


def readable(colour: str, backgrounds: Iterable[str], minimum: float = TEXT_MINIMUM) -> str:
    """``colour``, darkened or lightened just enough to reach ``minimum`` against every
    background, so its hue (and meaning) survives on light and dark themes alike."""
    grounds = list(backgrounds)
    if not grounds or all(ratio(colour, g) >= minimum for g in grounds):
        return colour
    darkest = min(luminance(g) for g in grounds)
    lightest = max(luminance(g) for g in grounds)
    # Text on light grounds goes darker, on dark grounds lighter.
    target = "#000000" if lightest > 0.18 or darkest > 0.18 else "#ffffff"
    for step in range(1, 21):
        candidate = mix(colour, target, step / 20)
        if all(ratio(candidate, g) >= minimum for g in grounds):
            return candidate
    return target
