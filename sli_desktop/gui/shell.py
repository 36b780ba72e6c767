"""The main window: create or unlock, then the workspace; shortcuts, the idle lock, and the
status bar (sync status and DEMO) that every screen shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__, formats
from ..vault.drafts import Drafts
from ..vault.errors import VaultError
from ..vault.expiry import offline_status
from ..vault.outbox import sync_status
from ..vault.preferences import Preferences
from ..vault.search import Hit
from . import theme
from .a11y import AccessibilityPolicy, announce, announce_status
from .dialogs.passphrase import PassphraseChange
from .expiry_page import ExpiredPage
from .idle import IdleWatcher, IndexMerger
from .keyboard import with_mnemonics
from .quick_note import DRAFT, QuickNoteDialog
from .register_import import RegisterImport
from .screen_lock import ScreenLockWatcher
from .search_popup import SearchPopup
from .session import VaultSession
from .sync_runner import SyncRunner
from .tasks import share_interpreter_promptly
from .unlock_page import CreateVaultPage, UnlockPage, show_recovery_key
from .wording import plural
from .workspace import Workspace


class Shell(QMainWindow):
    def __init__(self, session: VaultSession, settings: QSettings) -> None:
        super().__init__()
        # Workers hand the interpreter back within half a millisecond (gui/tasks.py).
        share_interpreter_promptly()
        # First, so every widget made from here on is polished by its rules (gui/a11y.py).
        self.accessibility = AccessibilityPolicy(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.accessibility)
        self.session = session
        self.settings = settings
        self.workspace: Workspace | None = None
        self.quick_note: QuickNoteDialog | None = None
        self._saved_state: dict[str, Any] = {}
        self.setWindowTitle("SLI Desktop")
        self.setWindowIcon(theme.icon("../app-icon"))
        self.resize(1280, 800)

        self.banner = QLabel("DEMO VAULT — fictional councils and data; nothing here is real")
        self.banner.setObjectName("demoBanner")
        self.banner.setAccessibleName("Demo vault")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        self.stack = QStackedWidget()
        # The first-run page is made when first needed (``create_page``): most starts open a
        # vault that exists, and the window is shown sooner without it.
        self._create_page: CreateVaultPage | None = None
        self.unlock_page = UnlockPage(session)
        self.stack.addWidget(self.unlock_page)
        self.expired_page = ExpiredPage()
        self.expired_page.sync_requested.connect(self._sync_to_reopen)
        self.stack.addWidget(self.expired_page)
        central = QWidget()
        box = QVBoxLayout(central)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.banner)
        box.addWidget(self.stack)
        self.setCentralWidget(central)

        self.status_vault = QLabel()
        self.status_sync = QLabel()
        self.status_sync.setAccessibleName("Sync status")
        self.status_demo = QLabel("DEMO")
        self.status_demo.setObjectName("demoBanner")
        self.statusBar().addWidget(self.status_vault, 1)
        self.statusBar().addPermanentWidget(self.status_sync)
        self.statusBar().addPermanentWidget(self.status_demo)

        self.idle = IdleWatcher(5 * 60_000, self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        announce_status(self.statusBar())

        self.screen_lock = ScreenLockWatcher(self)
        self.screen_lock.locked.connect(self.lock)

        self.sync_runner = SyncRunner(self, session)
        self.sync_runner.finished.connect(self._sync_finished)
        self.sync_runner.enrolled.connect(self._sync_finished)
        self.sync_runner.wiped.connect(self._device_wiped)
        # The full-text index, merged on a worker after a bulk load or a disposal (issue 25).
        self.index_merger = IndexMerger(self, session, self.idle)
        self.sync_runner.pulled.connect(self.index_merger.loaded)
        session.unlocked.connect(self.index_merger.check_purge)
        session.changed.connect(self.index_merger.check_purge)
        self.wiped_box: QMessageBox | None = None
        self._build_actions()
        session.unlocked.connect(self._on_unlocked)
        session.locked.connect(self._on_locked)
        session.damaged.connect(self._damaged)
        session.changed.connect(self._on_changed)
        session.unlocked.connect(self._connect_forms)  # after _on_unlocked built the workspace
        self.recovery_box: QMessageBox | None = None
        self.passphrase_change: PassphraseChange | None = None

    @property
    def create_page(self) -> CreateVaultPage:
        """The page that creates a vault, made on first use."""
        if self._create_page is None:
            self._create_page = CreateVaultPage(self.session)
            self._create_page.created.connect(self._show_recovery_key)
            self.stack.addWidget(self._create_page)
        return self._create_page

    def _show_recovery_key(self, key: str) -> None:
        self.recovery_box = show_recovery_key(self, key)

    def _restored(self, message: str) -> None:
        """After File ▸ Restore (done or not): the screen that fits the vault now there."""
        if self.session.is_unlocked:  # a restore that failed before anything was locked
            self.statusBar().showMessage(message, 10000)
            return
        if self.session.needs_creation():
            self.create_page.prepare()
            self.stack.setCurrentWidget(self.create_page)
            self.create_page.ui.message.setText(message)
        else:
            self.unlock_page.prepare()
            self.stack.setCurrentWidget(self.unlock_page)
            self.unlock_page.show_message(message)
        self._update_status()

    # -- actions and menus -----------------------------------------------------------------
    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[..., object],  # Qt passes "checked" when the slot takes it
        icon: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        if icon:
            action.setIcon(theme.icon(icon))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.lock_action = self._action("&Lock", "Ctrl+L", self.lock, "lock")
        self.note_action = self._action(
            "&Quick note…", "Ctrl+Shift+N", self.open_quick_note, "note-add"
        )
        self.search_action = self._action("&Search…", "Ctrl+K", self.open_search, "search")
        self.import_action = self._action("Import council &register…", None, self.import_register)
        self.sync_action = self._action("S&ync now", "Ctrl+Shift+S", self.sync_now, "sync")
        self.passphrase_action = self._action("C&hange passphrase…", None, self.change_passphrase)
        quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.import_action)
        from .data_io import DataActions

        self.data_actions = DataActions(self, lambda: self.session.vault, lambda: self.session.path)
        self.data_actions.after_write = self.session.changed.emit
        self.data_actions.lock = self.lock
        self.data_actions.bulk_loaded = self.index_merger.loaded
        self.data_actions.after_restore = self._restored
        file_menu.addActions(self.data_actions.actions)
        file_menu.addSeparator()
        file_menu.addAction(self.sync_action)
        file_menu.addAction(self.passphrase_action)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(quit_action)
        notes_menu = self.menuBar().addMenu("&Notes")
        notes_menu.addAction(self.note_action)
        go_menu = self.menuBar().addMenu("&Go")
        go_menu.addAction(self.search_action)
        from .workspace import NAVIGATION

        # Today is Ctrl+0, the views after it Ctrl+1 to Ctrl+9 (Councils keeps Ctrl+1).
        # Each view also has an Alt letter in this menu, so views past Ctrl+9 have a key too.
        texts = with_mnemonics([label for _key, label in NAVIGATION], taken="s")  # &Search…
        for number, ((key, _label), text) in enumerate(zip(NAVIGATION, texts, strict=True)):
            shortcut = f"Ctrl+{number}" if number <= 9 else None
            go_menu.addAction(self._action(text, shortcut, lambda _=False, k=key: self.go(k)))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&About SLI Desktop", None, self.about))
        self._set_unlocked_actions(False)

    def _set_unlocked_actions(self, on: bool) -> None:
        for action in (
            self.lock_action,
            self.note_action,
            self.search_action,
            self.import_action,
            self.sync_action,
        ):
            action.setEnabled(on)
        self.data_actions.set_enabled(on)
        # The demo vault opens with its published passphrase: changing it would lock it out.
        self.passphrase_action.setEnabled(on and not self.session.demo)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Show the right first screen: unlock automatically if possible."""
        try:
            if self.session.try_automatic():
                return
        except VaultError as exc:
            self.unlock_page.show_message(str(exc))
        if self.session.needs_creation():
            self.create_page.prepare()
            self.stack.setCurrentWidget(self.create_page)
        else:
            self.unlock_page.prepare()
            self.stack.setCurrentWidget(self.unlock_page)
        self._update_status()

    def _on_unlocked(self) -> None:
        vault = self.session.vault
        assert vault is not None
        status = offline_status(vault)
        if status.expired:  # offline too long: nothing opens until a sync succeeds
            self.expired_page.prepare(status)
            self.stack.setCurrentWidget(self.expired_page)
            self._update_status()
            return
        self._open_workspace()

    def _sync_to_reopen(self) -> None:
        if self.session.is_unlocked:
            self.sync_runner.sync()

    def _open_workspace(self) -> None:
        vault = self.session.vault
        assert vault is not None
        self.workspace = Workspace(vault, self.settings, self.stack)
        self.workspace.new_note.connect(self.open_quick_note)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        demo = self.session.demo
        self.banner.setVisible(demo)
        self.status_demo.setVisible(demo)
        self.setWindowTitle("SLI Desktop — DEMO" if demo else "SLI Desktop")
        self._set_unlocked_actions(True)
        self.workspace.idle_changed.connect(
            lambda minutes: self.idle.set_interval(minutes * 60_000)
        )
        self.workspace.appearance_changed.connect(self._appearance)
        self.idle.set_interval(Preferences(vault).idle_minutes * 60_000)
        self.idle.start()
        if self._saved_state:
            self.workspace.restore(self._saved_state)
        self._update_status()
        if Drafts(vault).load(DRAFT) is not None:
            self.open_quick_note()

    def lock(self) -> None:
        if not self.session.is_unlocked:
            return
        if self.quick_note is not None:
            self.quick_note.close_for_lock()
            self.quick_note = None
        self._close_dialogs()
        if self.workspace is not None:
            self._saved_state = self.workspace.state()
        self.session.lock()

    def _close_dialogs(self) -> None:
        """Every open dialog goes as Cancel would, so nothing of the vault stays on screen."""
        for widget in QApplication.topLevelWidgets():
            if (
                widget is not self
                and widget.isWindow()
                and widget.isVisible()
                and hasattr(widget, "reject")
            ):
                widget.reject()

    def _on_locked(self) -> None:
        self.idle.stop()
        # Every workspace in the stack goes, the current one and any whose making failed
        # partway (it is made inside the stack): none may keep the vault's rows after a lock.
        for workspace in self.stack.findChildren(
            Workspace, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            self.stack.removeWidget(workspace)
            workspace.deleteLater()
        self.workspace = None
        self._set_unlocked_actions(False)
        self.unlock_page.prepare()
        self.unlock_page.ui.message.setText("Locked. Unlock to return to where you were.")
        announce(self.unlock_page, "SLI Desktop is locked.")
        self.stack.setCurrentWidget(self.unlock_page)
        self._update_status()

    def _damaged(self, message: str) -> None:
        """The page check after unlock found damage and the session locked the vault again,
        having written nothing: say so where the person unlocks, in the sentence an unlock
        refused at once shows. An open quick note goes without its draft (nothing is written
        into a damaged vault)."""
        self._discard_quick_note()
        self._close_dialogs()
        self.unlock_page.show_message(message)

    def _discard_quick_note(self) -> None:
        """Drop an open quick note without saving its draft, and where the window was: the
        vault it belonged to cannot be written (damaged, or wiped from this device)."""
        if self.quick_note is not None:
            self.quick_note.hide()
            self.quick_note.deleteLater()
            self.quick_note = None
        self._saved_state = {}

    def _connect_forms(self) -> None:
        if self.workspace is not None:
            self.workspace.changed.connect(self._record_saved)
            self.workspace.sync_requested.connect(self.sync_now)
            self.workspace.enroll_requested.connect(self.sync_runner.enroll)

    def _record_saved(self, kind: str) -> None:
        """A form in the workspace saved a record: say so, and refresh what shows that kind."""
        words = {"engagement": "peer challenge", "support_offer": "support offer"}
        self.statusBar().showMessage(f"Saved the {words.get(kind, kind)}.", 5000)
        self.session.changed.emit(kind)

    def _on_changed(self, _kind: str) -> None:
        if self.workspace is not None:
            self.workspace.refresh_current()
        self._update_status()

    def _update_status(self) -> None:
        vault = self.session.vault
        if vault is None or not vault.is_open:
            self.status_vault.setText(f"Locked · {self.session.path.name}")
            self.status_sync.setText("")
            self.status_demo.setVisible(self.session.demo)
            return
        status = sync_status(vault)
        waiting, last = status.waiting, status.last_synced
        # The file's name fits a laptop's status bar; where it is shows on hover and in About.
        self.status_vault.setText(f"Unlocked · {self.session.path.name}")
        self.status_vault.setToolTip(str(self.session.path))
        self.status_sync.setText(
            f"Last synced: {formats.date_time(last) if last else 'never'}"
            f" · {plural(waiting, 'change')} waiting"
            + (f" · {plural(status.drafts, 'draft')} kept on this device" if status.drafts else "")
            + _expiry_warning(offline_status(vault).days_left)
        )

    # -- sync ------------------------------------------------------------------------------
    def sync_now(self) -> None:
        """Ctrl+Shift+S from any view: the same sync as the Sync view's button."""
        if self.session.is_unlocked:
            self.sync_runner.sync()

    def _sync_finished(self, line: str) -> None:
        self.statusBar().showMessage(line, 10000)
        vault = self.session.vault
        if (
            self.workspace is None
            and self.stack.currentWidget() is self.expired_page
            and vault is not None
            and vault.is_open
        ):
            if offline_status(vault).expired:
                self.expired_page.show_result(line)
                return
            self._open_workspace()
            self._connect_forms()
        if self.workspace is not None:
            self.workspace.show_sync_result(line)
        self.session.changed.emit("sync")  # pulled records and the status bar refresh

    def _device_wiped(self, message: str) -> None:
        """The server revoked this device and its vault files are gone: drop the vault without
        touching them (no draft, no lock audit) and start again from the create-vault screen."""
        self._discard_quick_note()
        self.session.drop()
        self.create_page.prepare()
        self.stack.setCurrentWidget(self.create_page)
        self.wiped_box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Device revoked",
            message[:1].upper() + message[1:] + ".",
            parent=self,
        )
        self.wiped_box.setAccessibleName("Device revoked")
        self.wiped_box.open()

    # -- commands --------------------------------------------------------------------------
    def go(self, key: str) -> None:
        if self.workspace is not None:
            self.workspace.go(key)

    def open_quick_note(self, council: str | None = None) -> None:
        vault = self.session.vault
        if vault is None:
            return
        if self.quick_note is not None and self.quick_note.isVisible():
            self.quick_note.raise_()
            self.quick_note.activateWindow()
            return
        if not council and self.workspace is not None and self.workspace.showing_council_page():
            council = self.workspace.council_page.gss
        self.quick_note = QuickNoteDialog(vault, council or None, self)
        self.quick_note.saved.connect(self._note_saved)
        self.quick_note.finished.connect(self._quick_note_closed)
        self.quick_note.show()

    def _quick_note_closed(self) -> None:
        self.quick_note = None

    def _note_saved(self, note_id: str) -> None:
        self.statusBar().showMessage(f"Note saved ({note_id[:8]})", 5000)
        self.session.changed.emit("note")

    def open_search(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        popup = SearchPopup(vault, self)
        popup.chosen.connect(self._open_hit)
        popup.show()
        popup.query.setFocus()
        self.search_popup = popup

    def _open_hit(self, hit: Hit) -> None:
        if self.workspace is None:
            return
        if hit.kind == "council":
            self.workspace.open_council(hit.council or "")
        elif hit.kind == "note":
            self.workspace.open_note(hit.id)
        elif hit.council:
            self.workspace.open_council(hit.council)
            self.workspace.council_page.tabs.setCurrentIndex(1)

    def change_passphrase(self) -> None:
        """File ▸ Change passphrase…: the vault locks, changes on a worker thread and opens
        again where the person was (gui/dialogs/passphrase.py)."""
        if not self.session.is_unlocked or self.session.demo:
            return
        self.passphrase_change = PassphraseChange(self, self.session, self.lock)
        self.passphrase_change.done.connect(self._passphrase_changed)
        self.passphrase_change.new_recovery_key.connect(self._show_recovery_key)
        self.passphrase_change.open()

    def _passphrase_changed(self, message: str) -> None:
        if self.session.is_unlocked:
            self.statusBar().showMessage(message, 10000)
        else:
            self.unlock_page.show_message(message)

    def import_register(self, path: str | None = None) -> None:
        vault = self.session.vault
        if vault is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, "Import the council register", "", "CSV files (*.csv)"
            )
            if not path:
                return
        # Read off the GUI thread, then say what would change before changing it.
        self.register_import = RegisterImport(self, self.session, Path(path))

    def _appearance(self) -> None:
        """Text size or contrast changed in Settings: every widget, menu and the status bar
        take it at once."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, theme.Appearance.from_settings(self.settings))

    def about(self) -> None:
        QMessageBox.about(self, "About SLI Desktop", self.about_text())

    def about_text(self) -> str:
        """What support asks first: the version, where the vault is, and what it runs on."""
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        from ..vault.inspection import library_cipher_version

        return (
            f"SLI Desktop {__version__}\n"
            "Encrypted, offline-first support for sector-led improvement.\n\n"
            f"Vault: {self.session.path}\n"
            f"SQLCipher: {library_cipher_version()}\n"
            f"Qt: {qVersion()} (PySide6 {pyside_version})"
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.quick_note is not None:
            self.quick_note.close_for_lock()
        self.session.lock()
        super().closeEvent(event)


#: Days before offline expiry from which the status bar warns (vault/expiry.py).
EXPIRY_WARNING_DAYS = 7


def _expiry_warning(days_left: int | None) -> str:
    if days_left is None or days_left > EXPIRY_WARNING_DAYS:
        return ""
    return f" · sync within {plural(days_left, 'day')} or the vault locks"
