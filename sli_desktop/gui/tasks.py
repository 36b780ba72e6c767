"""Slow work off the GUI thread, with progress and cancel (Anki's taskman, in small).

The work function runs on a worker thread and must not touch widgets; it may report progress
and should check ``cancelled``. Results and errors come back on the GUI thread.

Work that writes to the vault in bulk (``vault_task``) gets a connection of its own, opened
and closed on the worker thread (``Vault.sibling``): the vault is in WAL mode, so the window
keeps reading meanwhile. A cancel, or the window locking (which wipes the key), interrupts the
statement in progress and rolls its transaction back whole (``Vault.interrupt_when``).

The signals object is parentless and held by the worker itself, so it outlives a window or
panel deleted while the work runs (a lock deletes the workspace): the worker never emits
through a deleted object ("Signal source has been deleted"), and the results of work that
ended after a lock reach nobody.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..gcpause import collector_paused
from ..vault.errors import Interrupted, VaultLocked
from ..vault.store import Vault


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
        # No collection on this thread while it works: it would free the window's unreachable
        # widgets here, off the GUI thread, and crash (gcpause). Before the pause ends, what
        # the work made (a 20,000-contact preview: hundreds of thousands of objects) is frozen
        # out of the collector's sight: otherwise the first collections after it scan it all
        # on the window's thread (a third of a second, measured), and again each time the
        # oldest generation is collected. ``VaultSession.lock`` puts it back (gc.unfreeze).
        with collector_paused():
            try:
                result = self.fn(self.progress)
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread to report
                gc.freeze()
                self.signals.failed.emit(exc)
            else:
                gc.freeze()
                self.signals.finished.emit(result)


class Task(QObject):
    """``Task(parent, "Importing…", fn).success(cb).failure(cb).run()``"""

    def __init__(
        self, parent: QWidget, label: str, fn: Callable[[Progress], Any], *, quiet: bool = False
    ) -> None:
        """``quiet``: background work the person did not ask for (an index merge): no dialog."""
        super().__init__(parent)
        self._fn = fn
        self._signals = _Signals()
        self._progress = Progress(self._signals)
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[BaseException], None] = lambda _exc: None
        self._on_cancel: Callable[[], None] = lambda: None
        self._quiet = quiet
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(True)
        self.dialog.canceled.connect(self._progress.cancelled.set)
        if quiet:
            self.dialog.reset()  # stops the timer that would show it after the minimum duration
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._finished)
        self._signals.failed.connect(self._failed)

    def success(self, callback: Callable[[Any], None]) -> Task:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Task:
        self._on_failure = callback
        return self

    def on_cancel(self, callback: Callable[[], None]) -> Task:
        self._on_cancel = callback
        return self

    def cancel(self) -> None:
        """As the dialog's Cancel button: the work stops at its next check."""
        self._progress.cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._progress.cancelled.is_set()

    def run(self, pool: QThreadPool | None = None) -> Task:
        (pool or QThreadPool.globalInstance()).start(
            _Runnable(self._fn, self._signals, self._progress)
        )
        return self

    def _on_progress(self, done: int, total: int, label: str) -> None:
        if self._quiet:
            return
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
        if isinstance(exc, Cancelled):
            self._on_cancel()
        else:
            self._on_failure(exc)
        self.deleteLater()


def vault_task(
    parent: QWidget,
    label: str,
    vault: Vault,
    fn: Callable[[Progress, Vault], Any],
    *,
    quiet: bool = False,
) -> Task:
    """A Task whose work writes to ``vault`` in bulk: ``fn(progress, worker_vault)`` runs on a
    worker with a connection of its own, never the window's (whose ``bulk_work`` check would
    refuse it there). Cancelling or locking interrupts it; what it had not committed is
    rolled back, and the task ends as cancelled (no failure is reported)."""

    def work(progress: Progress) -> Any:
        try:
            worker = vault.sibling()
        except VaultLocked:
            raise Cancelled() from None  # locked before the work began
        worker.interrupt_when(progress.cancelled.is_set)
        try:
            return fn(progress, worker)
        except (Interrupted, VaultLocked):
            raise Cancelled() from None
        finally:
            worker.close()

    task = Task(parent, label, work, quiet=quiet)
    if not quiet:
        task.dialog.setWindowModality(Qt.WindowModality.WindowModal)  # no second write meanwhile
    return task
