"""Saying "busy" for work that must stay on the GUI thread.

An import writes through the vault's connection, which belongs to the GUI thread, in one
transaction (a bad file writes nothing), so the window cannot take input while it runs: 200,000
figures take about 12 s. Without a sign the window looks hung. This shows a wait cursor and a
status message, and paints them before the work starts (input events stay queued, so nothing
re-enters the window meanwhile)."""

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
