"""Journey 3 in the window: a regional briefing for the chair, OFFICIAL-SENSITIVE, large print,
previewed in the app, saved encrypted; the audit log names what it contained."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument

from sli_desktop.domain import Region
from sli_desktop.gui.views.briefings import BriefingsView
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window


def test_regional_briefing_previewed_and_saved_encrypted(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path, tmp_path: Path
) -> None:
    today = date.today()
    serious = Notes(councils_vault).add(
        council="E08000026",
        date=today - timedelta(days=3),
        title="Coventry section 114 risk",
        concern="serious",
        evidence=["Q2 budget monitoring"],
    )
    Notes(councils_vault).add(
        council="E08000025",
        date=today - timedelta(days=2),
        title="Private aside",
        body="not for anyone else",
        private=True,
    )
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    workspace = shell.workspace
    keys = [workspace.nav.item(i).data(256) for i in range(workspace.nav.count())]
    workspace.nav.setCurrentRow(keys.index("briefings"))
    view = workspace.stack.currentWidget()
    assert isinstance(view, BriefingsView)

    view.kind.setCurrentIndex(view.kind.findData("region"))
    view.scope.setCurrentIndex(view.scope.findData(Region.WEST_MIDLANDS.value))
    qtbot.keyClicks(view.recipient, "Chair of the West Midlands board")
    view.marking.setCurrentIndex(view.marking.findText("OFFICIAL-SENSITIVE"))
    view.large_print.setChecked(True)
    qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.document.status() == QPdfDocument.Status.Ready, timeout=30_000)
    assert view.briefing is not None
    assert view.document.pageCount() == view.briefing.pages >= 3
    assert view.save_button.isEnabled()
    assert "Regional briefing: West Midlands" in view.status.text()

    target = tmp_path / "west-midlands.pdf"
    view.save_to(target, "chair's passphrase")
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.is_encrypted and reader.decrypt("chair's passphrase")
    text = reader.pages[1].extract_text()
    assert "OFFICIAL-SENSITIVE" in text and "Coventry" in text
    assert "Private aside" not in "\n".join(p.extract_text() for p in reader.pages)

    vault = shell.session.vault
    entries = AuditLog(vault).entries()
    made = next(e for e in entries if e.kind == "briefing" and e.action == "brief")
    contained = {note_id for note_id, _v in made.to_json()["detail"]["records"]["note"]}
    assert serious.id in contained
    saved = entries[-1]
    assert (saved.action, saved.record_id) == ("save", view.briefing.audit_id)
    assert saved.to_json()["detail"] == {"file": "west-midlands.pdf", "encrypted": True}
