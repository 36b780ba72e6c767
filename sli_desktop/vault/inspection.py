"""What a vault is and whether it is intact, for `sli vault info|check`, the About box and the
self-test: the SQL and PRAGMAs those need live here, below both front ends, so the CLI and the
window only show what this answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .audit import AuditLog
from .connection import sqlcipher_version
from .header import read_header
from .store import Vault

#: The record tables `sli vault info` counts, in the order it prints them.
COUNTED_TABLES = ("councils", "contacts", "notes", "engagements", "actions")


@dataclass(frozen=True)
class VaultFacts:
    """Where a vault is and what it holds; ``as_dict`` keeps the order `sli vault info` prints."""

    vault: str
    vault_id: str
    owner: str
    role: str
    schema_version: int
    cipher_version: str | None
    #: the page size and page MAC the header records (vault/pages.py)
    pages: str
    memory_security: bool
    outbox_pending: int
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "vault": self.vault,
            "vault_id": self.vault_id,
            "owner": self.owner,
            "role": self.role,
            "schema_version": self.schema_version,
            "cipher_version": self.cipher_version,
            "pages": self.pages,
            "memory_security": self.memory_security,
            "outbox_pending": self.outbox_pending,
            **self.counts,
        }


def facts(vault: Vault, path: Path) -> VaultFacts:
    """The facts about the open vault at ``path`` (its header names the vault id)."""
    header = read_header(path)
    counts = {
        table: int(vault.scalar(f"SELECT count(*) FROM {table} WHERE deleted = 0"))
        for table in COUNTED_TABLES
    }
    who = vault.identity
    return VaultFacts(
        vault=str(path),
        vault_id=header.vault_id,
        owner=who.name,
        role=who.role,
        schema_version=int(vault.scalar("PRAGMA user_version")),
        cipher_version=cipher_version(vault),
        pages=header.pages.label,
        memory_security=vault.memory_security,
        outbox_pending=int(vault.scalar("SELECT count(*) FROM outbox")),
        counts=counts,
    )


def cipher_version(vault: Vault) -> str | None:
    """The SQLCipher version the open vault runs under; None (or empty) means no encryption,
    which the self-test treats as a broken install."""
    value = vault.scalar("PRAGMA cipher_version")
    return str(value) if value is not None else None


def library_cipher_version() -> str:
    """The SQLCipher this build links, without a vault (the About box shows it when locked)."""
    return sqlcipher_version()


def problems(vault: Vault) -> list[str]:
    """Everything wrong with the vault, one sentence each; empty when every page authenticates,
    SQLite finds the file sound and the audit chain holds."""
    found = [str(row[0]) for row in vault.query("PRAGMA cipher_integrity_check")]
    found += [str(r[0]) for r in vault.query("PRAGMA integrity_check") if r[0] != "ok"]
    broken = AuditLog(vault).verify()
    if broken is not None:
        found.append(f"the audit chain breaks at entry {broken}")
    return found
