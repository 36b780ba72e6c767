"""The first screen: create a vault on first run, otherwise unlock it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QWidget

from ..platform import keyring_store
from ..vault import identity
from ..vault.errors import VaultError
from ..vault.session import check_passphrase
from .a11y import announce
from .forms import Form
from .session import VaultSession
from .strength_meter import StrengthMeter
from .wording import for_window


class UnlockPage(QWidget):
    """Passphrase entry; a wrong passphrase says so and lets the user try again."""

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ui = Form("unlock.ui", self)
        self.ui.title.setObjectName("pageTitle")
        self.ui.unlockButton.clicked.connect(self.submit)
        self.ui.passphrase.returnPressed.connect(self.submit)
        # Choose whether to remember, then unlock: the button is the last step (issue 22).
        QWidget.setTabOrder(self.ui.passphrase, self.ui.remember)
        QWidget.setTabOrder(self.ui.remember, self.ui.unlockButton)

    def prepare(self) -> None:
        self.ui.vaultLabel.setText(f"Vault: {self.session.path}")
        _offer_keyring(self.ui.remember, self.session.keyring_available)
        self.ui.passphrase.clear()
        self.ui.passphrase.setFocus()

    def show_message(self, text: str) -> None:
        text = for_window(text)  # a vault error names a CLI command; the window says where
        self.ui.message.setProperty("role", "error")
        self.ui.message.setText(text)
        announce(self.ui.message, text)

    def submit(self) -> None:
        passphrase = self.ui.passphrase.text()
        if not passphrase:
            self.show_message("Type your passphrase to unlock.")
            return
        try:
            self.session.unlock(passphrase, remember=self.ui.remember.isChecked())
        except VaultError as exc:
            self.ui.passphrase.selectAll()
            self.show_message(f"{str(exc)[0].upper()}{str(exc)[1:]}. Try again.")
            return
        self.ui.passphrase.clear()
        self.ui.message.clear()


class CreateVaultPage(QWidget):
    """First run: passphrase twice with its strength shown, the keyring offered, and the
    recovery key shown once."""

    created = Signal(str)

    def __init__(self, session: VaultSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ui = Form("create_vault.ui", self)
        self.ui.title.setObjectName("pageTitle")
        self.meter = StrengthMeter(self.ui.passphrase, self.ui.strength, self.ui.strengthText)
        self.ui.createButton.clicked.connect(self.submit)
        self.ui.repeat.returnPressed.connect(self.submit)
        self.recovery_key = ""

    def prepare(self) -> None:
        _offer_keyring(self.ui.remember, self.session.keyring_available)
        self.ui.remember.setChecked(False)
        self.ui.adviserName.setFocus()  # who I am first: briefings and colleagues read it

    def submit(self) -> None:
        try:
            adviser = identity.checked(self.ui.adviserName.text(), self.ui.adviserRole.text())
        except VaultError as exc:
            self._error(str(exc))
            self.ui.adviserName.setFocus()
            return
        first, second = self.ui.passphrase.text(), self.ui.repeat.text()
        try:
            check_passphrase(first, owner=adviser.name)
        except VaultError as exc:
            self._error(f"{str(exc)[0].upper()}{str(exc)[1:]}.")
            return
        if first != second:
            self._error("The two passphrases differ.")
            return
        try:
            self.recovery_key = self.session.create(
                first, self.ui.remember.isChecked(), adviser.name, adviser.role
            )
        except VaultError as exc:
            self._error(str(exc))
            return
        self.ui.passphrase.clear()
        self.ui.repeat.clear()
        self.created.emit(self.recovery_key)

    def _error(self, text: str) -> None:
        self.ui.message.setProperty("role", "error")
        self.ui.message.setText(text)
        announce(self.ui.message, text)


def _offer_keyring(remember: QCheckBox, available: bool) -> None:
    """The "remember" checkbox names this platform's store, and says when it is missing."""
    remember.setText(keyring_store.remember_label())
    remember.setEnabled(available)
    remember.setToolTip("" if available else keyring_store.unavailable())


def show_recovery_key(parent: QWidget, key: str) -> QMessageBox:
    """Window-modal but not blocking: the key is shown once, selectable to copy."""
    box = QMessageBox(parent)
    box.setObjectName("recoveryKeyBox")
    box.setWindowTitle("Your recovery key")
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(
        "Write this recovery key down and keep it apart from this laptop. It is shown "
        "only now, and it opens the vault if you forget your passphrase."
    )
    box.setInformativeText(key)
    selectable = (
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    box.setTextInteractionFlags(selectable)
    # QMessageBox gives its informative text (the key) mouse selection only: by keyboard, Tab
    # reaches it and Shift+arrows select it for Ctrl+C.
    key_label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    if isinstance(key_label, QLabel):
        key_label.setTextInteractionFlags(selectable)
        key_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        key_label.setAccessibleDescription("Recovery key")
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.button(QMessageBox.StandardButton.Ok).setText("I have written it down")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
