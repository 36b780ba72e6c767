"""All notes, read lazily in the chosen order (newest, highest concern, or council A to Z);
the selected note in full with its edit history. Typed words filter the list. Enter or a
double-click edits the note; a follow-up action can be raised from it. The list can show only
drafts (incomplete: not synced or briefed) or notes due for review, and a note at the end of
its retention can be disposed of."""

from __future__ import annotations

import contextlib
import html
import json
from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain import Note
from ...formats import date_time, long_date
from ...vault.audit import AuditLog
from ...vault.councils import Councils
from ...vault.errors import NotFound
from ...vault.note_list import NoteList, NoteOrder, matching, sort_notes
from ...vault.notes import Notes
from ...vault.reads import Reads
from ...vault.store import Vault
from ..a11y import MessageLine
from ..dialogs.action import ActionDialog
from ..dialogs.note_edit import NoteEditDialog
from ..flow import flow_row, title_row
from ..models import Column, LazyNotesModel, NotePages, RowsModel, concern_colour
from ..wording import plural
from .base import View, button, page_title, table_view

#: The due-for-review list shows this many, oldest due first (a big old vault has thousands).
DUE_SHOWN = 500
#: What the preview pane says before a note is chosen.
EMPTY_PREVIEW = (
    "<p>Select a note in the list above to read it here in full, with its edit history.</p>"
    "<p>Enter or a double-click edits it. To write a new note, choose Notes ▸ Quick note "
    "(Ctrl+Shift+N).</p>"
)


class _NoPages:
    """What the list reads before the view is first shown: nothing. The window opens on
    Today, so the first page of notes is read (and measured for its columns) only when
    Notes is opened (docs/PERFORMANCE.md, "Cold start")."""

    def count(self, council: str | None = None) -> int:
        return 0

    def list(
        self, council: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Note]:
        return []


class _Pages:
    """The vault's pages of notes in one order, as the lazy model reads them."""

    def __init__(self, pages: NoteList) -> None:
        self.pages = pages

    def count(self, council: str | None = None) -> int:
        return self.pages.count()

    def list(
        self, council: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Note]:
        return self.pages.page(limit or LazyNotesModel.PAGE, offset)


