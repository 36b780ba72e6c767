"""The vault information and checks service: what `sli vault info|check`, the About box and the
self-test read, on real SQLCipher vaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sli_desktop.vault import inspection
from sli_desktop.vault.header import read_header
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.integration.test_cli import as_json, ok


def test_the_facts_count_live_records_and_name_the_vault(
    councils_vault: Vault, vault_path: Path
) -> None:
    notes = Notes(councils_vault)
    kept = notes.add(council="E08000025", date=date(2026, 12, 5), title="Kept", body="x")
    gone = notes.add(council="E08000025", date=date(2026, 12, 5), title="Gone", body="y")
    councils_vault.delete(gone)

    facts = inspection.facts(councils_vault, vault_path)

    assert kept.id
    assert facts.vault == str(vault_path)
    assert facts.vault_id == read_header(vault_path).vault_id
    assert facts.owner == "tester"
    assert facts.counts == {
        "councils": 6,
        "contacts": 0,
        "notes": 1,
        "engagements": 0,
        "actions": 0,
    }
    assert facts.schema_version > 0
    assert facts.cipher_version and facts.cipher_version[0].isdigit()
    assert facts.outbox_pending >= 2  # both notes wait to be pushed
    assert list(facts.as_dict()) == [
        "vault",
        "vault_id",
        "owner",
        "role",
        "schema_version",
        "cipher_version",
        "pages",
        "memory_security",
        "outbox_pending",
        *inspection.COUNTED_TABLES,
    ]


def test_the_open_vault_and_the_library_report_the_same_cipher(vault: Vault) -> None:
    assert inspection.cipher_version(vault) == inspection.library_cipher_version()


def test_an_intact_vault_has_no_problems(councils_vault: Vault) -> None:
    assert inspection.problems(councils_vault) == []


def test_a_broken_audit_chain_is_a_problem(councils_vault: Vault) -> None:
    seq = int(councils_vault.scalar("SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 1"))
    councils_vault.conn.execute("DROP TRIGGER audit_no_update")
    councils_vault.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = ?", (seq,))

    assert inspection.problems(councils_vault) == [f"the audit chain breaks at entry {seq}"]


# -- what `sli vault info|check` print from it ------------------------------------------------
def test_sli_vault_info_prints_the_facts(councils_vault: Vault, vault_path: Path, cli) -> None:
    expected = inspection.facts(councils_vault, vault_path).as_dict()
    councils_vault.close()

    shown = as_json(cli("vault", "info", "--json"))
    text = ok(cli("vault", "info")).out.splitlines()

    assert shown == expected
    assert shown["pages"] == "16 KiB, HMAC-SHA256"  # what the header records
    assert f"{'pages':>16}: 16 KiB, HMAC-SHA256" in text
    assert text[0] == f"{'vault':>16}: {vault_path}"
    assert text[-1] == f"{'actions':>16}: 0"


def test_sli_vault_check_names_each_problem(councils_vault: Vault, vault_path: Path, cli) -> None:
    assert ok(cli("vault", "check")).out.startswith("The vault is intact")
    seq = int(councils_vault.scalar("SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 1"))
    councils_vault.conn.execute("DROP TRIGGER audit_no_update")
    councils_vault.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = ?", (seq,))
    councils_vault.close()

    result = cli("vault", "check")

    assert result.code == 2
    assert result.out == f"problem: the audit chain breaks at entry {seq}\n"
    assert result.err == f"sli: the vault at {vault_path} has 1 problem\n"
