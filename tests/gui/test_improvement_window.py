"""Self-assessments, changes of control, leadership places and good practice in the window:
each reached from the council page or the navigation, driven by keys and clicks, refusing a
mistake with one sentence and leaving the page up to date."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from sli_desktop.domain import AssessmentKind, SupportKind, SupportStatus
from sli_desktop.domain.improvement import programme_year, year_label
from sli_desktop.gui.dialogs.assessment import AssessmentDialog
from sli_desktop.gui.dialogs.control_change import ControlChangeDialog, MemberDaysDialog
from sli_desktop.gui.dialogs.good_practice import GoodPracticeDialog
from sli_desktop.gui.dialogs.leadership import LeadershipPlaceDialog
from sli_desktop.gui.views.good_practice import GoodPracticeView
from sli_desktop.gui.views.leadership import LeadershipView
from sli_desktop.vault.assessments import Assessments
from sli_desktop.vault.control import PoliticalControl
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.documents import Documents
from sli_desktop.vault.goodpractice import GoodPractice
from sli_desktop.vault.leadership import Leadership
from sli_desktop.vault.notes import Notes
from tests.gui.conftest import unlock_window
from tests.gui.test_forms import _button, _closed, _opened, _retype, _save

BIRMINGHAM, COVENTRY, DURHAM = "E08000025", "E08000026", "E06000047"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def shell(qtbot, make_shell, councils_vault, vault_path: Path):
    """The window, unlocked, over councils where Birmingham has an open concern about the
    budget and Coventry and Durham have good practice."""
    Notes(councils_vault).add(
        council=BIRMINGHAM,
        date=date.today() - timedelta(days=20),
        title="Overspend on placements",
        themes=["budget", "children's social care"],
        concern="high",
        evidence=["Q2 budget monitoring"],
    )
    GoodPractice(councils_vault).add(
        council=COVENTRY,
        date=date.today() - timedelta(days=60),
        title="Edge-of-care hub",
        themes=["children's social care"],
        outcome="Entries to care down 18%",
        contact="Jo Smith, DCS",
    )
    GoodPractice(councils_vault).add(
        council=DURHAM, date=date.today(), title="Housing first", themes=["housing"]
    )
    councils_vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def _council_tab(shell, tab_attr: str):
    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    page.tabs.setCurrentIndex(getattr(page, tab_attr))
    return page


def test_recording_a_local_account_with_a_document_shows_on_the_page(
    qtbot, shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = shell.session.vault
    page = _council_tab(shell, "improvement_tab")
    panel = page.improvement_panel
    qtbot.mouseClick(_button(panel, "Record self-assessment or local account"), LEFT)
    dialog = _opened(qtbot, page, AssessmentDialog)
    dialog.ui.kind.setCurrentIndex(list(AssessmentKind).index(AssessmentKind.LOCAL_ACCOUNT))
    _retype(qtbot, dialog.ui.year, "2024")
    qtbot.keyClicks(dialog.ui.date, "1/10/2025")
    qtbot.keyClicks(dialog.ui.link, "not a link")
    _save(qtbot, dialog)
    assert dialog.isVisible() and "web address" in dialog.ui.message.text()
    assert dialog.ui.link.hasFocus() or dialog.focusWidget() is dialog.ui.link
    _retype(qtbot, dialog.ui.link, "https://www.birmingham.gov.uk/localaccount")
    source = tmp_path / "local account 2024-25.pdf"
    source.write_bytes(b"%PDF-1.4 the local account")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    qtbot.mouseClick(dialog.ui.browse, LEFT)
    assert dialog.ui.document.text() == str(source)
    qtbot.keyClicks(dialog.ui.summary, "Waiting lists down; carers' offer thin.")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)

    held = Assessments(vault).latest(BIRMINGHAM)[AssessmentKind.LOCAL_ACCOUNT]
    assert held.year == 2024 and held.document_id
    qtbot.waitUntil(lambda: len(panel.assessments.rows) == 1)
    overview = [
        page.overview_form.itemAt(r, page.overview_form.ItemRole.FieldRole).widget().text()
        for r in range(page.overview_form.rowCount())
        if page.overview_form.itemAt(r, page.overview_form.ItemRole.FieldRole) is not None
    ]
    assert any("2024/25" in t and "carers" in t for t in overview)

    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.assessments_table.selectRow(0)
    qtbot.mouseClick(_button(panel, "Save a copy of the document"), LEFT)
    assert target.read_bytes() == b"%PDF-1.4 the local account"
    assert "Saved a copy" in panel.message.text()

    qtbot.mouseClick(_button(panel, "Edit selected self-assessment"), LEFT)
    edit = _opened(qtbot, page, AssessmentDialog)
    assert not edit.ui.kind.isEnabled() and not edit.ui.year.isEnabled()
    assert edit.ui.summary.toPlainText() == "Waiting lists down; carers' offer thin."
    edit.ui.summary.setFocus()
    qtbot.keyClick(edit.ui.summary, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit.ui.summary, " Reablement good.")
    _save(qtbot, edit)
    _closed(qtbot, edit)
    qtbot.waitUntil(lambda: panel.assessments.rows[0].summary.endswith("Reablement good."))
    assert len(Assessments(vault).list(BIRMINGHAM)) == 1
    assert Assessments(vault).list(BIRMINGHAM)[0].document_id == held.document_id

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(_button(panel, "Delete selected self-assessment"), LEFT)
    assert len(Assessments(vault).list(BIRMINGHAM)) == 1  # not without a yes
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(_button(panel, "Delete selected self-assessment"), LEFT)
    qtbot.waitUntil(lambda: panel.assessments.rows == [])
    assert Assessments(vault).list(BIRMINGHAM) == []
    assert Documents(vault).for_owner("assessment", held.id) == []
    assert "Deleted the local account 2024/25" in panel.message.text()


def test_a_change_of_control_offers_member_peer_support_and_tracks_days(qtbot, shell) -> None:
    vault = shell.session.vault
    page = _council_tab(shell, "improvement_tab")
    panel = page.improvement_panel
    qtbot.mouseClick(_button(panel, "Record change of control"), LEFT)
    dialog = _opened(qtbot, page, ControlChangeDialog)
    qtbot.keyClicks(dialog.ui.date, "2026-05-08")
    _retype(qtbot, dialog.ui.fromControl, "Labour")
    _retype(qtbot, dialog.ui.toControl, "labour")
    _save(qtbot, dialog)
    assert "did not change" in dialog.ui.message.text()
    _retype(qtbot, dialog.ui.toControl, "No overall control")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    assert Councils(vault).get(BIRMINGHAM).political_control == "No overall control"
    offers = PoliticalControl(vault).member_support(BIRMINGHAM)
    assert len(offers) == 1 and offers[0].days_offered == 5
    qtbot.waitUntil(lambda: len(panel.changes.rows) == 1)
    assert "0 of 5 days used" in panel.changes.data(panel.changes.index(0, 3))

    panel.changes_table.selectRow(0)
    qtbot.mouseClick(_button(panel, "Member peer days used"), LEFT)
    days = _opened(qtbot, page, MemberDaysDialog)
    days.ui.daysUsed.setValue(2.5)
    _save(qtbot, days)
    _closed(qtbot, days)
    qtbot.waitUntil(lambda: "2.5 of 5 days used" in panel.changes.data(panel.changes.index(0, 3)))
    assert PoliticalControl(vault).member_support(BIRMINGHAM)[0].status is SupportStatus.TAKEN_UP


def test_leadership_places_on_the_page_and_take_up_by_region(qtbot, shell) -> None:
    vault = shell.session.vault
    page = _council_tab(shell, "improvement_tab")
    panel = page.improvement_panel
    this_year = programme_year(date.today())
    qtbot.mouseClick(_button(panel, "Record leadership place"), LEFT)
    dialog = _opened(qtbot, page, LeadershipPlaceDialog)
    assert dialog.ui.year.value() == this_year
    dialog.ui.status.setCurrentIndex(list(SupportStatus).index(SupportStatus.TAKEN_UP))
    qtbot.keyClicks(dialog.ui.details, "Cllr A. Example")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    places = Leadership(vault).list(BIRMINGHAM)
    assert [(p.year, p.status, p.type) for p in places] == [
        (this_year, SupportStatus.TAKEN_UP, SupportKind.LEADERSHIP_PLACE)
    ]
    qtbot.waitUntil(lambda: len(panel.places.rows) == 1)

    view = shell.workspace.go("leadership")
    assert isinstance(view, LeadershipView)
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[-1] == f"{year_label(this_year)} taken up"
    rows = {
        view.table.item(r, 0).text(): view.table.item(r, view.table.columnCount() - 1).text()
        for r in range(view.table.rowCount())
    }
    assert rows["West Midlands"] == "1 (25%)" and rows["London"] == "0 (0%)"
    assert f"{year_label(this_year)}: 1 of 6 councils" in view.total.text()


def test_good_practice_is_suggested_for_an_open_concern_and_found_by_theme(qtbot, shell) -> None:
    vault = shell.session.vault
    page = _council_tab(shell, "good_practice_tab")
    panel = page.good_practice_panel
    assert [s.note.title for s in panel.suggestions.rows] == ["Edge-of-care hub"]
    assert "children's social care" in panel.explain.text()

    qtbot.mouseClick(_button(panel, "New good practice"), LEFT)
    dialog = _opened(qtbot, page, GoodPracticeDialog)
    qtbot.keyClicks(dialog.ui.title, "Budget recovery board")
    _save(qtbot, dialog)
    assert dialog.isVisible() and "theme" in dialog.ui.message.text().lower()
    qtbot.keyClicks(dialog.ui.themes, "budget, governance")
    qtbot.keyClicks(dialog.ui.outcome, "Balanced budget in a year")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    qtbot.waitUntil(lambda: len(panel.own.rows) == 1)
    assert GoodPractice(vault).list(theme="governance")[0].outcome == "Balanced budget in a year"
    notes = page.notes_model
    assert notes is not None
    titles = [notes.index(r, 5).data() for r in range(notes.rowCount())]
    assert "Good practice: Budget recovery board" in titles
    assert "Overspend on placements" in titles

    view = shell.workspace.go("good-practice")
    assert isinstance(view, GoodPracticeView)
    assert len(view.model.rows) == 3
    view.theme.setCurrentIndex(view.theme.findData("housing"))
    assert [n.title for n in view.model.rows] == ["Housing first"]
    view.theme.setCurrentIndex(0)
    qtbot.keyClicks(view.words, "edge")
    qtbot.waitUntil(lambda: [n.title for n in view.model.rows] == ["Edge-of-care hub"])
    view.table.selectRow(0)
    qtbot.mouseClick(_button(view, "Open the council"), LEFT)
    assert shell.workspace.stack.currentWidget() is shell.workspace.council_page
    assert shell.workspace.council_page.gss == COVENTRY


def test_good_practice_is_taken_back_after_a_question(qtbot, shell, monkeypatch) -> None:
    vault = shell.session.vault
    view = shell.workspace.go("good-practice")
    assert isinstance(view, GoodPracticeView)
    take_back = _button(view, "Take back selected good practice as intelligence")
    qtbot.mouseClick(take_back, LEFT)
    assert "Select good practice" in view.message.text()
    qtbot.keyClicks(view.words, "housing")
    qtbot.waitUntil(lambda: [n.title for n in view.model.rows] == ["Housing first"])
    view.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(take_back, LEFT)
    assert "Housing first" in [n.title for n in GoodPractice(vault).list()]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(take_back, LEFT)
    assert "intelligence again" in view.message.text()
    assert view.model.rows == []
    assert "Housing first" in [n.title for n in Notes(vault).list(council=DURHAM)]
