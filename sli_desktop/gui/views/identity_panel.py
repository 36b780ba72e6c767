"""Who I am, in Settings: the adviser's name and role as briefings ("Prepared by"), notes and
the audit log show them; never the computer's login. Once the device is enrolled, the name the
sync server holds for this user is offered when it differs."""

from __future__ import annotations

import getpass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...vault import identity
from ...vault.errors import VaultError
from ...vault.store import Vault
from ..a11y import MessageLine
from .base import button

#: How the server's roles read (sync/protocol.py ROLES).
SERVER_ROLES = {
    "adviser": "Principal Adviser",
    "regional-lead": "Regional Lead",
    "coordinator": "Programme Coordinator",
    "admin": "Administrator",
}


class IdentityPanel(QWidget):
    changed = Signal(str)  # the new signature, e.g. "Asha Patel, Principal Adviser"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.name = QLineEdit()
        self.name.setAccessibleName("Your name")
        self.name.setPlaceholderText("As colleagues know you, e.g. Asha Patel")
        self.role = QLineEdit()
        self.role.setAccessibleName("Your role")
        self.role.setPlaceholderText("e.g. Principal Adviser, West Midlands")
        self.save_button = button("&Save name and role", self.save)
        self.server = QLabel()
        self.server.setWordWrap(True)
        self.server.setAccessibleName("Name the sync server holds")
        self.use_server = button("&Use these", self.use_server_identity, "Use the server's name")
        self.message = MessageLine()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Name and role message")
        form = QFormLayout()
        name_label = QLabel("Your na&me")
        name_label.setBuddy(self.name)
        form.addRow(name_label, self.name)
        role_label = QLabel("Your &role")
        role_label.setBuddy(self.role)
        form.addRow(role_label, self.role)
        hint = QHBoxLayout()
        hint.addWidget(self.server, 1)
        hint.addWidget(self.use_server)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(hint)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message)
        self.name.returnPressed.connect(self.save)
        self.role.returnPressed.connect(self.save)

    def _server_identity(self) -> identity.Identity | None:
        """What the server holds for the user this device is enrolled as, if enrolled."""
        user = self.vault.meta("sync_user")
        if not user:
            return None
        role = self.vault.meta("sync_role") or ""
        return identity.Identity(user, SERVER_ROLES.get(role, role.capitalize()))

    def refresh(self) -> None:
        me = self.vault.identity
        self.name.setText(me.name)
        self.role.setText(me.role)
        server = self._server_identity()
        differs = server is not None and server.name != me.name
        self.server.setText(
            f"The sync server knows you as {server.signature}." if server and differs else ""
        )
        self.server.setVisible(differs)
        self.use_server.setVisible(differs)
        if me.name == _login():  # a vault made before it asked, or by a script
            self.message.setProperty("role", "error")
            self.message.setText(
                "This vault still signs your work with the computer's login name: enter your "
                "name as colleagues know it, and your role, then Save."
            )

    def use_server_identity(self) -> None:
        server = self._server_identity()
        if server is not None:
            self.name.setText(server.name)
            if not self.role.text().strip():
                self.role.setText(server.role)
            self.name.setFocus()

    def save(self) -> None:
        try:
            me = identity.set_identity(self.vault, self.name.text(), self.role.text())
        except VaultError as exc:
            self.message.setProperty("role", "error")
            self.message.setText(str(exc))
            self.name.setFocus()
            return
        self.message.setProperty("role", "")
        self.message.setText(f"Saved: what you prepare and write from now on says {me.signature}.")
        self.refresh()
        self.changed.emit(me.signature)


def _login() -> str:
    """The computer's login name, to notice a vault that still carries it (never shown)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name to be had: nothing to compare
        return ""
