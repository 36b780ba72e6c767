"""The council page's Improvement Board tab: the board sitting now (members, dates, meetings,
sign-offs and whether it is ready to present) and its terms of engagement documents.

A document is opened only by saving a copy where the person chooses ("Save copy as…"): the
app never writes one to a temporary file, so nothing readable leaves the vault unasked.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QVBoxLayout, QWidget

from ...domain import Document, ImprovementBoard, SignOffElement
from ...vault.boards import Boards
from ...vault.documents import Documents
from ...vault.errors import VaultError
from ...vault.store import Vault
from ..a11y import MessageLine
from ..dialogs.base import FormDialog
from ..dialogs.board import BoardDialog, readiness_text
from ..flow import flow_row
from ..models import Column, RowsModel
from ..tasks import Progress, Task, vault_task
from ..wording import not_attached
from .base import button, source_row, table_view


class BoardPanel(QWidget):
    def __init__(
        self,
        vault: Vault,
        open_dialog: Callable[[FormDialog], FormDialog],
        changed: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self.open_dialog = open_dialog
        self.changed = changed
        self.gss = ""
        self.task: Task[Document] | None = None  # an attachment being written on a worker
        self.board: ImprovementBoard | None = None
        self.summary = QLabel()
        self.summary.setAccessibleName("Improvement Board")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ready = QLabel()
        self.ready.setAccessibleName("Ready to present")
        self.ready.setWordWrap(True)
        self.message = MessageLine()
        self.message.setAccessibleName("Improvement Board message")
        self.message.setWordWrap(True)
        self.documents: RowsModel[Document] = RowsModel(
            [
                Column("Document", lambda d: d.filename),
                Column("Type", lambda d: d.media_type),
                Column("Size", lambda d: f"{d.size / 1024:,.0f} KB"),
                Column("Attached", lambda d: f"{d.created_at:%Y-%m-%d}"),
                Column("By", lambda d: d.author),
            ]
        )
        self.documents_table = table_view("Terms of engagement documents", self.documents)
        self.edit_button = button("Edit &board…", self.edit_board, "Edit Improvement Board")
        self.attach_button = button("Attach t&erms…", self.attach, "Attach terms of engagement")
        self.save_button = button("Save cop&y as…", self.save_copy, "Save a copy of the document")
        self.remove_button = button("Remove doc&ument", self.remove, "Remove the document")
        layout = QVBoxLayout(self)
        layout.addWidget(
            flow_row(self.edit_button, self.attach_button, self.save_button, self.remove_button)
        )
        layout.addWidget(self.summary)
        layout.addWidget(self.ready)
        layout.addWidget(self.documents_table, 1)
        layout.addWidget(self.message)

    def show_council(self, gss: str, today: date | None = None) -> None:
        self.gss = gss
        self.message.clear()
        today = today or date.today()
        self.board = Boards(self.vault).current(gss, today)
        board = self.board
        has_board = board is not None
        self.edit_button.setText("Edit &board…" if has_board else "New &board…")
        self.edit_button.setAccessibleName(
            "Edit Improvement Board" if has_board else "New Improvement Board"
        )
        for widget in (self.attach_button, self.save_button, self.remove_button):
            widget.setEnabled(has_board)
        if board is None:
            self.summary.setText("No Improvement Board recorded for this council.")
            self.ready.clear()
            self.documents.set_rows([])
            return
        e = html.escape
        members = "".join(
            f"<li>{e(m.name)}{e(', ' + m.role) if m.role else ''}"
            f"{e(' (' + m.organisation + ')') if m.organisation else ''}</li>"
            for m in board.members
        )
        nxt = board.next_meeting(today)
        signoffs = "".join(
            f"<li>{element.label}: {board.status(element).value}"
            + (f" on {board.signed_on(element)}" if board.signed_on(element) else "")
            + "</li>"
            for element in SignOffElement
        )
        director = f"<p>Independent peer director: {e(board.peer_director)}</p>"
        self.summary.setText(
            f"<p><b>Improvement Board</b> from {board.start or 'date not set'}"
            f"{' to ' + str(board.end) if board.end else ''}; next meeting "
            f"{nxt or 'not set'}; terms of engagement agreed "
            f"{board.terms_agreed_on or 'not yet'}.</p>"
            f"<p>Members:</p><ul>{members or '<li>none recorded</li>'}</ul>"
            f"<p>Adult social care sign-off:</p><ul>{signoffs}</ul>"
            + (director if board.peer_director else "")
        )
        self.ready.setText(readiness_text(board, today))
        self.documents.set_rows(Boards(self.vault).documents(board.id))

    # -- actions ---------------------------------------------------------------------------
    def edit_board(self) -> None:
        board_id = self.board.id if self.board else None
        self.open_dialog(BoardDialog(self.vault, self.gss, board_id, self))

    def attach(self) -> None:
        if self.board is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Attach the terms of engagement",
            "",
            "Documents (*.pdf *.docx *.doc *.odt);;All files (*)",
        )
        if not path:
            return
        board_id, source = self.board.id, Path(path)

        def work(progress: Progress, worker: Vault) -> Document:
            # Up to 20 MB read and written on a worker with a connection of its own: the
            # window never waits for it (issue 25).
            progress.report(0, 0, f"Attaching {source.name}…")
            return Boards(worker).attach_terms(board_id, source)

        def done(document: Document) -> None:
            self._done(f"Attached {document.filename}; it is kept encrypted in the vault.")

        def failed(exc: BaseException) -> None:
            self.message.setText(not_attached(source.name, exc))

        self.task = vault_task(self, f"Attaching {source.name}", self.vault, work)
        self.task.success(done).failure(failed).run()

    def _selected(self) -> Document | None:
        row = source_row(self.documents_table)
        if row is None:
            rows = self.documents.rows
            if len(rows) == 1:
                return rows[0]
            self.message.setText("Select a document in the list first.")
            self.documents_table.setFocus()
            return None
        return self.documents.row(row)

    def save_copy(self) -> None:
        """The only way to open a document: a copy written where the person chooses."""
        document = self._selected()
        if document is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the document", document.filename, "All files (*)"
        )
        if not path:
            return
        try:
            written = Documents(self.vault).save_copy(document.id, Path(path))
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Saved a copy to {written}.")

    def remove(self) -> None:
        document = self._selected()
        if document is None:
            return
        try:
            Documents(self.vault).delete(document.id)
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self._done(f"Removed {document.filename}; other devices lose it at their next sync.")

    def _done(self, text: str) -> None:
        self.changed(Document.kind)  # the window refreshes the page (and this panel) first
        self.show_council(self.gss)
        self.message.setText(text)
