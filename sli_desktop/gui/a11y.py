"""Keyboard and screen-reader rules applied once, to every widget as Qt first polishes it, so
views added later follow them without remembering to (docs/ACCESSIBILITY.md):

- item views are one Tab stop: arrows move inside, Tab and Shift+Tab leave (Qt's default moves
  between cells and never leaves a table);
- text editors take Tab as "next field", not as a tab character; read-only text can be
  reached by Tab and selected from the keyboard;
- a label is named by the text it shows: a caption given as its accessible name (which would
  replace that text for a screen reader) becomes its description, read after the text;
- tables offer sorting and column choice from the keyboard (the context-menu key, or
  Shift+F10), as the mouse has them on the header;
- a hidden tab bar takes no focus, so a tab widget shown through other buttons is no trap;
- status-bar messages and messages passed to ``announce`` are spoken (QAccessible
  announcement events), so lock, sync, save and validation results are heard as well as seen.

Forms call ``buttons_last`` and ``fit_text`` when shown (gui/dialogs/base.py).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QStatusBar,
    QTabBar,
    QTableView,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

TABLE_KEYS_HINT = "Context-menu key or Shift+F10: sort and choose columns"


def announce(widget: QWidget, text: str) -> None:
    """Ask screen readers to speak ``text`` now (politely: after what they are saying)."""
    text = " ".join(text.split())
    if text:
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))


def announce_status(bar: QStatusBar) -> None:
    """Speak every message the status bar shows (saves, sync results, imports)."""
    bar.messageChanged.connect(lambda message: announce(bar, message))


class MessageLine(QLabel):
    """A view's message line (a refusal, a result): spoken when its text changes, as the
    status bar is, so a screen-reader user hears what a sighted user sees appear."""

    def setText(self, text: str) -> None:
        changed = text != self.text()
        super().setText(text)
        if changed:
            announce(self, visible_text(text))


def visible_text(text: str) -> str:
    """A label's text as seen: no mnemonic ampersands, no markup, spaces collapsed."""
    import re

    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.split())


def name_label(label: QLabel) -> None:
    """Let the visible text be the label's name; a caption set as its name moves to the
    description, which screen readers read after the text ("Conservative, Political control")."""
    caption = label.accessibleName()
    if not caption:
        return
    shown = visible_text(label.text())
    if caption != shown and not label.accessibleDescription():
        label.setAccessibleDescription(caption)
    label.setAccessibleName("")


def table_menu(view: QTableView) -> QMenu:
    """Sort by any column, either way, and show or hide columns: the header's mouse actions."""
    menu = QMenu(view)
    menu.setAccessibleName("Table options")
    model = view.model()
    header = view.horizontalHeader()
    columns = [
        (c, str(model.headerData(c, Qt.Orientation.Horizontal) or f"Column {c + 1}"))
        for c in range(model.columnCount())
    ]
    if view.isSortingEnabled():
        sort = menu.addMenu("&Sort by")
        for column, title in columns:
            if header.isSectionHidden(column):
                continue
            for order, words in (
                (Qt.SortOrder.AscendingOrder, "A to Z, oldest or smallest first"),
                (Qt.SortOrder.DescendingOrder, "Z to A, newest or largest first"),
            ):
                action = sort.addAction(f"{title} ({words})")
                action.triggered.connect(lambda _=False, c=column, o=order: view.sortByColumn(c, o))
    shown = menu.addMenu("Show &columns")
    visible = [c for c, _t in columns if not header.isSectionHidden(c)]
    for column, title in columns:
        action = shown.addAction(title)
        action.setCheckable(True)
        action.setChecked(column in visible)
        action.setEnabled(not (column in visible and len(visible) == 1))  # keep one
        action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
    return menu


def _open_table_menu(view: QTableView, at: QPoint | None = None) -> QMenu:
    menu = table_menu(view)
    if at is None:
        rect = view.visualRect(view.currentIndex())
        at = rect.bottomLeft() if rect.isValid() else QPoint(0, 0)
    menu.popup(view.viewport().mapToGlobal(at))
    view.setProperty("a11yTableMenu", menu)  # kept for tests and so it is not collected
    return menu


def visual_order(widgets: list[QWidget], window: QWidget) -> list[QWidget]:
    """Reading order: rows from the top (controls whose tops are within a few pixels share
    a row, as a form's label and field do), left to right within a row."""
    placed = sorted(
        widgets,
        key=lambda w: (w.mapTo(window, QPoint(0, 0)).y(), w.mapTo(window, QPoint(0, 0)).x()),
    )
    rows: list[list[QWidget]] = []
    top = None
    for widget in placed:
        y = widget.mapTo(window, QPoint(0, 0)).y()
        if top is None or y - top > ROW_TOLERANCE:
            rows.append([])
            top = y
        rows[-1].append(widget)
    return [w for row in rows for w in sorted(row, key=lambda w: w.mapTo(window, QPoint(0, 0)).x())]


