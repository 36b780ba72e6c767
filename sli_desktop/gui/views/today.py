"""Today, the first view after unlock: the adviser's councils ranked by concern, and beside
them what needs her (overdue actions, the next 30 days, drafts to finish, notes due for
review). Every row opens where the thing lives. The data comes from vault/today.py.

After a pull or an import on a worker, the window's connection has lost its cached pages, and
reading Today back would hold the window for a tenth of a second or more on a large vault: a
worker with a connection of its own reads it then, and the view shows it when it arrives
(docs/PERFORMANCE.md, "The window never freezes")."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import formats
from ...domain import Challenge
from ...vault.overview import CONTACT_LEADER
from ...vault.store import Vault
from ...vault.today import DUE_COUNTED, CouncilRow, Event, Scope, Today, data_version, today
from ..flow import wrap_column
from ..models import Column, RowsModel, concern_colour
from ..tasks import Progress, Task, vault_task
from ..wording import plural
from .base import View, button, page_title, table_view


def soon(day: date, today: date | None = None) -> str:
    """'Thu 11 Mar' for a day coming up (the weekday is what a diary is read by); the year
    only when it is not this one."""
    this_year = (today or date.today()).year
    text = f"{formats.WEEKDAYS[day.weekday()][:3]} {day.day} {formats.MONTHS[day.month - 1][:3]}"
    return text if day.year == this_year else f"{text} {day.year}"


def _next(row: CouncilRow) -> str:
    event = row.next_event
    return f"{event.what}, {soon(event.on)}" if event else ""


def _concern(row: CouncilRow) -> str:
    if row.serious_unaware:
        return f"{row.concern.value} (council not yet aware)"
    return row.concern.value if row.concern.rank else "none"


class TodayView(View):
    title = "Today"
    #: a council's page, on this tab (None: where it opens by default)
    open_council = Signal(str, object)
    open_note = Signal(str)
    open_challenge = Signal(str)
    #: another main view, by its navigation key
    go = Signal(str)
    #: the Notes view, showing the notes due for review
    open_due = Signal()

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.data: Today | None = None
        #: The window connection's ``data_version`` when Today was last read (None: never).
        self._version: int | None = None
        #: Today being read on a worker, and whether another refresh was asked for meanwhile.
        self.task: Task[Today] | None = None
        self._again = False
        self.heading = QLabel()
        self.heading.setAccessibleName("Today's date")
        self.scope = QLabel()
        self.scope.setWordWrap(True)
        self.scope.setAccessibleName("Whose councils")
        self.model: RowsModel[CouncilRow] = RowsModel(
            [
                Column("Council", lambda r: r.council.display_name),
                Column("Concern", _concern, lambda r: concern_colour(r.concern.value)),
                Column("Latest note", lambda r: formats.short_date(r.latest_note)),
                Column("Next", _next),
                Column("Overdue actions", lambda r: r.overdue or ""),
            ]
        )
        self.table = table_view("My councils", self.model, sortable=False, stretch=3)
        self.table.activated.connect(self._council_activated)
        self.agenda = QTreeWidget()
        self.agenda.setObjectName("Needs your attention")
        self.agenda.setAccessibleName("Needs your attention")
        self.agenda.setHeaderHidden(True)
        self.agenda.setRootIsDecorated(False)
        # Each item is two short lines (what, then where and when), so it shows whole in a
        # narrow pane; anything longer scrolls inside the pane.
        self.agenda.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.agenda.itemActivated.connect(self._item_activated)
        self.synced = QLabel()
        self.synced.setAccessibleName("Last synced")
        self.synced.setWordWrap(True)
        self.sync_button = button("Open &Sync", lambda: self.go.emit("sync"), "Open the Sync view")

        councils = QWidget()
        left = QVBoxLayout(councils)
        left.setContentsMargins(0, 0, 0, 0)
        self.councils_heading = QLabel()
        self.councils_heading.setAccessibleName("My councils")
        self.councils_heading.setBuddy(self.table)
        left.addWidget(self.councils_heading)
        left.addWidget(self.table, 1)
        attention = QWidget()
        right = QVBoxLayout(attention)
        right.setContentsMargins(0, 0, 0, 0)
        needs = QLabel("<b>Needs your attention</b>")
        needs.setAccessibleName("Needs your attention")
        right.addWidget(needs)
        right.addWidget(self.agenda, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(councils)
        self.splitter.addWidget(attention)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        wrap_column(self.table, 3)  # the next event wraps in its cell, never cut short

        top = QHBoxLayout()
        top.addWidget(page_title("Today"))
        top.addStretch()
        top.addWidget(self.heading)
        bottom = QHBoxLayout()
        bottom.addWidget(self.synced, 1)
        bottom.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scope)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

    # -- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read Today here while the window's connection has it cached; once another
        connection has written (a pull, an import), on a worker."""
        if self.task is not None:
            self._again = True  # shown when the read under way ends
            return
        version = data_version(self.vault)
        if self._version is None or version == self._version:
            self._version = version
            self.show_data(today(self.vault))
            return
        self._version = version
        self._read_elsewhere()

    def _read_elsewhere(self) -> None:
        def work(_progress: Progress, worker: Vault) -> Today:
            return today(worker)

        task = vault_task(self, "Reading Today", self.vault, work, quiet=True)
        self.task = task

        def ended() -> None:
            self.task = None

        def read(data: Today) -> None:
            ended()
            if self.vault.is_open:
                # As of now: closing the worker's connection checkpointed the log, which
                # counts as a write elsewhere, and must not send the next refresh there too.
                self._version = data_version(self.vault)
                self.show_data(data)
                self._after()

        def failed(_exc: BaseException) -> None:
            ended()
            if self.vault.is_open:
                self.show_data(today(self.vault))  # read here after all, whatever went wrong
                self._after()

        task.success(read).failure(failed).on_cancel(ended).run()

    def _after(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def show_data(self, data: Today) -> None:
        self.data = data
        self.heading.setText(formats.heading_date(data.day))
        regions = ", ".join(r.value for r in data.regions)
        self.scope.setText(
            {
                Scope.COVERED: f"The councils you cover ({regions}), most concerning first.",
                Scope.REGIONS: f"The councils in your regions ({regions}), most concerning "
                "first. Who covers what (in the navigation) records the councils you cover.",
                Scope.ALL: "Every council, most concerning first: no cover is recorded for "
                "you in Who covers what, and this device is not enrolled for any region.",
            }[data.scope]
        )
        self.councils_heading.setText(f"<b>{plural(len(data.councils), 'council')}</b>")
        self.model.set_rows(data.councils)
        self._fill_agenda(data)
        synced = formats.date_time(data.last_synced) if data.last_synced else "never"
        self.synced.setText(f"Last synced: {synced}.")

    def _fill_agenda(self, data: Today) -> None:
        self.agenda.clear()
        unaware = [r for r in data.councils if r.serious_unaware]
        self._section(
            f"Serious concerns the council is not aware of ({len(unaware)})",
            [
                (
                    f"{r.council.display_name}: {CONTACT_LEADER.lower()}",
                    ("council", r.council.gss_code),
                )
                for r in unaware
            ],
            "None.",
        )
        self._section(
            f"Overdue actions ({len(data.overdue)})",
            [
                (
                    f"{a.title}\n{data.council_name(a.council)} · due {formats.short_date(a.due)}",
                    ("action", a),
                )
                for a in data.overdue
            ],
            "Nothing overdue.",
        )
        self._section(
            f"Next 30 days ({len(data.upcoming)})",
            [(self._event_text(e), ("event", e)) for e in data.upcoming],
            "No peer challenges, reviews or board meetings in the next 30 days.",
        )
        self._section(
            f"Drafts to complete ({len(data.drafts)})",
            [
                (
                    f"{n.title}\n{data.council_name(n.council)} · {formats.short_date(n.date)}"
                    + (f" · needs {', '.join(n.missing)}" if n.missing else ""),
                    ("note", n.id),
                )
                for n in data.drafts
            ],
            "No drafts.",
        )
        capped = data.due_count >= DUE_COUNTED
        more = data.due_count - len(data.due_for_review)
        rest = f"and {'more' if capped else f'{more} more'}: see them all in Notes"
        self._section(
            f"Notes due for review ({f'{DUE_COUNTED:,} or more' if capped else data.due_count})",
            [
                (
                    f"{n.title}\n{data.council_name(n.council)} · {formats.short_date(n.date)}",
                    ("note", n.id),
                )
                for n in data.due_for_review
            ]
            + ([(rest, ("due", ""))] if more > 0 else []),
            "None due.",
        )

    @staticmethod
    def _event_text(event: Event) -> str:
        return f"{soon(event.on)}: {event.council_name}\n{event.what}"

    def _section(self, title: str, items: list[tuple[str, tuple[str, Any]]], empty: str) -> None:
        head = QTreeWidgetItem([title])
        font = head.font(0)
        font.setBold(True)
        head.setFont(0, font)
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.agenda.addTopLevelItem(head)
        for text, target in items:
            item = QTreeWidgetItem([text])
            item.setToolTip(0, text)
            item.setData(0, Qt.ItemDataRole.UserRole, target)
            head.addChild(item)
        if not items:
            none = QTreeWidgetItem([empty])
            none.setFlags(Qt.ItemFlag.ItemIsEnabled)
            head.addChild(none)
        head.setExpanded(True)

    # -- opening ---------------------------------------------------------------------------
    def _council_activated(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_council.emit(self.model.row(index.row()).council.gss_code, None)

    def _item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if not target:
            return
        kind, value = target
        if kind == "council":
            self.open_council.emit(value, None)
        elif kind == "note":
            self.open_note.emit(value)
        elif kind == "view":
            self.go.emit(value)
        elif kind == "due":
            self.open_due.emit()
        elif kind == "event":
            if value.kind == Challenge.kind:
                self.open_challenge.emit(value.record_id)
            else:
                self.open_council.emit(value.council, "board")
        elif kind == "action":
            if value.note_id:
                self.open_note.emit(value.note_id)
            elif value.engagement_id:
                self.open_challenge.emit(value.engagement_id)
            elif value.council:
                self.open_council.emit(value.council, "actions")
