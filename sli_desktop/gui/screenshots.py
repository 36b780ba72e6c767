"""Render each main view of an unlocked shell to PNG files (tests and the README use them)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice
from PySide6.QtWidgets import QWidget

from ..private_file import private_folder, write_private
from .shell import Shell
from .views.base import View
from .views.council_page import CouncilPage
from .views.notes import NotesView
from .workspace import NAVIGATION, Workspace

#: A council laptop's screen (issue 21): what the README shows is what advisers see.
SIZE = (1366, 768)


def _settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def _save(widget: QWidget, path: Path) -> Path:
    """The widget as a PNG, owner-only like every file the app writes for the user: it shows
    the unlocked vault (note titles, contacts) in clear."""
    _settle()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise OSError(f"cannot write {path}")
    buffer.close()
    write_private(path, bytes(data.data()))
    return path


def capture(shell: Shell, folder: Path) -> list[Path]:
    private_folder(folder)
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
    written.extend(_forms(workspace, folder))
    shell.open_search()
    popup = shell.search_popup
    popup.query.setText("budget")
    written.append(_save(popup, folder / "search.png"))
    popup.reject()
    shell.lock()
    written.append(_save(shell, folder / "locked.png"))
    return written


def _form(view: View, folder: Path, name: str) -> list[Path]:
    """The form the view just opened, as it first appears; then closed unsaved."""
    dialog = view.dialog
    if dialog is None or not dialog.isVisible():
        return []
    path = _save(dialog, folder / f"{name}.png")
    dialog.reject()
    return [path]


def _forms(workspace: Workspace, folder: Path) -> list[Path]:
    """Each create/edit form, opened from where an adviser would open it."""
    written: list[Path] = []
    notes = workspace.go("notes")
    assert isinstance(notes, NotesView)
    if notes.model.rowCount():
        notes.table.selectRow(0)
        notes.edit_note()
        written += _form(notes, folder, "form-note-edit")
        notes.new_action()
        written += _form(notes, folder, "form-action")
    page: CouncilPage = workspace.council_page
    if not page.gss:
        return written
    workspace.open_council(page.gss)
    page.edit_details()
    written += _form(page, folder, "form-council-details")
    page.new_contact()
    written += _form(page, folder, "form-contact")
    page.new_challenge()
    written += _form(page, folder, "form-peer-challenge")
    page.tabs.setCurrentIndex(page.CHALLENGES)
    if page.engagements.rowCount():
        page.engagements_table.selectRow(0)
        page.edit_team()
        written += _form(page, folder, "form-team")
    page.tabs.setCurrentIndex(page.OVERVIEW)
    return written
