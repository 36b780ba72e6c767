"""A tab widget's tabs as a row of buttons that wraps onto a second line when the window is
narrow, instead of a tab bar that hides tabs behind scroll arrows. The council page has ten
tabs: at large text sizes a single bar would need half as much again as a laptop's screen
(issue 21), and a tab scrolled out of sight is a tab nobody finds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QTabWidget, QToolButton, QVBoxLayout, QWidget

from .flow import FlowLayout


class TabStrip(QWidget):
    """The buttons for ``tabs`` (whose own bar is hidden); Ctrl+Page Up/Down and each tab's
    mnemonic still move between pages."""

    def __init__(self, tabs: QTabWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tabStrip")
        self.setAccessibleName("Pages")
        self.tabs = tabs
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        flow = FlowLayout(self, spacing=4)
        for index in range(tabs.count()):
            text = tabs.tabText(index)
            choice = QToolButton()
            choice.setText(text)
            choice.setCheckable(True)
            choice.setAutoRaise(True)
            choice.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            choice.setAccessibleName(text.replace("&&", "\0").replace("&", "").replace("\0", "&"))
            self.group.addButton(choice, index)
            flow.addWidget(choice)
        self.group.idClicked.connect(tabs.setCurrentIndex)
        tabs.currentChanged.connect(self._show)
        tabs.tabBar().hide()
        self._show(tabs.currentIndex())

    def _show(self, index: int) -> None:
        choice = self.group.button(index)
        if choice is not None:
            choice.setChecked(True)


def with_tab_strip(tabs: QTabWidget) -> QWidget:
    """``tabs`` under a wrapping strip of its tab names, ready to lay out as one widget."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(TabStrip(tabs))
    layout.addWidget(tabs, 1)
    return box
