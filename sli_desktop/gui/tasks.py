"""Slow work off the GUI thread, with progress and cancel (Anki's taskman, in small).

The work function runs on a worker thread and must not touch widgets; it may report progress
and should check ``cancelled``. Results and errors come back on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    pass


class Progress:
    """Handed to the work function: report how far it got; ``check`` raises once cancelled."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancelled = threading.Event()

    def report(self, done: int, total: int, label: str = "") -> None:
        self._signals.progress.emit(done, total, label)

    def check(self) -> None:
        if self.cancelled.is_set():
            raise Cancelled()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(
        self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress
    ) -> None:
        super().__init__()
        self.fn, self.signals, self.progress = fn, signals, progress

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread to report
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class Task(QObject):
    """``Task(parent, "Importing…", fn).success(cb).failure(cb).run()``"""

    def __init__(self, parent: QWidget, label: str, fn: Callable[[Progress], Any]) -> None:
        super().__init__(parent)
        self._fn = fn
        self._signals = _Signals()
        self._progress = Progress(self._signals)
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[BaseException], None] = lambda _exc: None
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(True)
        self.dialog.canceled.connect(self._progress.cancelled.set)
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._finished)
        self._signals.failed.connect(self._failed)

    def success(self, callback: Callable[[Any], None]) -> Task:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Task:
        self._on_failure = callback
        return self

    def run(self, pool: QThreadPool | None = None) -> Task:
        (pool or QThreadPool.globalInstance()).start(
            _Runnable(self._fn, self._signals, self._progress)
        )
        return self

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        if label:
            self.dialog.setLabelText(label)

    def _finished(self, result: Any) -> None:
        self.dialog.reset()
        self._on_success(result)
        self.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        self.dialog.reset()
        if not isinstance(exc, Cancelled):
            self._on_failure(exc)
        self.deleteLater()
