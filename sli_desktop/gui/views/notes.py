"""All notes, newest first, read lazily; the selected note in full with its edit history.
Enter or a double-click edits the note; a follow-up action can be raised from it. The list
can show only drafts (incomplete: not synced or briefed) or notes due for review, and a note
at the end of its retention can be disposed of."""

from __future__ import annotations

import contextlib
import html
import json
from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain import Note
from ...vault.audit import AuditLog
from ...vault.councils import Councils
from ...vault.errors import NotFound
from ...vault.notes import Notes
from ...vault.reads import Reads
from ...vault.store import Vault
from ..dialogs.action import ActionDialog
from ..dialogs.note_edit import NoteEditDialog
from ..models import Column, LazyNotesModel, RowsModel, concern_colour
from .base import View, button, page_title, table_view

#: The due-for-review list shows this many, oldest due first (a big old vault has thousands).
DUE_SHOWN = 500


class NotesView(View):
    title = "Notes"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.names: dict[str, str] = {}
        columns: list[Column[Note]] = [
            Column("Date", lambda n: n.date),
            Column("Council", lambda n: self.names.get(n.council, n.council)),
            Column("Concern", lambda n: n.concern.value, lambda n: concern_colour(n.concern.value)),
            Column("Marking", lambda n: n.marking.value),
            Column("Title", lambda n: f"[draft] {n.title}" if n.draft else n.title),
        ]
        self.model = LazyNotesModel(Notes(vault), columns, parent=self)
        self.subset: RowsModel[Note] = RowsModel(
            [
                *columns[:4],
                Column("Review by", lambda n: Notes(self.vault).review_date(n)),
                Column("Missing", lambda n: n.missing),
                columns[4],
            ],
            self,
        )
        self.table = table_view("Notes table", self.model, sortable=False)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.show_choice = QComboBox()
        self.show_choice.setAccessibleName("Show notes")
        for label, key in (
            ("All notes", "all"),
            ("Drafts (incomplete: not synced or briefed)", "drafts"),
            ("Due for review", "due"),
        ):
            self.show_choice.addItem(label, key)
        self.show_choice.currentIndexChanged.connect(lambda _i: self.refresh())
        self.message = QLabel()
        self.message.setAccessibleName("Notes message")
        self.message.setWordWrap(True)
        self.confirm: QMessageBox | None = None
        self.table.activated.connect(lambda _index: self.edit_note())
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Note detail")
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([420, 300])
        self.edit_button = button("&Edit note…", self.edit_note)
        self.action_button = button("Follow-up act&ion…", self.new_action)
        self.dispose_button = button("Dis&pose of note…", self.ask_dispose)
        top = QHBoxLayout()
        top.addWidget(page_title("Notes"))
        top.addStretch()
        top.addWidget(self.show_choice)
        top.addWidget(self.edit_button)
        top.addWidget(self.action_button)
        top.addWidget(self.dispose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter)
        self._shown: str | None = None
        self._enable(False)

    def _enable(self, on: bool) -> None:
        """Editing needs a note: the buttons wait until one is shown."""
        self.edit_button.setEnabled(on)
        self.action_button.setEnabled(on)
        self.dispose_button.setEnabled(on)

    @property
    def showing(self) -> str:
        return str(self.show_choice.currentData() or "all")

    def _current(self) -> RowsModel[Note]:
        return self.model if self.showing == "all" else self.subset

    def refresh(self) -> None:
        self.names = Councils(self.vault).names()
        notes = Notes(self.vault)
        if self.showing == "all":
            self.model.reload()
            self.message.setText("")
        elif self.showing == "drafts":
            self.subset.set_rows(notes.drafts())
            self.message.setText(
                f"{self.subset.rowCount()} draft(s): incomplete notes stay on this device, "
                "and are neither synced nor briefed until complete."
            )
        else:
            self.subset.set_rows(notes.due_for_review(limit=DUE_SHOWN))
            total = notes.count_due()
            shown = f" (the {DUE_SHOWN} due longest first)" if total > DUE_SHOWN else ""
            self.message.setText(
                f"{total} note(s) due for review{shown}: keep one by giving it a later review "
                "date (Edit note), or dispose of it."
            )
        if self.table.model() is not self._current():
            self.table.setModel(self._current())
            self.table.selectionModel().selectionChanged.connect(self._selected)
        if self._shown:  # show the note again as it now is (an edit, with its history)
            with contextlib.suppress(NotFound):
                self.show_note(self._shown)

    def _chosen(self) -> Note | None:
        """The note in the detail pane: selected in the list, or opened from search."""
        return Notes(self.vault).get(self._shown) if self._shown else None

    def edit_note(self) -> None:
        note = self._chosen()
        if note is not None:
            self.open_dialog(NoteEditDialog(self.vault, note.id, self))

    def new_action(self) -> None:
        note = self._chosen()
        if note is not None:
            self.open_dialog(ActionDialog(self.vault, note=note, parent=self))

    def ask_dispose(self) -> None:
        """Disposal cannot be undone: ask first, without blocking the window."""
        note = self._chosen()
        if note is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Dispose of note",
            f"Dispose of “{note.title}”? Its text is removed from this vault now, and from the "
            "server and every other device at the next sync. This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setAccessibleName("Dispose of note")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        note_id = note.id
        box.buttonClicked.connect(
            lambda clicked: self.dispose(note_id)
            if box.standardButton(clicked) == QMessageBox.StandardButton.Yes
            else None
        )
        self.confirm = box
        box.open()

    def dispose(self, note_id: str) -> None:
        Notes(self.vault).dispose(note_id)
        self._shown = None
        self.detail.clear()
        self._enable(False)
        self.refresh()
        self.message.setText("Note disposed of: it leaves the server and other devices at sync.")

    def show_note(self, note_id: str) -> None:
        """Select the note if it is loaded, and show it in full either way."""
        current = self._current()
        for row in range(current.rowCount()):
            if current.row(row).id == note_id:
                self.table.selectRow(row)
                return
        self._render(Notes(self.vault).get(note_id))

    def _selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self._render(self._current().row(indexes[0].row()))

    def _render(self, note: Note) -> None:
        if self._shown != note.id:
            Reads(self.vault).record(note, via="window")
            self._shown = note.id
        e = html.escape
        colour = concern_colour(note.concern.value) or "inherit"
        aware = (
            f"yes, on {note.council_aware_on}"
            if note.council_aware_on
            else "yes"
            if note.council_aware
            else "not yet"
        )
        parts = [
            f"<p><b>{e(note.marking.value)}</b>{' · PRIVATE' if note.private else ''}</p>",
            f"<h2>{e(note.title)}</h2>",
            f"<p>{e(self.names.get(note.council, note.council))} · {note.date} · "
            f"<b style='color:{colour}'>concern {e(note.concern.value)}</b> · "
            f"source {e(note.source.value)} · council aware: {aware}</p>",
        ]
        if note.draft:
            missing = ", ".join(note.missing) or "nothing; finish it by editing"
            parts.insert(
                0,
                "<p><b>DRAFT</b> — kept on this device, not synced or briefed until complete "
                f"(missing: {e(missing)})</p>",
            )
        parts.append(f"<p>Review by {Notes(self.vault).review_date(note)}</p>")
        if note.themes:
            parts.append(f"<p>Themes: {e(', '.join(note.themes))}</p>")
        if note.evidence:
            parts.append(
                "<p>Evidence:</p><ul>"
                + "".join(f"<li>{e(item)}</li>" for item in note.evidence)
                + "</ul>"
            )
        parts.append("<p>" + e(note.body).replace("\n", "<br>") + "</p>")
        history = AuditLog(self.vault).for_record(note.id)
        rows = []
        for entry in history:
            if entry.action == "read":
                continue
            detail = json.loads(entry.detail)
            fields = ", ".join(detail.get("fields", []))
            rows.append(
                f"<li>{e(entry.at[:16].replace('T', ' '))} — {e(entry.action)} by "
                f"{e(entry.actor)} (version {detail.get('version', '?')})"
                f"{': ' + e(fields) if fields else ''}</li>"
            )
        parts.append("<h3>Edit history</h3><ul>" + "".join(rows) + "</ul>")
        self.detail.setHtml("".join(parts))
        self._enable(True)

    def state(self) -> dict[str, Any]:
        return {"note": self._shown}

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("note"):
            self._shown = None
            with contextlib.suppress(NotFound):  # deleted meanwhile: show the list
                self.show_note(state["note"])
