"""A layout that wraps its widgets onto more lines when the window is narrow, as words wrap.

Rows of buttons and filters use it so that no row forces the window wider than a laptop's
screen at large text sizes (issue 21: the window fits at 1280×720 and 200%). Adapted from
Qt's Flow Layout example.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableView,
    QWidget,
)


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """All on one line, when there is room for it."""
        width = height = 0
        for item in self._visible():
            hint = item.sizeHint()
            width += hint.width() + (self._gap(item, horizontal=True) if width else 0)
            height = max(height, hint.height())
        margins = self.contentsMargins()
        return QSize(width, height) + QSize(
            margins.left() + margins.right(), margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:
        """As narrow as the widest single widget: the rest wraps."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        shown = []
        for item in self._items:
            widget = item.widget()
            if widget is None or not widget.isHidden():
                shown.append(item)
        return shown

    def _gap(self, item: QLayoutItem, horizontal: bool) -> int:
        if self._spacing >= 0:
            return self._spacing
        widget = item.widget()
        style = widget.style() if widget is not None else None
        if style is None:
            return 6
        orientation = Qt.Orientation.Horizontal if horizontal else Qt.Orientation.Vertical
        gap = style.layoutSpacing(
            QSizePolicy.ControlType.PushButton,
            QSizePolicy.ControlType.PushButton,
            orientation,
        )
        return gap if gap >= 0 else style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Lay the items out in lines (each centred on its line's height) and return the
        height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[tuple[QLayoutItem, int]]] = [[]]
        x = area.x()
        for item in self._visible():
            width = min(item.sizeHint().width(), max(area.width(), item.minimumSize().width()))
            if x + width > area.right() + 1 and lines[-1]:
                lines.append([])
                x = area.x()
            lines[-1].append((item, width))
            x += width + self._gap(item, horizontal=True)
        y = area.y()
        for number, line in enumerate(lines):
            if not line:
                continue
            height = max(item.sizeHint().height() for item, _w in line)
            if number:
                y += max(self._gap(line[0][0], horizontal=False), 0)
            if move:
                x = area.x()
                for item, width in line:
                    hint = item.sizeHint().height()
                    item.setGeometry(QRect(QPoint(x, y + (height - hint) // 2), QSize(width, hint)))
                    x += width + self._gap(item, horizontal=True)
            y += height
        return y - rect.y() + margins.bottom()


def flow_row(*widgets: QWidget) -> QWidget:
    """The widgets in a row that wraps when narrow."""
    row = QWidget()
    layout = FlowLayout(row)
    for widget in widgets:
        layout.addWidget(widget)
    return row


def title_row(title: QWidget, *widgets: QWidget) -> QHBoxLayout:
    """A view's title with its commands beside it; the commands wrap under one another when
    the window is narrow, rather than push it wider."""
    row = QHBoxLayout()
    row.addWidget(title, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(flow_row(*widgets), 1)
    return row


def scrolls_down(content: QWidget, name: str) -> QScrollArea:
    """``content`` in a pane of its own that scrolls up and down (never sideways) when the
    window is shorter than it: a tall tab never makes the window taller than the screen."""
    pane = QScrollArea()
    pane.setObjectName(name)
    pane.setWidget(content)
    pane.setWidgetResizable(True)
    pane.setFrameShape(QFrame.Shape.NoFrame)
    pane.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return pane


def wrap_column(table: QTableView, *columns: int) -> None:
    """Let long columns (a team, what was done, its outcome) share the spare width and wrap
    onto more lines inside their cells, rather than be cut short or widen the window."""
    header = table.horizontalHeader()
    for column in columns:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
