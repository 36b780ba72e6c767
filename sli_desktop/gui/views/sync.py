"""Sync: enrol this device with a server and sync on demand.

The view only asks: the window's SyncRunner does the work, so Ctrl+Shift+S from any view and
the button here run the same code.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...vault.store import Vault
from ...vault.syncstate import SyncState
from .base import View, page_title


class SyncView(View):
    title = "Sync"
    sync_requested = Signal()
    #: server URL, one-time code
    enroll_requested = Signal(str, str)

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.enrolment = QLabel()
        self.enrolment.setAccessibleName("Enrolment")
        self.enrolment.setWordWrap(True)
        self.server = QLineEdit()
        self.server.setAccessibleName("Server URL")
        self.server.setPlaceholderText("https://sync.example.org:8443")
        self.code = QLineEdit()
        self.code.setAccessibleName("One-time code")
        self.enroll_button = QPushButton("&Enrol this device")
        self.enroll_button.setAccessibleName("Enrol this device")
        self.enroll_button.clicked.connect(self._enroll)
        self.code.returnPressed.connect(self._enroll)
        box = QGroupBox("Enrolment")
        form = QFormLayout(box)
        form.addRow(self.enrolment)
        form.addRow("Server &URL", self.server)
        form.addRow("One-time &code", self.code)
        form.addRow(self.enroll_button)

        self.sync_button = QPushButton("&Sync now (Ctrl+Shift+S)")
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.clicked.connect(self.sync_requested)
        self.result = QLabel()
        self.result.setAccessibleName("Sync result")
        self.result.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Sync"))
        layout.addWidget(box)
        layout.addWidget(self.sync_button)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def refresh(self) -> None:
        """Show who and which server this device is enrolled with (it can change on enrol)."""
        state = SyncState(self.vault)
        server, user = state.get("server"), state.get("user")
        if server and user:
            self.enrolment.setText(f"Enrolled with {server} as {user} ({state.get('role')}).")
            if not self.server.text():
                self.server.setText(server)
        else:
            self.enrolment.setText("This device is not enrolled with a sync server.")
        self.sync_button.setEnabled(bool(server))

    def show_result(self, line: str) -> None:
        self.result.setText(line)
        self.refresh()

    def _enroll(self) -> None:
        if self.server.text().strip() and self.code.text().strip():
            self.enroll_requested.emit(self.server.text().strip(), self.code.text().strip())
            self.code.clear()
