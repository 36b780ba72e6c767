"""A form refuses in its own words (issue #21 item 6): the quick note's empty title is "Give
the note a title.", not "title: must not be empty"."""

from __future__ import annotations

from pathlib import Path

import pytest

from sli_desktop.gui.quick_note import QuickNoteDialog
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window


@pytest.fixture
def shell(qtbot, make_shell, councils_vault: Vault, vault_path: Path):
    councils_vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def test_an_empty_title_is_refused_in_plain_words(qtbot, shell) -> None:
    dialog = QuickNoteDialog(shell.session.vault, "E08000025", shell)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.ui.body, "Met the chief executive")
    dialog.save()
    assert dialog.ui.message.text() == "Give the note a title."
    assert dialog.isVisible() and Notes(shell.session.vault).count() == 0
