"""The `sli` side of issue 8 items 1-3: drafts, review and disposal, retention settings, the
lawful basis of contacts and `sli export --person`, with one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sli_desktop.vault.store import Vault
from tests.conftest import CliResult
from tests.integration.test_cli import as_json, fails, ok

Cli = Callable[..., CliResult]
BHAM = "E08000025"
SECRET = "Quokka-sentinel"


def test_drafts_from_the_command_line(councils_vault: Vault, cli: Cli) -> None:
    councils_vault.close()
    message = fails(
        cli(
            "note", "add", "--council", BHAM, "--title", "Gap", "--body", "x", "--concern", "medium"
        )
    )
    assert "evidence" in message and "draft" in message
    assert "rumour" in fails(
        cli("note", "add", "--council", BHAM, "--title", "T", "--body", "x", "--source", "rumour")
    )
    draft = as_json(
        cli(
            "note",
            "add",
            "--council",
            BHAM,
            "--title",
            "Gap",
            "--body",
            "x",
            "--concern",
            "high",
            "--source",
            "government department",
            "--draft",
            "--json",
        )
    )
    assert draft["draft"] is True and draft["source"] == "government department"
    listed = as_json(cli("note", "drafts", "--json"))
    assert [d["id"] for d in listed] == [draft["id"]]
    assert listed[0]["missing"] == ["evidence for a high concern"]
    assert "evidence for a high concern" in ok(cli("note", "drafts")).out
    shown = ok(cli("note", "show", draft["id"][:8])).out
    assert "DRAFT" in shown and "Review by" in shown
    assert "evidence" in fails(cli("note", "edit", draft["id"][:8], "--complete"))
    done = as_json(
        cli("note", "edit", draft["id"][:8], "--evidence", "Q2 monitoring report", "--json")
    )
    assert done["draft"] is False
    assert as_json(cli("note", "drafts", "--json")) == []
    assert "no drafts" in ok(cli("note", "drafts")).out


def test_review_dates_retention_and_disposal(councils_vault: Vault, cli: Cli) -> None:
    councils_vault.close()
    assert as_json(cli("note", "retention", "--json")) == {
        "OFFICIAL": 24,
        "OFFICIAL-SENSITIVE": 12,
    }
    as_json(cli("note", "retention", "--marking", "OFFICIAL-SENSITIVE", "--months", "6", "--json"))
    assert "between 1 and 120" in fails(
        cli("note", "retention", "--marking", "OFFICIAL", "--months", "0")
    )
    assert "together" in fails(cli("note", "retention", "--months", "3"))
    sensitive = as_json(
        cli(
            "note",
            "add",
            "--council",
            BHAM,
            "--title",
            f"{SECRET} title",
            "--body",
            SECRET,
            "--date",
            "2025-01-10",
            "--marking",
            "OFFICIAL-SENSITIVE",
            "--json",
        )
    )
    assert sensitive["review_by"] == "2025-07-10"
    later = as_json(
        cli(
            "note",
            "add",
            "--council",
            BHAM,
            "--title",
            "Later",
            "--body",
            "x",
            "--date",
            "2025-01-10",
            "--review-by",
            "2030-01-01",
            "--json",
        )
    )
    due = as_json(cli("note", "due-review", "--on", "2026-01-01", "--json"))
    assert [n["id"] for n in due] == [sensitive["id"]]
    assert due[0]["review_due"] == "2025-07-10"
    assert as_json(cli("note", "due-review", "--on", "2025-01-01", "--json")) == []
    assert "not a valid date" in fails(cli("note", "due-review", "--on", "soon"))

    gone = as_json(cli("note", "dispose", sensitive["id"][:8], "--json"))
    assert gone["id"] == sensitive["id"] and gone["disposed_on"]
    assert "no note" in fails(cli("note", "show", sensitive["id"][:8]))
    entries = as_json(cli("audit", "--json"))
    disposal = [e for e in entries if e["action"] == "dispose"]
    assert [e["record_id"] for e in disposal] == [sensitive["id"]]
    assert SECRET not in json.dumps(entries)
    listed = as_json(cli("note", "list", "--json"))
    assert [n["id"] for n in listed] == [later["id"]]
    assert "Disposed of note" in ok(cli("note", "dispose", later["id"][:8])).out


def test_contacts_lawful_basis_and_export_of_one_person(
    councils_vault: Vault, cli: Cli, tmp_path: Path
) -> None:
    councils_vault.close()
    assert "lawful-basis" in fails(
        cli("contact", "add", "--council", BHAM, "--name", "X Y", "--lawful-basis", "whim")
    )
    as_json(
        cli(
            "contact",
            "add",
            "--council",
            BHAM,
            "--name",
            "Cllr John Cotton",
            "--role",
            "Leader",
            "--lawful-basis",
            "legitimate interests",
            "--json",
        )
    )
    assert "legitimate interests" in ok(cli("contact", "list")).out
    ok(cli("note", "add", "--council", BHAM, "--title", "Met", "--body", "John Cotton agreed."))
    out = tmp_path / "cotton.json"
    summary = as_json(cli("export", "--person", "John Cotton", "--json", "-o", str(out)))
    assert summary["contacts"] == 1 and summary["notes"] == 1
    document = json.loads(out.read_text("utf-8"))
    assert document["contacts"][0]["lawful_basis"] == "legitimate interests"
    assert document["notes"][0]["body"] == "John Cotton agreed."
    assert any(e["action"] == "create" for e in document["audit"])
    assert (
        "Exported what is held about"
        in ok(cli("export", "--person", "John Cotton", "-o", str(out))).out
    )
    assert "--json" in fails(cli("export", "-o", str(tmp_path / "all.json")))


def test_council_show_names_the_action_for_a_serious_concern_not_shared(
    councils_vault: Vault, cli: Cli
) -> None:
    councils_vault.close()
    note = as_json(
        cli(
            "note", "add", "--council", BHAM, "--title", "Placements crisis", "--body", "x",
            "--concern", "serious", "--evidence", "Ofsted letter", "--json",
        )
    )  # fmt: skip
    shown = as_json(cli("council", "show", BHAM, "--json"))
    assert [n["id"] for n in shown["serious_unaware"]] == [note["id"]]
    text = ok(cli("council", "show", BHAM)).out
    assert "ACTION: Contact the leader or chief executive" in text and "Placements crisis" in text
    ok(cli("note", "edit", note["id"][:8], "--council-aware", "--council-aware-on", "2026-03-01"))
    assert as_json(cli("council", "show", BHAM, "--json"))["serious_unaware"] == []
    assert "ACTION" not in ok(cli("council", "show", BHAM)).out
