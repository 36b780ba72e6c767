"""Issue #27: "remember on this device" names where the key would go on this platform, in the
window (both pages) and in the command line's help."""

from __future__ import annotations

from pathlib import Path

import pytest

from sli_desktop.platform.keyring_store import remember_label, store_name, unavailable
from tests.memory_keystore import MemoryKeyStore


def test_the_unlock_page_names_the_store(make_shell, councils_vault, vault_path: Path) -> None:
    councils_vault.close()
    shell = make_shell(vault_path)
    box = shell.unlock_page.ui.remember
    assert box.text() == remember_label() and store_name() in box.text()
    assert box.isEnabled() and box.toolTip() == ""


def test_without_a_store_the_page_says_which_is_missing(make_shell, tmp_path: Path) -> None:
    shell = make_shell(tmp_path / "new" / "vault.sli", MemoryKeyStore(available=False))
    box = shell.create_page.ui.remember
    assert box.text() == remember_label()
    assert not box.isEnabled() and box.toolTip() == unavailable()


def test_the_command_line_names_the_store(capsys: pytest.CaptureFixture[str]) -> None:
    from sli_desktop.cli.app import main

    assert main(["vault", "--help"]) == 0
    out = capsys.readouterr().out
    assert f"keep the key in {store_name()}" in out
    assert "OS keyring" not in out
