"""Shown instead of the workspace when the device has been offline longer than its sync server
allows (vault/expiry.py): the only way on is a sync with the enrolment already held."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ..formats import long_date
from ..vault.expiry import OfflineStatus


class ExpiredPage(QWidget):
    sync_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expiredPage")
        self.heading = QLabel("Sync needed")
        self.heading.setObjectName("pageTitle")
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("Why the vault is locked")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sync result")
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setAccessibleName("Sync now")
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(self.sync_requested)
        box = QVBoxLayout(self)
        box.addStretch(1)
        for widget in (self.heading, self.explanation, self.sync_button, self.message):
            box.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)

    def prepare(self, status: OfflineStatus) -> None:
        last = long_date(status.since) if status.since else "never"
        self.explanation.setText(
            f"This device has not synced with its server for more than {status.max_days} days "
            f"(last sync: {last}). Your server requires a sync before the vault opens again. "
            "Connect to the network and sync now."
        )
        self.message.setText("")
        self.sync_button.setFocus()

    def show_result(self, line: str) -> None:
        self.message.setText(line)
