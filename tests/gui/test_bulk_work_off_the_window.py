"""Bulk work never runs on the window's thread, a lock or a cancel during it is clean and leaves
the vault as it was, and the full-text index is merged on a worker after a bulk load or a
disposal (issue 25)."""

from __future__ import annotations

import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from sli_desktop.domain import Contact
from sli_desktop.gui import data_io, tasks
from sli_desktop.vault import index_merge
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.bulk import save_many
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.errors import WrongThread
from sli_desktop.vault.notes import Notes
from tests.gui.conftest import lock_while_held, unlock_window

ROWS = 3000


@pytest.fixture
def window(qtbot, make_shell, councils_vault, vault_path: Path):
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def _contacts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    lines = ["First Name,Last Name,Company,E-mail Address"]
    lines += [f"Person{i},Brontë,Birmingham City Council,p{i}@bham.gov.uk" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _held_import(qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Start a contacts import and hold its write on the worker until the test releases it:
    (entered, release, threads seen)."""
    entered, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    real = data_io.contact_files.import_contacts

    def held(vault, *args: Any, **kwargs: Any):
        threads.append(threading.current_thread())
        entered.set()
        assert release.wait(30)
        return real(vault, *args, **kwargs)

    monkeypatch.setattr(data_io.contact_files, "import_contacts", held)
    actions = window.data_actions
    actions.import_contacts(str(_contacts_csv(tmp_path)))
    qtbot.waitUntil(
        lambda: actions.preview is not None and actions.preview.isVisible(), timeout=30_000
    )
    qtbot.mouseClick(actions.preview.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(entered.is_set, timeout=30_000)
    return entered, release, threads


def _consistent(vault) -> None:
    assert vault.scalar("SELECT count(*) FROM contacts") == 0
    assert vault.scalar("SELECT count(*) FROM outbox WHERE kind = 'contact'") == 0
    assert vault.scalar("PRAGMA integrity_check") == "ok"
    assert AuditLog(vault).verify() is None  # the hash chain is whole


def test_the_window_has_workers_hand_the_interpreter_back_promptly(
    make_shell, vault_path: Path
) -> None:
    """CPython's default lets a busy worker keep the interpreter 5 ms each time the window's
    thread asks: hundreds of calls into Python while a dialog opened froze the window."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        make_shell(vault_path)
        assert sys.getswitchinterval() == pytest.approx(tasks.WINDOW_TURN_SECONDS)
    finally:
        sys.setswitchinterval(before)


def test_the_window_thread_refuses_bulk_work(window) -> None:
    vault = window.session.vault
    assert vault.window_thread is threading.main_thread()
    with pytest.raises(WrongThread):
        save_many(vault, [Contact.build(name="Jo Bloggs")])
    assert vault.scalar("SELECT count(*) FROM contacts") == 0


def test_an_import_runs_on_a_worker_and_its_result_reaches_the_window(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _entered, release, threads = _held_import(qtbot, window, tmp_path, monkeypatch)
    assert threads and threads[0] is not threading.main_thread()
    release.set()
    vault = window.session.vault
    qtbot.waitUntil(lambda: len(Contacts(vault).list()) == ROWS, timeout=30_000)
    qtbot.waitUntil(lambda: "Contacts from contacts.csv" in window.statusBar().currentMessage())


def test_cancel_during_an_import_leaves_the_vault_as_it_was(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _entered, release, _threads = _held_import(qtbot, window, tmp_path, monkeypatch)
    task = window.data_actions.task
    task.dialog.findChild(QPushButton).click()  # Cancel, while the write is under way
    release.set()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=30_000)
    assert "nothing was imported" in window.statusBar().currentMessage()
    _consistent(window.session.vault)


def test_locking_during_an_import_is_clean(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    _entered, release, _threads = _held_import(qtbot, window, tmp_path, monkeypatch)
    lock_while_held(qtbot, window, window.data_actions.task, release, capfd)
    _consistent(window.session.vault)


def test_a_bulk_load_is_merged_on_a_worker(qtbot, window) -> None:
    vault = window.session.vault
    merger = window.index_merger

    def load() -> None:  # three batches: three segments, as a pull's pages leave them
        worker = vault.sibling()
        try:
            for batch in range(3):
                people = [Contact.build(name=f"P{batch}-{i} Brontë") for i in range(400)]
                save_many(worker, people, returning=False)
        finally:
            worker.close()

    thread = threading.Thread(target=load)
    thread.start()
    thread.join(60)
    assert index_merge.segments(vault, "contacts") >= 3
    merger.idle.last_input = 0.0  # no recent input
    with qtbot.waitSignal(merger.merged, timeout=30_000):
        merger.loaded(1200, ("contacts",))
    assert index_merge.segments(vault, "contacts") == 1
    assert vault.scalar("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'bront*'") == (
        1200
    )


def test_a_disposal_in_the_window_is_purged_on_a_worker(qtbot, window) -> None:
    vault = window.session.vault
    notes = Notes(vault)
    note = notes.add(
        council="E08000025", title="Quarantine", date="2020-01-06", body="zanzibarian intel"
    )
    for i in range(5):
        notes.add(council="E08000025", title=f"Other {i}", date="2020-01-06", body="kept")
    merger = window.index_merger
    merger.idle.last_input = 0.0
    with qtbot.waitSignal(merger.merged, timeout=30_000):
        notes.dispose(note.id, today=date(2030, 1, 1))  # on the window's thread: owed, not run
        assert index_merge.purge_pending(vault)
        window.session.changed.emit("note")
    assert not index_merge.purge_pending(vault)
    assert index_merge.segments(vault, "notes") == 1
    assert vault.scalar("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'zanzibarian'") == 0
