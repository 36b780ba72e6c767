"""Oversight in the window: opening a note is an audited, queued read; a peer from the
challenged council or a same-county neighbour is warned about and added only on confirmation;
the council page's Improvement Board tab records a board, its terms of engagement (attached
into the vault, opened only by saving a copy where asked) and whether it is ready to present."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from sli_desktop.domain import (
    ChallengeKind,
    ChallengeStatus,
    Council,
    CouncilType,
    ImprovementBoard,
    Region,
    SignOffStatus,
    council_id,
)
from sli_desktop.gui.dialogs.board import BoardDialog
from sli_desktop.gui.dialogs.challenge import ChallengeDialog
from sli_desktop.gui.dialogs.note_edit import NoteEditDialog
from sli_desktop.gui.dialogs.team import TeamDialog
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.boards import Boards
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.documents import Documents
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.reads import Reads
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window

LEFT = Qt.MouseButton.LeftButton
CANNOCK, EAST_STAFFS, STAFFS, BHAM = "E07000192", "E07000193", "E10000028", "E08000025"
POPUPS = pytest.mark.qt_log_ignore("This plugin does not support")


def _council(gss: str, name: str, short: str, kind: CouncilType, la: str, county: str = ""):
    return Council.build(
        id=council_id(gss),
        gss_code=gss,
        name=name,
        short_name=short,
        la_code=la,
        county_la=county,
        type=kind,
        region=Region.WEST_MIDLANDS,
    )


@pytest.fixture
def two_tier_vault(vault: Vault) -> Vault:
    """Staffordshire and two of its districts as the register gives them, and Birmingham."""
    nmd = CouncilType.NON_METROPOLITAN_DISTRICT
    Councils(vault).upsert_register(
        [
            _council(CANNOCK, "Cannock Chase District Council", "Cannock Chase", nmd, "CAN", "STS"),
            _council(
                EAST_STAFFS,
                "East Staffordshire Borough Council",
                "East Staffordshire",
                nmd,
                "EST",
                "STS",
            ),
            _council(
                STAFFS, "Staffordshire County Council", "Staffordshire", CouncilType.COUNTY, "STS"
            ),
            _council(
                BHAM,
                "Birmingham City Council",
                "Birmingham",
                CouncilType.METROPOLITAN_DISTRICT,
                "BIR",
            ),
        ]
    )
    return vault


@pytest.fixture
def shell(qtbot, make_shell, two_tier_vault: Vault, vault_path: Path):
    Notes(two_tier_vault).add(
        council=CANNOCK, title="Budget gap", body="Forecast overspend", date=date(2026, 1, 5)
    )
    Challenges(two_tier_vault).add(
        council=CANNOCK, type=ChallengeKind.CORPORATE, status=ChallengeStatus.PROPOSED
    )
    two_tier_vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def _opened(qtbot, view, cls):
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    assert isinstance(view.dialog, cls)
    return view.dialog


def _pick(qtbot, combo, typed: str) -> None:
    line = combo.lineEdit()
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, typed)
    popup = combo.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())


# -- reads -----------------------------------------------------------------------------------
def test_opening_a_note_in_the_window_is_a_queued_read(qtbot, shell) -> None:
    vault = shell.session.vault
    (note,) = Notes(vault).list()
    view = shell.workspace.go("notes")
    view.show_note(note.id)
    qtbot.waitUntil(lambda: "Forecast overspend" in view.detail.toPlainText())
    dialog = NoteEditDialog(vault, note.id, view)
    dialog.close()
    reads = [e for e in AuditLog(vault).for_record(note.id) if e.action == "read"]
    assert [json.loads(e.detail)["via"] for e in reads] == ["window", "window"]
    assert all("Forecast" not in e.detail and "Budget" not in e.detail for e in reads)
    assert [(q.note_id, q.via) for q in Reads(vault).queued()] == [(note.id, "window")] * 2


# -- peer conflicts of interest --------------------------------------------------------------
@POPUPS
def test_team_dialog_warns_of_a_neighbouring_council_and_adds_on_confirmation(qtbot, shell) -> None:
    vault = shell.session.vault
    (engagement,) = Challenges(vault).list()
    view = shell.workspace.go("challenges")
    view.open_dialog(TeamDialog(vault, engagement.id, view))
    dialog = _opened(qtbot, view, TeamDialog)
    editor = dialog.editor
    qtbot.keyClicks(editor.ui.peerName, "Jo Neighbour")
    _pick(qtbot, editor.ui.peerCouncil, "East Staff")
    qtbot.mouseClick(editor.ui.addPeer, LEFT)
    message = dialog.ui.message.text()
    assert message.startswith("Conflict of interest: Jo Neighbour")
    assert "same county area (Staffordshire)" in message and "Press Add" in message
    assert editor.team() == []  # warned, not yet added
    qtbot.mouseClick(editor.ui.addPeer, LEFT)  # the adviser confirms
    assert [p.name for p in editor.team()] == ["Jo Neighbour"]
    assert "(conflict of interest)" in editor.ui.peerTable.item(0, 3).text()
    # A peer from elsewhere is added at once, without a warning.
    qtbot.keyClicks(editor.ui.peerName, "Sam Far")
    _pick(qtbot, editor.ui.peerCouncil, "Birmingham")
    qtbot.mouseClick(editor.ui.addPeer, LEFT)
    assert [p.name for p in editor.team()] == ["Jo Neighbour", "Sam Far"]
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [p.council for p in Challenges(vault).get(engagement.id).team] == [EAST_STAFFS, BHAM]


@POPUPS
def test_new_challenge_warns_when_the_council_is_chosen_after_the_team(qtbot, shell) -> None:
    vault = shell.session.vault
    view = shell.workspace.go("challenges")
    view.open_dialog(ChallengeDialog(vault, None, view))
    dialog = _opened(qtbot, view, ChallengeDialog)
    team = dialog.team
    qtbot.keyClicks(team.ui.peerName, "Pat County")
    _pick(qtbot, team.ui.peerCouncil, "E10000028")
    qtbot.mouseClick(team.ui.addPeer, LEFT)  # no council chosen yet: nothing to warn about
    assert [p.name for p in team.team()] == ["Pat County"]
    _pick(qtbot, dialog.ui.council, "Cannock")
    qtbot.mouseClick(dialog.save_button(), LEFT)
    assert "Conflict of interest: Pat County" in dialog.ui.message.text()
    assert "Press Save again" in dialog.ui.message.text()
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    made = [e for e in Challenges(vault).list() if e.team]
    assert [p.name for p in made[0].team] == ["Pat County"]


# -- Improvement Boards ----------------------------------------------------------------------
def test_council_page_records_a_board_its_terms_and_ready_state(
    qtbot, shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = shell.session.vault
    shell.workspace.open_council(CANNOCK)
    page = shell.workspace.council_page
    page.tabs.setCurrentIndex(page.BOARD)
    panel = page.board_panel
    assert panel.summary.text() == "No Improvement Board recorded for this council."
    assert not panel.attach_button.isEnabled()
    qtbot.mouseClick(panel.edit_button, LEFT)
    dialog = _opened(qtbot, page, BoardDialog)
    today = date.today()
    earlier = (today - timedelta(days=30)).isoformat()
    qtbot.keyClicks(dialog.ui.start, "1/2/2026")
    qtbot.keyClicks(dialog.ui.meetings, "2026-03-01, 2026-06-01")
    dialog.ui.members.setFocus()
    qtbot.keyClicks(dialog.ui.members, "Jo Chair | independent chair | LGA")
    qtbot.keyClicks(dialog.ui.termsAgreed, earlier)
    assert dialog.ui.readiness.text().startswith("<b style=")  # not ready yet
    for combo, field in (
        (dialog.ui.reportStatus, dialog.ui.reportOn),
        (dialog.ui.challengeStatus, dialog.ui.challengeOn),
        (dialog.ui.endorsementStatus, dialog.ui.endorsementOn),
    ):
        combo.setCurrentIndex(combo.findData(SignOffStatus.SIGNED_OFF.value))
        qtbot.keyClicks(field, earlier)
    assert "Ready to present" in dialog.ui.readiness.text()
    # A report signed off after the endorsement does not align: the form says so at once.
    dialog.ui.reportOn.clear()
    qtbot.keyClicks(dialog.ui.reportOn, today.isoformat())
    assert "endorse it again" in dialog.ui.readiness.text()
    dialog.ui.endorsementOn.clear()
    qtbot.keyClicks(dialog.ui.endorsementOn, "31/2/2026")
    qtbot.mouseClick(dialog.save_button(), LEFT)
    assert "type a date such as 31/12/2026" in dialog.ui.message.text() and dialog.isVisible()
    dialog.ui.endorsementOn.clear()
    qtbot.keyClicks(dialog.ui.endorsementOn, today.isoformat())
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    (board,) = vault.records(ImprovementBoard)
    assert board.council == CANNOCK and board.members[0].organisation == "LGA"
    assert board.readiness(today).ready
    assert "Ready to present" in panel.ready.text()
    assert "Jo Chair" in panel.summary.text()
    assert Councils(vault).get(CANNOCK).improvement_board  # the council's flag follows
    labels = page.overview_box.findChildren(QLabel)
    overview = {w.accessibleName() or w.accessibleDescription(): w.text() for w in labels}
    assert "Ready to present" in overview["Improvement Board state"]

    # Attach the terms of engagement: read into the vault.
    terms = tmp_path / "terms.pdf"
    terms.write_bytes(b"%PDF-1.7 agreed terms of engagement")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(terms), ""))
    )
    qtbot.mouseClick(panel.attach_button, LEFT)  # written on a worker (issue 25)
    qtbot.waitUntil(lambda: bool(panel.documents.rows))
    assert panel.documents.rows and panel.documents.rows[0].filename == "terms.pdf"
    assert "kept encrypted" in panel.message.text()
    terms.unlink()  # the vault holds it now

    # Open it: only as a copy saved where the person chooses.
    out = tmp_path / "chosen" / "copy.pdf"
    out.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(out), ""))
    )
    qtbot.mouseClick(panel.save_button, LEFT)
    assert out.read_bytes() == b"%PDF-1.7 agreed terms of engagement"
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.pdf"]
    assert f"Saved a copy to {out}" in panel.message.text()

    # A file too large is refused in one sentence, nothing attached.
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(big), ""))
    )
    qtbot.mouseClick(panel.attach_button, LEFT)
    qtbot.waitUntil(lambda: "at most 20 MB" in panel.message.text())
    assert len(Boards(vault).documents(board.id)) == 1

    # Editing the board: the form comes back filled in.
    qtbot.mouseClick(panel.edit_button, LEFT)
    dialog = _opened(qtbot, page, BoardDialog)
    assert dialog.ui.members.toPlainText() == "Jo Chair | independent chair | LGA"
    assert dialog.ui.start.text() == "2026-02-01"
    dialog.ui.peerDirector.setFocus()
    qtbot.keyClicks(dialog.ui.peerDirector, "Dr Pat Director")
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert Boards(vault).get(board.id).peer_director == "Dr Pat Director"
    assert "Dr Pat Director" in panel.summary.text()

    # Remove the document: gone from the list and from the vault's content.
    panel.documents_table.selectRow(0)
    qtbot.mouseClick(panel.remove_button, LEFT)
    assert panel.documents.rows == [] and Documents(vault).for_owner(board.kind, board.id) == []
