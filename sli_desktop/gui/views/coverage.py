"""Who covers what: principal advisers and regional leads by region, today or over time.

A coordinator (or a vault not enrolled with a server) maintains it here; on a device enrolled
in any other role it is read-only, and says so, because the server would refuse the change.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...domain import Coverage, Region
from ...vault.coverage import Assignments
from ...vault.errors import VaultError
from ...vault.store import Vault
from ..a11y import MessageLine
from ..dialogs.coverage import CoverageDialog
from ..flow import flow_row, title_row
from ..models import Column, RowsModel
from ..theme import CONCERN_COLOURS
from ..wording import plural
from .base import View, button, confirm, page_title, source_row, table_view


class CoverageView(View):
    title = "Who covers what"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.refused: dict[str, str] = {}
        today = date.today
        self.model: RowsModel[Coverage] = RowsModel(
            [
                Column("Role", lambda c: c.role.value),
                Column("Person", lambda c: c.person),
                Column("Regions", lambda c: c.area),
                Column("From", lambda c: c.since),
                Column("Until", lambda c: c.until),
                Column("Organisation", lambda c: c.organisation),
                Column("Contact", lambda c: c.contact),
                Column(
                    "Status",
                    lambda c: (
                        f"refused by the server: {self.refused[c.id]}"
                        if c.id in self.refused
                        else "current"
                        if c.is_current(today())
                        else "ended"
                        if c.until and c.until < today()
                        else "starts later"
                    ),
                    lambda c: CONCERN_COLOURS["serious"] if c.id in self.refused else "",
                ),
            ]
        )
        self.region = QComboBox()
        self.region.setAccessibleName("Region shown")
        self.region.addItem("All regions", "")
        for region in Region:
            self.region.addItem(region.value, region.value)
        self.region.currentIndexChanged.connect(self.refresh)
        self.history = QCheckBox("Show histor&y")
        self.history.setAccessibleName("Show history")
        self.history.toggled.connect(self.refresh)
        self.new_button = button("Ne&w assignment…", self.new_assignment)
        self.edit_button = button("&Edit…", self.edit_assignment, "Edit selected assignment")
        self.end_button = button("En&d assignment…", self.end_assignment, "End selected assignment")
        self.remove_button = button("&Remove", self.remove_assignment, "Remove selected assignment")
        self.notice = QLabel()
        self.notice.setAccessibleName("Coverage notice")
        self.notice.setWordWrap(True)
        self.gaps = QLabel()
        self.gaps.setAccessibleName("Roles nobody holds")
        self.gaps.setWordWrap(True)
        self.message = MessageLine()
        self.message.setAccessibleName("Coverage message")
        self.message.setWordWrap(True)
        self.table = table_view("Coverage table", self.model)
        # The service's order (principal advisers first, then each service's leads) until a
        # header is clicked.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.model().sort(-1)
        self.table.activated.connect(lambda _index: self.edit_assignment())

        top = title_row(
            page_title("Who covers what"),
            self.new_button,
            self.edit_button,
            self.end_button,
            self.remove_button,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(flow_row(self.region, self.history))
        layout.addWidget(self.table)
        layout.addWidget(self.gaps)
        layout.addWidget(self.message)

    @property
    def service(self) -> Assignments:
        return Assignments(self.vault)

    def refresh(self) -> None:
        service = self.service
        editable = service.may_maintain()
        role = service.enrolled_role()
        if editable:
            self.notice.setText(
                "Coverage is maintained by coordinators and synced to everyone."
                if role
                else "This vault is not enrolled with a sync server: coverage recorded here is "
                "yours until you enrol as a coordinator."
            )
        else:
            self.notice.setText(
                f"Read-only: coverage is maintained by coordinators, and this device is enrolled "
                f"as {role}. Changes reach you when you sync."
            )
        for widget in (self.new_button, self.edit_button, self.end_button, self.remove_button):
            widget.setEnabled(editable)
        chosen = self.region.currentData()
        region = Region(chosen) if chosen else None
        today = date.today()
        self.refused = service.refused()
        self.model.set_rows(
            service.list(region=region, on=None if self.history.isChecked() else today)
        )
        gaps = service.gaps(today, [region] if region else None)
        if region is not None:
            missing = gaps.get(region, [])
            self.gaps.setText(
                f"Nobody holds today in {region.value}: {', '.join(missing)}."
                if missing
                else f"Every role is held today in {region.value}."
            )
        else:
            count = sum(len(v) for v in gaps.values())
            self.gaps.setText(
                f"{plural(count, 'role')} in the English regions "
                f"{'is' if count == 1 else 'are'} held by nobody today; choose a region to see "
                "which."
                if count
                else "Every role is held today in every English region."
            )

    def selected(self) -> Coverage | None:
        row = source_row(self.table)
        if row is None:
            self.message.setText("Select an assignment in the list first.")
            self.table.setFocus()
            return None
        self.message.clear()
        return self.model.row(row)

    def new_assignment(self) -> None:
        self.message.clear()
        self.open_dialog(CoverageDialog(self.vault, parent=self))

    def edit_assignment(self) -> None:
        if not self.service.may_maintain():
            return
        chosen = self.selected()
        if chosen is not None:
            self.open_dialog(CoverageDialog(self.vault, chosen, parent=self))

    def end_assignment(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            end_on = max(date.today(), chosen.since)
            self.open_dialog(CoverageDialog(self.vault, chosen, end_on=end_on, parent=self))

    def remove_assignment(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if not confirm(
            self,
            "Remove assignment",
            f"Remove {chosen.person} as {chosen.role.value} for {chosen.area}? Ending an "
            "assignment keeps it in the history; removing is for one made by mistake.",
        ):
            return
        try:
            self.service.remove(chosen.id)
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self.refresh()
        self.changed.emit("coverage")
