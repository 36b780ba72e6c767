"""The council page's self-assessment and leadership tab: the council's self-assessments and
local accounts by year, its changes of political control with the member peer support each
opened, and its leadership programme places.

A document is opened only by saving a copy where the person chooses, as on the Improvement
Board tab: nothing readable is written to a temporary file.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import Assessment, AssessmentKind, ControlChange, SupportOffer
from ...domain.improvement import year_label
from ...formats import long_date, short_date
from ...vault.assessments import Assessments
from ...vault.control import PoliticalControl
from ...vault.errors import VaultError
from ...vault.leadership import Leadership
from ...vault.store import Vault
from ..a11y import MessageLine
from ..dialogs.assessment import AssessmentDialog
from ..dialogs.base import FormDialog
from ..dialogs.control_change import ControlChangeDialog, MemberDaysDialog
from ..dialogs.leadership import LeadershipPlaceDialog
from ..flow import flow_row
from ..models import Column, RowsModel
from .base import button, confirm, source_row, table_view

ControlRow = tuple[ControlChange, SupportOffer | None]

RowT = TypeVar("RowT")  # a table's row: what _selected hands back


def _days(offer: SupportOffer | None) -> str:
    if offer is None:
        return "no offer"
    return f"{offer.days_used:g} of {offer.days_offered:g} days used ({offer.status.value})"


def latest_line(latest: dict[AssessmentKind, Assessment], kind: AssessmentKind) -> str:
    """One line for the overview: the latest of a kind, where to read it, the summary."""
    found = latest.get(kind)
    if found is None:
        return "none recorded"
    where = found.link or ("document held in the vault" if found.document_id else "")
    summary = found.summary.split("\n", 1)[0][:200]
    parts = [f"{year_label(found.year)}, dated {short_date(found.date)}", where, summary]
    return " — ".join(p for p in parts if p)


class ImprovementPanel(QWidget):
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
        self.assessments: RowsModel[Assessment] = RowsModel(
            [
                Column("Kind", lambda a: a.type.label),
                Column("Year", lambda a: year_label(a.year)),
                Column("Dated", lambda a: a.date),
                Column("Link", lambda a: a.link),
                Column("Document", lambda a: "held encrypted" if a.document_id else ""),
                Column("Summary", lambda a: a.summary),
            ]
        )
        self.changes: RowsModel[ControlRow] = RowsModel(
            [
                Column("Date", lambda r: r[0].date),
                Column("From", lambda r: r[0].from_control),
                Column("To", lambda r: r[0].to_control),
                Column("Member peer support", lambda r: _days(r[1])),
            ]
        )
        self.places: RowsModel[SupportOffer] = RowsModel(
            [
                Column("Year", lambda p: year_label(p.year or 0)),
                Column("Status", lambda p: p.status.value),
                Column("Details", lambda p: p.details),
            ]
        )
        self.assessments_table = table_view(
            "Self-assessments and local accounts", self.assessments, stretch=5
        )
        self.changes_table = table_view("Changes of political control", self.changes, stretch=3)
        self.places_table = table_view("Leadership programme places", self.places, stretch=2)
        self.message = MessageLine()
        self.message.setAccessibleName("Self-assessment and leadership message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        self._section(
            layout,
            "Self-assessment (children's services) and local account (adult social care)",
            self.assessments_table,
            button("Record self-assessment or local acco&unt…", self.new_assessment),
            button(
                "Vie&w or edit selected…", self.edit_assessment, "Edit selected self-assessment"
            ),
            button("Save document cop&y as…", self.save_copy, "Save a copy of the document"),
            button("Delete…", self.delete_assessment, "Delete selected self-assessment"),
        )
        self._section(
            layout,
            "Changes of political control and member peer support",
            self.changes_table,
            button("R&ecord change of control…", self.new_change),
            button("Mem&ber peer days used…", self.days_used),
            button("Remove…", self.delete_change, "Remove selected change of control"),
        )
        self._section(
            layout,
            "Leadership programme places (one subsidised place a year for three years)",
            self.places_table,
            button("Record leadersh&ip place…", self.new_place),
        )
        layout.addWidget(self.message)

    @staticmethod
    def _section(layout: QVBoxLayout, title: str, table: QTableView, *buttons: QWidget) -> None:
        heading = QLabel(f"<b>{html.escape(title)}</b>")
        heading.setAccessibleName(title)
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(flow_row(*buttons))  # wraps rather than widen the window
        layout.addWidget(table, 1)

    def show_council(self, gss: str) -> None:
        self.gss = gss
        self.message.clear()
        self.assessments.set_rows(Assessments(self.vault).list(gss))
        control = PoliticalControl(self.vault)
        self.changes.set_rows([(c, control.offer_for(c)) for c in control.history(gss)])
        self.places.set_rows(Leadership(self.vault).list(gss))

    # -- actions ---------------------------------------------------------------------------
    def _selected(self, table: QTableView, model: RowsModel[RowT], what: str) -> RowT | None:
        row = source_row(table)
        if row is None:
            if len(model.rows) == 1:
                return model.rows[0]
            self.message.setText(f"Select {what} in the list first.")
            table.setFocus()
            return None
        return model.row(row)

    def new_assessment(self) -> None:
        self.open_dialog(AssessmentDialog(self.vault, self.gss, parent=self))

    def edit_assessment(self) -> None:
        found = self._selected(self.assessments_table, self.assessments, "a self-assessment")
        if isinstance(found, Assessment):
            self.open_dialog(AssessmentDialog(self.vault, self.gss, found, self))

    def save_copy(self) -> None:
        found = self._selected(self.assessments_table, self.assessments, "a self-assessment")
        if not isinstance(found, Assessment):
            return
        if not found.document_id:
            self.message.setText("That record has no document attached.")
            return
        view = Assessments(self.vault).view(found)
        name = view.document.filename if view.document else "document"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the document", name, "All files (*)"
        )
        if not path:
            return
        try:
            written = Assessments(self.vault).save_copy(found.id, Path(path))
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Saved a copy to {written}.")

    def new_change(self) -> None:
        self.open_dialog(ControlChangeDialog(self.vault, self.gss, self))

    def days_used(self) -> None:
        found = self._selected(self.changes_table, self.changes, "a change of control")
        if not isinstance(found, tuple):
            return
        offer = found[1]
        if offer is None:
            self.message.setText("That change has no member peer support offer.")
            return
        self.open_dialog(MemberDaysDialog(self.vault, offer, self))

    def new_place(self) -> None:
        found = source_row(self.places_table)
        existing = self.places.row(found) if found is not None else None
        self.open_dialog(LeadershipPlaceDialog(self.vault, self.gss, existing, self))

    def _confirm(self, question: str) -> bool:
        return confirm(self, "Confirm", question)

    def delete_assessment(self) -> None:
        found = self._selected(self.assessments_table, self.assessments, "a self-assessment")
        if not isinstance(found, Assessment):
            return
        what = f"the {found.type.value} {year_label(found.year)}"
        if not self._confirm(f"Delete {what} and any document held with it, on every device?"):
            return
        try:
            Assessments(self.vault).delete(found.id)
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self._done(Assessment.kind, f"Deleted {what}; other devices lose it at their next sync.")

    def delete_change(self) -> None:
        found = self._selected(self.changes_table, self.changes, "a change of control")
        if not isinstance(found, tuple):
            return
        change = found[0]
        if not self._confirm(f"Remove the change of control on {long_date(change.date)}?"):
            return
        try:
            _gone, kept = PoliticalControl(self.vault).delete(change.id)
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        text = f"Removed the change of control on {long_date(change.date)}"
        if kept is not None:
            text += f"; its member peer support stays on record ({kept.days_used:g} days used)"
        self._done(ControlChange.kind, text + ".")

    def _done(self, kind: str, text: str) -> None:
        self.changed(kind)  # the window refreshes the page (and this panel) first
        self.show_council(self.gss)
        self.message.setText(text)
