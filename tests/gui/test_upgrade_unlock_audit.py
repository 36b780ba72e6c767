"""Unlocking in the window a vault whose schema is upgraded checks every page before the
upgrade writes; the check's report that follows must not audit the unlock a second time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sli_desktop.vault.audit import AuditLog
from tests.gui.conftest import unlock_window

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vaults" / "v4"


def test_an_upgraded_vault_audits_one_unlock(qtbot, make_shell, tmp_path: Path) -> None:
    manifest = json.loads((FIXTURE / "manifest.json").read_text())
    for name in ("vault.sli", "vault.sli.header"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    shell = make_shell(tmp_path / "vault.sli")
    unlock_window(qtbot, shell, manifest["passphrase"])
    qtbot.waitUntil(lambda: shell.session.checked)
    qtbot.wait(200)  # the check's queued report, had it been going to write, has arrived
    unlocks = [e for e in AuditLog(shell.session.vault).entries() if e.action == "unlock"]
    assert len(unlocks) == 1
