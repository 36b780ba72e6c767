"""The Sync and Conflicts views driven like a person would, against a real sync server on
127.0.0.1 and a second device holding its own vault."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from sli_desktop.domain import Note
from sli_desktop.gui.views.conflicts import THEIRS_MARK, ConflictsView, diff_html
from sli_desktop.gui.views.sync import SyncView
from sli_desktop.server.storage import Storage
from sli_desktop.sync.client import SyncClient
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE
from tests.gui.test_journeys import _shortcut
from tests.integration.sync.support import Device, enrolled, register_payloads
from tests.memory_keystore import MemoryKeyStore


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(f"sqlite:///{tmp_path / 'server.sqlite'}")
    store.reset()
    store.import_councils(register_payloads())
    yield store
    store.close()


@pytest.fixture
def server(storage: Storage) -> Iterator[BackgroundServer]:
    running = BackgroundServer(storage).start()
    assert running.url.startswith("http://127.0.0.1:")
    yield running
    running.stop()


def _enrolled_shell(qtbot, make_shell, tmp_path: Path, storage: Storage, server: BackgroundServer):
    """Device B in the window, enrolled through the Sync view."""
    store = MemoryKeyStore()
    path = tmp_path / "b" / "vault.sli"
    create_vault(
        path, PASSPHRASE, remember=True, keystore=store, kdf=KdfParams.fast_for_tests()
    ).vault.close()
    shell = make_shell(path, store)
    qtbot.waitUntil(lambda: shell.workspace is not None)
    view = shell.workspace.go("sync")
    assert isinstance(view, SyncView)
    assert "not enrolled" in view.enrolment.text()
    code = storage.add_user("Bea", "adviser", ["London"])
    qtbot.keyClicks(view.server, server.url)
    qtbot.keyClicks(view.code, code)
    qtbot.mouseClick(view.enroll_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Enrolled with" in view.enrolment.text())
    assert "Bea" in view.enrolment.text() and server.url in view.enrolment.text()
    return shell, view


def test_enrol_sync_from_the_view_and_from_anywhere_then_a_revoked_device(
    qtbot, make_shell, tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "a")
    a.sync()  # the council register first
    note = a.add_note("Budget gap at Westminster")
    a.sync()
    shell, view = _enrolled_shell(qtbot, make_shell, tmp_path, storage, server)
    assert "never" in shell.status_sync.text()

    qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.result.text().startswith("Pushed"))
    assert "pulled" in view.result.text() and "0 sync conflicts" in view.result.text()
    vault = shell.session.vault
    got = vault.get(Note, note.id)
    assert got is not None and got.title == "Budget gap at Westminster"
    assert "never" not in shell.status_sync.text()
    assert "0 changes waiting" in shell.status_sync.text()

    # Ctrl+Shift+S from another view sends B's new note.
    Notes(vault).add(council=note.council, title="From B", date="2026-01-06", body="")
    shell.session.changed.emit("note")
    assert "1 change waiting" in shell.status_sync.text()
    shell.workspace.go("notes")
    view.result.clear()
    _shortcut(
        qtbot,
        shell,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: view.result.text().startswith("Pushed 1"))
    assert "0 changes waiting" in shell.status_sync.text()
    a.sync()
    assert any(n.title == "From B" for n in a.vault.records(Note))

    # Revoked: the client wipes the vault; the window drops it and offers to create one.
    storage.revoke_device(SyncState(vault).get("device_id") or "")
    path = shell.session.path
    qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.stack.currentWidget() is shell.create_page)
    assert shell.session.vault is None and shell.workspace is None
    assert not path.exists()
    assert shell.wiped_box is not None and "revoked" in shell.wiped_box.text()
    a.vault.close()


def test_conflict_shown_side_by_side_and_resolved_with_keep_theirs(
    qtbot, make_shell, tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a: Device = enrolled(tmp_path, storage, server, "a")
    a.sync()
    note = a.add_note("Start")
    other = a.add_note("Second")
    a.sync()
    shell, sync_view = _enrolled_shell(qtbot, make_shell, tmp_path, storage, server)
    _sync(qtbot, sync_view)
    vault = shell.session.vault
    a.edit(note.id, title="Budget gap grows to 4 million")
    Notes(vault).edit(note.id, title="Budget gap grows to 5 million")
    a.edit(other.id, title="A's title")
    Notes(vault).edit(other.id, title="B's title")
    a.sync()
    _sync(qtbot, sync_view)
    assert "2 sync conflicts to settle in Sync conflicts" in sync_view.result.text()

    view = shell.workspace.go("conflicts")
    assert isinstance(view, ConflictsView)
    assert view.list.count() == 2
    rows = [view.list.item(i).text() for i in range(view.list.count())]
    view.list.setCurrentRow(next(i for i, text in enumerate(rows) if note.id[:8] in text))
    assert view.field.currentText() == "title"
    assert "5" in view.mine.toPlainText() and "4" in view.theirs.toPlainText()
    assert "4 million" in view.merged.toPlainText() and "5 million" in view.merged.toPlainText()
    qtbot.mouseClick(view.keep_theirs, Qt.MouseButton.LeftButton)
    assert view.list.count() == 1
    got = vault.get(Note, note.id)
    assert got is not None and got.title == "Budget gap grows to 4 million"

    # The other one: the merged text, edited before keeping it, is what is saved.
    view.merged.setFocus()
    view.merged.selectAll()
    qtbot.keyClicks(view.merged, "Agreed title")
    qtbot.mouseClick(view.keep_merged, Qt.MouseButton.LeftButton)
    assert view.list.count() == 0 and view.empty.isVisible()
    kept = vault.get(Note, other.id)
    assert kept is not None and kept.title == "Agreed title"
    assert SyncState(vault).conflicts() == []
    _sync(qtbot, sync_view)
    a.sync()
    assert a.open_conflicts() == []
    settled = a.note(other.id)
    assert settled is not None and settled.title == "Agreed title"
    a.vault.close()


def test_diff_marks_only_the_words_that_differ() -> None:
    left, right = diff_html("The gap is 4 million.", "The gap is 5 million.")
    assert left.count("<span") == 1 and '">4</span> million.' in left
    assert right.count("<span") == 1 and f'The gap is <span style="{THEIRS_MARK}">5</span>' in right


def _sync(qtbot, view: SyncView) -> None:
    """Press Sync and wait for the worker's answer (the window is not held meanwhile)."""
    view.result.clear()
    qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.result.text() != "", timeout=30_000)


