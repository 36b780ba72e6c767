"""Enrol and sync from the window, with progress and cancel, without freezing it.

The whole sync runs on a worker (gui.tasks.vault_task) with a vault connection of its own: the
network waits, and the vault writes of each pushed batch and pulled page (about a second per
10,000 records), which used to run on the window's thread. The vault is in WAL mode, so the
window keeps reading meanwhile; the progress dialog is window-modal, so no second sync or edit
starts. Cancel stops the client at its next step and interrupts a page being written (rolled
back whole); what was committed is kept, and the next sync resumes (retried pushes are applied
once). Locking the window wipes the key, which stops the worker the same way.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..sync.errors import Cancelled, DeviceWiped
from ..sync.protocol import EnrollResponse
from ..vault.errors import VaultError
from ..vault.store import Vault
from .session import VaultSession
from .tasks import Progress, Task, vault_task
from .wording import for_window, plural

if TYPE_CHECKING:
    from ..sync.client import SyncClient, SyncResult

#: Records per pull page in the window (None: the client's own). The client validates each
#: page it reads in one call that holds the interpreter lock throughout, so the window's thread
#: cannot run meanwhile: the benchmark (tests/bench/test_responsiveness_bench.py) tries sizes.
PAGE: int | None = None

#: What the window says when a sync stops early, whoever stopped it.
CANCELLED = str(Cancelled())[:1].upper() + str(Cancelled())[1:] + "."
StepT = TypeVar("StepT")  # what a sync step returns, handed to its done callback


class SyncRunner(QObject):
    """Runs enrolment and sync for the window; says how it went through its signals."""

    #: One line for the person: "Pushed N, pulled M, K sync conflicts" or why it stopped.
    finished = Signal(str)
    enrolled = Signal(str)
    #: The server revoked this device and the client wiped the vault: the message to show.
    wiped = Signal(str)
    #: A sync pulled this many records: the window merges the index in idle time.
    pulled = Signal(int)

    def __init__(self, parent: QWidget, session: VaultSession) -> None:
        super().__init__(parent)
        self._parent = parent
        self.session = session
        self.busy = False
        self.task: Task[object] | None = None
        #: Records per pull page (None: the client's own); see PAGE.
        self.page: int | None = PAGE
        session.locked.connect(self.cancel)

    def sync(self) -> None:
        def done(result: SyncResult) -> None:
            # "Sync conflicts" (edits that met), never bare "conflicts": peer teams have
            # conflicts of interest (issue 21).
            line = (
                f"Pushed {result.pushed}, pulled {result.pulled}, "
                f"{plural(result.conflicts, 'sync conflict')}"
            )
            if result.conflicts:
                line += " to settle in Sync conflicts"
            if result.rejected:
                # Each refusal says what became of its edit: kept here, or gone with a note
                # disposed of on another device (sync/push.py, Refusal.describe).
                line += f"; the server refused {plural(result.rejected, 'change')}: "
                line += "; ".join(r.describe() for r in result.refusals)
            if result.held:
                line += (
                    f"; {plural(result.held, 'draft note')} "
                    f"{'stays' if result.held == 1 else 'stay'} on this device until complete"
                )
            if result.pulled:
                self.pulled.emit(result.pulled)
            self.finished.emit(line + ".")

        self._run("Syncing…", lambda client: client.sync(), done)

    def enroll(self, server: str, code: str) -> None:
        name = socket.gethostname()

        def done(enrolled: EnrollResponse) -> None:
            regions = ", ".join(enrolled.regions) or "all regions"
            self.enrolled.emit(f"Enrolled as {enrolled.user}, {enrolled.role}: {regions}.")

        self._run("Enrolling…", lambda client: client.enroll(server, code, name), done)

    def cancel(self) -> None:
        """Stop the running sync at its next step (a lock does this too)."""
        if self.task is not None:
            self.task.cancel()

    def _run(
        self, label: str, step: Callable[[SyncClient], StepT], done: Callable[[StepT], None]
    ) -> None:
        vault = self.session.vault
        if self.busy or vault is None or not vault.is_open:
            return
        self.busy = True
        keystore = self.session.keystore  # made here: the keyring is set up on this thread

        def work(progress: Progress, worker: Vault) -> StepT:
            def report(phase: str, done: int, total: int) -> None:
                what = "Sending" if phase == "push" else "Receiving"
                progress.report(done, total, f"{what} changes…")

            # Imported here, on the worker: the client brings httpx, which the window's start
            # need not wait for (docs/PERFORMANCE.md, cold start).
            from ..sync.client import SyncClient

            client = SyncClient(worker, keystore, progress=report, cancel=progress.cancelled)
            if self.page is not None:
                client.page = self.page
            return step(client)

        task = vault_task(self._parent, label, vault, work)
        task.dialog.setAccessibleName("Sync progress")
        self.task = task

        def succeeded(result: StepT) -> None:
            self._ended()
            done(result)

        def failed(exc: BaseException) -> None:
            self._ended()
            if isinstance(exc, DeviceWiped):
                if self.session.vault is not None:
                    self.session.vault.close()  # its files are gone: drop the key and connection
                self.wiped.emit(str(exc))
            elif isinstance(exc, Cancelled):
                self.finished.emit(CANCELLED)
            elif isinstance(exc, VaultError):
                self.finished.emit(for_window(str(exc)))
            else:
                self.finished.emit(f"The sync failed unexpectedly ({type(exc).__name__}).")

        def cancelled() -> None:
            self._ended()
            self.finished.emit(CANCELLED)

        task.success(succeeded).failure(failed).on_cancel(cancelled).run()

    def _ended(self) -> None:
        self.busy = False
        self.task = None
