"""A new contact: the person, where they work, how to reach them, and the lawful basis for
holding their details (UK GDPR asks for it from the first record)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QWidget

from ...domain import Contact, LawfulBasis
from ...vault.contacts import Contacts
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog
from .council_choice import CouncilChoice


def split_list(text: str) -> list[str]:
    """Several emails or phones in one line, by commas or semicolons."""
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


class ContactDialog(FormDialog):
    KIND = "contact"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "name": ("name", "Name"),
        "role": ("role", "Role"),
        "council": ("council", "Council"),
        "organisation": ("organisation", "Organisation"),
        "emails": ("emails", "Emails"),
        "phones": ("phones", "Phones"),
        "lawful_basis": ("lawfulBasis", "Lawful basis"),
    }

    def __init__(
        self, vault: Vault, council: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("contact.ui", "New contact", parent)
        self.vault = vault
        self.resize(560, 360)
        self.councils = CouncilChoice(self.ui.council, Councils(vault).names())
        self.councils.set_code(council)
        for basis in LawfulBasis:
            self.ui.lawfulBasis.addItem(basis.value.capitalize(), basis.value)
        self.ui.name.setFocus()

    def store(self) -> Contact:
        return Contacts(self.vault).add(
            name=self.ui.name.text(),
            role=self.ui.role.text(),
            council=self.councils.code(required=False),
            organisation=self.ui.organisation.text(),
            emails=split_list(self.ui.emails.text()),
            phones=split_list(self.ui.phones.text()),
            lawful_basis=self.ui.lawfulBasis.currentData(),
        )
