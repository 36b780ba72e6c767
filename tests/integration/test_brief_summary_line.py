"""The line `sli brief` prints after writing a briefing counts in words a person says:
"1 note", never "1 notes"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sli_desktop.vault.store import Vault
from tests.conftest import CliResult
from tests.integration.test_cli import BHAM, add_note

Cli = Callable[..., CliResult]


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


@pytest.mark.parametrize(("notes", "said"), [(1, "1 note."), (2, "2 notes.")])
def test_the_summary_line_counts_notes_in_words(
    sli: Cli, tmp_path: Path, notes: int, said: str
) -> None:
    for n in range(notes):
        add_note(sli, title=f"Budget gap {n}")
    target = tmp_path / "b.pdf"
    result = sli("brief", "council", BHAM, "-o", str(target))
    assert result.code == 0, result.err
    assert result.out.rstrip().endswith(said), result.out
