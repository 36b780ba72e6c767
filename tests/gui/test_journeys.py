"""The adviser's journeys through the real window, by simulated keys and clicks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from sli_desktop.domain import Note
from sli_desktop.gui.views.notes import NotesView
from sli_desktop.vault.drafts import Drafts
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import create_vault
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock_window

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _shortcut(qtbot, shell, key: Qt.Key, modifiers) -> None:
    """Shortcuts go to the active window, as for a person at the keyboard."""
    if QApplication.activeWindow() is None:
        shell.activateWindow()
        shell.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is not None, timeout=2000)
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, key, modifiers)


def test_create_import_capture_search_lock_unlock(
    qtbot, make_shell, tmp_path: Path, register_csv: Path
) -> None:
    shell = make_shell(tmp_path / "vault.sli")
    page = shell.create_page
    assert shell.stack.currentWidget() is page

    # First run: who I am, passphrase twice, strength shown, recovery key shown once.
    qtbot.keyClicks(page.ui.adviserName, "Asha Patel")
    qtbot.keyClicks(page.ui.adviserRole, "Principal Adviser, West Midlands")
    qtbot.keyClicks(page.ui.passphrase, "short")
    assert page.ui.strength.value() == 0
    page.ui.passphrase.clear()
    qtbot.keyClicks(page.ui.passphrase, PASSPHRASE)
    assert page.ui.strength.value() >= 3
    qtbot.keyClicks(page.ui.repeat, PASSPHRASE + "x")
    qtbot.mouseClick(page.ui.createButton, Qt.MouseButton.LeftButton)
    assert "differ" in page.ui.message.text()
    page.ui.repeat.clear()
    qtbot.keyClicks(page.ui.repeat, PASSPHRASE)
    qtbot.keyClick(page.ui.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.workspace is not None)
    box = shell.recovery_box
    assert box is not None and len(box.informativeText().replace("-", "")) == 52
    box.accept()

    # Import the shared register (off the GUI thread) and open Birmingham.
    shell.import_register(str(register_csv))
    qtbot.waitUntil(lambda: shell.register_import.preview is not None, timeout=20000)
    preview = shell.register_import.preview
    qtbot.mouseClick(preview.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    councils = shell.workspace.go("councils")  # the window opened on Today
    qtbot.waitUntil(lambda: councils.model.rowCount() >= 317, timeout=20000)
    qtbot.keyClicks(councils.search, "birmingham")
    assert [c.gss_code for c in councils.visible_councils()] == ["E08000025"]
    councils.table.setFocus()
    councils.table.selectRow(0)
    qtbot.keyClick(councils.table, Qt.Key.Key_Return)
    page = shell.workspace.council_page
    assert shell.workspace.stack.currentWidget() is page
    assert page.heading.text() == "Birmingham City Council"

    # Quick note from anywhere: the council is already filled in.
    _shortcut(qtbot, shell, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = shell.quick_note
    assert dialog is not None and dialog.council_code() == "E08000025"
    qtbot.keyClicks(dialog.ui.title, "Budget gap widening")
    qtbot.keyClicks(dialog.ui.body, "Forecast overspend of twelve million, zanzibarite pressure")
    dialog.ui.concern.setCurrentText("high")
    assert "evidence" in dialog.ui.message.text()
    qtbot.keyClick(dialog.ui.councilAware, Qt.Key.Key_Space)
    assert dialog.ui.councilAware.isChecked()
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "a high concern without evidence must not be saved"
    assert dialog.ui.message.text().startswith("Evidence: a high concern must cite")
    qtbot.keyClicks(dialog.ui.evidence, "Q2 budget monitoring report")
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # Global search finds it; Enter opens it.
    _shortcut(qtbot, shell, Qt.Key.Key_K, CTRL)
    popup = shell.search_popup
    qtbot.keyClicks(popup.query, "zanzib")
    assert popup.hits and popup.hits[0].kind == "note"
    qtbot.keyClick(popup.query, Qt.Key.Key_Return)
    notes = shell.workspace.current()
    assert isinstance(notes, NotesView)
    assert "Budget gap widening" in notes.detail.toPlainText()

    # Lock: the key is dropped; unlock returns to the same place with the note there.
    vault = shell.session.vault
    _shortcut(qtbot, shell, Qt.Key.Key_L, CTRL)
    assert shell.session.vault is None and not vault.is_open
    assert shell.workspace is None
    unlock = shell.unlock_page
    qtbot.keyClicks(unlock.ui.passphrase, "not the passphrase")
    qtbot.keyClick(unlock.ui.passphrase, Qt.Key.Key_Return)
    assert "wrong passphrase" in unlock.ui.message.text().lower()
    unlock.ui.passphrase.clear()
    qtbot.keyClicks(unlock.ui.passphrase, PASSPHRASE)
    qtbot.keyClick(unlock.ui.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.workspace is not None)
    view = shell.workspace.current()
    assert isinstance(view, NotesView)
    assert "Budget gap widening" in view.detail.toPlainText()
    titles = [view.model.row(r).title for r in range(view.model.rowCount())]
    assert titles == ["Budget gap widening"]


def test_idle_lock_keeps_the_draft(qtbot, make_shell, councils_vault, vault_path: Path) -> None:
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    shell.workspace.open_council("E08000026")
    _shortcut(qtbot, shell, Qt.Key.Key_N, CTRL_SHIFT)
    dialog = shell.quick_note
    qtbot.keyClicks(dialog.ui.title, "Half-typed")
    qtbot.keyClicks(dialog.ui.body, "Leader mentioned a possible section 114")
    vault = shell.session.vault

    shell.idle.set_interval(300)  # Settings allow minutes; the watcher itself takes ms
    with qtbot.waitSignal(shell.session.locked, timeout=5000):
        pass
    assert shell.session.vault is None and not vault.is_open, "the key must be gone"
    assert not dialog.isVisible()

    qtbot.keyClicks(shell.unlock_page.ui.passphrase, PASSPHRASE)
    qtbot.keyClick(shell.unlock_page.ui.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.quick_note is not None and shell.quick_note.isVisible())
    restored = shell.quick_note
    assert restored.ui.title.text() == "Half-typed"
    assert restored.ui.body.toPlainText() == "Leader mentioned a possible section 114"
    assert restored.council_code() == "E08000026"
    assert shell.workspace.stack.currentWidget() is shell.workspace.council_page
    restored.ui.buttons.rejected.emit()  # Cancel discards the draft
    assert Drafts(shell.session.vault).load("quick-note") is None


def test_remembered_key_unlocks_without_asking(qtbot, make_shell, tmp_path: Path) -> None:
    from tests.memory_keystore import MemoryKeyStore

    store = MemoryKeyStore()
    path = tmp_path / "remembered.sli"
    create_vault(
        path, PASSPHRASE, remember=True, keystore=store, kdf=KdfParams.fast_for_tests()
    ).vault.close()
    shell = make_shell(path, keystore=store)
    assert shell.workspace is not None


def test_notes_view_reads_lazily(qtbot, make_shell, big_vault: Path) -> None:
    shell = make_shell(big_vault)
    unlock_window(qtbot, shell)
    view = shell.workspace.go("notes")
    assert isinstance(view, NotesView)
    QApplication.processEvents()
    assert view.model.total == 100_000
    assert view.model.fetched <= 2 * view.model.PAGE, view.model.fetched
    first = view.model.row(0)
    assert isinstance(first, Note)
    view.table.scrollToBottom()
    QApplication.processEvents()
    assert view.model.fetched < 100_000


def test_no_sql_in_the_gui() -> None:
    root = Path(__file__).resolve().parents[2] / "sli_desktop" / "gui"
    for path in root.rglob("*.py"):
        source = path.read_text()
        assert "sqlcipher3" not in source and "import sqlite3" not in source, path
        assert ".execute(" not in source and "SELECT " not in source, path


def test_notes_service_pages(councils_vault) -> None:
    notes = Notes(councils_vault)
    for i in range(5):
        notes.add(council="E08000025", title=f"n{i}", date=f"2026-01-0{i + 1}")
    assert [n.title for n in notes.list(limit=2, offset=1)] == ["n3", "n2"]
