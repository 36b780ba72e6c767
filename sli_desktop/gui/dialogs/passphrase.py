"""File ▸ Change passphrase…: a new passphrase, and optionally a new key for the whole vault.

The change needs the vault closed (vault/session.change_passphrase), so the flow is: check the
current passphrase off the GUI thread while the vault stays open (a wrong one changes nothing
and the dialog says so), lock the window (which remembers where the person was), change on a
worker thread with progress and cancel, then open again with the new passphrase. If the change
stops, the vault opens again with whichever passphrase now opens it and the dialog comes back
with one sentence saying what happened. The window's keystore goes to the change, so a key
remembered on this device stays valid when the key itself is replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMainWindow, QWidget

from ...vault import session as vault_session
from ...vault.errors import VaultError, WrongPassphrase
from ...vault.header import read_header
from ..busy import busy
from ..session import VaultSession
from ..strength_meter import StrengthMeter
from ..tasks import Progress, Task
from .base import FormDialog

TITLE = "Change passphrase"


class ChangePassphraseDialog(FormDialog):
    """Current passphrase, the new one twice with its strength, and the re-encrypt checkbox.
    ``submitted`` carries them once they pass the checks that need no vault; it saves no
    record, so ``save`` hands them on instead of writing."""

    submitted = Signal(str, str, bool)

    def __init__(self, parent: QWidget | None = None, owner: str | None = None) -> None:
        super().__init__("change_passphrase.ui", TITLE, parent)
        self.owner = owner
        self.meter = StrengthMeter(
            self.ui.passphrase, self.ui.strength, self.ui.strengthText, lambda: self.owner
        )
        self.change_button = self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.change_button.setText("Change &passphrase")
        self.change_button.setDefault(True)
        self.setMinimumWidth(480)
        self.ui.old.setFocus()

    def save(self) -> None:
        old, new, again = self.ui.old.text(), self.ui.passphrase.text(), self.ui.repeat.text()
        if not old:
            self.refuse_at("Type your current passphrase.", self.ui.old)
            return
        if new == old:
            self.refuse_at("The new passphrase is the same as the current one.", self.ui.passphrase)
            return
        try:
            vault_session.check_passphrase(new, owner=self.owner)
        except VaultError as exc:
            self.refuse_at(_sentence(str(exc)), self.ui.passphrase)
            return
        if new != again:
            self.refuse_at("The two new passphrases differ.", self.ui.repeat)
            return
        self.working(True)
        self.show_message("Checking your current passphrase…", error=False)
        self.submitted.emit(old, new, self.ui.rotate.isChecked())

    def refuse_at(self, text: str, field: QLineEdit) -> None:
        """One sentence, and the field to fix focused with its text selected."""
        self.working(False)
        self.show_message(text)
        field.setFocus()
        field.selectAll()

    def working(self, on: bool) -> None:
        """While the current passphrase is checked, nothing can be typed or pressed twice."""
        for widget in (self.ui.old, self.ui.passphrase, self.ui.repeat, self.ui.rotate):
            widget.setEnabled(not on)
        self.change_button.setEnabled(not on)

    def forget(self) -> None:
        """Passphrases leave the widgets as soon as they are no longer needed."""
        for field in (self.ui.old, self.ui.passphrase, self.ui.repeat):
            field.clear()


class PassphraseChange(QObject):
    """One run of the change for a window: the dialog, the lock, the work, the reopening."""

    #: One sentence once it is over: for the status bar if the vault is open again, else for
    #: the unlock screen.
    done = Signal(str)
    #: A re-encryption makes a new recovery key (vault/rotate.py): shown once, as at creation.
    new_recovery_key = Signal(str)

    def __init__(
        self, window: QMainWindow, session: VaultSession, lock: Callable[[], None]
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.lock = lock
        vault = session.vault
        self.dialog = ChangePassphraseDialog(window, vault.actor if vault is not None else None)
        self.dialog.submitted.connect(self._check_old)
        self.dialog.rejected.connect(self._abandon)
        self.task: Task[object] | None = None
        self.abandoned = False

    def open(self) -> ChangePassphraseDialog:
        self.dialog.open()
        self.dialog.ui.old.setFocus()
        return self.dialog

    def _abandon(self) -> None:
        """Cancelled, or closed by a lock: whatever is being checked goes no further."""
        self.abandoned = True
        if self.task is None:
            self._end()

    def _end(self) -> None:
        self.dialog.forget()
        self.dialog.deleteLater()
        self.deleteLater()

    def _check_old(self, old: str, new: str, rotate: bool) -> None:
        path = self.session.path

        def work(progress: Progress) -> tuple[bool, bool]:
            right = read_header(path).unwrap_with_passphrase(old) is not None
            return right, progress.cancelled.is_set()

        def checked(result: tuple[bool, bool]) -> None:
            self.task = None
            right, cancelled = result
            if self.abandoned or not self.session.is_unlocked:  # closed, or locked meanwhile
                self._end()
            elif cancelled:
                self.dialog.working(False)
                self.dialog.show_message("", error=False)
            elif not right:
                self.dialog.refuse_at(
                    "That is not your current passphrase; nothing was changed.", self.dialog.ui.old
                )
            else:
                self._change(old, new, rotate)

        def failed(exc: BaseException) -> None:
            self.task = None
            if self.abandoned:
                self._end()
            else:
                self.dialog.refuse_at(_problem(exc, "Nothing was changed"), self.dialog.ui.old)

        self.task = Task(self.window, "Checking your current passphrase…", work)
        self.task.success(checked).failure(failed).run()

    def _change(self, old: str, new: str, rotate: bool) -> None:
        path, keystore = self.session.path, self.session.keystore
        label = "Re-encrypting the vault with a new key…" if rotate else "Changing the passphrase…"
        self.dialog.hide()  # hidden, not closed: it comes back if the change stops
        self.lock()

        def work(progress: Progress) -> tuple[BaseException | str | None, bool]:
            try:
                recovery_key = vault_session.change_passphrase(
                    path,
                    old,
                    new,
                    rotate_key=rotate,
                    keystore=keystore,
                    progress=lambda done, total: progress.report(done, total, label),
                    cancelled=progress.cancelled.is_set,
                )
            except Exception as exc:  # noqa: BLE001 - reported on the GUI thread, in words
                return exc, progress.cancelled.is_set()  # then it stopped before the swap
            return recovery_key, False

        def finished(result: tuple[BaseException | str | None, bool]) -> None:
            self.task = None
            outcome, cancelled = result
            if isinstance(outcome, BaseException):
                self._reopen(old, new, outcome, cancelled)
            else:
                self._reopen(old, new, None, False, outcome)

        self.task = Task(self.window, label, work)
        # The vault is locked: the unlock screen behind must not be used until this is over.
        self.task.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.task.dialog.setMinimumDuration(0)
        self.task.success(finished).failure(lambda exc: finished((exc, False))).run()

    def _reopen(
        self,
        old: str,
        new: str,
        outcome: BaseException | None,
        cancelled: bool,
        recovery_key: str | None = None,
    ) -> None:
        """Open with the passphrase that now opens the vault; say what happened."""
        opened = ""
        with busy(self.window, "Opening the vault…"):
            for passphrase in (new, old) if outcome is None else (old, new):
                try:
                    self.session.unlock(passphrase)
                except WrongPassphrase:
                    continue
                except VaultError as exc:
                    self._end()
                    self.done.emit(_problem(exc, "The vault did not open again"))
                    return
                opened = passphrase
                break
        if not opened:
            self._end()
            self.done.emit("The vault did not open again with either passphrase.")
        elif opened == new:
            self._end()
            if recovery_key:
                self.done.emit(
                    "Passphrase changed and the vault re-encrypted with a new key. The old "
                    "recovery key no longer opens it: write down the new one. Backups made "
                    "before still open with the old passphrase and recovery key."
                )
                self.new_recovery_key.emit(recovery_key)
            else:
                self.done.emit("Passphrase changed. Your recovery key still works.")
        else:
            self.dialog.show()
            self.dialog.refuse_at(
                "Cancelled: the passphrase was not changed."
                if cancelled
                else _problem(outcome, "The passphrase was not changed"),
                self.dialog.ui.passphrase,
            )


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _problem(exc: BaseException | None, what: str) -> str:
    """One sentence: what did not happen, then why."""
    if isinstance(exc, VaultError):
        return _sentence(f"{what}: {exc}")
    return _sentence(f"{what}: something unexpected went wrong ({type(exc).__name__})")
