"""The larger lookaside (vault/connection.py) is in force and costs nothing in safety: memory
security is still on for every vault opened after it, and a vault written in bulk reads back
whole after closing and reopening."""

from __future__ import annotations

from pathlib import Path

from sli_desktop.domain import Contact
from sli_desktop.vault import connection
from sli_desktop.vault.bulk import save_many
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.session import create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE


def test_the_lookaside_is_enlarged_and_memory_security_stays_on(vault: Vault) -> None:
    assert connection.LOOKASIDE_ENLARGED
    assert vault.memory_security
    assert connection.LOOKASIDE_SLOT_BYTES * connection.LOOKASIDE_SLOTS <= 8 * 2**20


def test_a_bulk_write_reads_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "v.sli"
    created = create_vault(path, PASSPHRASE, owner="t", kdf=KdfParams.fast_for_tests())
    people = [Contact.build(name=f"Person {i} Brontë", role="Officer " * 30) for i in range(600)]
    save_many(created.vault, people)
    created.vault.close()
    reopened = unlock(path, PASSPHRASE)
    try:
        assert reopened.memory_security
        assert {c.id: c.name for c in reopened.records(Contact)} == {p.id: p.name for p in people}
        assert reopened.scalar("PRAGMA integrity_check") == "ok"
    finally:
        reopened.close()
