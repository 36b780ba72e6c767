"""One truth about concern (issue #21 item 4): a draft never sets a council's concern level,
and wherever a draft appears in the window (the councils list, the council page, search) it
is shown as a draft."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from sli_desktop.domain import ConcernLevel
from sli_desktop.gui.search_popup import SearchPopup
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.overview import concern_levels, overview
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window

BHAM = "E08000025"


@pytest.fixture
def with_draft(councils_vault: Vault) -> Vault:
    notes = Notes(councils_vault)
    recent = date.today() - timedelta(days=3)
    notes.add(
        council=BHAM,
        title="Library consultation",
        body="Routine",
        date=recent,
        concern=ConcernLevel.LOW,
    )
    notes.add(
        council=BHAM,
        title="Possible budget collapse",
        body="Heard informally, not yet checked",
        date=recent,
        concern=ConcernLevel.SERIOUS,
        draft=True,
    )
    return councils_vault


def test_a_draft_never_sets_the_concern_level(with_draft: Vault) -> None:
    today = date.today()
    assert concern_levels(with_draft, today)[BHAM] is ConcernLevel.LOW
    assert overview(with_draft, BHAM, today).concern is ConcernLevel.LOW


@pytest.fixture
def shell(qtbot, make_shell, with_draft: Vault, vault_path: Path):
    with_draft.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def test_the_window_counts_only_complete_notes_and_marks_drafts(qtbot, shell) -> None:
    view = shell.workspace.go("councils")
    view.refresh()
    row = next(r for r in range(view.model.rowCount()) if view.model.row(r).gss_code == BHAM)
    concern = view.model.index(row, 3).data()
    assert concern == "low"
    # The "serious or above" filter does not list a council whose only serious note is a draft.
    view.concern.setCurrentIndex(view.concern.findText("serious or above"))
    assert BHAM not in [c.gss_code for c in view.visible_councils()]

    shell.workspace.open_council(BHAM)
    page = shell.workspace.council_page
    flags = [
        page.flags.itemAt(i).widget().text()
        for i in range(page.flags.count())
        if page.flags.itemAt(i).widget() is not None
    ]
    assert "Concern: low" in flags and "Concern: serious" not in flags
    overview_text = " ".join(
        page.overview_form.itemAt(i).widget().text()
        for i in range(page.overview_form.count())
        if hasattr(page.overview_form.itemAt(i).widget(), "text")
    )
    assert "Draft (sets no concern level)</i>: Possible budget collapse" in overview_text
    notes = page.notes_model
    assert notes is not None
    titles = [notes.index(r, 5).data() for r in range(notes.rowCount())]
    assert "Draft: Possible budget collapse" in titles
    assert "Library consultation" in titles


def test_search_marks_a_draft_note(qtbot, shell) -> None:
    popup = SearchPopup(shell.session.vault, shell)
    qtbot.addWidget(popup)
    popup.update_results("budget collapse")
    texts = [popup.results.item(i).text() for i in range(popup.results.count())]
    assert any(t.startswith("Draft note: Possible budget collapse") for t in texts), texts
    popup.update_results("library consultation")
    texts = [popup.results.item(i).text() for i in range(popup.results.count())]
    assert any(t.startswith("Note: Library consultation") for t in texts), texts