class NotesView(View):
    title = "Notes"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.names: dict[str, str] = {}
        columns: list[Column[Note]] = [
            Column("Date", lambda n: n.date),
            Column("Council", lambda n: self.names.get(n.council, n.council)),
            Column("Concern", lambda n: n.concern.value, lambda n: concern_colour(n.concern.value)),
            Column("Draft", lambda n: "draft" if n.draft else ""),
            Column("Marking", lambda n: n.marking.value),
            Column("Title", lambda n: n.title),
        ]
        self.model = LazyNotesModel(_NoPages(), columns, parent=self)
        self.subset: RowsModel[Note] = RowsModel(
            [
                *columns[:5],
                Column("Review by", lambda n: Notes(self.vault).review_date(n)),
                Column("Missing", lambda n: n.missing),
                columns[5],
            ],
            self,
        )
        #: notes matching typed words, in the same columns as the full list
        self.found: RowsModel[Note] = RowsModel(columns, self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by words in the notes")
        self.filter.setAccessibleName("Filter notes")
        self.filter.setClearButtonEnabled(True)
        metrics = self.filter.fontMetrics()
        self.filter.setMinimumWidth(metrics.horizontalAdvance(self.filter.placeholderText()) + 40)
        self.filter.textChanged.connect(lambda _t: self.refresh())
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort notes")
        for order in NoteOrder:
            self.sort.addItem(order.label, order.value)
        self.sort.currentIndexChanged.connect(lambda _i: self.refresh())
        sort_label = QLabel("S&ort")
        sort_label.setBuddy(self.sort)
        self.table = table_view("Notes table", self.model, sortable=False)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.show_choice = QComboBox()
        self.show_choice.setAccessibleName("Show notes")
        for label, key in (
            ("All notes", "all"),
            ("Drafts (incomplete)", "drafts"),
            ("Due for review", "due"),
        ):
            self.show_choice.addItem(label, key)
        self.show_choice.currentIndexChanged.connect(lambda _i: self.refresh())
        self.message = MessageLine()
        self.message.setAccessibleName("Notes message")
        self.message.setWordWrap(True)
        self.confirm: QMessageBox | None = None
        self.table.activated.connect(lambda _index: self.edit_note())
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Note detail")
        self.detail.setOpenLinks(False)
        self.detail.setHtml(EMPTY_PREVIEW)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([420, 300])
        self.edit_button = button("&Edit note…", self.edit_note)
        self.action_button = button("Follow-up act&ion…", self.new_action)
        self.dispose_button = button("Dis&pose of note…", self.ask_dispose)
        show_label = QLabel("Sho&w")
        show_label.setBuddy(self.show_choice)
        top = title_row(
            page_title("Notes"), self.edit_button, self.action_button, self.dispose_button
        )
        filters = flow_row(
            self.filter, flow_row(show_label, self.show_choice), flow_row(sort_label, self.sort)
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(filters)
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

    @property
    def order(self) -> NoteOrder:
        return NoteOrder(self.sort.currentData() or NoteOrder.DATE.value)

    def _pages(self, order: NoteOrder) -> NotePages:
        return _Pages(NoteList(self.vault, order))

    def _current(self) -> RowsModel[Note]:
        if self.showing != "all":
            return self.subset
        return self.found if self.filter.text().strip() else self.model

    def refresh(self) -> None:
        self.names = Councils(self.vault).names()
        notes = Notes(self.vault)
        words = self.filter.text().strip()
        order = self.order
        if self.showing == "all" and not words:
            self.model.notes = self._pages(order)
            self.model.reload()
            self.message.setText("")
        elif self.showing == "all":
            found = matching(self.vault, words, order)
            self.found.set_rows(found)
            self.message.setText(
                f"{plural(len(found), 'note')} matching “{words}”."
                if found
                else f"No note matches “{words}”."
            )
        elif self.showing == "drafts":
            drafts = self._filtered(notes.drafts(), words)
            self.subset.set_rows(sort_notes(self.vault, drafts, order))
            self.message.setText(
                f"{plural(len(drafts), 'draft')}: incomplete notes stay on this device, "
                "and are neither synced nor briefed until complete."
            )
        else:
            due = self._filtered(notes.due_for_review(limit=DUE_SHOWN), words)
            if order is not NoteOrder.DATE:
                due = sort_notes(self.vault, due, order)
            self.subset.set_rows(due)
            total = notes.count_due()
            shown = f" (the {DUE_SHOWN} due longest first)" if total > DUE_SHOWN else ""
            self.message.setText(
                f"{plural(total, 'note')} due for review{shown}: keep one by giving it a later "
                "review date (Edit note), or dispose of it."
            )
        self.message.setVisible(bool(self.message.text()))
        if self.table.model() is not self._current():
            self.table.setModel(self._current())
            self.table.selectionModel().selectionChanged.connect(self._selected)
        if self._shown:  # show the note again as it now is (an edit, with its history)
            with contextlib.suppress(NotFound):
                self.show_note(self._shown)

    def _filtered(self, notes: list[Note], words: str) -> list[Note]:
        """Drafts or notes due, narrowed to those holding every typed word."""
        wanted = words.casefold().split()
        if not wanted:
            return notes
        return [
            n
            for n in notes
            if all(
                w in f"{n.title} {n.body} {self.names.get(n.council, '')}".casefold()
                for w in wanted
            )
        ]

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
        self.detail.setHtml(EMPTY_PREVIEW)
        self._enable(False)
        self.refresh()
        self.message.setText("Note disposed of: it leaves the server and other devices at sync.")
        self.message.show()

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
            f"yes, on {long_date(note.council_aware_on)}"
            if note.council_aware_on
            else "yes"
            if note.council_aware
            else "not yet"
        )
        parts = [
            f"<p><b>{e(note.marking.value)}</b>{' · PRIVATE' if note.private else ''}</p>",
            f"<h2>{e(note.title)}</h2>",
            f"<p>{e(self.names.get(note.council, note.council))} · {long_date(note.date)} · "
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
        parts.append(f"<p>Review by {long_date(Notes(self.vault).review_date(note))}</p>")
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
                f"<li>{e(date_time(entry.at))} — {e(entry.action)} by "
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
