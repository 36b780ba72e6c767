"""Icons, the stylesheet and the large-text setting. Colours come from the system palette, so
light and dark themes are followed; the stylesheet only adds spacing and emphasis."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication

CONCERN_COLOURS = {
    "serious": "#b3261e",
    "high": "#d9480f",
    "medium": "#b7791f",
    "low": "#2f6f4f",
    "none": "",
}


def icon(name: str) -> QIcon:
    path = resources.files("sli_desktop.resources").joinpath("icons", f"{name}.svg")
    return QIcon(str(path))


def apply(app: QApplication, large_text: bool) -> None:
    style = resources.files("sli_desktop.resources").joinpath("app.qss").read_text("utf-8")
    app.setStyleSheet(style)
    font = QFont(app.font())
    font.setPointSizeF(13.5 if large_text else 10.5)
    app.setFont(font)
