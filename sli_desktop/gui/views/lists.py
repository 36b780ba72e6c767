"""Contacts, actions and the audit log: simple tables over their services."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ...domain import Action, Contact
from ...vault.actions import Actions
from ...vault.audit import AuditEntry, AuditLog
from ...vault.contacts import Contacts
from ...vault.councils import Councils
from ...vault.store import Vault
from ..models import Column, RowsModel
from ..theme import CONCERN_COLOURS
from .base import View, page_title, source_row, table_view


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
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Contacts"))
        layout.addWidget(table_view("Contacts table", self.model))

    def refresh(self) -> None:
        self.names = Councils(self.vault).names()
        self.model.set_rows(Contacts(self.vault).list())


class ActionsView(View):
    title = "Actions"
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
        self.table = table_view("Actions table", self.model)
        bar = QHBoxLayout()
        bar.addWidget(self.filter)
        bar.addStretch()
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


class AuditView(View):
    title = "Audit log"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.model: RowsModel[AuditEntry] = RowsModel(
            [
                Column("#", lambda e: e.seq),
                Column("When", lambda e: e.at[:19].replace("T", " ")),
                Column("Who", lambda e: e.actor),
                Column("Action", lambda e: e.action),
                Column("Record", lambda e: f"{e.kind} {e.record_id[:8]}".strip()),
                Column("Detail", lambda e: e.detail),
            ]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Audit log"))
        layout.addWidget(table_view("Audit table", self.model))

    def refresh(self) -> None:
        self.model.set_rows(list(reversed(AuditLog(self.vault).entries(limit=2000))))
