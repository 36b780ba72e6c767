"""British formats in the window (issue #21 item 5): dates "5 Dec 2025" in tables and lists,
"5 December 2025" in sentences, times local, UK phones grouped nationally ("0121 303 1111")
and others internationally; what is stored stays ISO 8601 and E.164."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sli_desktop.domain import ConcernLevel
from sli_desktop.gui.search_popup import SearchPopup
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window

BHAM = "E08000025"
DAY = date(2025, 12, 5)


@pytest.fixture
def shell(qtbot, make_shell, councils_vault: Vault, vault_path: Path):
    Contacts(councils_vault).add(
        name="Jo Leader",
        role="Leader",
        council=BHAM,
        phones=["+441213031111", "+19057771234"],
    )
    Notes(councils_vault).add(
        council=BHAM, title="Budget review", body="Fine", date=DAY, concern=ConcernLevel.LOW
    )
    Councils(councils_vault).set_details(
        BHAM,
        political_control="Labour",
        control_changed_on=date(2024, 5, 2),
        improvement_board=True,
        improvement_board_since=date(2025, 1, 31),
    )
    councils_vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def _column(model, header: str) -> list[str]:
    column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == header
    )
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_council_page_reads_british(qtbot, shell) -> None:
    shell.workspace.open_council(BHAM)
    page = shell.workspace.council_page
    flags = [
        page.flags.itemAt(i).widget().text()
        for i in range(page.flags.count())
        if page.flags.itemAt(i).widget() is not None
    ]
    assert "Improvement Board since 31 Jan 2025" in flags
    assert "Change of political control 2 May 2024" in flags
    form = page.overview_form
    rows = {
        form.itemAt(r, form.ItemRole.LabelRole).widget().text(): form.itemAt(
            r, form.ItemRole.FieldRole
        )
        .widget()
        .text()
        for r in range(form.rowCount())
        if form.itemAt(r, form.ItemRole.LabelRole) is not None
    }
    assert "0121 303 1111, +1 905-777-1234" in rows["Leader"]
    assert "Budget review" in rows["5 Dec 2025"]
    assert _column(page.contacts, "Phone") == ["0121 303 1111, +1 905-777-1234"]
    notes = page.notes_model
    assert notes is not None and _column(notes, "Date") == ["5 Dec 2025"]
    # What is stored is untouched: the model still holds the date and E.164.
    assert notes.index(0, 0).data(Qt.ItemDataRole.UserRole) == DAY
    assert Contacts(shell.session.vault).list(BHAM)[0].phones == ["+441213031111", "+19057771234"]


def test_lists_detail_and_search_read_british(qtbot, shell) -> None:
    view = shell.workspace.go("councils")
    view.refresh()
    flags = _column(view.model, "Flags")
    assert "Improvement Board since 31 Jan 2025; Change of control 2 May 2024" in flags

    audit = shell.workspace.go("audit")
    audit.refresh()
    when = _column(audit.model, "When")
    assert when and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d", w) for w in when)

    notes = shell.workspace.go("notes")
    (note,) = Notes(shell.session.vault).list()
    notes.show_note(note.id)
    qtbot.waitUntil(lambda: "Budget review" in notes.detail.toPlainText())
    text = notes.detail.toPlainText()
    assert "5 December 2025" in text and "2025-12-05" not in text

    popup = SearchPopup(shell.session.vault, shell)
    qtbot.addWidget(popup)
    popup.update_results("budget review")
    found = [popup.results.item(i).text() for i in range(popup.results.count())]
    assert any("5 Dec 2025 · low" in t for t in found), found


def test_every_date_box_reads_british(qtbot, shell) -> None:
    """A date box shows '5 Dec 2026', never the locale's '5 12 2026' (the schedule's Move
    controls did)."""
    from PySide6.QtWidgets import QDateEdit

    workspace = shell.workspace
    boxes = [
        (key, box)
        for key, view in [*workspace.views.items(), ("council page", workspace.council_page)]
        for box in view.findChildren(QDateEdit)
    ]
    assert boxes, "the schedule and briefings views have date boxes"
    for key, box in boxes:
        text = box.lineEdit().text()
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", text), (key, box.accessibleName(), text)
