"""Who the adviser is: the name and role a person reads on briefings, authorship and the audit
log, asked when the vault is created and editable later. Never the computer's login name.

The name is the vault's actor: what it writes is signed with it. Names it was known by before
are kept, so notes written under an earlier spelling are still recognised as the adviser's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import VaultError

if TYPE_CHECKING:
    from .store import Vault

#: Meta keys. ``owner`` predates this module and keeps its name so older vaults read the same.
NAME_KEY = "owner"
ROLE_KEY = "owner_role"
FORMER_KEY = "owner_former_names"

MAX_LENGTH = 120


class IdentityRefused(VaultError):
    """A name or role that cannot be used; the sentence says what to type instead."""


@dataclass(frozen=True)
class Identity:
    name: str
    role: str = ""

    @property
    def signature(self) -> str:
        """'Asha Patel, Principal Adviser (West Midlands)': the role only when there is one."""
        return f"{self.name}, {self.role}" if self.role else self.name


def checked(name: str, role: str = "") -> Identity:
    """The identity as it will be stored: trimmed, single-line, of a sensible length."""
    name = " ".join(name.split())
    role = " ".join(role.split())
    if not name:
        raise IdentityRefused("Enter your name as colleagues know it, for example 'Asha Patel'.")
    if len(name) > MAX_LENGTH:
        raise IdentityRefused(f"Your name is too long: keep it under {MAX_LENGTH} characters.")
    if len(role) > MAX_LENGTH:
        raise IdentityRefused(f"Your role is too long: keep it under {MAX_LENGTH} characters.")
    return Identity(name, role)


def identity(vault: Vault) -> Identity:
    return Identity(vault.meta(NAME_KEY) or vault.actor, vault.meta(ROLE_KEY) or "")


def former_names(vault: Vault) -> list[str]:
    raw = vault.meta(FORMER_KEY)
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str)]


def is_mine(vault: Vault, author: str | None) -> bool:
    """Whether ``author`` is this adviser, under the name used now or one used before."""
    return bool(author) and (author == vault.actor or author in former_names(vault))


def set_identity(vault: Vault, name: str, role: str = "") -> Identity:
    """Store a new name and role (audited). What is written from now on carries the new name."""
    new = checked(name, role)
    old = identity(vault)
    if new == old:
        return new
    with vault.transaction():
        if new.name != old.name:
            kept = [n for n in former_names(vault) if n != new.name]
            if old.name and old.name not in kept:
                kept.append(old.name)
            vault.set_meta(FORMER_KEY, json.dumps(kept))
            vault.set_meta(NAME_KEY, new.name)
        vault.set_meta(ROLE_KEY, new.role)
        vault.audit("identity-changed", detail={"name": new.name, "role": new.role})
        vault.actor = new.name
    return new
