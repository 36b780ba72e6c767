"""A coverage assignment: who, in which role, for which regions, from when until when.

New, it is a handover (whoever held the role there ends the day before); editing corrects an
assignment in place; "End" opens the same form on the last day.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem, QWidget

from ...domain import Coverage, CoverageRole, Region, ValidationError
from ...vault.coverage import Assignments
from ...vault.store import Vault
from .base import FormDialog, date_text, parse_date


class CoverageDialog(FormDialog):
    KIND = "coverage"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "person": ("person", "Person"),
        "role": ("role", "Role"),
        "regions": ("regions", "Regions"),
        "since": ("since", "From"),
        "until": ("until", "Until"),
        "organisation": ("organisation", "Organisation"),
        "email": ("email", "Email"),
        "phone": ("phone", "Phone"),
        "details": ("details", "Details"),
    }

    def __init__(
        self,
        vault: Vault,
        assignment: Coverage | None = None,
        *,
        end_on: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "New assignment" if assignment is None else "Edit assignment"
        super().__init__("coverage.ui", "End assignment" if end_on else title, parent)
        self.vault = vault
        self.assignment = assignment
        self.resize(560, 560)
        for role in CoverageRole:
            self.ui.role.addItem(role.value[:1].upper() + role.value[1:], role.value)
        for region in Region:
            item = QListWidgetItem(region.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, region.value)
            self.ui.regions.addItem(item)
        if assignment is None:
            self.ui.handover.setText(
                "Whoever holds this role in these regions on the first day hands over: "
                "their assignment ends the day before, and keeps any regions not taken."
            )
            self.ui.since.setText(date_text(date.today()))
            self.ui.person.setFocus()
            return
        self.ui.handover.setText(
            f"<b>{html.escape(assignment.person)}</b>, {html.escape(assignment.role.value)} for "
            f"{html.escape(assignment.area)} since {assignment.since}"
        )
        self.ui.person.setText(assignment.person)
        self.ui.role.setCurrentIndex(self.ui.role.findData(assignment.role.value))
        self.set_regions(assignment.regions)
        self.ui.since.setText(date_text(assignment.since))
        self.ui.until.setText(date_text(end_on or assignment.until))
        self.ui.organisation.setText(assignment.organisation)
        self.ui.email.setText(assignment.email)
        self.ui.phone.setText(assignment.phone)
        self.ui.details.setPlainText(assignment.details)
        (self.ui.until if end_on else self.ui.person).setFocus()

    def set_regions(self, regions: list[Region]) -> None:
        wanted = {r.value for r in regions}
        for row in range(self.ui.regions.count()):
            item = self.ui.regions.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def regions(self) -> list[Region]:
        out = []
        for row in range(self.ui.regions.count()):
            item = self.ui.regions.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(Region(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def store(self) -> Coverage:
        regions = self.regions()
        if not regions:
            raise ValidationError("regions", "tick at least one region")
        since = parse_date(self.ui.since.text(), "since")
        if since is None:
            raise ValidationError("since", "is required")
        values = {
            "person": self.ui.person.text(),
            "role": CoverageRole(self.ui.role.currentData()),
            "regions": regions,
            "since": since,
            "until": parse_date(self.ui.until.text(), "until"),
            "organisation": self.ui.organisation.text(),
            "email": self.ui.email.text(),
            "phone": self.ui.phone.text(),
            "details": self.ui.details.toPlainText(),
        }
        service = Assignments(self.vault)
        if self.assignment is None:
            return service.assign(**values).assignment
        return service.edit(self.assignment.id, **values)
