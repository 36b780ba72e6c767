"""Settling a sync conflict with the merged text edited first: the one service both front ends
use (sync/conflicts.py), and `sli conflicts resolve --keep merged --edited FIELD F`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sli_desktop.domain import Note
from sli_desktop.sync import conflicts as conflict_service
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState
from tests.conftest import CliResult
from tests.integration.test_cli import as_json, fails, ok

CONFLICT = "c0ffee00-0000-4000-8000-000000000001"


def _conflicted(vault: Vault) -> Note:
    """A note whose title, body and themes met another device's edit on the server."""
    note = Notes(vault).add(
        council="E08000025",
        date=date(2026, 12, 5),
        title="Budget gap of 4 million",
        body="Agreed at the board.",
        themes=["finance"],
    )
    SyncState(vault).put_conflict(
        CONFLICT,
        "note",
        note.id,
        2,
        {
            "fields": {
                "title": {"winner": "Budget gap of 4 million", "loser": "Budget gap of 5 million"},
                "body": {"winner": "Agreed at the board.", "loser": "Raised by the S151 officer."},
                "themes": {"winner": ["finance"], "loser": ["governance"]},
            },
            "loser_device": "another-device",
        },
        False,
    )
    return note


def _open(vault: Vault) -> list[str]:
    return [c.id for c in SyncState(vault).conflicts()]


def test_edited_text_is_kept_and_the_rest_merged(councils_vault: Vault) -> None:
    note = _conflicted(councils_vault)

    saved = conflict_service.resolve(
        councils_vault, CONFLICT[:8], "merged", {"title": "Budget gap of 4 to 5 million"}
    )

    assert isinstance(saved, Note)
    stored = councils_vault.get(Note, note.id)
    assert stored is not None
    assert stored.title == "Budget gap of 4 to 5 million"
    assert "Agreed at the board." in stored.body and "S151" in stored.body
    assert stored.themes == ["finance", "governance"]
    assert _open(councils_vault) == []
    assert SyncState(councils_vault).resolutions_to_push() == [CONFLICT]


def test_only_text_fields_are_offered_for_editing(councils_vault: Vault) -> None:
    _conflicted(councils_vault)
    conflict = conflict_service.find(councils_vault, CONFLICT)

    assert conflict_service.editable(conflict_service.sides(conflict, None)) == ["body", "title"]


@pytest.mark.parametrize(
    "keep, edited, message",
    [
        ("mine", {"title": "x"}, "only with the merged version"),
        ("merged", {"marking": "x"}, "'marking' is not a field of this conflict"),
        ("merged", {"themes": "x"}, "'themes' is not text"),
    ],
)
def test_edits_that_cannot_be_kept_change_nothing(
    councils_vault: Vault, keep: conflict_service.Keep, edited: dict[str, str], message: str
) -> None:
    note = _conflicted(councils_vault)
    before = councils_vault.get(Note, note.id)

    with pytest.raises(conflict_service.EditRefused, match=message):
        conflict_service.resolve(councils_vault, CONFLICT, keep, edited)

    assert councils_vault.get(Note, note.id) == before
    assert _open(councils_vault) == [CONFLICT]


# -- the CLI ----------------------------------------------------------------------------------
Cli = Callable[..., CliResult]


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    _conflicted(councils_vault)
    councils_vault.close()
    return cli


def test_the_cli_keeps_the_merged_version_as_edited(
    sli: Cli, tmp_path: Path, vault_path: Path
) -> None:
    title = tmp_path / "title.txt"
    title.write_text("Budget gap of 4 to 5 million\n", encoding="utf-8")

    out = ok(
        sli(
            "conflicts",
            "resolve",
            CONFLICT[:8],
            "--keep",
            "merged",
            "--edited",
            "title",
            str(title),
        )
    )

    assert out.out == "Resolved: kept merged. The choice goes to the server at the next sync.\n"
    assert as_json(sli("conflicts", "list", "--json")) == []
    shown = as_json(sli("note", "list", "--json"))
    assert [n["title"] for n in shown] == ["Budget gap of 4 to 5 million"]


def test_the_cli_json_shows_the_record_as_saved(sli: Cli, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text("Both: agreed at the board, raised by the S151 officer.", encoding="utf-8")

    saved = as_json(
        sli(
            "conflicts",
            "resolve",
            CONFLICT,
            "--keep",
            "merged",
            "--edited",
            "body",
            str(body),
            "--json",
        )
    )

    assert saved["body"] == "Both: agreed at the board, raised by the S151 officer."
    assert saved["title"].startswith("Budget gap of 4 million")


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--keep", "theirs", "--edited", "title", "{file}"], "--edited goes with --keep merged"),
        (
            ["--keep", "merged", "--edited", "title", "{file}", "--edited", "title", "{file}"],
            "--edited names title twice",
        ),
        (["--keep", "merged", "--edited", "themes", "{file}"], "'themes' is not text"),
        (["--keep", "merged", "--edited", "owner", "{file}"], "'owner' is not a field"),
        (["--keep", "merged", "--edited", "title", "{missing}"], "no such file"),
    ],
)
def test_the_cli_refuses_edits_it_cannot_keep_in_one_sentence(
    sli: Cli, tmp_path: Path, extra: list[str], message: str
) -> None:
    text = tmp_path / "text.txt"
    text.write_text("Edited", encoding="utf-8")
    args = [a.format(file=text, missing=tmp_path / "absent.txt") for a in extra]

    assert message in fails(sli("conflicts", "resolve", CONFLICT, *args))

    assert [c["id"] for c in as_json(sli("conflicts", "list", "--json"))] == [CONFLICT]
