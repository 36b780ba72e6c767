"""The ``sli`` contract, end to end in-process: exit codes, one-line errors on stderr, and one
UTF-8 JSON document on stdout for --json, keyed by the domain's field names."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sli_desktop import __version__
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE, CliResult
from tests.memory_keystore import MemoryKeyStore

Cli = Callable[..., CliResult]

BHAM, COV, STAFFS, CANNOCK, WESTMINSTER, DURHAM = (
    "E08000025",
    "E08000026",
    "E10000028",
    "E07000192",
    "E09000033",
    "E06000047",
)
WELSH_NAME = "Siân Ŵyn Llŷr"
#: A JSON \u escape of a character beyond ASCII (control characters may still be escaped).
_NON_ASCII_ESCAPE = re.compile(r"\\u(?!00[0-7][0-9a-fA-F])[0-9a-fA-F]{4}")


# -- helpers ---------------------------------------------------------------------------------


def ok(result: CliResult) -> CliResult:
    assert result.code == 0, result.err
    assert result.err == ""
    return result


def as_json(result: CliResult) -> Any:
    """Exactly one JSON document on stdout and nothing else, UTF-8, non-ASCII as itself."""
    ok(result)
    document = json.loads(result.out)  # raises on anything after the one document
    assert not _NON_ASCII_ESCAPE.search(result.out), "non-ASCII characters must be themselves"
    return document


def fails(result: CliResult, code: int = 2) -> str:
    """A failure: the exit code, nothing on stdout, and ONE line on stderr starting 'sli: '."""
    assert result.code == code, result
    assert result.out == ""
    assert result.err.startswith("sli: "), result.err
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    return result.err[len("sli: ") : -1]


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    """The CLI against a vault that holds the six councils of ``councils_vault``."""
    councils_vault.close()
    return cli


def add_note(
    sli: Cli, *extra: str, council: str = BHAM, title: str = "Budget gap"
) -> dict[str, Any]:
    args = ["note", "add", "--council", council, "--title", title]
    if "--body" not in extra and "--body-file" not in extra:
        args += ["--body", "Nothing remarkable."]
    note: dict[str, Any] = as_json(sli(*args, *extra, "--json"))
    return note


def add_challenge(sli: Cli, council: str, kind: str, status: str, *extra: str) -> dict[str, Any]:
    args = ["challenge", "add", "--council", council, "--kind", kind, "--status", status]
    result: dict[str, Any] = as_json(sli(*args, *extra, "--json"))
    return result


# -- init, version, vault and passphrase ------------------------------------------------------


def test_version(cli: Cli) -> None:
    result = ok(cli("--version"))
    assert result.out == f"sli {__version__}\n"


def test_help_exits_zero_without_an_error(cli: Cli) -> None:
    result = ok(cli("--help"))
    assert "usage: sli" in result.out


def test_init_creates_a_vault_and_shows_the_recovery_key(cli: Cli, vault_path: Path) -> None:
    created = as_json(cli("init", "--name", "Asha Patel", "--json"))
    assert set(created) == {"vault", "recovery_key", "remembered"}
    assert created["vault"] == str(vault_path)
    assert created["remembered"] is False
    assert len(created["recovery_key"]) >= 20
    assert vault_path.exists()
    assert as_json(cli("council", "list", "--json")) == []
    assert "already exists" in fails(cli("init", "--name", "Asha Patel"))


def test_init_text_output(cli: Cli, vault_path: Path) -> None:
    result = ok(cli("init", "--name", "Asha Patel"))
    assert f"Created an encrypted vault at {vault_path}" in result.out
    assert "Recovery key" in result.out


def test_init_refuses_a_weak_passphrase(cli: Cli, vault_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SLI_PASSPHRASE", "short")
    assert "at least" in fails(cli("init", "--name", "Asha Patel"))
    assert not vault_path.exists()


def test_init_remember_keeps_the_key_for_this_device(
    cli: Cli, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryKeyStore()
    created = as_json(cli("init", "--name", "Asha Patel", "--remember", "--json", keystore=store))
    assert created["remembered"] is True
    monkeypatch.delenv("SLI_PASSPHRASE")
    assert as_json(cli("council", "list", "--json", keystore=store)) == []
    # another device (an empty keyring) and no passphrase: told how to give one, exit 2
    assert "passphrase is needed" in fails(cli("council", "list", keystore=MemoryKeyStore()))


def test_init_remember_without_a_keyring_creates_nothing(cli: Cli, vault_path: Path) -> None:
    message = fails(
        cli("init", "--name", "Asha Patel", "--remember", keystore=MemoryKeyStore(available=False))
    )
    assert "no OS keyring" in message
    assert not vault_path.exists()


def test_wrong_passphrase(sli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLI_PASSPHRASE", "not the passphrase at all")
    assert fails(sli("council", "list")) == "wrong passphrase for this vault"
    assert "wrong passphrase" in fails(sli("note", "list", "--json"))


def test_missing_vault(cli: Cli, tmp_path: Path) -> None:
    message = fails(cli("council", "list", "--json"))
    assert message.startswith("no vault at ") and "sli init" in message
    elsewhere = tmp_path / "elsewhere.sli"
    assert str(elsewhere) in fails(cli("note", "list", "--vault", str(elsewhere)))


def test_passphrase_change(vault: Vault, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    vault.close()
    new = "a quite different passphrase"
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", new)
    result = ok(cli("passphrase", "change"))
    assert "Passphrase changed" in result.out
    assert fails(cli("council", "list")) == "wrong passphrase for this vault"
    monkeypatch.setenv("SLI_PASSPHRASE", new)
    assert as_json(cli("council", "list", "--json")) == []
    actions = [e["action"] for e in as_json(cli("audit", "--json"))]
    assert "passphrase-changed" in actions


def test_passphrase_change_refuses_a_weak_one_and_keeps_the_old(
    vault: Vault, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.close()
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", "weak")
    assert "at least" in fails(cli("passphrase", "change"))
    assert as_json(cli("council", "list", "--json")) == []


def test_passphrase_change_with_the_wrong_old_passphrase(
    vault: Vault, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.close()
    monkeypatch.setenv("SLI_PASSPHRASE", "not the passphrase at all")
    monkeypatch.setenv("SLI_NEW_PASSPHRASE", "a quite different passphrase")
    assert fails(cli("passphrase", "change")) == "wrong passphrase for this vault"
    monkeypatch.setenv("SLI_PASSPHRASE", PASSPHRASE)
    assert as_json(cli("council", "list", "--json")) == []


# -- bad input: exit 2, one line ---------------------------------------------------------------

NOTE = ["note", "add", "--council", BHAM, "--title", "T", "--body", "B"]
BOOK = ["challenge", "add", "--council", BHAM, "--kind", "corporate", "--status", "booked"]
PROPOSE = [*BOOK[:-1], "proposed"]


BAD_INPUT: list[tuple[tuple[str, ...], str]] = [
    ((), "required"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
    (("note", "frobnicate"), "invalid choice"),
    (("note", "add", "--council", BHAM, "--body", "B"), "--title"),
    (("note", "add", "--council", BHAM, "--title", "T"), "--body"),
    (("contact", "add", "--council", BHAM), "--name"),
    (("challenge", "add", "--council", BHAM, "--kind", "corporate"), "--status"),
    (("council", "import"), "FILE.csv"),
    ((*NOTE, "--date", "2024-13-01"), "date: is not a valid date (use YYYY-MM-DD)"),
    ((*NOTE, "--date", "yesterday"), "date: is not a valid date"),
    ((*BOOK, "--start", "2025-02-30"), "'2025-02-30' is not a date (use YYYY-MM-DD)"),
    (("challenge", "coverage", "--since", "last year"), "is not a date"),
    (("action", "add", "--title", "x", "--due", "tomorrow"), "is not a date"),
    (("note", "add", "--council", "E99999999", "--title", "T", "--body", "B"), "no council"),
    (("note", "add", "--council", "Narnia", "--title", "T", "--body", "B"), "no council"),
    (("council", "show", "E99999999"), "no council 'E99999999'"),
    (("contact", "add", "--council", "E99999999", "--name", "Jo"), "no council"),
    (("contact", "list", "--council", "E99999999"), "no council"),
    (("note", "list", "--council", "E99999999"), "no council"),
    (("action", "add", "--title", "x", "--council", "E99999999"), "no council"),
    ((*PROPOSE[:3], "E99999999", *PROPOSE[4:]), "no council"),
    ((*NOTE, "--concern", "extreme"), "invalid choice: 'extreme'"),
    ((*NOTE, "--concern", "high"), "evidence: a high concern must cite its evidence"),
    ((*NOTE, "--concern", "serious"), "evidence: a serious concern must cite its evidence"),
    ((*NOTE, "--marking", "SECRET"), "invalid choice: 'SECRET'"),
    ((*NOTE, "--council-aware-on", "2024-01-01"), "council_aware_on:"),
    (("note", "show", "deadbeef-0000"), "no note 'deadbeef-0000' in the vault"),
    (("note", "show", "dead"), "give at least 8 characters"),
    (("note", "edit", "deadbeef-0000", "--title", "x"), "no note"),
    (("note", "edit", "deadbeef-0000"), "nothing to change"),
    (("note", "delete", "deadbeef-0000"), "no note"),
    (("action", "done", "deadbeef-0000"), "no single action"),
    (("challenge", "move", "deadbeef-0000", "booked"), "no single peer challenge"),
    (("council", "list", "--region", "Midlands"), "unknown region 'Midlands'"),
    (("challenge", "list", "--region", "Atlantis"), "unknown region"),
    (
        ("challenge", "add", "--council", BHAM, "--kind", "finance", "--status", "proposed"),
        "invalid choice: 'finance'",
    ),
    (
        ("challenge", "add", "--council", BHAM, "--kind", "corporate", "--status", "pending"),
        "unknown status 'pending'",
    ),
    (
        ("challenge", "add", "--council", BHAM, "--kind", "corporate", "--status", "booked"),
        "start: a booked challenge needs its on-site start date",
    ),
    (
        (*BOOK, "--start", "2025-03-06", "--end", "2025-03-03"),
        "end: the on-site period cannot end before it starts",
    ),
    (("contact", "add", "--name", "Jo", "--phone", "12ab"), "phones: '12ab' is not"),
    (("contact", "add", "--name", "Jo", "--email", "jo@"), "emails:"),
    (("contact", "add", "--name", "   "), "name: must not be empty"),
    (("action", "list", "--status", "late"), "invalid choice: 'late'"),
    ((*NOTE[:-2], "--body-file", "/nonexistent/body.txt"), "does not exist"),
]


def test_bad_input_is_one_line_and_exit_2(sli: Cli) -> None:
    """Every refusal: exit 2, stdout empty, one 'sli: ' line naming the problem. (One vault
    for all the cases: a refused command writes nothing, checked below.)"""
    for args, expected in BAD_INPUT:
        result = sli(*args)
        assert result.code == 2, (args, result)
        assert expected in fails(result), (args, result.err)


def test_nothing_is_written_by_a_refused_command(sli: Cli) -> None:
    before = as_json(sli("audit", "--json"))
    fails(sli(*NOTE, "--concern", "high"))
    fails(sli("contact", "add", "--name", "Jo", "--phone", "12ab"))
    assert as_json(sli("note", "list", "--json")) == []
    assert as_json(sli("contact", "list", "--json")) == []
    assert as_json(sli("audit", "--json")) == before


def test_an_unexpected_error_is_exit_1_in_one_line(
    sli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sli_desktop.vault.councils import Councils

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug with secret detail")

    monkeypatch.setattr(Councils, "list", broken)
    message = fails(sli("council", "list"), code=1)
    assert message == "unexpected error (RuntimeError); run with SLI_DEBUG=1 for details"
    assert "secret detail" not in message


# -- councils ------------------------------------------------------------------------------------


def test_council_list_and_show(sli: Cli) -> None:
    councils = as_json(sli("council", "list", "--json"))
    assert len(councils) == 6
    assert all({"gss_code", "name", "region", "type"} <= set(c) for c in councils)
    bham = next(c for c in councils if c["gss_code"] == BHAM)
    assert bham["name"] == "Birmingham City Council"
    assert bham["region"] == "West Midlands"
    assert bham["type"] == "metropolitan district"
    west = as_json(sli("council", "list", "--region", "west midlands", "--json"))
    assert sorted(c["gss_code"] for c in west) == sorted([BHAM, COV, STAFFS, CANNOCK])
    assert as_json(sli("council", "list", "--region", "South East", "--json")) == []
    shown = as_json(sli("council", "show", "e08000025", "--json"))
    assert shown["gss_code"] == BHAM
    assert {"contacts", "recent_notes", "engagements", "open_actions"} <= set(shown)
    by_name = as_json(sli("council", "show", "Birmingham", "--json"))
    assert by_name["gss_code"] == BHAM
    text = ok(sli("council", "list")).out
    assert text.splitlines()[0].split() == ["GSS", "NAME", "TYPE", "REGION"]
    assert "Birmingham" in text


def test_council_show_gathers_what_is_known(sli: Cli) -> None:
    contact = as_json(sli("contact", "add", "--council", BHAM, "--name", "Jo", "--json"))
    note = add_note(sli)
    challenge = add_challenge(sli, BHAM, "corporate", "discussed")
    action = as_json(sli("action", "add", "--title", "Call", "--council", BHAM, "--json"))
    as_json(sli("contact", "add", "--council", COV, "--name", "Other", "--json"))
    shown = as_json(sli("council", "show", BHAM, "--json"))
    assert [c["id"] for c in shown["contacts"]] == [contact["id"]]
    assert [n["id"] for n in shown["recent_notes"]] == [note["id"]]
    assert [e["id"] for e in shown["engagements"]] == [challenge["id"]]
    assert [a["id"] for a in shown["open_actions"]] == [action["id"]]
    text = ok(sli("council", "show", BHAM)).out
    assert "Birmingham City Council (E08000025)" in text
    assert "Budget gap" in text


# -- contacts ------------------------------------------------------------------------------------


def test_contact_add_and_list_keep_welsh_names_as_themselves(sli: Cli) -> None:
    result = sli(
        "contact",
        "add",
        "--council",
        BHAM,
        "--name",
        WELSH_NAME,
        "--role",
        "Prif Weithredwr",
        "--email",
        "Sian.Llyr@Birmingham.GOV.UK",
        "--phone",
        "0121 303 1111",
        "--phone",
        "+44 121 303 1111",
        "--json",
    )
    contact = as_json(result)
    assert WELSH_NAME in result.out  # not \u-escaped
    assert {"id", "name", "role", "council"} <= set(contact)
    assert contact["name"] == WELSH_NAME
    assert contact["role"] == "Prif Weithredwr"
    assert contact["council"] == BHAM
    assert contact["phones"] == ["+441213031111"]
    assert contact["emails"] == ["Sian.Llyr@birmingham.gov.uk"]
    listed = sli("contact", "list", "--json")
    assert WELSH_NAME in listed.out
    assert [c["name"] for c in as_json(listed)] == [WELSH_NAME]
    assert [c["id"] for c in as_json(sli("contact", "list", "--council", BHAM, "--json"))] == [
        contact["id"]
    ]
    assert as_json(sli("contact", "list", "--council", COV, "--json")) == []
    assert WELSH_NAME in ok(sli("contact", "list")).out
    added = ok(sli("contact", "add", "--name", "Jo Bloggs"))
    assert added.out.startswith("Added Jo Bloggs (")


def test_a_welsh_name_is_found_by_search(sli: Cli) -> None:
    as_json(sli("contact", "add", "--council", BHAM, "--name", WELSH_NAME, "--json"))
    for query in (WELSH_NAME, "Siân", "sian", "Llŷr", "llyr", "Ŵyn"):
        result = sli("search", query, "--json")
        hits = as_json(result)
        assert hits, query
        assert hits[0]["kind"] == "contact", query
        assert hits[0]["title"] == WELSH_NAME
        assert WELSH_NAME in result.out


# -- notes ----------------------------------------------------------------------------------------


def test_note_add_prints_the_new_note(sli: Cli) -> None:
    note = add_note(
        sli,
        "--body",
        "Cabinet member said the gap is £87m — Siân agrees.",
        "--theme",
        "Finance",
        "--theme",
        "finance",
        "--theme",
        "Leadership",
        "--concern",
        "high",
        "--evidence",
        "Medium-term financial plan, Feb 2024",
        "--council-aware",
        "--marking",
        "OFFICIAL-SENSITIVE",
        "--private",
        "--date",
        "2024-05-01",
    )
    assert {"id", "council", "title", "body"} <= set(note)
    assert note["council"] == BHAM
    assert note["title"] == "Budget gap"
    assert note["body"] == "Cabinet member said the gap is £87m — Siân agrees."
    assert note["themes"] == ["finance", "leadership"]
    assert note["concern"] == "high"
    assert note["evidence"] == ["Medium-term financial plan, Feb 2024"]
    assert note["council_aware"] is True
    assert note["marking"] == "OFFICIAL-SENSITIVE"
    assert note["private"] is True
    assert note["date"] == "2024-05-01"
    assert note["version"] == 1
    assert note["author"] == "tester"
    text = ok(sli(*NOTE))
    assert text.out.startswith("Saved note ") and BHAM in text.out


def test_note_add_by_council_name_and_with_a_body_file(sli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("Ynys Môn – notes from the meeting\n", encoding="utf-8")
    note = add_note(sli, "--body-file", str(body), council="Coventry")
    assert note["council"] == COV
    assert note["body"] == "Ynys Môn – notes from the meeting"
    excel = tmp_path / "excel.txt"
    excel.write_bytes("Café meeting at Môn".encode("cp1252"))
    assert add_note(sli, "--body-file", str(excel))["body"] == "Café meeting at Môn"


def test_note_list_show_and_edit(sli: Cli) -> None:
    older = add_note(sli, "--date", "2024-01-10", title="Older")
    newer = add_note(sli, "--date", "2024-03-10", title="Newer", council=COV)
    listed = as_json(sli("note", "list", "--json"))
    assert [n["id"] for n in listed] == [newer["id"], older["id"]]  # newest first
    assert all({"id", "council", "title", "body"} <= set(n) for n in listed)
    assert [n["id"] for n in as_json(sli("note", "list", "--council", BHAM, "--json"))] == [
        older["id"]
    ]
    shown = as_json(sli("note", "show", older["id"], "--json"))
    assert shown == {**older}
    by_prefix = as_json(sli("note", "show", older["id"][:8], "--json"))
    assert by_prefix["id"] == older["id"]
    edited = ok(sli("note", "edit", older["id"][:8], "--title", "Older, revised"))
    assert "version 2" in edited.out
    shown = as_json(sli("note", "show", older["id"], "--json"))
    assert shown["title"] == "Older, revised"
    assert shown["body"] == older["body"]
    assert shown["version"] == 2
    as_json(sli("note", "edit", older["id"], "--body", "New body", "--json"))
    assert as_json(sli("note", "show", older["id"], "--json"))["body"] == "New body"
    text = ok(sli("note", "show", older["id"])).out
    assert text.splitlines()[0] == "OFFICIAL"
    assert "New body" in text


def test_note_edit_applies_the_evidence_rule(sli: Cli) -> None:
    note = add_note(sli)
    assert "evidence" in fails(sli("note", "edit", note["id"], "--concern", "serious"))
    edited = as_json(
        sli("note", "edit", note["id"], "--concern", "serious", "--evidence", "Letter", "--json")
    )
    assert edited["concern"] == "serious"


def test_note_delete(sli: Cli) -> None:
    note = add_note(sli)
    assert ok(sli("note", "delete", note["id"])).out.startswith("Deleted note")
    assert as_json(sli("note", "list", "--json")) == []
    assert "no note" in fails(sli("note", "show", note["id"]))


# -- search ---------------------------------------------------------------------------------------


def test_search_finds_a_rare_word_in_a_note_body(sli: Cli) -> None:
    target = add_note(sli, "--body", "The leader described the culture as zygomorphic.")
    add_note(sli, "--body", "Nothing unusual was said.", title="Other")
    hits = as_json(sli("search", "zygomorphic", "--json"))
    assert [(h["kind"], h["id"]) for h in hits] == [("note", target["id"])]
    assert {"kind", "id", "title", "council"} <= set(hits[0])
    assert hits[0]["council"] == BHAM
    assert as_json(sli("search", "xylophone", "--json")) == []
    assert ok(sli("search", "xylophone")).out == "(no matches)\n"


def test_search_by_prefix_ranks_the_council_first(sli: Cli) -> None:
    add_note(
        sli, "--body", "Birds nesting in the town hall roof.", title="Bird survey", council=COV
    )
    as_json(sli("contact", "add", "--council", COV, "--name", "Birgit Birch", "--json"))
    hits = as_json(sli("search", "bir", "--json"))
    assert len(hits) >= 3
    assert (hits[0]["kind"], hits[0]["council"], hits[0]["title"]) == (
        "council",
        BHAM,
        "Birmingham",
    )
    assert {h["kind"] for h in hits} == {"council", "note", "contact"}


def test_search_quoted_phrase(sli: Cli) -> None:
    phrase = add_note(sli, "--body", "They expect a budget gap next year.", title="A")
    add_note(sli, "--body", "The gap is not in the budget.", title="B")
    assert [h["id"] for h in as_json(sli("search", '"budget gap"', "--json"))] == [phrase["id"]]
    assert len(as_json(sli("search", "budget gap", "--json"))) == 2


HOSTILE = ['"', '""', "*", "AND OR", "NEAR(", "col:x", "title:budget", "a*b", "^", "-", "'", "("]


def test_hostile_search_syntax_never_errors(sli: Cli) -> None:
    note = add_note(sli, "--body", "budget NEAR col x AND OR NOT", title="Odd words")
    for query in [*HOSTILE, "NOT", '"budget', 'budget"', "NEAR(budget col)", "budget:*"]:
        hits = as_json(sli("search", query, "--json"))
        assert isinstance(hits, list), query
    for query in HOSTILE[:6]:  # and the table for people
        ok(sli("search", query))
    # operators typed by a user are words, not syntax
    assert [h["id"] for h in as_json(sli("search", "AND OR", "--json"))] == [note["id"]]
    assert [h["id"] for h in as_json(sli("search", "col:x", "--json"))] == [note["id"]]


# -- challenges -----------------------------------------------------------------------------------


def test_challenge_add_list_and_move(sli: Cli) -> None:
    booked = add_challenge(
        sli,
        BHAM,
        "corporate",
        "booked",
        "--start",
        "2025-03-03",
        "--end",
        "2025-03-06",
        "--peer",
        "Cllr Siân Jones|lead member peer|LGA|W06000001",
    )
    assert {"id", "council", "type", "status", "start", "end", "team", "history"} <= set(booked)
    assert booked["council"] == BHAM
    assert booked["type"] == "corporate"
    assert booked["status"] == "booked"
    assert booked["start"] == "2025-03-03"
    assert booked["team"] == [
        {
            "name": "Cllr Siân Jones",
            "role": "lead member peer",
            "organisation": "LGA",
            "council": "W06000001",
        }
    ]
    assert [h["status"] for h in booked["history"]] == ["booked"]
    add_challenge(sli, WESTMINSTER, "adults", "proposed")
    listed = as_json(sli("challenge", "list", "--json"))
    assert len(listed) == 2
    west = as_json(sli("challenge", "list", "--region", "West Midlands", "--json"))
    assert [c["id"] for c in west] == [booked["id"]]
    assert as_json(sli("challenge", "list", "--region", "North East", "--json")) == []
    moved = as_json(sli("challenge", "move", booked["id"][:8], "on site", "--json"))
    assert moved["status"] == "on site"
    assert [h["status"] for h in moved["history"]] == ["booked", "on site"]
    assert "cannot move from on site to booked" in fails(
        sli("challenge", "move", booked["id"], "booked")
    )


def _coverage(sli: Cli, *args: str) -> dict[str, Any]:
    document: dict[str, Any] = as_json(sli("challenge", "coverage", *args, "--json"))
    return document


def _region(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in document["regions"] if r["region"] == name)
    return found


def test_challenge_coverage_counts_each_council_once_at_its_furthest_stage(sli: Cli) -> None:
    # Birmingham: had one (closed) and is discussing another: counts once, as had
    add_challenge(sli, BHAM, "corporate", "closed", "--start", "2019-03-04")
    add_challenge(sli, BHAM, "corporate", "discussed")
    # Coventry: booked
    add_challenge(sli, COV, "corporate", "booked", "--start", "2026-09-01")
    # Staffordshire: discussed, and a proposal: discussing, once
    add_challenge(sli, STAFFS, "corporate", "discussed")
    add_challenge(sli, STAFFS, "corporate", "proposed")
    # Cannock Chase: a children's review and a cancelled corporate one do not count
    add_challenge(sli, CANNOCK, "childrens", "closed", "--start", "2022-01-10")
    add_challenge(sli, CANNOCK, "corporate", "cancelled")
    # Westminster: on site now counts as had
    add_challenge(sli, WESTMINSTER, "corporate", "on site", "--start", "2024-10-07")
    # Durham: closed before the programme began, and proposed again
    add_challenge(sli, DURHAM, "corporate", "closed", "--start", "2010-05-01")
    add_challenge(sli, DURHAM, "corporate", "proposed")

    coverage = _coverage(sli)
    assert coverage["since"] == "2011-06-01"
    assert [r["region"] for r in coverage["regions"]] == ["London", "North East", "West Midlands"]
    assert _region(coverage, "West Midlands") == {
        "region": "West Midlands",
        "councils": 4,
        "had": 1,
        "booked": 1,
        "discussing": 1,
        "none": 1,
    }
    assert _region(coverage, "London") == {
        "region": "London",
        "councils": 1,
        "had": 1,
        "booked": 0,
        "discussing": 0,
        "none": 0,
    }
    assert _region(coverage, "North East") == {
        "region": "North East",
        "councils": 1,
        "had": 0,
        "booked": 0,
        "discussing": 1,
        "none": 0,
    }
    assert coverage["total"] == {"councils": 6, "had": 2, "booked": 1, "discussing": 2, "none": 1}

    earlier = _coverage(sli, "--since", "2009-01-01")
    assert _region(earlier, "North East")["had"] == 1
    later = _coverage(sli, "--since", "2020-01-01")
    west = _region(later, "West Midlands")
    assert (west["had"], west["booked"], west["discussing"], west["none"]) == (0, 1, 2, 1)
    assert _region(later, "London")["had"] == 1

    text = ok(sli("challenge", "coverage")).out
    assert text.splitlines()[-1].split() == ["All", "England", "6", "2", "1", "2", "1"]


def test_coverage_of_an_empty_programme(sli: Cli) -> None:
    coverage = _coverage(sli)
    assert coverage["total"] == {"councils": 6, "had": 0, "booked": 0, "discussing": 0, "none": 6}


# -- actions --------------------------------------------------------------------------------------


def test_actions_add_list_overdue_and_done(sli: Cli) -> None:
    note = add_note(sli)
    late = as_json(
        sli(
            "action",
            "add",
            "--title",
            "Send the letter",
            "--owner",
            "Siân",
            "--due",
            "2001-01-01",
            "--council",
            BHAM,
            "--note",
            note["id"][:8],
            "--json",
        )
    )
    assert {"id", "title", "owner", "due", "status", "council", "note_id"} <= set(late)
    assert late["note_id"] == note["id"]
    assert late["status"] == "open"
    future = as_json(sli("action", "add", "--title", "Plan", "--due", "2999-01-01", "--json"))
    undated = as_json(sli("action", "add", "--title", "Someday", "--json"))
    finished = as_json(sli("action", "add", "--title", "Old", "--due", "2001-02-01", "--json"))
    done = as_json(sli("action", "done", finished["id"][:8], "--on", "2001-02-02", "--json"))
    assert done["status"] == "done"
    assert done["done_on"] == "2001-02-02"

    overdue = as_json(sli("action", "list", "--status", "overdue", "--json"))
    assert [a["id"] for a in overdue] == [late["id"]]
    open_ = as_json(sli("action", "list", "--status", "open", "--json"))
    assert {a["id"] for a in open_} == {late["id"], future["id"], undated["id"]}
    assert [a["id"] for a in as_json(sli("action", "list", "--status", "done", "--json"))] == [
        finished["id"]
    ]
    assert len(as_json(sli("action", "list", "--json"))) == 4
    assert [a["id"] for a in as_json(sli("action", "list", "--council", BHAM, "--json"))] == [
        late["id"]
    ]
    text = ok(sli("action", "list", "--status", "open")).out
    assert "overdue" in text
    assert "no note" in fails(sli("action", "add", "--title", "x", "--note", "deadbeef-00"))


# -- audit ----------------------------------------------------------------------------------------


def test_audit_shows_creates_edits_and_reads_without_note_text(sli: Cli) -> None:
    secret = "The chief executive confided that a s114 notice is imminent"
    note = add_note(sli, "--body", secret, title="Section 114 risk")
    ok(sli("note", "edit", note["id"], "--body", secret + " — and the leader knows"))
    before = as_json(sli("audit", "--json"))
    reads = [e for e in before if e["action"] == "read" and e["record_id"] == note["id"]]
    assert reads == []
    as_json(sli("note", "show", note["id"][:8], "--json"))
    ok(sli("note", "show", note["id"]))
    result = sli("audit", "--json")
    entries = as_json(result)
    assert all(
        set(e) == {"seq", "at", "actor", "action", "kind", "record_id", "detail"} for e in entries
    )
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    mine = [(e["action"], e["kind"]) for e in entries if e["record_id"] == note["id"]]
    assert mine == [("create", "note"), ("edit", "note"), ("read", "note"), ("read", "note")]
    edit = next(e for e in entries if e["action"] == "edit")
    assert edit["detail"] == {"version": 2, "fields": ["body"]}
    assert all(e["actor"] == "tester" for e in entries)
    assert "s114" not in result.out
    assert "confided" not in result.out
    assert ok(sli("audit", "--verify")).out == "The audit chain holds.\n"
    assert len(as_json(sli("audit", "--limit", "2", "--json"))) == 2
    text = ok(sli("audit")).out
    assert "s114" not in text


def test_vault_info(sli: Cli, vault_path: Path) -> None:
    info = as_json(sli("vault", "info", "--json"))
    assert info["vault"] == str(vault_path)
    assert info["councils"] == 6
    assert info["notes"] == 0
    assert info["owner"] == "tester"


def test_vault_option_works_before_or_after_the_command(
    cli, councils_vault, vault_path, monkeypatch
) -> None:
    """``--vault`` wins over SLI_VAULT wherever it stands among the command words."""
    councils_vault.close()
    monkeypatch.setenv("SLI_VAULT", str(vault_path.parent / "elsewhere.sli"))
    for args in (
        ["--vault", str(vault_path), "council", "list", "--json"],
        ["council", "--vault", str(vault_path), "list", "--json"],
        ["council", "list", "--json", "--vault", str(vault_path)],
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        assert len(json.loads(result.out)) == 6
