"""The window opens at once and checks every page beside it (issue 25): a damaged page locks
the vault again with the sentence an unlock refused at once shows, having written nothing; a
sound vault's unlock is audited once its check has passed."""

from __future__ import annotations

from pathlib import Path

from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.pages import NEW_VAULT_PAGE_SIZE
from tests.conftest import PASSPHRASE
from tests.gui.conftest import type_passphrase
from tests.integration.vault_files_support import digests, make_vault
from tests.memory_keystore import MemoryKeyStore

PAGE = NEW_VAULT_PAGE_SIZE


def _damage_a_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    assert pages >= 8
    data[(pages // 2 - 1) * PAGE + PAGE // 2] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_damaged_page_locks_the_window_again_with_nothing_written(
    qtbot, make_shell, vault_path: Path
) -> None:
    make_vault(vault_path, notes=80)
    _damage_a_middle_page(vault_path)
    before = digests(vault_path.parent)
    shell = make_shell(vault_path)
    type_passphrase(qtbot, shell)
    qtbot.waitUntil(lambda: not shell.session.is_unlocked, timeout=30_000)
    assert shell.workspace is None
    assert shell.stack.currentWidget() is shell.unlock_page
    text = shell.unlock_page.ui.message.text()
    assert f"the vault at {vault_path} is damaged" in text
    assert "restore it from a backup" in text
    assert digests(vault_path.parent) == before


def test_a_damaged_page_with_the_key_remembered_too(qtbot, make_shell, vault_path: Path) -> None:
    from sli_desktop.vault.session import remember

    make_vault(vault_path, notes=80)
    keystore = MemoryKeyStore()
    assert remember(vault_path, PASSPHRASE, keystore)
    _damage_a_middle_page(vault_path)
    before = digests(vault_path.parent)
    shell = make_shell(vault_path, keystore)
    qtbot.waitUntil(lambda: not shell.session.is_unlocked, timeout=30_000)
    assert "is damaged" in shell.unlock_page.ui.message.text()
    assert digests(vault_path.parent) == before


def test_a_sound_vault_s_unlock_is_audited_once_its_check_passed(
    qtbot, make_shell, vault_path: Path
) -> None:
    make_vault(vault_path, notes=80)
    shell = make_shell(vault_path)
    type_passphrase(qtbot, shell)
    assert shell.workspace is not None
    vault = shell.session.vault
    assert vault is not None

    def unlocks() -> int:
        return sum(1 for entry in AuditLog(vault).entries() if entry.action == "unlock")

    qtbot.waitUntil(lambda: unlocks() == 1, timeout=30_000)
    assert shell.session.is_unlocked
