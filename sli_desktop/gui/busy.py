"""Saying "busy" for a short wait that must stay on the GUI thread.

Opening the vault after a passphrase change (Argon2id, about a second) happens where the
window's connection will live. Bulk writes never wait here: they run on a worker with a
connection of their own (gui.tasks.vault_task). This shows a wait cursor and a status message,
and paints them before the work starts (input events stay queued, so nothing re-enters the
window meanwhile)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QMainWindow


@contextmanager
def busy(window: QMainWindow, message: str) -> Iterator[None]:
    window.statusBar().showMessage(message)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        yield
    finally:
        QApplication.restoreOverrideCursor()
        window.statusBar().clearMessage()
