"""Icons, the stylesheet, text size and contrast.

Colours come from the desktop's palette, so light and dark themes are followed; every pair of
text and background colours is then brought to WCAG's 4.5:1 (the desktop's own palette may
fall short: Fusion's white on its selection blue is 3.7:1). The high-contrast theme follows the
desktop's contrast setting or the adviser's choice in Settings. Text follows the desktop's font,
scaled by the Settings choice of 100-200%, and applies at once to every widget, menu and status
bar. See docs/ACCESSIBILITY.md."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from ..contrast import TEXT_MINIMUM, mix, ratio, readable

TEXT_SIZES = (100, 125, 150, 175, 200)
CONTRASTS = ("desktop", "high")  # follow the desktop's setting, or always high contrast

#: The hue of each concern level; the shade shown is made readable on the palette in use.
CONCERN_HUES = {
    "serious": "#b3261e",
    "high": "#c2410c",
    "medium": "#8a5a00",
    "low": "#2f6f4f",
    "none": "",
}


class _ConcernColours(Mapping[str, str]):
    """Each concern level's colour, at 4.5:1 or better on the current palette's backgrounds
    (plain and alternate rows, window). Looked up when drawn, so a theme change applies."""

    def __init__(self) -> None:
        #: The shades worked out for one palette (its cache key): a table asks for a colour
        #: each time it sizes or paints a cell, and each answer is a search over contrasts.
        self._palette_key: int | None = None
        self._shades: dict[str, str] = {}

    def __getitem__(self, level: str) -> str:
        hue = CONCERN_HUES[level]
        if not hue:
            return ""
        palette = QGuiApplication.palette()
        if palette.cacheKey() != self._palette_key:
            self._palette_key, self._shades = palette.cacheKey(), {}
        shade = self._shades.get(level)
        if shade is None:
            shade = self._shades[level] = readable(hue, backgrounds(palette))
        return shade

    def __iter__(self) -> Iterator[str]:
        return iter(CONCERN_HUES)

    def __len__(self) -> int:
        return len(CONCERN_HUES)


CONCERN_COLOURS: Mapping[str, str] = _ConcernColours()


@dataclass(frozen=True)
class Appearance:
    """What the adviser chose on this device: text size in percent, and contrast."""

    text_size: int = 100
    contrast: str = "desktop"

    @classmethod
    def from_settings(cls, settings: QSettings) -> Appearance:
        size = settings.value("text_size", None)
        if size is None:  # the old on/off "Large text" setting
            size = 150 if bool(settings.value("large_text", False, type=bool)) else 100
        try:
            percent = int(size) if isinstance(size, int | float | str | bytes) else 100
        except (TypeError, ValueError):
            percent = 100
        contrast = str(settings.value("contrast", "desktop"))
        return cls(
            text_size=min(max(percent, TEXT_SIZES[0]), TEXT_SIZES[-1]),
            contrast=contrast if contrast in CONTRASTS else "desktop",
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("text_size", self.text_size)
        settings.setValue("contrast", self.contrast)
        settings.remove("large_text")


def icon(name: str) -> QIcon:
    path = resources.files("sli_desktop.resources").joinpath("icons", f"{name}.svg")
    return QIcon(str(path))


def backgrounds(palette: QPalette) -> list[str]:
    """The grounds text is drawn on in views and tables."""
    roles = (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase, QPalette.ColorRole.Window)
    return [palette.color(role).name() for role in roles]


def desktop_wants_high_contrast() -> bool:
    hints = QGuiApplication.styleHints()  # kept: the accessibility hints belong to it
    preference = hints.accessibility().contrastPreference()
    return bool(preference == Qt.ContrastPreference.HighContrast)


def apply(app: QApplication, appearance: Appearance | bool = False) -> None:
    """Palette, font and stylesheet for the whole application, at once: widgets, menus and the
    status bar all take the application font (``QApplication.setFont`` drops per-class fonts)."""
    if isinstance(appearance, bool):  # callers from before the text-size setting
        appearance = Appearance(150 if appearance else 100)
    high = appearance.contrast == "high" or desktop_wants_high_contrast()
    if high:
        app.setPalette(high_contrast_palette())
    else:
        app.setPalette(QPalette())  # an empty palette: the desktop's own, as resolved by Qt
        app.setPalette(readable_palette(app.palette()))
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    scale = appearance.text_size / 100
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * scale)
    else:
        font.setPixelSize(round(font.pixelSize() * scale))
    app.setFont(font)
    app.setStyleSheet(stylesheet(QFont(font), app.palette(), high))


def follow_desktop(app: QApplication, settings: QSettings) -> None:
    """Apply again when the desktop switches between light, dark and high contrast."""
    hints = QGuiApplication.styleHints()

    def again(*_args: object) -> None:
        apply(app, Appearance.from_settings(settings))

    hints.colorSchemeChanged.connect(again)
    hints.accessibility().contrastPreferenceChanged.connect(again)


def stylesheet(font: QFont, palette: QPalette, high_contrast: bool) -> str:
    """app.qss with its sizes made absolute: Qt style sheets take pt or px, not percentages."""
    style = resources.files("sli_desktop.resources").joinpath("app.qss").read_text("utf-8")
    points = font.pointSizeF() if font.pointSizeF() > 0 else font.pixelSize() * 0.75
    style = style.replace("@text-size", f"{points:.1f}pt")
    style = style.replace("@indicator-size", f"{max(13, round(points * 1.4))}px")
    style = style.replace("@title-size", f"{points * 1.5:.1f}pt")
    style = style.replace("@nav-size", f"{points * 1.05:.1f}pt")
    style = style.replace("@error-colour", readable(CONCERN_HUES["serious"], backgrounds(palette)))
    if high_contrast:
        style += (
            resources.files("sli_desktop.resources")
            .joinpath("high-contrast.qss")
            .read_text("utf-8")
        )
    return style


#: (text, background) roles that must reach 4.5:1; the first is moved if they do not.
TEXT_PAIRS = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    (QPalette.ColorRole.LinkVisited, QPalette.ColorRole.Base),
    (QPalette.ColorRole.BrightText, QPalette.ColorRole.Dark),
)


def readable_palette(palette: QPalette) -> QPalette:
    """The desktop's palette with each text colour moved just far enough to read at 4.5:1,
    and the selection darkened (or lightened) until its text does."""
    palette = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for text, ground in TEXT_PAIRS:
            bg = palette.color(group, ground)
            fg = solid(palette.color(group, text), bg)
            if ratio(fg, bg.name()) < TEXT_MINIMUM:
                palette.setColor(group, text, QColor(readable(fg, [bg.name()])))
        selected = palette.color(group, QPalette.ColorRole.HighlightedText).name()
        highlight = palette.color(group, QPalette.ColorRole.Highlight).name()
        if ratio(selected, highlight) < TEXT_MINIMUM:
            palette.setColor(
                group, QPalette.ColorRole.Highlight, QColor(readable(highlight, [selected]))
            )
    return palette


def solid(colour: QColor, ground: QColor) -> str:
    """A translucent colour (Qt's placeholder text is the text colour at half alpha) as it
    shows over ``ground``."""
    alpha = colour.alphaF()
    return mix(ground.name(), colour.name(QColor.NameFormat.HexRgb), alpha)


def high_contrast_palette() -> QPalette:
    """Black on white, or white on black when the desktop is dark; selection in the text
    colour, inverted. Every pair is 21:1 or, for links, well above 7:1."""
    dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    ink, paper = ("#ffffff", "#000000") if dark else ("#000000", "#ffffff")
    link = "#ffff00" if dark else "#0000cc"
    palette = QPalette(QColor(paper))
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role in (
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.Text,
            QPalette.ColorRole.ButtonText,
            QPalette.ColorRole.ToolTipText,
            QPalette.ColorRole.PlaceholderText,
            QPalette.ColorRole.HighlightedText,
        ):
            palette.setColor(group, role, QColor(ink))
        for role in (
            QPalette.ColorRole.Window,
            QPalette.ColorRole.Base,
            QPalette.ColorRole.AlternateBase,
            QPalette.ColorRole.Button,
            QPalette.ColorRole.ToolTipBase,
        ):
            palette.setColor(group, role, QColor(paper))
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(ink))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(paper))
        palette.setColor(group, QPalette.ColorRole.Link, QColor(link))
        palette.setColor(group, QPalette.ColorRole.LinkVisited, QColor(link))
        for role in (QPalette.ColorRole.Mid, QPalette.ColorRole.Dark, QPalette.ColorRole.Shadow):
            palette.setColor(group, role, QColor(ink))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, QColor(paper))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(paper))
    grey = "#9a9a9a" if dark else "#595959"
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(grey))
    return palette
