"""Issue #27: a saved briefing opens in the user's own PDF reader, through the platform's
"open with the default application" service; a failure is one sentence in the view."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument

from sli_desktop.gui.views.briefings import BriefingsView
from sli_desktop.platform import opener
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window


@pytest.fixture
def previewed(qtbot, make_shell, councils_vault: Vault, vault_path: Path) -> BriefingsView:
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    workspace = shell.workspace
    keys = [workspace.nav.item(i).data(256) for i in range(workspace.nav.count())]
    workspace.nav.setCurrentRow(keys.index("briefings"))
    view = workspace.stack.currentWidget()
    assert isinstance(view, BriefingsView)
    qtbot.mouseClick(view.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.document.status() == QPdfDocument.Status.Ready, timeout=30_000)
    return view


class Recorder:
    def __init__(self, fail: str = "") -> None:
        self.opened: list[Path] = []
        self.fail = fail

    def open(self, path: Path) -> None:
        if self.fail:
            raise opener.OpenFailed(self.fail)
        self.opened.append(path)


def test_open_is_offered_once_the_briefing_is_saved(
    qtbot, previewed: BriefingsView, tmp_path: Path
) -> None:
    view = previewed
    recorder = Recorder()
    view.opener = recorder
    assert not view.open_button.isEnabled()  # nothing on disk yet: nothing to open
    target = tmp_path / "briefing.pdf"
    view.save_to(target)
    assert view.open_button.isEnabled()
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert recorder.opened == [target]


def test_a_file_that_cannot_be_opened_says_why(
    qtbot, previewed: BriefingsView, tmp_path: Path
) -> None:
    view = previewed
    view.opener = Recorder(fail="no application is set to open .pdf files")
    view.save_to(tmp_path / "briefing.pdf")
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert view.status.text() == (
        "Cannot open briefing.pdf: no application is set to open .pdf files."
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xdg-open is Linux's")
def test_on_linux_the_desktop_opens_it(
    qtbot, previewed: BriefingsView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real service, with a stand-in xdg-open on PATH that records its argument."""
    bin_dir, log = tmp_path / "bin", tmp_path / "opened.txt"
    bin_dir.mkdir()
    script = bin_dir / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > "{log}.part" && mv "{log}.part" "{log}"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    view = previewed
    assert isinstance(view.opener, opener.CommandOpener)
    target = tmp_path / "saved" / "briefing.pdf"
    target.parent.mkdir()
    view.save_to(target)
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    for _ in range(600):  # detached: wait for the stand-in to finish
        if log.exists():
            break
        time.sleep(0.05)
    assert log.read_text().strip() == str(target.resolve())
