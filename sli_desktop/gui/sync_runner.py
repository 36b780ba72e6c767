"""Enrol and sync from the window, with progress and cancel, without freezing it.

Threading: the vault's SQLCipher connection refuses use from any thread but the one that opened
it (the GUI thread), and the sync client writes to the vault between its requests (each pushed
batch and pulled page in its own transaction). So the client runs on the GUI thread and only the
network waits go to a worker thread: ``OffThreadTransport`` sends each request there and keeps
the GUI's event loop running until the answer arrives. Workers touch neither widgets nor the
vault. A cancelled wait abandons the request; the client's retries are idempotent, so the next
sync resumes.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx
from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..sync.client import Cancelled, DeviceWiped, SyncClient, SyncResult
from ..vault.errors import VaultError
from .session import VaultSession


class _Done(QObject):
    done = Signal()


class OffThreadTransport(httpx.BaseTransport):
    """Real HTTP on a worker thread; the calling (GUI) thread keeps processing events meanwhile."""

    def __init__(self, inner: httpx.BaseTransport, cancel: threading.Event, abort: Any) -> None:
        self.inner = inner
        self.cancel = cancel
        self.abort = abort  # a Signal emitted when the person cancels: stops the wait at once

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.cancel.is_set():
            raise Cancelled()
        box: dict[str, Any] = {}
        signals = _Done()
        loop = QEventLoop()
        signals.done.connect(loop.quit)
        self.abort.connect(loop.quit)

        def work() -> None:
            try:
                response = self.inner.handle_request(request)
                response.read()
                box["response"] = response
            except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
                box["error"] = exc
            signals.done.emit()

        threading.Thread(target=work, name="sli-sync-http", daemon=True).start()
        loop.exec()
        self.abort.disconnect(loop.quit)
        if "error" in box:
            raise box["error"]
        if "response" not in box:
            raise Cancelled()
        response: httpx.Response = box["response"]
        return response

    def close(self) -> None:
        self.inner.close()


class SyncRunner(QObject):
    """Runs enrolment and sync for the window; says how it went through its signals."""

    #: One line for the person: "Pushed N, pulled M, K conflicts" or why it stopped.
    finished = Signal(str)
    enrolled = Signal(str)
    #: The server revoked this device and the client wiped the vault: the message to show.
    wiped = Signal(str)
    _abort = Signal()

    def __init__(self, parent: QWidget, session: VaultSession) -> None:
        super().__init__(parent)
        self._parent = parent
        self.session = session
        self.busy = False
        self.dialog: QProgressDialog | None = None

    def sync(self) -> None:
        result = self._run("Syncing…", lambda client: client.sync())
        if isinstance(result, SyncResult):
            line = f"Pushed {result.pushed}, pulled {result.pulled}, {result.conflicts} conflicts"
            if result.rejected:
                line += f"; the server refused {result.rejected} change(s), kept here unsent: "
                line += "; ".join(r.describe() for r in result.refusals)
            if result.held:
                line += f"; {result.held} draft note(s) stay on this device until complete"
            self.finished.emit(line + ".")

    def enroll(self, server: str, code: str) -> None:
        name = socket.gethostname()
        done = self._run("Enrolling…", lambda client: client.enroll(server, code, name))
        if done is not None:
            regions = ", ".join(done.regions) or "all regions"
            self.enrolled.emit(f"Enrolled as {done.user}, {done.role}: {regions}.")

    def _run(self, label: str, step: Any) -> Any:
        vault = self.session.vault
        if self.busy or vault is None or not vault.is_open:
            return None
        self.busy = True
        cancel = threading.Event()
        dialog = QProgressDialog(label, "Cancel", 0, 0, self._parent)
        dialog.setAccessibleName("Sync progress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # no lock or second sync meanwhile
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.canceled.connect(cancel.set)
        dialog.canceled.connect(self._abort.emit)
        self.dialog = dialog

        def progress(phase: str, done: int, total: int) -> None:
            dialog.setLabelText(f"{'Sending' if phase == 'push' else 'Receiving'} changes…")
            dialog.setMaximum(total)
            dialog.setValue(done)

        client = SyncClient(vault, self.session.keystore, progress=progress, cancel=cancel)
        transport = OffThreadTransport(
            httpx.HTTPTransport(verify=client.verify), cancel, self._abort
        )
        client.transport = transport
        try:
            return step(client)
        except DeviceWiped as exc:
            self.wiped.emit(str(exc))
        except Cancelled as exc:
            self.finished.emit(str(exc)[:1].upper() + str(exc)[1:] + ".")
        except VaultError as exc:
            self.finished.emit(str(exc))
        finally:
            dialog.reset()
            dialog.deleteLater()
            self.dialog = None
            transport.close()
            self.busy = False
        return None
