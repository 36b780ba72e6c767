"""Improvement Boards: the "ready to present" rule (domain/board.py) case by case, the service
(council flag, terms of engagement held encrypted, delete takes the documents) and `sli board`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import (
    ImprovementBoard,
    SignOffElement,
    SignOffStatus,
    ValidationError,
)
from sli_desktop.domain.document import Document
from sli_desktop.vault.boards import Boards
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.documents import Documents
from sli_desktop.vault.store import Vault

from .test_cli import BHAM, as_json, fails, ok


@pytest.fixture
def sli(councils_vault: Vault, cli: Any) -> Any:
    """The CLI against a vault holding the councils of ``councils_vault``."""
    councils_vault.close()
    return cli


TODAY = date(2026, 11, 26)
SIGNED = SignOffStatus.SIGNED_OFF


def _aligned(**changes: Any) -> ImprovementBoard:
    data: dict[str, Any] = {
        "council": BHAM,
        "terms_agreed_on": date(2026, 3, 1),
        "report_status": SIGNED,
        "report_on": date(2026, 10, 1),
        "challenge_status": SIGNED,
        "challenge_on": date(2026, 10, 5),
        "endorsement_status": SIGNED,
        "endorsement_on": date(2026, 10, 20),
    }
    data.update(changes)
    return ImprovementBoard.build(**data)


def test_all_three_signed_off_in_order_is_ready() -> None:
    readiness = _aligned().readiness(TODAY)
    assert readiness.ready and readiness.missing == ()
    # Endorsed the same day as the result still aligns.
    assert _aligned(endorsement_on=date(2026, 10, 5)).readiness(TODAY).ready


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"report_status": SignOffStatus.IN_PROGRESS}, "Progress report is not signed off"),
        (
            {"challenge_status": SignOffStatus.PENDING, "challenge_on": None},
            "Peer challenge result is not signed off",
        ),
        (
            {"endorsement_status": SignOffStatus.IN_PROGRESS},
            "Independent peer director endorsement is not signed off",
        ),
        ({"endorsement_on": date(2026, 12, 1)}, "after today"),
        ({"report_on": date(2026, 10, 21)}, "the peer director must endorse it again"),
        ({"challenge_on": date(2026, 11, 1)}, "the peer director must endorse it again"),
        ({"terms_agreed_on": None}, "terms of engagement are not agreed"),
    ],
)
def test_each_way_of_not_aligning(changes: dict[str, Any], reason: str) -> None:
    readiness = _aligned(**changes).readiness(TODAY)
    assert not readiness.ready
    assert any(reason in m for m in readiness.missing), readiness.missing


def test_board_rules() -> None:
    with pytest.raises(ValidationError) as caught:
        _aligned(report_on=None)
    assert caught.value.field == "report_on"
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        _aligned(start=date(2026, 5, 1), end=date(2026, 4, 1))
    with pytest.raises(ValidationError, match="listed twice"):
        _aligned(members=[{"name": "Ann"}, {"name": "ann"}])
    board = _aligned(meetings=[date(2026, 9, 1), date(2026, 6, 1), date(2026, 9, 1)])
    assert board.meetings == [date(2026, 6, 1), date(2026, 9, 1)]
    assert board.next_meeting(date(2026, 7, 1)) == date(2026, 9, 1)


def test_service_records_a_board_and_its_terms(councils_vault: Vault, tmp_path: Path) -> None:
    boards = Boards(councils_vault)
    board = boards.add(
        council="Birmingham",
        start=date(2026, 2, 1),
        members=[{"name": "Jo Chair", "role": "independent chair", "organisation": "LGA"}],
    )
    council = Councils(councils_vault).get(BHAM)
    assert council.improvement_board and council.improvement_board_since == date(2026, 2, 1)
    terms = tmp_path / "terms.pdf"
    terms.write_bytes(b"%PDF-1.7 agreed terms")
    document = boards.attach_terms(board.id[:8], terms)
    assert [d.id for d in boards.documents(board.id)] == [document.id]
    assert Documents(councils_vault).content(document.id) == b"%PDF-1.7 agreed terms"
    signed = boards.sign_off(board.id, SignOffElement.PROGRESS_REPORT, SIGNED)
    assert signed.report_on == councils_vault.now().date()  # signed off today by default
    back = boards.sign_off(board.id, SignOffElement.PROGRESS_REPORT, SignOffStatus.PENDING)
    assert back.report_on is None
    assert boards.current(BHAM, date(2026, 6, 1)) == back
    boards.delete(board.id)
    assert boards.list(BHAM) == []
    assert all(d.deleted for d in councils_vault.records(Document))


def test_cli_board_journey(sli: Any, tmp_path: Path) -> None:
    board = as_json(
        sli(
            "board",
            "add",
            "--council",
            BHAM,
            "--start",
            "2026-02-01",
            "--member",
            "Jo Chair|independent chair|LGA",
            "--member",
            "Cllr Sam|leader|Birmingham City Council",
            "--meeting",
            "2026-03-01",
            "--meeting",
            "2026-06-01",
            "--json",
        )
    )
    assert board["ready_to_present"] is False
    assert [m["name"] for m in board["members"]] == ["Jo Chair", "Cllr Sam"]
    bid = board["id"][:8]
    terms = tmp_path / "Terms of Challenge.docx"
    terms.write_bytes(b"PK\x03\x04 agreed terms")
    doc = as_json(sli("board", "attach", bid, str(terms), "--agreed", "2026-02-15", "--json"))
    assert doc["filename"] == "Terms of Challenge.docx" and doc["owner_id"] == board["id"]
    for element, on in (("progress-report", "2026-10-01"), ("peer-challenge", "2026-10-05")):
        ok(sli("board", "sign-off", bid, element, "signed-off", "--on", on))
    shown = as_json(sli("board", "show", bid, "--json"))
    assert shown["ready_to_present"] is False
    assert shown["not_ready_because"] == [
        "Independent peer director endorsement is not signed off yet"
    ]
    done = sli(
        "board",
        "sign-off",
        bid,
        "endorsement",
        "signed off",
        "--on",
        "2026-10-20",
        "--peer-director",
        "Dr Pat Director",
    )
    assert ok(done).out.strip().endswith("The board is ready to present.")
    listed = as_json(sli("board", "list", "--council", BHAM, "--json"))
    assert [b["ready_to_present"] for b in listed] == [True]
    text = ok(sli("board", "show", bid)).out
    assert "Ready to present: yes" in text and "Dr Pat Director" in text

    # A report re-signed after the endorsement breaks the alignment, and says why.
    again = as_json(
        sli("board", "sign-off", bid, "report", "signed-off", "--on", "2026-10-25", "--json")
    )
    assert again["ready_to_present"] is False
    assert "endorse it again" in again["not_ready_because"][0]

    out = tmp_path / "copy.docx"
    saved = as_json(sli("board", "save-document", bid, doc["id"][:8], "-o", str(out), "--json"))
    assert out.read_bytes() == b"PK\x03\x04 agreed terms" and saved["path"] == str(out)

    edited = as_json(
        sli(
            "board",
            "edit",
            bid,
            "--remove-member",
            "cllr sam",
            "--remove-meeting",
            "2026-03-01",
            "--end",
            "2027-01-31",
            "--json",
        )
    )
    assert [m["name"] for m in edited["members"]] == ["Jo Chair"]
    assert edited["meetings"] == ["2026-06-01"] and edited["end"] == "2027-01-31"


def test_cli_board_mistakes_are_one_sentence(sli: Any, tmp_path: Path) -> None:
    assert "no council" in fails(sli("board", "add", "--council", "Nowhere"))
    board = as_json(sli("board", "add", "--council", BHAM, "--json"))
    bid = board["id"][:8]
    assert "unknown sign-off element" in fails(sli("board", "sign-off", bid, "vibes", "pending"))
    assert "no file at" in fails(sli("board", "attach", bid, str(tmp_path / "missing.pdf")))
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)
    assert "at most 20 MB" in fails(sli("board", "attach", bid, str(big)))
    assert "cannot end before it starts" in fails(
        sli("board", "edit", bid, "--start", "2026-05-01", "--end", "2026-04-01")
    )
    assert "nothing to change" in fails(sli("board", "edit", bid))
    assert "--peer-director goes with" in fails(
        sli("board", "sign-off", bid, "report", "pending", "--peer-director", "X")
    )
    listed = as_json(sli("board", "show", bid, "--json"))
    assert listed["documents"] == [] and listed["version"] == 1
    assert json.loads(ok(sli("board", "list", "--json")).out)[0]["id"] == board["id"]
