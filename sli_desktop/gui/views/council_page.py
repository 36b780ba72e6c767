"""One council: overview, contacts, notes, peer challenges, support, actions and metrics."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import Action, Contact, Engagement, Metric, Note, SupportOffer
from ...vault.notes import Notes
from ...vault.overview import overview
from ...vault.store import Vault
from ..models import Column, LazyNotesModel, RowsModel, concern_colour, text
from ..theme import CONCERN_COLOURS
from .base import View, page_title, table_view

NOTE_COLUMNS: list[Column[Note]] = [
    Column("Date", lambda n: n.date),
    Column("Concern", lambda n: n.concern.value, lambda n: concern_colour(n.concern.value)),
    Column("Council aware", lambda n: "yes" if n.council_aware else "not yet"),
    Column("Marking", lambda n: n.marking.value),
    Column("Themes", lambda n: n.themes),
    Column("Title", lambda n: n.title),
]


def _label(value: str, name: str) -> QLabel:
    label = QLabel(value)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(name)
    label.setWordWrap(True)
    return label


class CouncilPage(View):
    title = "Council"
    new_note = Signal(str)
    open_note = Signal(str)

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.gss = ""
        self.heading = page_title("")
        self.subtitle = QLabel()
        self.flags = QHBoxLayout()
        add = QPushButton("New note for this council")
        add.setAccessibleName("New note for this council")
        add.clicked.connect(lambda: self.new_note.emit(self.gss))
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch()
        top.addWidget(add)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("councilTabs")
        self.overview_box = QWidget()
        self.overview_form = QFormLayout(self.overview_box)
        self.contacts: RowsModel[Contact] = RowsModel(
            [
                Column("Name", lambda c: c.name),
                Column("Role", lambda c: c.role),
                Column("Phone", lambda c: c.phones),
                Column("Email", lambda c: c.emails),
                Column("Lawful basis", lambda c: c.lawful_basis.value),
            ]
        )
        self.engagements: RowsModel[Engagement] = RowsModel(
            [
                Column("Kind", lambda e: e.type.label),
                Column("Status", lambda e: e.status.value),
                Column("Start", lambda e: e.start),
                Column("End", lambda e: e.end),
                Column("Team", lambda e: [f"{p.name} ({p.role.value})" for p in e.team]),
            ]
        )
        self.support: RowsModel[SupportOffer] = RowsModel(
            [
                Column("Offer", lambda s: s.type.value),
                Column("Status", lambda s: s.status.value),
                Column("Year", lambda s: s.year),
                Column(
                    "Days",
                    lambda s: f"{s.days_used:g} of {s.days_offered:g}" if s.days_offered else "",
                ),
                Column("Details", lambda s: s.details),
            ]
        )
        self.actions_model: RowsModel[Action] = RowsModel(
            [
                Column("Due", lambda a: a.due),
                Column(
                    "Status",
                    lambda a: "overdue" if a.is_overdue(date.today()) else a.status.value,
                    lambda a: CONCERN_COLOURS["serious"] if a.is_overdue(date.today()) else "",
                ),
                Column("Action", lambda a: a.title),
                Column("Owner", lambda a: a.owner),
            ]
        )
        self.metrics: RowsModel[Metric] = RowsModel(
            [
                Column("Metric", lambda m: m.name),
                Column("Period", lambda m: m.period),
                Column("Value", lambda m: f"{m.value:g} {m.unit}".strip()),
                Column("Source", lambda m: m.source),
            ]
        )
        self.notes_model: LazyNotesModel | None = None
        self.notes_table = table_view("Council notes", RowsModel(NOTE_COLUMNS), sortable=False)
        self.notes_table.activated.connect(self._note_activated)

        self.tabs.addTab(self.overview_box, "&Overview")
        self.tabs.addTab(table_view("Council contacts", self.contacts), "&Contacts")
        self.tabs.addTab(self.notes_table, "&Notes")
        self.tabs.addTab(
            table_view("Council peer challenges", self.engagements), "&Peer challenges"
        )
        self.tabs.addTab(table_view("Council support offers", self.support), "&Support offers")
        self.tabs.addTab(table_view("Council actions", self.actions_model), "&Actions")
        self.tabs.addTab(table_view("Council metrics", self.metrics), "&Metrics")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addLayout(self.flags)
        layout.addWidget(self.tabs)

    def show_council(self, gss: str) -> None:
        self.gss = gss
        self.refresh()

    def refresh(self) -> None:
        if not self.gss:
            return
        today = date.today()
        info = overview(self.vault, self.gss, today)
        council = info.council
        self.heading.setText(council.name)
        self.subtitle.setText(
            f"{council.type.value.capitalize()} · {council.region.value} · {council.gss_code}"
        )
        while self.flags.count():
            item = self.flags.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        flags = []
        if info.concern.rank:
            flags.append((f"Concern: {info.concern.value}", CONCERN_COLOURS[info.concern.value]))
        if council.improvement_board:
            since = (
                f" since {council.improvement_board_since}"
                if council.improvement_board_since
                else ""
            )
            flags.append((f"Improvement Board{since}", ""))
        if council.control_changed_on:
            flags.append((f"Change of political control {council.control_changed_on}", ""))
        for flag, colour in flags:
            label = QLabel(flag)
            label.setObjectName("flag")
            label.setAccessibleName(flag)
            if colour:
                label.setStyleSheet(f"color: {colour}; font-weight: bold;")
            self.flags.addWidget(label)
        self.flags.addStretch()

        form = self.overview_form
        while form.rowCount():
            form.removeRow(0)
        form.addRow(
            "Political control",
            _label(council.political_control or "not recorded", "Political control"),
        )
        for contact in info.key_contacts:
            form.addRow(
                contact.role or "Contact",
                _label(
                    f"{contact.name}  {text(contact.phones)}  {text(contact.emails)}", contact.name
                ),
            )
        for note in info.recent_notes:
            form.addRow(
                str(note.date),
                _label(
                    f"<b style='color:{concern_colour(note.concern.value) or 'palette(text)'}'>"
                    f"{note.concern.value}</b> — {note.title}",
                    note.title,
                ),
            )
        nxt = info.next_engagement
        form.addRow(
            "Next peer challenge",
            _label(
                f"{nxt.type.label}: {nxt.status.value}"
                + (f", {nxt.start:%d %B %Y}" if nxt.start else "")
                if nxt
                else "none planned",
                "Next peer challenge",
            ),
        )
        form.addRow(
            "Overdue actions",
            _label(
                "; ".join(f"{a.title} (due {a.due})" for a in info.overdue_actions) or "none",
                "Overdue actions",
            ),
        )

        self.contacts.set_rows(info.contacts)
        self.engagements.set_rows(info.engagements)
        self.support.set_rows(info.support)
        self.actions_model.set_rows(info.open_actions)
        self.metrics.set_rows(info.metrics)
        self.notes_model = LazyNotesModel(Notes(self.vault), NOTE_COLUMNS, council.gss_code, self)
        self.notes_table.setModel(self.notes_model)

    def _note_activated(self) -> None:
        if self.notes_model is not None:
            index = self.notes_table.currentIndex()
            if index.isValid():
                self.open_note.emit(self.notes_model.row(index.row()).id)

    def state(self) -> dict[str, Any]:
        return {"gss": self.gss, "tab": self.tabs.currentIndex()}

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("gss"):
            self.show_council(state["gss"])
            self.tabs.setCurrentIndex(state.get("tab", 0))
