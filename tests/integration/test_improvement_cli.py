"""``sli assessment``, ``sli goodpractice``, ``sli control`` and ``sli leadership``: --json
documents keyed by field names, and every mistake one line with exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sli_desktop.vault.store import Vault
from tests.integration.test_cli import BHAM, COV, DURHAM, WESTMINSTER, Cli, as_json, fails, ok

THIS_YEAR = dt.date.today().year


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    """The CLI against a vault that holds the six councils of ``councils_vault``."""
    councils_vault.close()
    return cli


def test_assessment_add_list_show_and_document_round_trip(sli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "local account.pdf"
    doc.write_bytes(b"%PDF-1.4 local account text")
    made = as_json(
        sli(
            "assessment", "add", "--council", BHAM, "--kind", "local account",
            "--date", "2025-10-01", "--link", "https://www.birmingham.gov.uk/localaccount",
            "--summary", "Waiting lists down; carers' offer thin.",
            "--document", str(doc), "--json",
        )
    )  # fmt: skip
    assert made["type"] == "local account" and made["year"] == 2025
    assert made["document"]["filename"] == "local account.pdf"
    as_json(
        sli("assessment", "add", "--council", BHAM, "--kind", "self-assessment",
            "--date", "2024-06-01", "--json")
    )  # fmt: skip
    listed = as_json(sli("assessment", "list", "--council", BHAM, "--json"))
    assert [a["type"] for a in listed] == ["local account", "self-assessment"]
    shown = as_json(sli("assessment", "show", made["id"][:8], "--json"))
    assert shown["summary"] == "Waiting lists down; carers' offer thin."
    out = tmp_path / "copy.pdf"
    ok(sli("assessment", "save-copy", made["id"][:8], str(out)))
    assert out.read_bytes() == b"%PDF-1.4 local account text"
    text = ok(sli("assessment", "list")).out
    assert "2025/26" in text and "birmingham.gov.uk" in text


def test_assessment_mistakes_are_one_line(sli: Cli, tmp_path: Path) -> None:
    base = ["assessment", "add", "--council", BHAM, "--date", "2025-01-01"]
    assert "web address" in fails(sli(*base, "--kind", "local account", "--link", "ftp:/x"))
    assert "unknown kind" in fails(sli(*base, "--kind", "annual report"))
    assert "no file" in fails(
        sli(*base, "--kind", "local account", "--document", str(tmp_path / "missing.pdf"))
    )
    assert as_json(sli("assessment", "list", "--json")) == []  # nothing half-written
    assert "no self-assessment" in fails(sli("assessment", "show", "ffffffff"))


def test_goodpractice_add_list_by_theme_search_and_suggest(sli: Cli) -> None:
    gp = as_json(
        sli(
            "goodpractice", "add", "--council", COV, "--title", "Edge-of-care hub",
            "--body", "Multi-agency hub for teenagers.", "--theme", "children's social care",
            "--theme", "Budget", "--outcome", "Entries to care down 18%",
            "--contact", "Jo Smith, DCS", "--json",
        )
    )  # fmt: skip
    assert gp["note_type"] == "good practice" and gp["themes"] == [
        "children's social care",
        "budget",
    ]
    as_json(
        sli("goodpractice", "add", "--council", DURHAM, "--title", "Housing first",
            "--theme", "housing", "--json")
    )  # fmt: skip
    by_theme = as_json(sli("goodpractice", "list", "--theme", "budget", "--json"))
    assert [n["id"] for n in by_theme] == [gp["id"]]
    assert [
        n["id"] for n in as_json(sli("goodpractice", "list", "--search", "teenagers", "--json"))
    ] == [gp["id"]]
    themes = as_json(sli("goodpractice", "themes", "--json"))
    assert {"theme": "housing", "notes": 1} in themes
    # Birmingham has an open concern about the budget: Coventry's hub is suggested.
    as_json(
        sli("note", "add", "--council", BHAM, "--title", "Overspend", "--body", "x",
            "--theme", "budget", "--concern", "high", "--evidence", "Q2 report", "--json")
    )  # fmt: skip
    suggested = as_json(sli("goodpractice", "suggest", BHAM, "--json"))
    assert [s["id"] for s in suggested] == [gp["id"]]
    assert suggested[0]["shared_themes"] == ["budget"]
    assert "Edge-of-care hub" in ok(sli("goodpractice", "suggest", BHAM)).out
    # intelligence notes are not good practice
    assert all(
        n["note_type"] == "good practice" for n in as_json(sli("goodpractice", "list", "--json"))
    )


def test_goodpractice_mistakes(sli: Cli) -> None:
    message = fails(sli("goodpractice", "add", "--council", BHAM, "--title", "x"))
    assert "--theme" in message
    assert "themes" in fails(
        sli("goodpractice", "add", "--council", BHAM, "--title", "x", "--theme", " ")
    )


def test_goodpractice_take_back_makes_it_intelligence_again(sli: Cli) -> None:
    gp = as_json(
        sli("goodpractice", "add", "--council", COV, "--title", "Edge-of-care hub",
            "--theme", "care", "--outcome", "Fewer entries", "--json")
    )  # fmt: skip
    back = as_json(sli("goodpractice", "take-back", gp["id"][:8], "--json"))
    assert back["note_type"] == "intelligence" and back["body"] == "Outcome: Fewer entries"
    assert as_json(sli("goodpractice", "list", "--json")) == []
    assert "intelligence" in fails(sli("goodpractice", "take-back", gp["id"][:8]))


def test_control_record_offers_member_peer_support_once_and_tracks_days(sli: Cli) -> None:
    first = as_json(
        sli("control", "record", WESTMINSTER, "--date", "2022-05-06", "--from", "Conservative",
            "--to", "Labour", "--json")
    )  # fmt: skip
    assert first["offer_made"] is True
    assert first["offer"]["type"] == "member peer support" and first["offer"]["days_offered"] == 5
    again = as_json(
        sli("control", "record", WESTMINSTER, "--date", "2022-05-06", "--to", "Labour", "--json")
    )
    assert again["offer_made"] is False and again["offer"]["id"] == first["offer"]["id"]
    used = as_json(sli("control", "days", first["offer"]["id"][:8], "--used", "3", "--json"))
    assert used["days_used"] == 3 and used["status"] == "taken up"
    listed = as_json(sli("control", "list", "--council", WESTMINSTER, "--json"))
    assert len(listed) == 1 and listed[0]["offer"]["days_used"] == 3
    council = as_json(sli("council", "show", WESTMINSTER, "--json"))
    assert (
        council["political_control"] == "Labour" and council["control_changed_on"] == "2022-05-06"
    )
    assert "exceed" in fails(sli("control", "days", first["offer"]["id"][:8], "--used", "6"))
    assert "did not change" in fails(
        sli("control", "record", WESTMINSTER, "--date", "2023-01-01", "--to", "labour")
    )
    assert "stays on record" in ok(sli("control", "delete", first["id"][:8])).out
    assert as_json(sli("control", "list", "--json")) == []
    assert "no single change" in fails(sli("control", "delete", first["id"][:8]))


def test_leadership_record_list_and_takeup_by_region(sli: Cli) -> None:
    y = THIS_YEAR
    as_json(
        sli("leadership", "record", BHAM, "--year", str(y - 1), "--status", "taken up", "--json")
    )
    as_json(
        sli("leadership", "record", COV, "--year", str(y - 1), "--status", "declined", "--json")
    )
    as_json(
        sli("leadership", "record", BHAM, "--year", str(y - 1), "--status", "completed", "--json")
    )
    places = as_json(sli("leadership", "list", "--json"))
    assert len(places) == 2
    document = as_json(sli("leadership", "takeup", "--first-year", str(y - 2), "--json"))
    assert document["years"] == [y - 2, y - 1, y]
    wm = next(r for r in document["regions"] if r["region"] == "West Midlands")
    year = next(x for x in wm["years"] if x["year"] == y - 1)
    assert (year["taken_up"], year["declined"], year["not_recorded"]) == (1, 1, 2)
    assert "West Midlands" in ok(sli("leadership", "takeup")).out
    assert "invalid choice" in fails(
        sli("leadership", "record", BHAM, "--year", "2025", "--status", "maybe")
    )
    assert "year" in fails(sli("leadership", "record", BHAM, "--year", "1900"))


def test_council_show_has_the_latest_assessments_and_suggestions(sli: Cli) -> None:
    as_json(
        sli("assessment", "add", "--council", BHAM, "--kind", "self-assessment",
            "--date", "2025-06-01", "--summary", "Strong early help", "--json")
    )  # fmt: skip
    as_json(
        sli("goodpractice", "add", "--council", COV, "--title", "Hub", "--theme", "budget",
            "--json")
    )  # fmt: skip
    as_json(
        sli("note", "add", "--council", BHAM, "--title", "Overspend", "--body", "x",
            "--theme", "budget", "--concern", "serious", "--evidence", "Q2", "--json")
    )  # fmt: skip
    shown = as_json(sli("council", "show", BHAM, "--json"))
    assert [a["summary"] for a in shown["latest_assessments"]] == ["Strong early help"]
    assert [s["title"] for s in shown["good_practice_suggestions"]] == ["Hub"]
    text = ok(sli("council", "show", BHAM)).out
    assert "Strong early help" in text and "Hub" in text
