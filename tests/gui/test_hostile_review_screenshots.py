"""The hostile review of issue 20 run again (R-vault): ``sli-desktop --screenshot DIR`` renders
every view of the unlocked vault, note titles and contacts included, to PNG files. They hold
what the vault protects, in clear, so they are owner-only like every other file the app writes
for the user, whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sli_desktop.gui.screenshots import capture
from sli_desktop.vault.contacts import Contacts
from tests.gui.conftest import unlock_window

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def test_screenshots_are_owner_only_whatever_the_umask(
    qtbot, make_shell, councils_vault, vault_path: Path, umask: int, tmp_path: Path
) -> None:
    Contacts(councils_vault).add(name="Zebediah Quux", council="E08000025")
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    folder = tmp_path / "shots" / "deep"

    written = capture(shell, folder)

    assert written and all(p.exists() for p in written)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert path.read_bytes().startswith(b"\x89PNG"), path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]
