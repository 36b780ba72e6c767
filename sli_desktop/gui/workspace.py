"""The unlocked app: navigation on the left, the chosen view on the right.

Built on unlock and thrown away on lock, so no widget keeps vault data while locked. Only Today
is made at unlock: every other view, and the council page, is imported and made the first time
it is shown, so the window opens on Today without waiting for thirteen views it may never show
(docs/PERFORMANCE.md, cold start).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QSettings, Signal, SignalInstance
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
from .views.base import View

if TYPE_CHECKING:
    from .views.council_page import CouncilPage
    from .views.councils import CouncilsView
    from .views.notes import NotesView
    from .views.settings import SettingsView
    from .views.sync import SyncView

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

#: Where each main view's class lives (module under gui/views, class): imported on first use.
VIEW_CLASSES = {
    "today": ("today", "TodayView"),
    "councils": ("councils", "CouncilsView"),
    "contacts": ("lists", "ContactsView"),
    "notes": ("notes", "NotesView"),
    "challenges": ("challenges", "ChallengesView"),
    "actions": ("lists", "ActionsView"),
    "briefings": ("briefings", "BriefingsView"),
    "audit": ("audit", "AuditView"),
    "settings": ("settings", "SettingsView"),
    "sync": ("sync", "SyncView"),
    "conflicts": ("conflicts", "ConflictsView"),
    "who-covers": ("coverage", "CoverageView"),
    "good-practice": ("good_practice", "GoodPracticeView"),
    "leadership": ("leadership", "LeadershipView"),
}


def view_class(key: str) -> type[View]:
    module, name = VIEW_CLASSES[key]
    return cast(type[View], getattr(importlib.import_module(f".views.{module}", __package__), name))


class LazyViews(Mapping[str, View]):
    """The main views by key, each made the first time it is asked for; ``built`` holds
    those made so far. Walking all of them (``values()``) makes them all."""

    def __init__(self, make: Callable[[str], View]) -> None:
        self._make = make
        self.built: dict[str, View] = {}

    def __getitem__(self, key: str) -> View:
        view = self.built.get(key)
        if view is None:
            if key not in VIEW_CLASSES:
                raise KeyError(key)
            view = self.built[key] = self._make(key)
        return view

    def __contains__(self, key: object) -> bool:
        return key in VIEW_CLASSES

    def __iter__(self) -> Iterator[str]:
        return iter(key for key, _label in NAVIGATION)

    def __len__(self) -> int:
        return len(NAVIGATION)


class Workspace(QWidget):
    new_note = Signal(str)
    #: A form saved a record of this kind (the shell passes it on as ``session.changed``).
    changed = Signal(str)
    #: Passed on from the Settings and Sync views once made (the shell listens from unlock).
    idle_changed = Signal(int)
    appearance_changed = Signal()
    sync_requested = Signal()
    enroll_requested = Signal(str, str)

    def __init__(self, vault: Vault, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self._settings = settings
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Navigation")
        self.stack = QStackedWidget()
        self.views = LazyViews(self._make_view)
        self._council_page: CouncilPage | None = None
        self._sync_result = ""  # the last sync's outcome, for a Sync view made after it
        for key, label in NAVIGATION:
            item = QListWidgetItem(theme.icon(key), label)
            item.setData(256, key)
            self.nav.addItem(item)
        self._fit_navigation()
        self.nav.currentRowChanged.connect(self._navigate)
        # The highlighted item stays highlighted on a council page opened from its view, and
        # choosing it again (click, or Enter) goes back there: Qt signals no row change then.
        self.nav.itemClicked.connect(self._back_to_view)
        self.nav.itemActivated.connect(self._back_to_view)
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

    def _make_view(self, key: str) -> View:
        """A main view, made and wired on its first use."""
        make: Callable[..., View] = view_class(key)  # Settings alone takes the settings too
        view = make(self.vault, self._settings) if key == "settings" else make(self.vault)
        view.changed.connect(self.changed)
        for name, slot in self._view_signals(key).items():
            getattr(view, name).connect(slot)
        self.stack.addWidget(view)
        if key == "sync" and self._sync_result:
            cast("SyncView", view).show_result(self._sync_result)
        return view

    def show_sync_result(self, line: str) -> None:
        """The Sync view shows the last sync's outcome, now or when it is first made."""
        self._sync_result = line
        view = self.built("sync")
        if view is not None:
            cast("SyncView", view).show_result(line)

    def _view_signals(self, key: str) -> dict[str, Callable[..., object] | SignalInstance]:
        """What each view asks of the workspace, by signal name."""
        wiring: dict[str, dict[str, Callable[..., object] | SignalInstance]] = {
            "councils": {"open_council": self.open_council},
            "good-practice": {"open_council": self.open_council},
            "today": {
                "open_council": self._open_council_at,
                "open_note": self.open_note,
                "open_challenge": self.open_challenge,
                "go": self.go,
                "open_due": self.open_notes_due,
            },
            "actions": {
                "open_note": self.open_note,
                "open_challenge": self.open_challenge,
                "open_council_actions": self._open_council_actions,
            },
            # Signal to signal: a bound ``emit`` would be a short-lived object that Qt may
            # drop once it is collected.
            "settings": {
                "idle_changed": self.idle_changed,
                "appearance_changed": self.appearance_changed,
            },
            "sync": {
                "sync_requested": self.sync_requested,
                "enroll_requested": self.enroll_requested,
            },
        }
        return wiring.get(key, {})

    @property
    def council_page(self) -> CouncilPage:
        """A council's page, made the first time one is opened."""
        if self._council_page is None:
            from .views.council_page import CouncilPage

            page = self._council_page = CouncilPage(self.vault)
            page.new_note.connect(self.new_note)
            page.open_note.connect(self.open_note)
            page.changed.connect(self.changed)
            self.stack.addWidget(page)
        return self._council_page

    def showing_council_page(self) -> bool:
        page = self._council_page
        return page is not None and self.stack.currentWidget() is page

    @property
    def councils_view(self) -> CouncilsView:
        return cast("CouncilsView", self.views["councils"])

    @property
    def settings_view(self) -> SettingsView:
        return cast("SettingsView", self.views["settings"])

    @property
    def sync_view(self) -> SyncView:
        return cast("SyncView", self.views["sync"])

    def built(self, key: str) -> View | None:
        """The view if it has been made, without making it."""
        return self.views.built.get(key)

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
        if row >= 0 and self.stack.currentWidget() is not self.built(NAVIGATION[row][0]):
            self._navigate(row)

    def open_council(self, gss: str, tab: int | None = None) -> None:
        self.council_page.show_council(gss)
        if tab is not None:
            self.council_page.tabs.setCurrentIndex(tab)
        self.stack.setCurrentWidget(self.council_page)
        self.council_page.tabs.setFocus()

    def _open_council_at(self, gss: str, tab: str | None) -> None:
        """From Today: a council's page, on its board or actions tab when named."""
        page = self.council_page
        tabs = {"board": page.BOARD, "actions": page.ACTIONS}
        self.open_council(gss, tabs.get(tab or ""))

    def _open_council_actions(self, gss: str) -> None:
        self.open_council(gss, self.council_page.ACTIONS)

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
        notes = cast("NotesView", self.go("notes"))
        notes.show_note(note_id)

    def open_notes_due(self) -> None:
        """The Notes view showing the notes due for review (from Today)."""
        notes = cast("NotesView", self.go("notes"))
        notes.show_choice.setCurrentIndex(notes.show_choice.findData("due"))

    def refresh_current(self) -> None:
        self.current().refresh()

    def state(self) -> dict[str, Any]:
        if self.showing_council_page():
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
