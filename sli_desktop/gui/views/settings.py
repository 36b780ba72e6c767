"""Settings: idle lock time and review periods by marking (kept in the vault), text size and
contrast (kept on this device), and remembering the key on this device."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ...domain import Marking
from ...vault.preferences import MAX_RETENTION_MONTHS, Preferences
from ...vault.store import Vault
from ..theme import TEXT_SIZES, Appearance
from .base import View, page_title
from .identity_panel import IdentityPanel


class SettingsView(View):
    title = "Settings"
    idle_changed = Signal(int)
    #: Text size or contrast changed: the window applies them at once.
    appearance_changed = Signal()

    def __init__(self, vault: Vault, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.settings = settings
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setSuffix(" minutes")
        self.idle.setAccessibleName("Lock after idle minutes")
        self.idle.valueChanged.connect(self._idle)
        self.text_size = QComboBox()
        for percent in TEXT_SIZES:
            self.text_size.addItem(f"{percent}%", percent)
        self.text_size.setAccessibleName("Text size")
        self.text_size.setAccessibleDescription("Of the desktop's text size; applies at once")
        self.text_size.currentIndexChanged.connect(lambda _i: self._appearance())
        self.contrast = QComboBox()
        self.contrast.addItem("Follow the desktop", "desktop")
        self.contrast.addItem("High contrast", "high")
        self.contrast.setAccessibleName("Contrast")
        self.contrast.currentIndexChanged.connect(lambda _i: self._appearance())
        form = QFormLayout()
        form.addRow("Lock after", self.idle)
        form.addRow("&Text size", self.text_size)
        form.addRow("C&ontrast", self.contrast)
        #: months from a note's date to its review, per marking: the default review-by date
        self.retention: dict[Marking, QSpinBox] = {}
        for marking in Marking:
            spin = QSpinBox()
            spin.setRange(1, MAX_RETENTION_MONTHS)
            spin.setSuffix(" months")
            spin.setAccessibleName(f"Review {marking.value} notes after")
            spin.valueChanged.connect(lambda months, m=marking: self._retention(m, months))
            self.retention[marking] = spin
            form.addRow(f"Review {marking.value} notes after", spin)
        note = QLabel(
            "Ctrl+L locks at once. Locking closes the vault and forgets its key; your "
            "place and any unfinished note are kept, encrypted, for when you unlock."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Settings"))
        # Who I am: the name and role briefings, notes and the audit log show.
        self.identity = IdentityPanel(vault)
        layout.addWidget(self.identity)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch()

    def refresh(self) -> None:
        self.identity.refresh()
        self.idle.blockSignals(True)
        self.idle.setValue(Preferences(self.vault).idle_minutes)
        self.idle.blockSignals(False)
        appearance = Appearance.from_settings(self.settings)
        for combo, value in (
            (self.text_size, appearance.text_size),
            (self.contrast, appearance.contrast),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        prefs = Preferences(self.vault)
        for marking, spin in self.retention.items():
            spin.blockSignals(True)
            spin.setValue(prefs.retention_months(marking))
            spin.blockSignals(False)

    def _idle(self, minutes: int) -> None:
        Preferences(self.vault).idle_minutes = minutes
        self.idle_changed.emit(minutes)

    def _retention(self, marking: Marking, months: int) -> None:
        """Applies to notes created from now on without a review date of their own."""
        Preferences(self.vault).set_retention_months(marking, months)

    def _appearance(self) -> None:
        Appearance(self.text_size.currentData(), self.contrast.currentData()).save(self.settings)
        self.appearance_changed.emit()
