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

Every call from Qt into Python on the window's thread (a slot, an event filter, a model's
``data``) first takes the interpreter lock from whichever worker holds it. CPython lets the
holder keep it for a whole switch interval before handing it over, and a window showing a
dialog makes hundreds of such calls: behind a worker busy in Python (an import's preview) the
window froze while its progress dialog opened (docs/PERFORMANCE.md).
``share_interpreter_promptly`` shortens the interval for the whole process; the window calls
it as it is made.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..gcpause import collector_paused
from ..vault.errors import Interrupted, VaultLocked
from ..vault.store import Vault

ResultT = TypeVar("ResultT")
# Covariant: a Task[Release] is a Task[object], so one field can hold whichever task a panel
# runs (to cancel it); a result only flows out of a task, to its success callback.
ResultT_co = TypeVar("ResultT_co", covariant=True)


#: The longest a worker keeps the interpreter once the window's thread asks for it (seconds):
#: short enough that a few hundred calls into Python stay far under a frame's worth of delay,
#: long enough that two busy workers are not handing over all the time (docs/PERFORMANCE.md).
WINDOW_TURN_SECONDS = 0.0005


def share_interpreter_promptly() -> None:
    """Set the process's switch interval to ``WINDOW_TURN_SECONDS`` (it is one per process)."""
    sys.setswitchinterval(WINDOW_TURN_SECONDS)


class TaskCancelled(Exception):
    """Raised by ``Progress.check`` (or a locked vault) to end the work as cancelled."""


class Progress:
    """Handed to the work function: report how far it got; ``check`` raises once cancelled."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self.cancelled = threading.Event()

    def report(self, done: int, total: int, label: str = "") -> None:
        self._signals.progress.emit(done, total, label)

    def check(self) -> None:
        if self.cancelled.is_set():
            raise TaskCancelled()


def _ignore(_result: object) -> None:
    """No success callback: the result is dropped."""


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(
        self, fn: Callable[[Progress], object], signals: _Signals, progress: Progress
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


class Task(QObject, Generic[ResultT_co]):
    """``Task(parent, "Importing…", fn).success(cb).failure(cb).run()``: ``cb`` gets what
    ``fn`` returned, typed as it."""

    def __init__(
        self,
        parent: QWidget,
        label: str,
        fn: Callable[[Progress], ResultT_co],
        *,
        quiet: bool = False,
    ) -> None:
        """``quiet``: background work the person did not ask for (an index merge): no dialog."""
        super().__init__(parent)
        self._fn = fn
        self._signals = _Signals()
        self._progress = Progress(self._signals)
        self._on_success: Callable[[ResultT_co], None] = _ignore
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

    def success(self, callback: Callable[[ResultT_co], None]) -> Task[ResultT_co]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Task[ResultT_co]:
        self._on_failure = callback
        return self

    def on_cancel(self, callback: Callable[[], None]) -> Task[ResultT_co]:
        self._on_cancel = callback
        return self

    def cancel(self) -> None:
        """As the dialog's Cancel button: the work stops at its next check."""
        self._progress.cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._progress.cancelled.is_set()

    def run(self, pool: QThreadPool | None = None) -> Task[ResultT_co]:
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

    def _finished(self, result: object) -> None:
        self.dialog.reset()
        # The signal carries an object: it is what ``fn`` returned, so a ResultT_co.
        self._on_success(cast(ResultT_co, result))
        self._done()

    def _failed(self, exc: BaseException) -> None:
        self.dialog.reset()
        if isinstance(exc, TaskCancelled):
            self._on_cancel()
        else:
            self._on_failure(exc)
        self._done()

    def _done(self) -> None:
        # The dialog belongs to the parent widget (it is modal over it), not to the task: it
        # goes with the task, or every sync, import and index merge would leave one behind.
        self.dialog.deleteLater()
        self.deleteLater()


def vault_task(
    parent: QWidget,
    label: str,
    vault: Vault,
    fn: Callable[[Progress, Vault], ResultT],
    *,
    quiet: bool = False,
) -> Task[ResultT]:
    """A Task whose work writes to ``vault`` in bulk: ``fn(progress, worker_vault)`` runs on a
    worker with a connection of its own, never the window's (whose ``bulk_work`` check would
    refuse it there). Cancelling or locking interrupts it; what it had not committed is
    rolled back, and the task ends as cancelled (no failure is reported)."""

    def work(progress: Progress) -> ResultT:
        try:
            worker = vault.sibling()
        except VaultLocked:
            raise TaskCancelled() from None  # locked before the work began
        worker.interrupt_when(progress.cancelled.is_set)
        try:
            return fn(progress, worker)
        except (Interrupted, VaultLocked):
            raise TaskCancelled() from None
        finally:
            worker.close()

    task = Task(parent, label, work, quiet=quiet)
    if not quiet:
        task.dialog.setWindowModality(Qt.WindowModality.WindowModal)  # no second write meanwhile
    return task
