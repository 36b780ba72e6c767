"""The adviser's name and role: asked when a vault is created, changeable, audited, and what
signs the adviser's work. The computer's login name is never what a person reads."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from sli_desktop.vault import identity
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.session import create_vault, unlock
from tests.conftest import PASSPHRASE
from tests.integration.test_cli import Cli, as_json, fails, ok


def test_init_records_the_name_and_role_given(cli: Cli, vault_path: Path) -> None:
    ok(cli("init", "--name", "  Asha   Patel ", "--role", "Principal Adviser"))
    shown = as_json(cli("vault", "identity", "--json"))
    assert shown == {"name": "Asha Patel", "role": "Principal Adviser"}
    info = as_json(cli("vault", "info", "--json"))
    assert (info["owner"], info["role"]) == ("Asha Patel", "Principal Adviser")


def test_init_without_a_name_and_no_terminal_asks_for_one(cli: Cli, vault_path: Path) -> None:
    message = fails(cli("init"))
    assert "--name" in message
    assert not vault_path.exists()


def test_a_blank_name_is_refused_with_what_to_type(cli: Cli, vault_path: Path) -> None:
    message = fails(cli("init", "--name", "   "))
    assert message.startswith("Enter your name")
    assert not vault_path.exists()


def test_changing_the_name_signs_new_work_and_keeps_old_work_mine(
    cli: Cli, vault_path: Path
) -> None:
    ok(cli("init", "--name", "Asha Patel"))
    ok(cli("vault", "identity", "--name", "Asha Khan", "--role", "Principal Adviser"))
    assert as_json(cli("vault", "identity", "--json")) == {
        "name": "Asha Khan",
        "role": "Principal Adviser",
    }
    vault = unlock(vault_path, PASSPHRASE)
    try:
        assert vault.actor == "Asha Khan"
        assert identity.is_mine(vault, "Asha Patel")
        assert identity.is_mine(vault, "Asha Khan")
        assert not identity.is_mine(vault, "Somebody Else")
        assert not identity.is_mine(vault, None)
        changed = [e for e in AuditLog(vault).entries() if e.action == "identity-changed"]
        assert len(changed) == 1
        assert changed[0].actor == "Asha Patel"  # who made the change
        assert json.loads(changed[0].detail)["name"] == "Asha Khan"
        assert AuditLog(vault).verify() is None
    finally:
        vault.close()


def test_the_name_survives_locking_and_signs_notes(tmp_path: Path) -> None:
    path = tmp_path / "vault.sli"
    create_vault(path, PASSPHRASE, owner="Asha Patel", role="Principal Adviser").vault.close()
    vault = unlock(path, PASSPHRASE)
    try:
        assert vault.identity == identity.Identity("Asha Patel", "Principal Adviser")
        assert vault.identity.signature == "Asha Patel, Principal Adviser"
        assert vault.actor == "Asha Patel"
        audit = AuditLog(vault).entries()
        assert {e.actor for e in audit} == {"Asha Patel"}
        assert getpass.getuser() not in {e.actor for e in audit}
    finally:
        vault.close()


@pytest.mark.parametrize("name", ["x" * 121, ""])
def test_names_that_cannot_be_used(name: str) -> None:
    with pytest.raises(identity.IdentityRefused):
        identity.checked(name)