def test_cancel_stops_a_sync_held_by_a_slow_server_and_the_window_stays_free(
    qtbot, make_shell, tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """The window is not held by a slow server: its event loop runs while the worker waits,
    and Cancel ends the sync; nothing is lost (a retried push is applied once)."""
    shell, view = _enrolled_shell(qtbot, make_shell, tmp_path, storage, server)
    vault = shell.session.vault
    _sync(qtbot, view)  # the council register
    council = vault.scalar("SELECT gss_code FROM councils WHERE region = 'London' LIMIT 1")
    Notes(vault).add(council=council, title="Waiting to go", date="2026-01-06", body="")
    shell.session.changed.emit("note")
    entered, release = threading.Event(), threading.Event()
    real = SyncClient.sync

    def slow(client: SyncClient) -> object:
        assert threading.current_thread() is not threading.main_thread()
        entered.set()
        release.wait(30)
        client.cancel.wait(30)
        return real(client)

    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    with patch.object(SyncClient, "sync", slow):
        view.result.clear()
        qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(entered.is_set)
        before = len(ticks)
        qtbot.wait(200)
        assert len(ticks) - before >= 5, "the window's event loop was held"
        runner = shell.sync_runner
        assert runner.busy and runner.task is not None
        runner.task.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
        release.set()
        qtbot.waitUntil(lambda: view.result.text() != "", timeout=30_000)
    timer.stop()
    assert view.result.text().startswith("Sync cancelled")
    assert not runner.busy
    assert "1 change waiting" in shell.status_sync.text()
    _sync(qtbot, view)  # and the next sync sends it
    assert view.result.text().startswith("Pushed 1")
