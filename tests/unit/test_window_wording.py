"""Window text (issue 21 item 6): counts in the right number, and the services' messages,
which the command line shares and which name its commands, say where in the window instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from sli_desktop.gui.wording import for_window, plural
from sli_desktop.sync.conflicts import ConflictNotFound
from sli_desktop.sync.errors import NotEnrolled
from sli_desktop.vault.errors import VaultError
from sli_desktop.vault.expiry import OfflineExpired
from sli_desktop.vault.header import VaultFileMissing


def test_plural() -> None:
    assert plural(1, "draft") == "1 draft"
    assert plural(0, "draft") == "0 drafts"
    assert plural(2, "entry", "entries") == "2 entries"


@pytest.mark.parametrize(
    "error",
    [
        OfflineExpired(30),
        NotEnrolled(),
        ConflictNotFound("abc12345"),
        VaultFileMissing(Path("/home/a/work-vault")),
    ],
    ids=lambda e: type(e).__name__,
)
def test_no_command_line_in_window_text(error: VaultError) -> None:
    message = str(error)
    assert "sli " in message, "the command line's message names its command"
    said = for_window(message)
    assert "sli " not in said
    assert said != message
