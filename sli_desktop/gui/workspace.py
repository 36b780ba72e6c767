"""The unlocked app: navigation on the left, the chosen view on the right.

Built on unlock and thrown away on lock, so no widget keeps vault data while locked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSettings, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from ..vault.challenges import Challenges
from ..vault.errors import NotFound
from ..vault.store import Vault
from . import theme
from .views.audit import AuditView
from .views.base import View
from .views.briefings import BriefingsView
from .views.challenges import ChallengesView
from .views.conflicts import ConflictsView
from .views.council_page import CouncilPage
from .views.councils import CouncilsView
from .views.coverage import CoverageView
from .views.good_practice import GoodPracticeView
from .views.leadership import LeadershipView
from .views.lists import ActionsView, ContactsView
from .views.notes import NotesView
from .views.settings import SettingsView
from .views.sync import SyncView
from .views.today import TodayView

#: The main views in navigation order: Today first (Ctrl+0), then Ctrl+1 to Ctrl+9.
NAVIGATION = [
    ("today", "Today"),
    ("councils", "Councils"),
    ("contacts", "Contacts"),
    ("notes", "Notes"),
    ("challenges", "Peer challenges"),
    ("actions", "Actions"),
    ("briefings", "Briefings"),
    ("audit", "Audit log"),
    ("settings", "Settings"),
    ("sync", "Sync"),
    ("conflicts", "Sync conflicts"),
    ("who-covers", "Who covers what"),
    ("good-practice", "Good practice"),
    ("leadership", "Leadership"),
]


class Workspace(QWidget):
    new_note = Signal(str)
    #: A form saved a record of this kind (the shell passes it on as ``session.changed``).
    changed = Signal(str)

    def __init__(self, vault: Vault, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.stack = QStackedWidget()
        self.views: dict[str, View] = {
            "today": TodayView(vault),
            "councils": CouncilsView(vault),
            "contacts": ContactsView(vault),
            "notes": NotesView(vault),
            "challenges": ChallengesView(vault),
            "actions": ActionsView(vault),
            "briefings": BriefingsView(vault),
            "audit": AuditView(vault),
            "settings": SettingsView(vault, settings),
            "sync": SyncView(vault),
            "conflicts": ConflictsView(vault),
            "who-covers": CoverageView(vault),
            "good-practice": GoodPracticeView(vault),
            "leadership": LeadershipView(vault),
        }
        self.council_page = CouncilPage(vault)
        for key, label in NAVIGATION:
            item = QListWidgetItem(theme.icon(key), label)
            item.setData(256, key)
            self.nav.addItem(item)
            self.stack.addWidget(self.views[key])
        self.stack.addWidget(self.council_page)
        self._fit_navigation()
        self.nav.currentRowChanged.connect(self._navigate)
        # The highlighted item stays highlighted on a council page opened from its view, and
        # choosing it again (click, or Enter) goes back there: Qt signals no row change then.
        self.nav.itemClicked.connect(self._back_to_view)
        self.nav.itemActivated.connect(self._back_to_view)
        self.councils_view.open_council.connect(self.open_council)
        good_practice = self.views["good-practice"]
        assert isinstance(good_practice, GoodPracticeView)
        good_practice.open_council.connect(self.open_council)
        today = self.views["today"]
        assert isinstance(today, TodayView)
        today.open_council.connect(self._open_council_at)
        today.open_note.connect(self.open_note)
        today.open_challenge.connect(self.open_challenge)
        today.go.connect(self.go)
        today.open_due.connect(self.open_notes_due)
        self.council_page.new_note.connect(self.new_note)
        self.council_page.open_note.connect(self.open_note)
        for view in [*self.views.values(), self.council_page]:
            view.changed.connect(self.changed)
        actions = self.views["actions"]
        assert isinstance(actions, ActionsView)
        actions.open_note.connect(self.open_note)
        actions.open_challenge.connect(self.open_challenge)
        actions.open_council_actions.connect(
            lambda gss: self.open_council(gss, CouncilPage.ACTIONS)
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.nav.setCurrentRow(0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_navigation()  # Large text in Settings, or a new desktop font
        super().changeEvent(event)

    def _fit_navigation(self) -> None:
        """As wide as its longest name in the current font (never cut short), and no wider."""
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 16)

    @property
    def councils_view(self) -> CouncilsView:
        view = self.views["councils"]
        assert isinstance(view, CouncilsView)
        return view

    @property
    def settings_view(self) -> SettingsView:
        view = self.views["settings"]
        assert isinstance(view, SettingsView)
        return view

    @property
    def sync_view(self) -> SyncView:
        view = self.views["sync"]
        assert isinstance(view, SyncView)
        return view

    def current(self) -> View:
        widget = self.stack.currentWidget()
        assert isinstance(widget, View)
        return widget

    def go(self, key: str) -> View:
        row = [k for k, _ in NAVIGATION].index(key)
        if self.nav.currentRow() == row:
            self._navigate(row)
        self.nav.setCurrentRow(row)
        return self.views[key]

    def _navigate(self, row: int) -> None:
        if row < 0:
            return
        view = self.views[NAVIGATION[row][0]]
        view.refresh()
        self.stack.setCurrentWidget(view)

    def _back_to_view(self, item: QListWidgetItem) -> None:
        row = self.nav.row(item)
        if row >= 0 and self.stack.currentWidget() is not self.views[NAVIGATION[row][0]]:
            self._navigate(row)

    def open_council(self, gss: str, tab: int | None = None) -> None:
        self.council_page.show_council(gss)
        if tab is not None:
            self.council_page.tabs.setCurrentIndex(tab)
        self.stack.setCurrentWidget(self.council_page)
        self.council_page.tabs.setFocus()

    def _open_council_at(self, gss: str, tab: str | None) -> None:
        """From Today: a council's page, on its board or actions tab when named."""
        tabs = {"board": CouncilPage.BOARD, "actions": CouncilPage.ACTIONS}
        self.open_council(gss, tabs.get(tab or ""))

    def open_challenge(self, engagement_id: str) -> None:
        """The council page's Peer challenges tab, with this challenge selected."""
        try:
            engagement = Challenges(self.vault).get(engagement_id)
        except NotFound:
            QMessageBox.information(self, "Peer challenge", "That peer challenge has been deleted.")
            return
        self.open_council(engagement.council)
        self.council_page.show_challenge(engagement.id)

    def open_note(self, note_id: str) -> None:
        notes = self.go("notes")
        assert isinstance(notes, NotesView)
        notes.show_note(note_id)

    def open_notes_due(self) -> None:
        """The Notes view showing the notes due for review (from Today)."""
        notes = self.go("notes")
        assert isinstance(notes, NotesView)
        notes.show_choice.setCurrentIndex(notes.show_choice.findData("due"))

    def refresh_current(self) -> None:
        self.current().refresh()

    def state(self) -> dict[str, Any]:
        if self.stack.currentWidget() is self.council_page:
            return {"page": "council", "council": self.council_page.state()}
        key = NAVIGATION[max(self.nav.currentRow(), 0)][0]
        return {"page": key, "view": self.views[key].state()}

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("page") == "council":
            self.council_page.restore(state.get("council", {}))
            self.stack.setCurrentWidget(self.council_page)
        elif state.get("page") in self.views:
            view = self.go(state["page"])
            view.restore(state.get("view", {}))
