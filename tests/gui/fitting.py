"""Does the window fit a laptop's screen? Every view, tab and form of a real window over the
demo vault, at a given size and font: nothing reaches past the window, no text is cut off,
and the window's minimum size is within bounds.

Used in-process by tests/gui/test_fits_screen.py, and run as a program under
QT_SCALE_FACTOR=2 (a 200% display) by the same tests:

    python -m tests.gui.fitting VAULT_DIR WIDTH HEIGHT POINTS
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from sli_desktop.demo import open_or_create_demo
from sli_desktop.gui.session import VaultSession
from sli_desktop.gui.shell import Shell
from sli_desktop.gui.views.base import View
from sli_desktop.gui.workspace import NAVIGATION
from tests.memory_keystore import MemoryKeyStore


def settle() -> None:
    for _ in range(4):
        QCoreApplication.processEvents()


def set_font(points: float) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = QFont(app.font())
    font.setPointSizeF(points)
    app.setFont(font)


def demo_shell(folder: Path, settings: QSettings) -> Shell:
    """The window, unlocked on the demo vault (fictional councils with every kind of record)."""
    path = folder / "demo.sli"
    store = MemoryKeyStore()
    session = VaultSession(path, lambda: store, opener=lambda: open_or_create_demo(path))
    shell = Shell(session, settings)
    shell.show()
    session.try_automatic()
    settle()
    assert shell.workspace is not None
    return shell


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Inside a pane that scrolls (a table's cells, a scroll area's content): it may be
    larger than what shows, by design."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return True
        parent = grand
    return False


def _visible(top: QWidget) -> Iterator[QWidget]:
    for widget in top.findChildren(QWidget):
        if widget.isVisibleTo(top) and widget.isVisible() and not _scrolled(widget, top):
            yield widget


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton | QLineEdit) else ""
    return (
        f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r} {text[:40]!r}"
    )


def overflows(top: QWidget, where: str) -> list[str]:
    """What reaches past ``top`` or is cut short inside it."""
    found: list[str] = []
    bounds = top.rect().adjusted(-1, -1, 1, 1)
    for widget in _visible(top):
        if widget.width() <= 0 or widget.height() <= 0:
            continue
        rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
        if not bounds.contains(rect):
            found.append(f"{where}: {_name(widget)} at {rect.getRect()} is outside the window")
            continue
        if isinstance(widget, QLabel) and widget.text().strip() and widget.pixmap().isNull():
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height() + 2:
                    found.append(
                        f"{where}: {_name(widget)} needs {need} px high, has {widget.height()}"
                    )
            elif widget.sizeHint().width() > widget.width() + 2:
                found.append(
                    f"{where}: {_name(widget)} is cut off ({widget.width()} of "
                    f"{widget.sizeHint().width()} px)"
                )
        elif (
            isinstance(widget, QAbstractButton | QComboBox)
            and widget.minimumSizeHint().width() > widget.width() + 2
        ):
            found.append(
                f"{where}: {_name(widget)} is squeezed ({widget.width()} of "
                f"{widget.minimumSizeHint().width()} px)"
            )
    return found


def states(shell: Shell) -> Iterator[str]:
    """Each main view, each tab of a tabbed view, and each tab of the busiest council's page."""
    workspace = shell.workspace
    assert workspace is not None
    for key, _label in NAVIGATION:
        view = workspace.go(key)
        settle()
        yield key
        for tabs in view.findChildren(QTabWidget):
            for index in range(1, tabs.count()):
                tabs.setCurrentIndex(index)
                settle()
                yield f"{key} ▸ {tabs.tabText(index).replace('&', '')}"
            tabs.setCurrentIndex(0)
    councils = workspace.councils_view.visible_councils()
    busiest = max(councils, key=lambda c: (c.improvement_board, bool(c.political_control)))
    workspace.open_council(busiest.gss_code)
    page = workspace.council_page
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        settle()
        yield f"council ▸ {page.tabs.tabText(index).replace('&', '')}"
    page.tabs.setCurrentIndex(0)


def forms(shell: Shell) -> Iterator[tuple[str, QWidget]]:
    """Each create/edit form, opened where an adviser opens it (then closed unsaved)."""
    workspace = shell.workspace
    assert workspace is not None
    page = workspace.council_page
    for name, opener in (
        ("council details", page.edit_details),
        ("contact", page.new_contact),
        ("peer challenge", page.new_challenge),
        ("action", page.new_action),
    ):
        opener()
        dialog = page.dialog
        assert dialog is not None
        settle()
        yield name, dialog
        dialog.reject()
    shell.open_quick_note()
    if shell.quick_note is not None:
        settle()
        yield "quick note", shell.quick_note
        shell.quick_note.reject()


def check(shell: Shell, width: int, height: int) -> list[str]:
    """Every problem found with the window at ``width``×``height``."""
    shell.resize(width, height)
    settle()
    found: list[str] = []
    for where in states(shell):
        hint = shell.minimumSizeHint()
        if hint.width() > width or hint.height() > height:
            found.append(f"{where}: the window needs at least {hint.width()}×{hint.height()}")
        if shell.size().width() > width or shell.size().height() > height:
            found.append(f"{where}: the window grew to {shell.width()}×{shell.height()}")
        found += overflows(shell, where)
        nav = shell.workspace.nav if shell.workspace else None
        if nav is not None:
            for row in range(nav.count()):
                item = nav.item(row)
                rect = nav.visualItemRect(item)
                need = nav.fontMetrics().horizontalAdvance(item.text()) + nav.iconSize().width()
                if rect.width() < need or rect.right() > nav.viewport().width():
                    found.append(f"navigation: {item.text()!r} does not show whole")
    for name, dialog in forms(shell):
        hint = dialog.minimumSizeHint()
        if hint.width() > width or hint.height() > height:
            found.append(f"form {name}: needs at least {hint.width()}×{hint.height()}")
        found += overflows(dialog, f"form {name}")
    return sorted(set(found))


def current_view(shell: Shell) -> View:
    assert shell.workspace is not None
    return shell.workspace.current()


def main(argv: list[str]) -> int:
    folder, width, height, points = Path(argv[0]), int(argv[1]), int(argv[2]), float(argv[3])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    set_font(points)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    shell = demo_shell(folder, settings)
    problems = check(shell, width, height)
    print(f"scale {app.devicePixelRatio() if hasattr(app, 'devicePixelRatio') else '?'}")
    for line in problems:
        print(line)
    shell.session.lock()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
