"""The window's unlock and create refuse a vault file lost beside its key header (issue 20
item 4) with the sentence in the window, and leave the files as they were."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from sli_desktop.vault.header import header_path
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import make_vault


def test_an_empty_vault_file_is_refused_at_unlock(qtbot, make_shell, vault_path: Path) -> None:
    make_vault(vault_path, notes=1)
    vault_path.write_bytes(b"")
    header = header_path(vault_path).read_bytes()
    shell = make_shell(vault_path)
    assert shell.stack.currentWidget() is shell.unlock_page
    qtbot.keyClicks(shell.unlock_page.ui.passphrase, PASSPHRASE)
    qtbot.keyClick(shell.unlock_page.ui.passphrase, Qt.Key.Key_Return)
    text = shell.unlock_page.ui.message.text()
    assert "missing or empty" in text and "restore it from a backup" in text
    assert shell.workspace is None
    assert vault_path.stat().st_size == 0
    assert header_path(vault_path).read_bytes() == header


def test_a_missing_vault_file_is_not_made_again(qtbot, make_shell, vault_path: Path) -> None:
    make_vault(vault_path, notes=1)
    vault_path.unlink()
    header = header_path(vault_path).read_bytes()
    shell = make_shell(vault_path)
    page = shell.unlock_page  # not the page that makes a new vault
    assert shell.stack.currentWidget() is page
    qtbot.keyClicks(page.ui.passphrase, PASSPHRASE)
    qtbot.keyClick(page.ui.passphrase, Qt.Key.Key_Return)
    assert "missing or empty" in page.ui.message.text()
    assert shell.workspace is None
    assert not vault_path.exists()
    assert header_path(vault_path).read_bytes() == header
