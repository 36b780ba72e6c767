"""Today, the first view after unlock (issue 21 item 2), and finding things (items 7 and 8):
the Notes view's filter, sort, Draft column and empty preview; the schedule in date order;
Down from the councils filter; the audit log in words; "Sync conflicts" named apart."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sli_desktop.domain import (
    ChallengeKind,
    ChallengeStatus,
    ConcernLevel,
    CoverageRole,
    Region,
)
from sli_desktop.gui.views.audit import AuditView, summary
from sli_desktop.gui.views.challenges import ChallengesView
from sli_desktop.gui.views.councils import CouncilsView
from sli_desktop.gui.views.notes import NotesView
from sli_desktop.gui.views.today import TodayView, soon
from sli_desktop.gui.workspace import NAVIGATION
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.audit import AuditEntry
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.coverage import Assignments
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.gui.conftest import unlock_window

BHAM, COV, STAFFS, CANNOCK = "E08000025", "E08000026", "E10000028", "E07000192"
TODAY = date.today()


def _fill(vault: Vault) -> dict[str, str]:
    Assignments(vault).assign(
        person=vault.actor,
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=TODAY - timedelta(days=400),
    )
    notes = Notes(vault)
    notes.add(
        council=STAFFS,
        date=TODAY - timedelta(days=3),
        title="Reserves running down",
        concern=ConcernLevel.MEDIUM,
        evidence=["Budget report"],
    )
    notes.add(
        council=COV,
        date=TODAY - timedelta(days=30),
        title="Children's services inspection due",
        concern=ConcernLevel.HIGH,
        evidence=["Ofsted letter"],
    )
    draft = notes.add(
        council=BHAM,
        date=TODAY - timedelta(days=1),
        title="Section 114 rumour",
        concern=ConcernLevel.SERIOUS,
        draft=True,
    )
    challenge = Challenges(vault).add(
        council=COV,
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=TODAY + timedelta(days=3),
    )
    Challenges(vault).add(
        council=STAFFS,
        type=ChallengeKind.ADULTS,
        status=ChallengeStatus.BOOKED,
        start=TODAY + timedelta(days=60),
    )
    late = Actions(vault).add(
        title="Chase the budget recovery plan", council=STAFFS, due=TODAY - timedelta(days=2)
    )
    return {"draft": draft.id, "challenge": challenge.id, "action": late.id}


def _unlocked(qtbot, make_shell, vault_path: Path):
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def _agenda(view: TodayView) -> dict[str, list[str]]:
    tree = view.agenda
    return {
        tree.topLevelItem(i).text(0): [
            tree.topLevelItem(i).child(c).text(0) for c in range(tree.topLevelItem(i).childCount())
        ]
        for i in range(tree.topLevelItemCount())
    }


def _item(view: TodayView, starts: str):
    tree = view.agenda
    for i in range(tree.topLevelItemCount()):
        head = tree.topLevelItem(i)
        for c in range(head.childCount()):
            if head.child(c).text(0).startswith(starts):
                return head.child(c)
    raise AssertionError(f"no item starting {starts!r}: {_agenda(view)}")


def test_today_opens_first_ranks_my_councils_and_opens_where_things_live(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    ids = _fill(councils_vault)
    councils_vault.close()
    shell = _unlocked(qtbot, make_shell, vault_path)
    view = shell.workspace.current()
    assert isinstance(view, TodayView), "the window opens on Today"
    assert NAVIGATION[0] == ("today", "Today")

    # My councils: the West Midlands, by complete concern then recency; the draft's
    # "serious" counts for nothing, and Westminster (London) is not mine.
    names = [view.model.row(r).council.display_name for r in range(view.model.rowCount())]
    assert names == ["Coventry", "Staffordshire", "Birmingham", "Cannock Chase"]
    assert view.model.index(0, 3).data().startswith("Corporate peer challenge, ")
    assert view.model.index(1, 4).data() == "1"  # Staffordshire's overdue action
    agenda = _agenda(view)
    assert agenda["Overdue actions (1)"][0].startswith("Chase the budget recovery plan\n")
    assert [line.split(": ")[1] for line in agenda["Next 30 days (1)"]] == [
        "Coventry\nCorporate peer challenge"
    ], "the adult social care challenge in 60 days is not in the next 30"
    assert agenda["Drafts to complete (1)"][0].startswith("Section 114 rumour\nBirmingham · ")
    assert view.synced.text() == "Last synced: never."

    # Each item opens where it lives.
    view.agenda.itemActivated.emit(_item(view, "Section 114 rumour"), 0)
    notes = shell.workspace.current()
    assert isinstance(notes, NotesView) and notes._shown == ids["draft"]
    shell.go("today")
    view.agenda.itemActivated.emit(_item(view, soon(TODAY + timedelta(days=3))), 0)
    page = shell.workspace.council_page
    assert shell.workspace.stack.currentWidget() is page and page.gss == COV
    assert page.tabs.currentIndex() == page.CHALLENGES
    shell.go("today")
    view.table.setCurrentIndex(view.model.index(1, 0))
    view.table.activated.emit(view.model.index(1, 0))
    assert shell.workspace.stack.currentWidget() is page and page.gss == STAFFS

    # Ctrl+0 comes back to Today from anywhere; Ctrl+1 is still Councils.
    shell.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is not None, timeout=2000)
    target = QApplication.focusWidget() or shell
    qtbot.keyClick(target, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(shell.workspace.current(), CouncilsView)
    target = QApplication.focusWidget() or shell
    qtbot.keyClick(target, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert shell.workspace.current() is view


def test_notes_filter_sort_draft_column_and_empty_preview(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    _fill(councils_vault)
    councils_vault.close()
    shell = _unlocked(qtbot, make_shell, vault_path)
    notes = shell.workspace.go("notes")
    assert isinstance(notes, NotesView)
    assert "Select a note" in notes.detail.toPlainText(), "the empty preview says what to do"
    headers = [
        notes.table.model().headerData(c, Qt.Orientation.Horizontal)
        for c in range(notes.table.model().columnCount())
    ]
    assert "Draft" in headers

    def titles() -> list[str]:
        model = notes.table.model()
        return [model.index(r, headers.index("Title")).data() for r in range(model.rowCount())]

    def drafts() -> list[str]:
        model = notes.table.model()
        return [model.index(r, headers.index("Draft")).data() for r in range(model.rowCount())]

    assert titles() == [
        "Section 114 rumour",
        "Reserves running down",
        "Children's services inspection due",
    ]
    assert drafts() == ["draft", "", ""]
    notes.sort.setCurrentIndex(notes.sort.findData("concern"))
    assert titles()[0] == "Section 114 rumour" and titles()[1].startswith("Children's")
    notes.sort.setCurrentIndex(notes.sort.findData("council"))
    assert titles() == [  # Birmingham, Coventry, Staffordshire
        "Section 114 rumour",
        "Children's services inspection due",
        "Reserves running down",
    ]
    qtbot.keyClicks(notes.filter, "reserves")
    assert titles() == ["Reserves running down"]
    assert notes.message.text() == "1 note matching “reserves”."
    notes.filter.clear()
    notes.show_choice.setCurrentIndex(notes.show_choice.findData("drafts"))
    assert notes.message.text().startswith("1 draft:")


def test_schedule_sorts_by_date_and_councils_down_moves_into_results(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    _fill(councils_vault)
    Challenges(councils_vault).add(
        council=BHAM, type=ChallengeKind.CHILDRENS, status=ChallengeStatus.PROPOSED
    )
    councils_vault.close()
    shell = _unlocked(qtbot, make_shell, vault_path)
    schedule = shell.workspace.go("challenges")
    assert isinstance(schedule, ChallengesView)
    model = schedule.table.model()
    councils = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert councils == ["Coventry", "Staffordshire", "Birmingham"], "dated soonest, undated last"

    view = shell.workspace.go("councils")
    assert isinstance(view, CouncilsView)
    view.search.setFocus()
    qtbot.keyClicks(view.search, "c")
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert shell.focusWidget() is view.table
    assert view.table.currentIndex().row() == 0


def test_audit_log_in_words_with_details_behind_a_button(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    _fill(councils_vault)
    for n in range(12):  # past #9, so text sorting would put #10 before #9
        Actions(councils_vault).add(title=f"Action {n}", council=BHAM)
    councils_vault.close()
    shell = _unlocked(qtbot, make_shell, vault_path)
    qtbot.waitUntil(lambda: shell.session.checked)  # the unlock is audited after its check
    audit = shell.workspace.go("audit")
    assert isinstance(audit, AuditView)
    model = audit.table.model()
    numbers = [int(model.index(r, 0).data()) for r in range(model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)
    words = [model.index(r, 3).data() for r in range(model.rowCount())]
    assert "Created a peer challenge." in words
    assert "Unlocked the vault." in words
    assert not any("{" in w for w in words), "no JSON in the summaries"
    assert {model.index(r, 2).data() for r in range(model.rowCount())} == {"tester"}
    assert not audit.details.isVisible()
    audit.table.selectRow(0)
    qtbot.mouseClick(audit.details_button, Qt.MouseButton.LeftButton)
    assert audit.details.isVisible() and "{" in audit.details.toPlainText()


def test_summaries_of_edits_exports_and_identity() -> None:
    def entry(action: str, kind: str = "", detail: str = "{}") -> AuditEntry:
        return AuditEntry(1, "2026-03-09T09:00:00+00:00", "Asha Patel", action, kind, "", detail)

    assert summary(entry("edit", "note", '{"fields": ["title", "review_by"], "version": 2}')) == (
        "Edited a note (changed title, review by)."
    )
    assert summary(entry("export", "contact", '{"format": "vcf", "count": 3}')) == (
        "Exported 3 contacts as VCF."
    )
    assert summary(entry("identity-changed", "", '{"name": "Asha Patel", "role": "PA"}')) == (
        "Changed the adviser's name to Asha Patel, PA."
    )
    assert summary(entry("read", "note", '{"via": "window"}')) == "Read a note in the window."


def test_sync_conflicts_are_named_apart_from_conflicts_of_interest(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    councils_vault.close()
    shell = _unlocked(qtbot, make_shell, vault_path)
    labels = [shell.workspace.nav.item(r).text() for r in range(shell.workspace.nav.count())]
    assert "Sync conflicts" in labels and "Conflicts" not in labels
    go = [a.text().replace("&", "") for a in shell.menuBar().actions()[2].menu().actions()]
    assert "Sync conflicts" in go
    view = shell.workspace.go("conflicts")
    assert view.title == "Sync conflicts"
    assert "No sync conflicts" in view.empty.text()


def test_notes_due_for_review_beyond_the_first_twenty_open_in_notes(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    for n in range(22):
        Notes(councils_vault).add(council=BHAM, date=date(2015, 1, 1 + n), title=f"Old {n}")
    councils_vault.close()
    shell = _unlocked(qtbot, make_shell, vault_path)
    view = shell.workspace.current()
    assert isinstance(view, TodayView)
    due = _agenda(view)["Notes due for review (22)"]
    assert len(due) == 21 and due[0].startswith("Old 0\n")
    assert due[-1] == "and 2 more: see them all in Notes"
    view.agenda.itemActivated.emit(_item(view, "and 2 more"), 0)
    notes = shell.workspace.current()
    assert isinstance(notes, NotesView) and notes.showing == "due"
    assert notes.message.text().startswith("22 notes due for review")


def test_days_coming_up_read_as_a_diary_does() -> None:
    assert soon(date(2027, 3, 11), today=date(2027, 3, 8)) == "Thu 11 Mar"
    assert soon(date(2028, 1, 6), today=date(2027, 12, 20)) == "Thu 6 Jan 2028"
