"""Contacts and actions: simple tables over their services. An action leads back to where it
came from: Enter opens its note, peer challenge or council. (The audit log: views/audit.py.)"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ...domain import Action, Contact
from ...vault.actions import Actions
from ...vault.challenges import Challenges
from ...vault.contacts import Contacts
from ...vault.councils import Councils
from ...vault.errors import NotFound
from ...vault.notes import Notes
from ...vault.store import Vault
from ..dialogs.action import ActionDialog
from ..dialogs.contact import ContactDialog
from ..models import Column, RowsModel
from ..theme import CONCERN_COLOURS
from .base import View, button, page_title, source_row, table_view


class ContactsView(View):
    title = "Contacts"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.names: dict[str, str] = {}
        self.model: RowsModel[Contact] = RowsModel(
            [
                Column("Name", lambda c: c.name),
                Column("Role", lambda c: c.role),
                Column("Council", lambda c: self.names.get(c.council or "", c.organisation)),
                Column("Phone", lambda c: c.phones),
                Column("Email", lambda c: c.emails),
                Column("Last contacted", lambda c: c.last_contacted),
            ]
        )
        self.new_button = button("Ne&w contact…", self.new_contact)
        top = QHBoxLayout()
        top.addWidget(page_title("Contacts"))
        top.addStretch()
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(table_view("Contacts table", self.model))

    def refresh(self) -> None:
        self.names = Councils(self.vault).names()
        self.model.set_rows(Contacts(self.vault).list())

    def new_contact(self) -> None:
        self.open_dialog(ContactDialog(self.vault, parent=self))


class ActionsView(View):
    title = "Actions"
    open_note = Signal(str)
    open_challenge = Signal(str)
    open_council_actions = Signal(str)
    FILTERS: ClassVar[list[tuple[str, str | None]]] = [
        ("Open", "open"),
        ("Overdue", "overdue"),
        ("Done", "done"),
        ("All", None),
    ]

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.names: dict[str, str] = {}
        today = date.today
        self.model: RowsModel[Action] = RowsModel(
            [
                Column("Due", lambda a: a.due),
                Column(
                    "Status",
                    lambda a: "overdue" if a.is_overdue(today()) else a.status.value,
                    lambda a: CONCERN_COLOURS["serious"] if a.is_overdue(today()) else "",
                ),
                Column("Action", lambda a: a.title),
                Column("Owner", lambda a: a.owner),
                Column("Council", lambda a: self.names.get(a.council or "", "")),
                Column(
                    "From",
                    lambda a: "note" if a.note_id else "peer challenge" if a.engagement_id else "",
                ),
            ]
        )
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show actions")
        self.filter.addItems([label for label, _ in self.FILTERS])
        self.filter.currentIndexChanged.connect(self.refresh)
        self.done_button = QPushButton("Mark &done")
        self.done_button.clicked.connect(self.mark_done)
        self.new_button = button("Ne&w action…", self.new_action)
        self.table = table_view("Actions table", self.model)
        self.table.activated.connect(lambda _index: self.open_source())
        bar = QHBoxLayout()
        bar.addWidget(self.filter)
        bar.addStretch()
        bar.addWidget(self.new_button)
        bar.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Actions"))
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        self.names = Councils(self.vault).names()
        status = self.FILTERS[self.filter.currentIndex()][1]
        self.model.set_rows(Actions(self.vault).list(status))

    def mark_done(self) -> None:
        row = source_row(self.table)
        if row is None:
            QMessageBox.information(self, "Actions", "Select an action first.")
            return
        Actions(self.vault).done(self.model.row(row).id)
        self.refresh()

    def new_action(self) -> None:
        self.open_dialog(ActionDialog(self.vault, parent=self))

    def open_source(self) -> None:
        """Where the action came from: its note, its peer challenge, or else its council."""
        row = source_row(self.table)
        if row is None:
            return
        action = self.model.row(row)
        try:
            if action.note_id:
                self.open_note.emit(Notes(self.vault).get(action.note_id).id)
            elif action.engagement_id:
                self.open_challenge.emit(Challenges(self.vault).get(action.engagement_id).id)
            elif action.council:
                self.open_council_actions.emit(action.council)
        except NotFound:
            QMessageBox.information(
                self, "Actions", "What this action came from has since been deleted."
            )
