"""The register in the window (issue #21 item 9): importing shows what would change first;
abolished councils leave the list, keep their page and name their successor; a coordinator
corrects a region from the council page and a re-import keeps it; a peer from a council of
the same combined authority is a conflict of interest; regional briefings offer England's
nine regions."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sli_desktop.domain import ChallengeKind, ChallengeStatus, Region
from sli_desktop.gui.dialogs.council_correction import CouncilCorrectionDialog
from sli_desktop.gui.dialogs.team import TeamDialog
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window

LEFT = Qt.MouseButton.LeftButton
POPUPS = pytest.mark.qt_log_ignore("This plugin does not support")
BHAM, COVENTRY, DERBYSHIRE = "E08000025", "E08000026", "E10000007"
ALLERDALE, CUMBERLAND = "E07000026", "E06000063"

HEADER = [
    "local-authority-code", "official-name", "nice-name", "gss-code", "start-date", "end-date",
    "replaced-by", "nation", "region", "local-authority-type", "county-la",
    "combined-authority", "current-authority", "alt-names",
]  # fmt: skip
ROWS = [
    ["BIR", "Birmingham City Council", "Birmingham", BHAM, "1974-04-01", "", "",
     "England", "West Midlands", "MD", "", "WMCA", "True", ""],
    ["COV", "Coventry City Council", "Coventry", COVENTRY, "1974-04-01", "", "",
     "England", "West Midlands", "MD", "", "WMCA", "True", ""],
    # The register's own mistake: Derbyshire is in the East Midlands.
    ["DBY", "Derbyshire County Council", "Derbyshire", DERBYSHIRE, "", "", "",
     "England", "West Midlands", "CTY", "", "EMCA", "True", ""],
    ["CBD", "Cumberland Council", "Cumberland", CUMBERLAND, "2023-04-01", "", "",
     "England", "North West", "UA", "", "", "True", ""],
    ["ALL", "Allerdale Borough Council", "Allerdale", ALLERDALE, "1974-04-01", "2023-04-01",
     "CBD", "England", "North West", "NMD", "CMA", "", "False", ""],
]  # fmt: skip


def _register(path: Path) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([HEADER, *ROWS])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def shell(qtbot, make_shell, vault: Vault, vault_path: Path):
    vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def _import(qtbot, shell, path: Path) -> str:
    """Import through the window, answering its preview with Import; the preview's text."""
    shell.import_register(str(path))
    qtbot.waitUntil(
        lambda: shell.register_import.preview is not None
        and shell.register_import.preview.isVisible()
    )
    box = shell.register_import.preview
    said = f"{box.text()}\n{box.informativeText()}"
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), LEFT)
    return said


@POPUPS
def test_register_import_correction_and_abolished_councils(qtbot, shell, tmp_path: Path) -> None:
    vault = shell.session.vault
    register = _register(tmp_path / "register.csv")
    said = _import(qtbot, shell, register)
    assert "4 current and 1 abolished councils" in said and "5 councils to add" in said
    Notes(vault).add(
        council=ALLERDALE, title="Flood recovery", body="Before", date=date(2022, 5, 1)
    )

    view = shell.workspace.go("councils")
    view.refresh()
    listed = {c.gss_code for c in view.visible_councils()}
    assert ALLERDALE not in listed and CUMBERLAND in listed
    types = {view.model.index(r, 1).data() for r in range(view.model.rowCount())}
    assert "Metropolitan district" in types and "metropolitan district" not in types

    shell.workspace.open_council(ALLERDALE)  # an abolished council keeps its page
    page = shell.workspace.council_page
    flags = [
        page.flags.itemAt(i).widget().text()
        for i in range(page.flags.count())
        if page.flags.itemAt(i).widget() is not None
    ]
    assert "Abolished 1 Apr 2023; replaced by Cumberland" in flags

    # The coordinator corrects Derbyshire's region from its page.
    shell.workspace.open_council(DERBYSHIRE)
    page = shell.workspace.council_page
    assert "West Midlands" in page.subtitle.text()
    page.correct_register()
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, CouncilCorrectionDialog)
    offered = [dialog.ui.region.itemText(i) for i in range(dialog.ui.region.count())]
    assert offered == [r.value for r in Region.english()]
    dialog.ui.region.setCurrentIndex(dialog.ui.region.findText("East Midlands"))
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: "East Midlands (corrected)" in page.subtitle.text())

    # Importing the register again keeps the correction, and the preview says so.
    said = _import(qtbot, shell, register)
    assert "Kept as corrected: Derbyshire's region (the file says West Midlands)." in said
    assert Councils(vault).get(DERBYSHIRE).region is Region.EAST_MIDLANDS


@POPUPS
def test_a_peer_from_the_same_combined_authority_is_a_conflict(
    qtbot, shell, tmp_path: Path
) -> None:
    vault = shell.session.vault
    _import(qtbot, shell, _register(tmp_path / "register.csv"))
    engagement = Challenges(vault).add(
        council=COVENTRY, type=ChallengeKind.CORPORATE, status=ChallengeStatus.PROPOSED
    )
    view = shell.workspace.go("challenges")
    view.open_dialog(TeamDialog(vault, engagement.id, view))
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    dialog = view.dialog
    editor = dialog.editor
    qtbot.keyClicks(editor.ui.peerName, "Chris Chief")
    line = editor.ui.peerCouncil.lineEdit()
    line.setFocus()
    qtbot.keyClicks(line, "Birmingham")
    popup = editor.ui.peerCouncil.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.mouseClick(editor.ui.addPeer, LEFT)
    message = dialog.ui.message.text()
    assert message.startswith("Conflict of interest: Chris Chief")
    assert "shares a combined authority (West Midlands Combined Authority)" in message
    assert editor.team() == []  # warned, not yet added


def test_regional_briefings_offer_englands_nine_regions(qtbot, shell) -> None:
    view = shell.workspace.go("briefings")
    view.kind.setCurrentIndex(view.kind.findData("region"))
    offered = [view.scope.itemText(i) for i in range(view.scope.count())]
    assert offered == [r.value for r in Region.english()]
    assert "Wales" not in offered
