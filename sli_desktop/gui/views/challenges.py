"""Peer challenges: the schedule as a list and as a month-by-month timeline across regions,
the status workflow, new challenges and their teams, and corporate peer challenge coverage by
region."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import Challenge, ChallengeStatus, Region, ValidationError
from ...importers import ImportProblem
from ...vault.challenges import PROGRAMME_START, Challenges, RegionCoverage
from ...vault.councils import Councils
from ...vault.errors import VaultError
from ...vault.preferences import Preferences
from ...vault.store import Vault
from ..a11y import MessageLine
from ..data_io import ScheduleExportDialog, save_schedule
from ..dialogs.action import ActionDialog
from ..dialogs.challenge import ChallengeDialog
from ..dialogs.team import TeamDialog
from ..flow import flow_row, wrap_column
from ..models import Column, RowsModel
from ..sorting import sort_by_value
from .base import View, button, confirm, page_title, source_row, table_view

MONTHS = 12


def month_starts(today: date, count: int = MONTHS) -> list[date]:
    """From two months back, so what just happened shows beside what is booked."""
    year, month = today.year, today.month - 2
    starts = []
    for _ in range(count):
        while month < 1:
            month += 12
            year -= 1
        while month > 12:
            month -= 12
            year += 1
        starts.append(date(year, month, 1))
        month += 1
    return starts


class ChallengesView(View):
    title = "Peer challenges"
    #: the schedule's "On site from" column, which it is sorted by
    START = 4
    #: the Team column, which wraps
    TEAM = 6

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.names: dict[str, str] = {}
        self.regions: dict[str, str] = {}
        self.model: RowsModel[Challenge] = RowsModel(
            [
                Column("Council", lambda e: self.names.get(e.council, e.council)),
                Column("Region", lambda e: self.regions.get(e.council, "")),
                Column("Kind", lambda e: e.type.label),
                Column("Status", lambda e: e.status.value),
                Column("On site from", lambda e: e.start),
                Column("to", lambda e: e.end),
                Column("Team", lambda e: [f"{p.name} ({p.role.value})" for p in e.team]),
            ]
        )
        self.table = table_view("Schedule table", self.model)
        # Soonest on-site date first, blanks (not yet dated) last, whatever the date format.
        sort_by_value(self.table, self.model, self.START)
        wrap_column(self.table, self.TEAM)
        self.table.selectionModel().currentRowChanged.connect(self._selection)

        self.move_to = QComboBox()
        self.move_to.setAccessibleName("Move to status")
        self.start = QDateEdit()
        self.start.setCalendarPopup(True)
        self.start.setAccessibleName("On-site start")
        self.end = QDateEdit()
        self.end.setCalendarPopup(True)
        self.end.setAccessibleName("On-site end")
        for edit in (self.start, self.end):  # not Qt's 1 January 2000 before a selection
            edit.setDate(QDate.currentDate())
            edit.setDisplayFormat("d MMM yyyy")  # British, not the locale's "5 12 2026"
        self.move_button = QPushButton("&Move")
        self.move_button.clicked.connect(self.move_selected)
        self.message = MessageLine()
        self.message.setAccessibleName("Schedule message")
        self.message.setWordWrap(True)
        self.new_button = button("Ne&w peer challenge…", self.new_challenge)
        self.details_button = button(
            "Edit detai&ls…", self.edit_details, "Edit details of selected"
        )
        self.team_button = button("Edit t&eam…", self.edit_team, "Edit team of selected")
        self.action_button = button("Follow-up act&ion…", self.new_action)
        self.delete_button = button(
            "&Delete…", self.delete_selected, "Delete selected peer challenge"
        )
        self.region_filter = QComboBox()
        self.region_filter.setAccessibleName("Show region")
        self.region_filter.addItem("All regions", None)
        for region in Region.english():
            self.region_filter.addItem(region.value, region.value)
        self.region_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.export_button = button("E&xport to calendar…", self.export_calendar)
        self.export_dialog: ScheduleExportDialog | None = None
        show = QLabel("Sh&ow")
        show.setBuddy(self.region_filter)
        top = flow_row(
            self.new_button,
            self.details_button,
            self.team_button,
            self.action_button,
            self.delete_button,
            show,
            self.region_filter,
            self.export_button,
        )
        # "Move selected to [status] on site [from] to [to] [Move]" reads as one sentence, so
        # it wraps as two halves rather than word by word.
        bar = flow_row(
            flow_row(QLabel("Move selected to"), self.move_to),
            flow_row(QLabel("on site"), self.start, QLabel("to"), self.end, self.move_button),
        )
        schedule = QWidget()
        box = QVBoxLayout(schedule)
        box.addWidget(top)
        box.addWidget(self.table)
        box.addWidget(bar)
        box.addWidget(self.message)

        self.timeline = QTableWidget()
        self.timeline.setObjectName("Timeline")
        self.timeline.setAccessibleName("Timeline by region and month")
        self.timeline.setWordWrap(True)
        self.coverage: RowsModel[RegionCoverage] = RowsModel(
            [
                Column("Region", lambda r: r.region),
                Column("Councils", lambda r: r.councils),
                Column("Had one", lambda r: r.had),
                Column("Booked", lambda r: r.booked),
                Column("Discussing", lambda r: r.discussing),
                Column("None yet", lambda r: r.none),
            ]
        )
        self.coverage_total = QLabel()
        self.coverage_total.setAccessibleName("Coverage total")
        self.coverage_total.setWordWrap(True)
        cover = QWidget()
        cbox = QVBoxLayout(cover)
        about = QLabel(
            f"Corporate peer challenges since {PROGRAMME_START:%B %Y}, "
            "each council counted once at its furthest stage"
        )
        about.setWordWrap(True)
        cbox.addWidget(about)
        cbox.addWidget(table_view("Coverage table", self.coverage))
        cbox.addWidget(self.coverage_total)

        self.tabs = QTabWidget()
        self.tabs.addTab(schedule, "&Schedule")
        self.tabs.addTab(self.timeline, "&Timeline")
        self.tabs.addTab(cover, "&Coverage by region")
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Peer challenges"))
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        councils = Councils(self.vault).list()
        self.names = {c.gss_code: c.display_name for c in councils}
        self.regions = {c.gss_code: c.region.value for c in councils}
        engagements = Challenges(self.vault).list()
        selected = self.selected()
        region = self.shown_region()
        self.model.set_rows(
            [e for e in engagements if region is None or self.regions.get(e.council) == region]
        )
        if selected is not None:
            self.select(selected.id)
        self._fill_timeline(engagements)
        rows = Challenges(self.vault).coverage()
        self.coverage.set_rows(rows)
        had = sum(r.had for r in rows)
        booked = sum(r.booked for r in rows)
        self.coverage_total.setText(
            f"All England: {had} councils have had one, {booked} booked, "
            f"{sum(r.discussing for r in rows)} discussing, of {sum(r.councils for r in rows)}."
        )

    def _fill_timeline(self, engagements: list[Challenge]) -> None:
        months = month_starts(date.today())
        regions = [r.value for r in Region.english()]
        self.timeline.clear()
        self.timeline.setRowCount(len(regions))
        self.timeline.setColumnCount(len(months))
        self.timeline.setVerticalHeaderLabels(regions)
        self.timeline.setHorizontalHeaderLabels([f"{m:%b %Y}" for m in months])
        cells: dict[tuple[int, int], list[str]] = {}
        for e in engagements:
            if e.start is None or e.status is ChallengeStatus.CANCELLED:
                continue
            region = self.regions.get(e.council)
            key = (e.start.year, e.start.month)
            col = next((i for i, m in enumerate(months) if (m.year, m.month) == key), None)
            if region in regions and col is not None:
                cells.setdefault((regions.index(region), col), []).append(
                    f"{self.names.get(e.council, e.council)}: {e.type.label}, {e.status.value}"
                )
        for (row, col), items in cells.items():
            item = QTableWidgetItem("\n".join(items))
            item.setToolTip("\n".join(items))
            self.timeline.setItem(row, col, item)
        self.timeline.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.timeline.horizontalHeader().setMinimumSectionSize(80)
        self.timeline.resizeRowsToContents()

    def _selection(self) -> None:
        row = source_row(self.table)
        self.move_to.clear()
        if row is None:
            return
        engagement = self.model.row(row)
        for status in ChallengeStatus:
            if engagement.can_move_to(status):
                self.move_to.addItem(status.value)
        today = date.today()
        self.start.setDate(QDate(engagement.start or today))
        self.end.setDate(QDate(engagement.end or engagement.start or today))

    def selected(self) -> Challenge | None:
        row = source_row(self.table)
        return None if row is None else self.model.row(row)

    def select(self, engagement_id: str) -> None:
        """Select a challenge again after the schedule reloads (a move, a team change)."""
        model = self.table.model()
        for row in range(model.rowCount()):
            found = source_row(self.table, row)
            if found is not None and self.model.row(found).id == engagement_id:
                self.table.selectRow(row)
                return

    def shown_region(self) -> Region | None:
        value = self.region_filter.currentData()
        return Region(value) if value else None

    def export_calendar(self) -> None:
        """The regions shown, to an .ics file: the marking asked for first, as in File ▸ Export."""
        dialog = ScheduleExportDialog(
            self, Preferences(self.vault).export_marking, self.shown_region()
        )
        self.export_dialog = dialog

        def accepted() -> None:
            try:
                done = save_schedule(self, self.vault, dialog.marking(), dialog.region())
            except (ImportProblem, VaultError) as exc:
                self.message.setText(f"Nothing was exported: {exc}.")
                return
            if done is not None:
                self.message.setText(f"{done.summary}, marked {done.marking.value}.")

        dialog.accepted.connect(accepted)
        dialog.open()

    def _need_selection(self) -> Challenge | None:
        engagement = self.selected()
        if engagement is None:
            self.message.setText("Select a peer challenge in the schedule first.")
            self.table.setFocus()
        return engagement

    def new_challenge(self) -> None:
        self.open_dialog(ChallengeDialog(self.vault, parent=self))

    def edit_details(self) -> None:
        """Dates, venue, timetable, kind and scope of the selected challenge."""
        engagement = self._need_selection()
        if engagement is not None:
            self.open_dialog(ChallengeDialog(self.vault, parent=self, engagement=engagement))

    def edit_team(self) -> None:
        engagement = self._need_selection()
        if engagement is not None:
            self.open_dialog(TeamDialog(self.vault, engagement.id, self))

    def new_action(self) -> None:
        engagement = self._need_selection()
        if engagement is not None:
            self.open_dialog(ActionDialog(self.vault, engagement=engagement, parent=self))

    def delete_selected(self) -> None:
        """For a challenge recorded by mistake, after a question that says what goes where."""
        engagement = self._need_selection()
        if engagement is None:
            return
        council = self.names.get(engagement.council, engagement.council)
        kind = engagement.type.label
        what = f"the {kind[0].lower()}{kind[1:]} at {council}"
        if engagement.start is not None:
            what += f" on site from {engagement.start:%-d %B %Y}"
        if not confirm(
            self,
            "Delete peer challenge",
            f"Delete {what}, on every device? Deleting is for a challenge recorded by mistake; "
            "one that will not happen is better moved to cancelled, which keeps its history.",
        ):
            return
        try:
            Challenges(self.vault).delete(engagement.id)
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Deleted {what}; the next calendar export cancels its event.")
        self.refresh()
        self.changed.emit("engagement")

    def move_selected(self) -> None:
        row = source_row(self.table)
        if row is None or not self.move_to.currentText():
            self.message.setText("Select a peer challenge and the status to move it to.")
            return
        engagement = self.model.row(row)
        status = ChallengeStatus(self.move_to.currentText())
        changes: dict[str, Any] = {}
        if status in (ChallengeStatus.BOOKED, ChallengeStatus.ON_SITE):
            changes = {"start": self.start.date().toPython(), "end": self.end.date().toPython()}
        try:
            Challenges(self.vault).move(engagement.id, status, **changes)
        except ValidationError as exc:
            if exc.field.startswith("timetable"):
                self.message.setText(
                    "The timetable has a day outside these on-site dates: change it with "
                    "Edit details first, then move."
                )
            else:
                self.message.setText(str(exc))
            return
        except VaultError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Moved to {status.value}.")
        self.refresh()