#: Pixels by which the tops of two controls in one row may differ (a check box beside a field).
ROW_TOLERANCE = 8


def buttons_last(dialog: QDialog) -> None:
    """A dialog's Tab order in reading order with its button box (Save, Cancel) last, whatever
    was added to the form after the box; it never opens with focus on one of those buttons.

    Controls are found with ``findChildren``, not by walking Qt's focus chain: wrapping what
    ``nextInFocusChain`` returns left PySide6 believing live form widgets deleted (seen in
    tests/gui/test_forms.py)."""
    boxes = [b for b in dialog.findChildren(QDialogButtonBox) if b.window() is dialog]
    buttons = [b for box in boxes for b in box.buttons() if b.isVisibleTo(dialog)]
    fields = [
        w
        for w in dialog.findChildren(QWidget)
        if w.window() is dialog
        and w.focusProxy() is None
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisibleTo(dialog)
        and w.parent() not in boxes
        and not w.objectName().startswith("qt_")
    ]
    if not fields:
        return
    for first, second in pairwise([*visual_order(fields, dialog), *buttons]):
        QWidget.setTabOrder(first, second)
    focused = dialog.focusWidget()
    if focused is None or focused in buttons:
        first_field = next((w for w in visual_order(fields, dialog) if w.isEnabled()), None)
        if first_field is not None:
            first_field.setFocus(Qt.FocusReason.TabFocusReason)


def fit_text(window: QWidget) -> None:
    """Grow a window made for 100% text to what its contents need at the size chosen now, as
    far as the screen allows (a dialog's fixed starting size would cut fields short at 200%)."""
    wanted = window.size().expandedTo(window.sizeHint())
    screen = window.screen()
    if screen is not None:
        wanted = wanted.boundedTo(screen.availableGeometry().size())
    if wanted != window.size():
        window.resize(wanted)


class AccessibilityPolicy(QObject):
    """An application event filter applying the rules above as widgets are polished, and the
    table keys as they are pressed. Installed by the main window on the application."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QWidget):
            polish(watched)
        elif kind in (QEvent.Type.Hide, QEvent.Type.Show) and isinstance(watched, QTabBar):
            # A tab widget hands focus to its bar; a hidden bar refuses it and Tab stops
            # there for good (a tab strip of buttons replacing the bar: gui/tab_strip.py).
            shown = kind == QEvent.Type.Show
            watched.setFocusPolicy(Qt.FocusPolicy.TabFocus if shown else Qt.FocusPolicy.NoFocus)
        elif (
            kind == QEvent.Type.KeyPress
            and isinstance(watched, QTableView)
            and isinstance(event, QKeyEvent)
            and _is_menu_key(event)
            and watched.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
            and watched.property("a11yTableKeys")
        ):
            _open_table_menu(watched)
            return True
        return False


def _is_menu_key(event: QKeyEvent) -> bool:
    if event.key() == Qt.Key.Key_Menu:
        return True
    return event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier


def polish(widget: QWidget) -> None:
    """The rules for one widget (also callable directly, for widgets made before the policy)."""
    if isinstance(widget, QAbstractItemView):
        widget.setTabKeyNavigation(False)
        if (
            isinstance(widget, QTableView)
            and not widget.property("a11yTableKeys")
            and widget.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu
        ):
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            widget.customContextMenuRequested.connect(lambda at, v=widget: _open_table_menu(v, at))
            widget.setProperty("a11yTableKeys", True)
            if not widget.accessibleDescription():
                widget.setAccessibleDescription(TABLE_KEYS_HINT)
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        widget.setTabChangesFocus(True)
        if isinstance(widget, QTextBrowser) or widget.isReadOnly():
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            flags = Qt.TextInteractionFlag.TextSelectableByKeyboard | (
                Qt.TextInteractionFlag.TextSelectableByMouse
            )
            if isinstance(widget, QTextBrowser):
                flags |= Qt.TextInteractionFlag.LinksAccessibleByKeyboard
                flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
            widget.setTextInteractionFlags(flags)
    elif isinstance(widget, QLabel):
        name_label(widget)
    elif widget.objectName() == "qt_tableview_cornerbutton" and not widget.accessibleName():
        widget.setAccessibleName("Select all")  # Qt's unnamed button where the headers meet
