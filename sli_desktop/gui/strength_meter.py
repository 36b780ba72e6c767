"""The live passphrase strength shown while a new passphrase is typed (create and change).

The estimate is vault/strength.py's, the same rule that refuses a weak passphrase, so what the
window shows and what it accepts never disagree. The sentence goes in a visible label with no
accessible name of its own, so a screen reader reads exactly what is shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QProgressBar

from ..vault.strength import estimate

#: zxcvbn's work grows steeply with length (vault/strength.py): a short passphrase is estimated
#: on every key, a longer one when typing pauses, so typing never stutters.
IMMEDIATE_LENGTH = 32
PAUSE_MS = 250


class StrengthMeter(QObject):
    """Keeps ``bar`` (0-4) and ``label`` ("Strength: weak — it is a common password") in step
    with what is typed in ``field``."""

    def __init__(
        self,
        field: QLineEdit,
        bar: QProgressBar,
        label: QLabel,
        owner: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(field)
        self.field, self.bar, self.label, self.owner = field, bar, label, owner
        self.label.setWordWrap(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PAUSE_MS)
        self._timer.timeout.connect(self.refresh)
        field.textChanged.connect(self._typed)
        self.refresh()

    def _typed(self, text: str) -> None:
        if len(text) <= IMMEDIATE_LENGTH:
            self._timer.stop()
            self.refresh()
        else:
            self._timer.start()

    def refresh(self) -> None:
        text = self.field.text()
        if not text:
            self.bar.setValue(0)
            self.label.setText("")
            self.bar.setAccessibleDescription("")
            return
        found = estimate(text, owner=self.owner())
        self.bar.setValue(found.score)
        self.label.setText(found.label)
        self.bar.setAccessibleDescription(found.label)
