"""The GUI's hold on the vault: create, unlock, lock. Locking closes the vault and drops the
key; nothing else in the GUI keeps a reference to an open vault across a lock."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from ..demo import is_demo
from ..vault import session as vault_session
from ..vault.errors import VaultError
from ..vault.header import header_path
from ..vault.keystore import KeyStore
from ..vault.store import Vault


class VaultSession(QObject):
    unlocked = Signal()
    locked = Signal()
    #: A record kind changed ("note", "council", …), so views showing it refresh.
    changed = Signal(str)
    #: The page check that runs after unlock found damage: the vault is locked again with
    #: nothing written, and this carries the sentence an unlock refused at once would say.
    damaged = Signal(str)
    #: The page check ended, on its own thread: (which opening, its error or None).
    _page_check_ended = Signal(int, object)

    def __init__(
        self,
        path: Path,
        keystore_factory: Callable[[], KeyStore | None],
        opener: Callable[[], Vault] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self._keystore_factory = keystore_factory
        self._keystore: KeyStore | None = None
        self._keystore_loaded = False
        self._opener = opener  # the demo vault opens itself, with its published passphrase
        self.vault: Vault | None = None
        self.demo = False
        self._opening = 0  # counts unlocks, so a late check's outcome never meets a newer one
        self._checked = False
        self._page_check_ended.connect(self._page_check_over, Qt.ConnectionType.QueuedConnection)

    @property
    def keystore(self) -> KeyStore | None:
        if not self._keystore_loaded:
            self._keystore = self._keystore_factory()
            self._keystore_loaded = True
        return self._keystore

    @property
    def keyring_available(self) -> bool:
        return bool(self.keystore and self.keystore.available)

    @property
    def checked(self) -> bool:
        """Unlocked, every page has passed the check that runs after unlock, and the unlock
        is audited."""
        return self._checked and self.is_unlocked

    @property
    def is_unlocked(self) -> bool:
        return self.vault is not None and self.vault.is_open

    def needs_creation(self) -> bool:
        """No vault here at all. A key header alone means the vault file was lost: the unlock
        page is shown, and unlocking says to restore from a backup."""
        return (
            self._opener is None and not self.path.exists() and not header_path(self.path).exists()
        )

    def create(
        self, passphrase: str, remember: bool, name: str | None = None, role: str = ""
    ) -> str:
        """A new vault for the adviser ``name`` (``role``): the name briefings and colleagues
        read, never the computer's login."""
        created = vault_session.create_vault(
            self.path,
            passphrase,
            owner=name,
            role=role,
            remember=remember,
            keystore=self.keystore if remember else None,
        )
        self._opened(created.vault)
        return created.recovery_key

    def try_automatic(self) -> bool:
        """Unlock without asking: the demo vault, or a key remembered on this device."""
        if self._opener is not None:
            self._opened(self._opener())
            return True
        if self.path.exists() and self.keystore is not None:
            try:
                vault = vault_session.unlock(
                    self.path, keystore=self.keystore, page_check_done=self._page_check_reporter()
                )
            except vault_session.PassphraseNeeded:
                return False
            self._opened(vault)
            return True
        return False

    def unlock(self, passphrase: str, remember: bool = False) -> None:
        vault = vault_session.unlock(
            self.path, passphrase, page_check_done=self._page_check_reporter()
        )
        if remember and self.keystore is not None:
            vault_session.remember(self.path, passphrase, self.keystore)
        self._opened(vault)

    def lock(self) -> None:
        if self.vault is None:
            return
        self.vault.close()
        self.vault = None
        # What workers froze out of the collector's sight (gui.tasks) is collected again from
        # here on: the window is locked, so a long collection now keeps nobody waiting.
        gc.unfreeze()
        self.locked.emit()

    def drop(self) -> None:
        """Forget a vault the sync client wiped (a revoked device): its files are gone, so
        there is nothing to close or audit."""
        self.vault = None
        self.locked.emit()

    def _opened(self, vault: Vault) -> None:
        # Bulk work refuses this thread from now on (Vault.bulk_work): it runs on a worker
        # with a connection of its own (gui.tasks.vault_task), so the window never freezes.
        vault.window_thread = threading.current_thread()
        self.vault = vault
        self.demo = is_demo(vault)
        self._checked = vault.page_check is None  # checked before it opened (created, demo)
        if self._checked:
            vault.audit("unlock")
        self.unlocked.emit()

    def _page_check_reporter(self) -> Callable[[VaultError | None], None]:
        """For the unlock about to happen: the check's thread reports through a queued
        signal, so its outcome is handled here, on the window's thread."""
        self._opening += 1
        opening = self._opening

        def report(error: VaultError | None) -> None:
            with contextlib.suppress(RuntimeError):  # the window went away meanwhile
                self._page_check_ended.emit(opening, error)

        return report

    def _page_check_over(self, opening: int, error: VaultError | None) -> None:
        """Every page passed: the unlock is audited now (the first write, which waited for
        the check). A damaged page: lock again at once, having written nothing."""
        vault = self.vault
        if opening != self._opening or vault is None or not vault.is_open or self._checked:
            return  # a stale report, or one for a vault checked before it opened (an upgrade)
        if error is None:
            vault.audit("unlock")
            self._checked = True
            return
        self.lock()
        self.damaged.emit(str(error))
