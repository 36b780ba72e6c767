"""Render each main view of an unlocked shell to PNG files (tests and the README use them)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from .shell import Shell
from .workspace import NAVIGATION

SIZE = (1280, 800)


def _settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    _settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def capture(shell: Shell, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shell.resize(*SIZE)
    shell.show()
    workspace = shell.workspace
    if workspace is None:
        raise RuntimeError("the vault is not unlocked")
    written = []
    for key, _label in NAVIGATION:
        workspace.go(key)
        written.append(_save(shell, folder / f"{key}.png"))
    councils = workspace.councils_view.visible_councils()
    if councils:
        busiest = max(councils, key=lambda c: c.improvement_board or bool(c.political_control))
        workspace.open_council(busiest.gss_code)
        written.append(_save(shell, folder / "council.png"))
    workspace.go("challenges")
    view = workspace.views["challenges"]
    tabs = getattr(view, "tabs", None)
    if tabs is not None:
        tabs.setCurrentIndex(1)
        written.append(_save(shell, folder / "timeline.png"))
        tabs.setCurrentIndex(2)
        written.append(_save(shell, folder / "coverage.png"))
        tabs.setCurrentIndex(0)
    shell.open_quick_note()
    if shell.quick_note is not None:
        shell.quick_note.resize(640, 620)
        written.append(_save(shell.quick_note, folder / "quick-note.png"))
        shell.quick_note.reject()
    shell.open_search()
    popup = shell.search_popup
    popup.query.setText("budget")
    written.append(_save(popup, folder / "search.png"))
    popup.reject()
    shell.lock()
    written.append(_save(shell, folder / "locked.png"))
    return written
