"""'Merged' joins free text only (review of issue 23): a date, a choice from a list or a GSS
code kept by both sides is the winner's, never two values joined into one that no record can
hold, and only free text is offered for editing. A conflict on a field this app does not know
(a newer app's) settles the rest."""

from __future__ import annotations

from datetime import date

import pytest

from sli_desktop.domain import Note
from sli_desktop.domain.enums import ConcernLevel
from sli_desktop.sync import conflicts as conflict_service
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState

CONFLICT = "c0ffee00-0000-4000-8000-000000000002"
WINNER_DAY, LOSER_DAY = "2026-12-05", "2026-12-04"


def _conflicted(vault: Vault, fields: dict[str, dict[str, object]]) -> Note:
    note = Notes(vault).add(
        council="E08000025",
        date=date(2026, 12, 5),
        title="Budget gap",
        body="Agreed at the board.",
        concern="high",
        evidence=["Budget report, Dec 2026"],
    )
    detail = {"fields": fields, "loser_device": "another-device"}
    SyncState(vault).put_conflict(CONFLICT, "note", note.id, 2, detail, False)
    return note


FIELDS: dict[str, dict[str, object]] = {
    "date": {"winner": WINNER_DAY, "loser": LOSER_DAY},
    "concern": {"winner": "high", "loser": "medium"},
    "council": {"winner": "E08000025", "loser": "E09000033"},
    "body": {"winner": "Agreed at the board.", "loser": "Raised by the S151 officer."},
}


def test_merged_keeps_the_winner_of_a_date_a_choice_and_a_code(councils_vault: Vault) -> None:
    note = _conflicted(councils_vault, FIELDS)
    conflict_service.resolve(councils_vault, CONFLICT[:8], "merged")
    stored = councils_vault.get(Note, note.id)
    assert stored is not None
    assert (stored.date, stored.concern, stored.council) == (
        date(2026, 12, 5),
        ConcernLevel.HIGH,
        "E08000025",
    )
    assert "Agreed at the board." in stored.body and "S151" in stored.body


def test_only_free_text_is_offered_for_editing(councils_vault: Vault) -> None:
    _conflicted(councils_vault, FIELDS)
    conflict = conflict_service.find(councils_vault, CONFLICT)
    fields = conflict_service.sides(conflict, None)
    assert conflict_service.editable(fields) == ["body"]
    with pytest.raises(conflict_service.EditRefused, match="'date' is not text"):
        conflict_service.resolve(councils_vault, CONFLICT, "merged", {"date": "5 Dec"})


@pytest.mark.parametrize("keep", ["mine", "theirs", "merged"])
def test_a_field_this_app_does_not_know_leaves_the_rest_settled(
    councils_vault: Vault, keep: conflict_service.Keep
) -> None:
    fields = {**FIELDS, "sentiment": {"winner": "calm", "loser": "tense"}}
    note = _conflicted(councils_vault, fields)
    conflict_service.resolve(councils_vault, CONFLICT, keep)
    stored = councils_vault.get(Note, note.id)
    assert stored is not None
    assert stored.concern == (ConcernLevel.MEDIUM if keep == "theirs" else ConcernLevel.HIGH)
    assert SyncState(councils_vault).conflicts() == []
