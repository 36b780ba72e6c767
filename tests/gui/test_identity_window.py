"""Who I am in the window (issue #21 item 3): the adviser's name and role are asked when the
vault is created and can be changed in Settings; what a person reads (the audit log's Who, a
note's history) names the adviser, never the computer's login; once enrolled, the name the
sync server holds is offered."""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import Qt

from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock_window

LEFT = Qt.MouseButton.LeftButton


def _create(qtbot, shell, name: str, role: str = "") -> None:
    page = shell.create_page
    page.ui.adviserName.clear()
    qtbot.keyClicks(page.ui.adviserName, name)
    qtbot.keyClicks(page.ui.adviserRole, role)
    page.ui.passphrase.clear()
    page.ui.repeat.clear()
    qtbot.keyClicks(page.ui.passphrase, PASSPHRASE)
    qtbot.keyClicks(page.ui.repeat, PASSPHRASE)
    qtbot.mouseClick(page.ui.createButton, LEFT)


def _who(shell) -> set[str]:
    view = shell.workspace.go("audit")
    view.refresh()
    model = view.model
    column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Who"
    )
    return {model.index(r, column).data() for r in range(model.rowCount())}


def test_the_create_form_asks_who_i_am(qtbot, make_shell, tmp_path: Path) -> None:
    shell = make_shell(tmp_path / "vault.sli")
    page = shell.create_page
    assert page.ui.adviserName.hasFocus() or page.ui.adviserName.isVisible()
    _create(qtbot, shell, "   ")
    assert page.ui.message.text() == (
        "Enter your name as colleagues know it, for example 'Asha Patel'."
    )
    assert not (tmp_path / "vault.sli").exists()
    _create(qtbot, shell, "Asha  Patel", "Principal Adviser, West Midlands")
    qtbot.waitUntil(lambda: shell.workspace is not None)
    shell.recovery_box.accept()
    vault = shell.session.vault
    assert vault.identity.name == "Asha Patel"
    assert vault.identity.role == "Principal Adviser, West Midlands"
    assert vault.actor == "Asha Patel"
    assert _who(shell) == {"Asha Patel"}
    assert getpass.getuser() not in _who(shell)


def test_settings_change_who_i_am_and_offer_the_servers_name(
    qtbot, make_shell, tmp_path: Path
) -> None:
    shell = make_shell(tmp_path / "vault.sli")
    _create(qtbot, shell, "A. Patel")
    qtbot.waitUntil(lambda: shell.workspace is not None)
    shell.recovery_box.accept()
    vault = shell.session.vault
    vault.set_meta("sync_user", "Asha Patel")  # as enrolment records what the server holds
    vault.set_meta("sync_role", "coordinator")
    view = shell.workspace.go("settings")
    view.refresh()
    panel = view.identity
    assert panel.name.text() == "A. Patel"
    assert panel.server.text() == (
        "The sync server knows you as Asha Patel, Programme Coordinator."
    )
    qtbot.mouseClick(panel.use_server, LEFT)
    assert panel.name.text() == "Asha Patel" and panel.role.text() == "Programme Coordinator"
    qtbot.mouseClick(panel.save_button, LEFT)
    assert panel.message.text() == (
        "Saved: what you prepare and write from now on says Asha Patel, Programme Coordinator."
    )
    assert vault.identity.name == "Asha Patel" and vault.actor == "Asha Patel"
    assert not panel.server.isVisible()
    vault.audit("export")  # what is done from now on is signed with the new name
    assert "Asha Patel" in _who(shell)
    panel.name.clear()
    qtbot.mouseClick(panel.save_button, LEFT)
    assert panel.message.text().startswith("Enter your name as colleagues know it")
    assert vault.identity.name == "Asha Patel"


def test_a_vault_signed_with_the_login_name_asks_for_a_name(
    qtbot, make_shell, tmp_path: Path
) -> None:
    from sli_desktop.vault.keys import KdfParams
    from sli_desktop.vault.session import create_vault

    path = tmp_path / "old.sli"
    login = getpass.getuser()
    create_vault(path, PASSPHRASE, owner=login, kdf=KdfParams.fast_for_tests()).vault.close()
    shell = make_shell(path)
    unlock_window(qtbot, shell)
    view = shell.workspace.go("settings")
    view.refresh()
    said = view.identity.message.text()
    assert said.startswith("This vault still signs your work with the computer's login name")
    assert login not in said
