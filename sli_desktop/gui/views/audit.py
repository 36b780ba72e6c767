"""The audit log as a person reads it: newest first, numbered (sorting numerically), who did
it by name, and each event said in words; the stored JSON only behind "Details"."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from ... import formats
from ...vault.audit import AuditEntry, AuditLog
from ...vault.councils import Councils
from ...vault.store import Vault
from ..models import Column, RowsModel
from ..sorting import sort_by_value
from ..wording import plural
from .base import View, button, page_title, source_row, table_view

#: The newest entries shown (the log of a busy vault runs to hundreds of thousands).
SHOWN = 2000

#: How each kind of record is named in a sentence.
KINDS = {
    "note": "note",
    "council": "council",
    "contact": "contact",
    "engagement": "peer challenge",
    "support_offer": "support offer",
    "action": "action",
    "metric": "metric",
    "coverage": "coverage assignment",
    "improvement-board": "Improvement Board",
    "document": "document",
    "assessment": "self-assessment or local account",
    "control-change": "change of political control",
}

VERBS = {"create": "Created", "edit": "Edited", "delete": "Deleted"}

#: Events about the vault itself, in words.
EVENTS = {
    "vault-created": "Created this vault",
    "unlock": "Unlocked the vault",
    "lock": "Locked the vault",
    "passphrase-changed": "Changed the passphrase",
    "passphrase-reset-with-recovery-key": "Set a new passphrase with the recovery key",
    "restored-with-recovery-key": "Restored the vault with the recovery key",
    "sync-conflict": "A sync conflict arrived (the same record edited on two devices)",
    "sync-rejected": "The sync server refused a change",
}


def _kind(kind: str) -> str:
    return KINDS.get(kind, kind.replace("_", " ").replace("-", " "))


def _article(words: str) -> str:
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def summary(entry: AuditEntry, councils: dict[str, str] | None = None) -> str:
    """One sentence for an audit entry: what happened, to what, in plain words."""
    try:
        detail: dict[str, Any] = json.loads(entry.detail or "{}")
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    action, kind = entry.action, _kind(entry.kind) if entry.kind else ""
    if action in VERBS:
        text = f"{VERBS[action]} {_article(kind)}" if kind else VERBS[action]
        fields = detail.get("fields")
        if action == "edit" and isinstance(fields, list) and fields:
            text += f" (changed {', '.join(str(f).replace('_', ' ') for f in fields)})"
        council = (councils or {}).get(str(detail.get("council", "")))
        return text + (f" for {council}" if council else "") + "."
    if action == "read":
        via = detail.get("via")
        where = {"window": "in the window", "briefing": "for a briefing"}.get(str(via), "")
        return f"Read {_article(kind or 'record')}{' ' + where if where else ''}."
    if action == "export":
        if "count" in detail:
            what = plural(int(detail["count"]), kind or "record")
        else:
            what = _article(kind) if kind else "the vault"
        how = f" as {str(detail['format']).upper()}" if detail.get("format") else ""
        where = f" to {detail['file']}" if detail.get("file") else ""
        return f"Exported {what}{how}{where}."
    if action == "backup":
        return f"Backed up the vault{' to ' + str(detail['file']) if detail.get('file') else ''}."
    if action == "import":
        added = f" ({detail['added']} added)" if "added" in detail else ""
        source = f" from {detail['file']}" if detail.get("file") else ""
        return f"Imported {kind + 's' if kind else 'records'}{source}{added}."
    if action == "sync-enrolled":
        return f"Enrolled this device with {detail.get('server', 'a sync server')}" + (
            f" as {detail['user']}." if detail.get("user") else "."
        )
    if action == "identity-changed":
        role = f", {detail['role']}" if detail.get("role") else ""
        return f"Changed the adviser's name to {detail.get('name', '')}{role}."
    if action in EVENTS:
        return EVENTS[action] + "."
    words = action.replace("-", " ").replace("_", " ")
    return f"{words[:1].upper()}{words[1:]}{' ' + _article(kind) if kind else ''}."


class AuditView(View):
    title = "Audit log"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.councils: dict[str, str] = {}
        self.model: RowsModel[AuditEntry] = RowsModel(
            [
                Column("#", lambda e: e.seq),
                Column("When", lambda e: formats.date_time(e.at)),
                Column("Who", lambda e: e.actor),
                Column("What happened", lambda e: summary(e, self.councils)),
            ]
        )
        self.table = table_view("Audit table", self.model, stretch=3)
        self.proxy = sort_by_value(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        # "When" sorts by the stored instant, not the words shown.
        self.proxy.keys[1] = lambda e: e.at
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        self.table.activated.connect(lambda _index: self.toggle_details())
        self.details_button = button("&Details", self.toggle_details, "Show the stored details")
        self.details_button.setCheckable(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Stored details")
        self.details.hide()
        self.count = QLabel()
        self.count.setAccessibleName("Audit entries shown")
        self.count.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Audit log"))
        layout.addWidget(self.count)
        layout.addWidget(split, 1)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)

    def refresh(self) -> None:
        self.councils = Councils(self.vault).names()
        entries = AuditLog(self.vault).entries(limit=SHOWN)
        self.model.set_rows(entries)
        self.count.setText(
            f"The newest {plural(len(entries), 'entry', 'entries')}, newest first. "
            "Select one and choose Details for what was stored."
            if entries
            else "Nothing recorded yet."
        )
        self._show_details()

    def toggle_details(self) -> None:
        shown = not self.details.isVisible()
        self.details.setVisible(shown)
        self.details_button.setChecked(shown)
        self._show_details()

    def _show_details(self) -> None:
        row = source_row(self.table)
        if row is None or not self.details.isVisible():
            self.details.setPlainText("" if row is not None else "Select an entry first.")
            return
        entry = self.model.row(row)
        try:
            shown = json.dumps(json.loads(entry.detail or "{}"), indent=2, ensure_ascii=False)
        except ValueError:
            shown = entry.detail
        record = f"{entry.kind} {entry.record_id}".strip()
        self.details.setPlainText(
            f"Entry {entry.seq} · {entry.at} · {entry.actor} · {entry.action}"
            + (f" · {record}" if record else "")
            + f"\n{shown}"
        )
