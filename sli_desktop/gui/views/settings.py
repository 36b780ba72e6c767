"""Settings: idle lock time (kept in the vault), large text (kept on this device), and
remembering the key on this device."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ...vault.preferences import Preferences
from ...vault.store import Vault
from .base import View, page_title


class SettingsView(View):
    title = "Settings"
    idle_changed = Signal(int)
    large_text_changed = Signal(bool)

    def __init__(self, vault: Vault, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.settings = settings
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setSuffix(" minutes")
        self.idle.setAccessibleName("Lock after idle minutes")
        self.idle.valueChanged.connect(self._idle)
        self.large = QCheckBox("Large text")
        self.large.setAccessibleName("Large text")
        self.large.toggled.connect(self._large)
        form = QFormLayout()
        form.addRow("Lock after", self.idle)
        form.addRow("Display", self.large)
        note = QLabel(
            "Ctrl+L locks at once. Locking closes the vault and forgets its key; your "
            "place and any unfinished note are kept, encrypted, for when you unlock."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Settings"))
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch()

    def refresh(self) -> None:
        self.idle.blockSignals(True)
        self.idle.setValue(Preferences(self.vault).idle_minutes)
        self.idle.blockSignals(False)
        self.large.blockSignals(True)
        self.large.setChecked(bool(self.settings.value("large_text", False, type=bool)))
        self.large.blockSignals(False)

    def _idle(self, minutes: int) -> None:
        Preferences(self.vault).idle_minutes = minutes
        self.idle_changed.emit(minutes)

    def _large(self, on: bool) -> None:
        self.settings.setValue("large_text", on)
        self.large_text_changed.emit(on)
