"""Sync conflicts: edits that met on the server, side by side, settled with the same service
as ``sli conflicts resolve`` so the choice syncs the same way. Named "sync conflicts" wherever
a person reads it, apart from a peer's "conflict of interest" (issue 21)."""

from __future__ import annotations

import difflib
import html
import json
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...sync import conflicts as conflict_service
from ...vault.store import Vault
from ...vault.syncstate import StoredConflict, SyncState
from .base import View, page_title

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
#: Words that differ: tinted, and also bold and underlined so colour is not the only sign; the
#: text colour is set with the tint so it reads on a dark theme too (issue 22).
MINE_MARK = "background:#ffd6d6; color:#0b0c0c; font-weight:bold; text-decoration:underline"
THEIRS_MARK = "background:#d6f5d6; color:#0b0c0c; font-weight:bold; text-decoration:underline"
DIFF_HINT = "Words that differ from the other version are bold and underlined"


def as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def diff_html(mine: str, theirs: str) -> tuple[str, str]:
    """Both texts as HTML with the words that differ marked, so a long note's one changed
    sentence stands out."""
    a, b = _TOKENS.findall(mine), _TOKENS.findall(theirs)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = html.escape("".join(a[i1:i2])), html.escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old)
            right.append(new)
        else:
            if old:
                left.append(f'<span style="{MINE_MARK}">{old}</span>')
            if new:
                right.append(f'<span style="{THEIRS_MARK}">{new}</span>')

    def page(parts: list[str]) -> str:
        return '<div style="white-space:pre-wrap">' + "".join(parts) + "</div>"

    return page(left), page(right)


class ConflictsView(View):
    title = "Sync conflicts"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.conflicts: dict[str, StoredConflict] = {}
        self._sides: dict[str, dict[str, Any]] = {}
        self._merged: dict[str, str] = {}
        self.list = QListWidget()
        self.list.setAccessibleName("Open sync conflicts")
        self.list.currentItemChanged.connect(lambda *_: self._show())
        self.field = QComboBox()
        self.field.setAccessibleName("Field")
        self.field.currentTextChanged.connect(lambda _t: self._show_field())
        self.mine = QTextBrowser()
        self.mine.setAccessibleName("My version")
        self.mine.setAccessibleDescription(DIFF_HINT)
        self.theirs = QTextBrowser()
        self.theirs.setAccessibleName("Their version")
        self.theirs.setAccessibleDescription(DIFF_HINT)
        self.merged = QPlainTextEdit()
        self.merged.setAccessibleName("Merged version")
        self.merged.textChanged.connect(self._merged_edited)
        self.keep_mine = QPushButton("Keep &mine")
        self.keep_theirs = QPushButton("Keep &theirs")
        self.keep_merged = QPushButton("Keep m&erged")
        for button, keep in (
            (self.keep_mine, "mine"),
            (self.keep_theirs, "theirs"),
            (self.keep_merged, "merged"),
        ):
            button.setAccessibleName(button.text().replace("&", ""))
            button.clicked.connect(lambda _=False, k=keep: self.resolve(k))
        self.empty = QLabel(
            "No sync conflicts. When the same record is edited on two devices before they "
            "sync, both versions appear here to choose between."
        )
        self.empty.setWordWrap(True)

        panes = QHBoxLayout()
        for caption, pane in (("Mine", self.mine), ("Theirs", self.theirs)):
            column = QVBoxLayout()
            column.addWidget(QLabel(caption))
            column.addWidget(pane)
            panes.addLayout(column)
        buttons = QHBoxLayout()
        for button in (self.keep_mine, self.keep_theirs, self.keep_merged):
            buttons.addWidget(button)
        buttons.addStretch(1)
        detail = QVBoxLayout()
        detail.addWidget(self.field)
        detail.addLayout(panes, 2)
        detail.addWidget(QLabel("Merged (edit before keeping)"))
        detail.addWidget(self.merged, 1)
        detail.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(detail, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Sync conflicts"))
        layout.addWidget(self.empty)
        layout.addLayout(body, 1)

    def refresh(self) -> None:
        """Reload the open conflicts (a sync may have brought or settled some)."""
        current = self.current_id()
        self.conflicts = {c.id: c for c in SyncState(self.vault).conflicts()}
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in self.conflicts.values():
            fields = ", ".join(sorted(conflict.detail.get("fields", {})))
            item = QListWidgetItem(f"{conflict.kind} {conflict.record_id[:8]}: {fields}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.id)
            self.list.addItem(item)
            if conflict.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(not self.conflicts)
        self._show()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _show(self) -> None:
        conflict = self.conflicts.get(self.current_id() or "")
        device = SyncState(self.vault).get("device_id")
        self._sides = conflict_service.sides(conflict, device) if conflict else {}
        self._merged = {
            name: as_text(
                conflict_service.merged_value(side["winner"], side["loser"], side["text"])
            )
            for name, side in self._sides.items()
        }
        for button in (self.keep_mine, self.keep_theirs, self.keep_merged):
            button.setEnabled(conflict is not None)
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItems(sorted(self._sides))
        self.field.blockSignals(False)
        self._show_field()

    def _show_field(self) -> None:
        side = self._sides.get(self.field.currentText())
        if side is None:
            self.mine.clear()
            self.theirs.clear()
            self.merged.blockSignals(True)
            self.merged.clear()
            self.merged.blockSignals(False)
            return
        left, right = diff_html(as_text(side["mine"]), as_text(side["theirs"]))
        self.mine.setHtml(left)
        self.theirs.setHtml(right)
        self.merged.blockSignals(True)
        self.merged.setPlainText(self._merged[self.field.currentText()])
        self.merged.blockSignals(False)

    def _merged_edited(self) -> None:
        if self.field.currentText() in self._merged:
            self._merged[self.field.currentText()] = self.merged.toPlainText()

    def resolve(self, keep: conflict_service.Keep) -> None:
        """Settle the selected conflict; with "merged", the text as edited here is what is kept
        for text fields (the service's merge for the rest)."""
        conflict_id = self.current_id()
        if conflict_id is None:
            return
        edited = (
            {name: self._merged[name] for name in conflict_service.editable(self._sides)}
            if keep == "merged"
            else None
        )
        conflict_service.resolve(self.vault, conflict_id, keep, edited)
        self.changed.emit(self.conflicts[conflict_id].kind)
        self.refresh()
