"""A self-assessment's document is read and written on a worker with progress and Cancel, never
on the window's thread; a cancel or a lock meanwhile leaves the vault as it was (issue 25)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from sli_desktop.domain import AssessmentKind
from sli_desktop.gui.dialogs.assessment import AssessmentDialog
from sli_desktop.vault.assessments import Assessments
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.documents import Documents
from sli_desktop.vault.errors import WrongThread
from sli_desktop.vault.store import Vault
from tests.gui.conftest import lock_while_held, unlock_window

BIRMINGHAM = "E08000025"


@pytest.fixture
def window(qtbot, make_shell, councils_vault: Vault, vault_path: Path):
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def _dialog(qtbot, window, tmp_path: Path) -> AssessmentDialog:
    document = tmp_path / "self-assessment 2025.pdf"
    document.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 8192)  # 2 MB
    dialog = AssessmentDialog(window.session.vault, BIRMINGHAM, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.ui.date, "1/10/2025")
    dialog.ui.document.setText(str(document))
    return dialog


def _held(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event, list[Any]]:
    """Hold the document's write where it starts until the test releases it: (entered,
    release, threads it ran on)."""
    entered, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    real = Documents.attach

    def held(self: Documents, *args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        entered.set()
        assert release.wait(30)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Documents, "attach", held)
    return entered, release, threads


def _as_it_was(vault: Vault) -> None:
    assert Assessments(vault).list(BIRMINGHAM) == []
    assert vault.scalar("SELECT count(*) FROM documents") == 0
    assert vault.scalar("SELECT count(*) FROM outbox WHERE kind = 'assessment'") == 0
    assert vault.scalar("PRAGMA integrity_check") == "ok"
    assert AuditLog(vault).verify() is None


def test_the_window_thread_refuses_to_attach_a_document(window, tmp_path: Path) -> None:
    vault = window.session.vault
    held = Assessments(vault).record(
        BIRMINGHAM, AssessmentKind.LOCAL_ACCOUNT, date=date(2025, 10, 1)
    )
    source = tmp_path / "local account.pdf"
    source.write_bytes(b"%PDF-1.4 the local account")
    with pytest.raises(WrongThread):
        Assessments(vault).attach(held.id, source)
    assert Assessments(vault).get(held.id).document_id is None


def test_the_document_is_saved_on_a_worker_and_the_dialog_closes_after(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _entered, release, threads = _held(monkeypatch)
    dialog = _dialog(qtbot, window, tmp_path)
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    dialog.save()
    qtbot.waitUntil(lambda: bool(threads), timeout=10_000)
    assert threads[0] is not threading.main_thread()
    assert dialog.isVisible() and not dialog.save_button().isEnabled(), "waiting, not saved yet"
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
    vault = window.session.vault
    (record,) = Assessments(vault).list(BIRMINGHAM)
    assert saved == [record.id] and record.document_id
    assert Documents(vault).get(record.document_id).size == 9 + 256 * 8192


def test_cancel_while_the_document_is_saved_leaves_the_vault_as_it_was(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release, _threads = _held(monkeypatch)
    dialog = _dialog(qtbot, window, tmp_path)
    dialog.save()
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    task = dialog.task
    assert task is not None
    task.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel
    release.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.isVisible() and "Cancelled" in dialog.ui.message.text()
    assert dialog.save_button().isEnabled()
    _as_it_was(window.session.vault)


def test_locking_while_the_document_is_saved_is_clean(
    qtbot,
    window,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture,
) -> None:
    entered, release, _threads = _held(monkeypatch)
    dialog = _dialog(qtbot, window, tmp_path)
    dialog.save()
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    task = dialog.task
    assert task is not None

    def closed() -> None:  # the lock closes the dialog too
        assert not dialog.isVisible()

    lock_while_held(qtbot, window, task, release, capfd, while_locked=closed)
    _as_it_was(window.session.vault)
