"""Global search (Ctrl+K): notes, contacts and councils as you type, ranked, by keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..formats import short_date
from ..vault.councils import Councils
from ..vault.search import Hit, Search
from ..vault.store import Vault
from .wording import plural

_KIND_LABEL = {"council": "Council", "contact": "Contact", "note": "Note"}


def _detail(hit: Hit) -> str:
    """A note's date as a person reads it ("5 Dec 2026 · medium"); the rest as found."""
    if hit.kind != "note":
        return hit.detail
    day, _, rest = hit.detail.partition(" · ")
    return " · ".join(p for p in (short_date(day), rest) if p)


class SearchPopup(QDialog):
    chosen = Signal(object)  # the Hit the user picked

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search")
        self.setAccessibleName("Search")
        self.resize(720, 440)
        self.search = Search(vault)
        self.names = Councils(vault).names()
        self.query = QLineEdit(placeholderText="Search notes, contacts and councils")
        self.query.setAccessibleName("Search text")
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        # A long title wraps onto a second line: its council, date and concern stay in view.
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        layout.addWidget(self.status)
        self.query.textChanged.connect(self.update_results)
        self.query.installEventFilter(self)
        self.results.itemActivated.connect(self._activate)
        self.hits: list[Hit] = []

    #: One typed letter matches a large share of any vault and tells nothing; wait for two.
    MIN_CHARS = 2

    def update_results(self, text: str) -> None:
        self.hits = (
            self.search.search(text, limit=30) if len(text.strip()) >= self.MIN_CHARS else []
        )
        self.results.clear()
        for hit in self.hits:
            where = self.names.get(hit.council or "", "") if hit.kind != "council" else ""
            kind = "Draft note" if hit.draft else _KIND_LABEL[hit.kind]
            label = f"{kind}: {hit.title}"
            item = QListWidgetItem(" · ".join(p for p in (label, where, _detail(hit)) if p))
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if self.hits:
            self.results.setCurrentRow(0)
        self.status.setText(plural(len(self.hits), "result") if text.strip() else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.query
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.results.currentItem():
                self._activate(self.results.currentItem())
                return True
        return super().eventFilter(watched, event)

    def _activate(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()
