"""Locks the app after a period without keyboard or mouse input, and merges the full-text
indexes on a worker while there is none."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ..vault import index_merge
from ..vault.store import Vault
from .session import VaultSession
from .tasks import Progress, Task, vault_task

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
}


class IdleWatcher(QObject):
    """Install on the QApplication; emits ``idle`` once ``interval_ms`` pass with no input."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: When the last input arrived (time.monotonic): read by the index merger's worker.
        self.last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.idle)

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
            if self._timer.isActive():
                self._timer.start()
        return False


#: A bulk load of at least this many records leaves the index to be merged whole (smaller
#: ones FTS5 merges cheaply as it goes).
BULK_RECORDS = 1000
#: Steps wait until the person has not typed or clicked for this long (seconds) ...
QUIET_SECONDS = 0.3
#: ... and leave the write lock free this long between them, for the window's saves.
STEP_GAP_SECONDS = 0.01


class IndexMerger(QObject):
    """Merges the full-text indexes after a bulk load, and finishes a disposal's purge, on a
    worker a short step at a time while there is no input (vault/index_merge.py): the first
    saves after a pull no longer pay for merging it, and a disposal no longer blocks."""

    #: The merge ran to its end (tests and the benchmark wait for it).
    merged = Signal()

    def __init__(self, parent: QWidget, session: VaultSession, idle: IdleWatcher) -> None:
        super().__init__(parent)
        self._parent = parent
        self.session = session
        self.idle = idle
        self.task: Task[None] | None = None
        self._wanted: set[str] = set()
        session.locked.connect(self.stop)

    @property
    def running(self) -> bool:
        return self.task is not None

    def loaded(self, records: int, tables: tuple[str, ...] = index_merge.TABLES) -> None:
        """A pull or an import wrote ``records``: merge if that was a bulk load."""
        if records >= BULK_RECORDS:
            self.request(tables)

    def check_purge(self, _kind: str = "") -> None:
        """After a change or at unlock: a disposal's purge owed is finished now."""
        vault = self.session.vault
        if vault is not None and vault.is_open and index_merge.purge_pending(vault):
            self.request(("notes",))

    def request(self, tables: tuple[str, ...] = index_merge.TABLES) -> None:
        self._wanted.update(tables)
        if self.task is None:
            self._start()

    def stop(self) -> None:
        self._wanted.clear()
        if self.task is not None:
            self.task.cancel()

    def _start(self) -> None:
        vault = self.session.vault
        if vault is None or not vault.is_open or not self._wanted:
            return
        tables = tuple(t for t in index_merge.TABLES if t in self._wanted)
        self._wanted.clear()
        idle = self.idle

        def work(progress: Progress, worker: Vault) -> None:
            purge = index_merge.purge_pending(worker)
            for table in ("notes", *tables) if purge else tables:
                while True:
                    progress.check()
                    while time.monotonic() - idle.last_input < QUIET_SECONDS:
                        time.sleep(QUIET_SECONDS / 3)
                        progress.check()
                    if not index_merge.merge_step(worker, table):
                        break
                    time.sleep(STEP_GAP_SECONDS)
            if purge:
                index_merge.finish_purge(worker)

        def ended(_result: None = None) -> None:
            self.task = None
            if self._wanted:
                self._start()  # asked again meanwhile
            else:
                self.merged.emit()

        def stopped(_exc: BaseException | None = None) -> None:
            self.task = None

        self.task = vault_task(self._parent, "Merging the search index", vault, work, quiet=True)
        self.task.success(ended).failure(stopped).on_cancel(stopped).run()
