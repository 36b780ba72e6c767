"""Contacts: the people advisers meet, by council."""

from __future__ import annotations

from typing import Any

from ..domain import Contact
from .councils import Councils
from .errors import NotFound
from .store import Vault


class Contacts:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> Contact:
        if fields.get("council"):
            fields["council"] = Councils(self.vault).require(str(fields["council"]))
        return self.vault.save(Contact.build(**fields))

    def list(self, council: str | None = None) -> list[Contact]:
        if council:
            gss = Councils(self.vault).require(council)
            return self.vault.records(Contact, "deleted = 0 AND council = ?", (gss,), order="name")
        return self.vault.records(Contact, "deleted = 0", order="name")

    def get(self, contact_id: str) -> Contact:
        found = self.vault.get(Contact, contact_id)
        if found is None or found.deleted:
            raise NotFound(f"no contact {contact_id!r} in the vault")
        return found
