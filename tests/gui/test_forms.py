"""The create and edit forms, driven through the real window by keys and clicks: each reached
from where an adviser would look for it, each refusing a mistake with one sentence beside the
field, and each leaving the views that show the record up to date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)

from sli_desktop.domain import ChallengeKind, ChallengeStatus, LawfulBasis, Peer, PeerRole
from sli_desktop.gui.dialogs.action import ActionDialog
from sli_desktop.gui.dialogs.challenge import ChallengeDialog
from sli_desktop.gui.dialogs.contact import ContactDialog
from sli_desktop.gui.dialogs.council_details import CouncilDetailsDialog
from sli_desktop.gui.dialogs.note_edit import NoteEditDialog
from sli_desktop.gui.dialogs.team import TeamDialog
from sli_desktop.gui.views.base import source_row
from sli_desktop.gui.views.notes import NotesView
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.control import PoliticalControl
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.notes import Notes
from tests.gui.conftest import unlock_window

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
BIRMINGHAM = "E08000025"
#: The offscreen platform cannot raise a completer's popup or let it grab the keyboard; the
#: popup still works, and Qt says so at warning level.
POPUPS = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def shell(qtbot, make_shell, councils_vault, vault_path: Path):
    """The window, unlocked by typing the passphrase, over councils with a note and a
    booked peer challenge at Birmingham."""
    Notes(councils_vault).add(
        council=BIRMINGHAM, title="Budget gap", body="Forecast overspend", date=date(2026, 1, 5)
    )
    Challenges(councils_vault).add(
        council=BIRMINGHAM,
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=date(2026, 9, 14),
        end=date(2026, 9, 17),
        team=[Peer(name="Cllr Ann Lead", role=PeerRole.LEAD_MEMBER_PEER)],
    )
    councils_vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


# -- helpers ---------------------------------------------------------------------------------
def _activate(qtbot, window: QWidget) -> None:
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def _alt(qtbot, window: QWidget, key: Qt.Key) -> None:
    """A mnemonic, pressed in the active window as a person would."""
    _activate(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget() or window, key, ALT)


def _has_focus(widget: QWidget) -> bool:
    """Focus within its own window (a completer's popup may have taken the active window)."""
    focused = widget.window().focusWidget()
    return focused is widget or (isinstance(widget, QComboBox) and focused is widget.lineEdit())


def _button(parent: QWidget, name: str) -> QPushButton:
    found = [
        b for b in parent.findChildren(QPushButton) if b.accessibleName() == name and b.isVisible()
    ]
    assert len(found) == 1, f"{len(found)} visible buttons named {name!r}"
    return found[0]


def _opened(qtbot, view, cls):
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    assert isinstance(view.dialog, cls)
    return view.dialog


def _retype(qtbot, widget: QWidget, text: str) -> None:
    """Select what is there and type over it."""
    target = widget.lineEdit() if isinstance(widget, QComboBox) and widget.isEditable() else widget
    target.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(target, text)
    else:
        qtbot.keyClick(target, Qt.Key.Key_Delete)


def _pick_council(qtbot, combo: QComboBox, typed: str) -> None:
    """Type part of a name and take the completer's first suggestion, by keyboard."""
    _retype(qtbot, combo, typed)
    popup = combo.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.save_button(), LEFT)


def _closed(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog.isVisible())


def _select(qtbot, table, predicate) -> None:
    """Select the table row whose record matches, whatever the sort order."""
    model = table.model().sourceModel() if hasattr(table.model(), "sourceModel") else None
    for row in range(table.model().rowCount()):
        record = (model or table.model()).row(source_row(table, row))
        if predicate(record):
            table.setFocus()
            table.selectRow(row)
            return
    raise AssertionError("no such row")


def _overview(page) -> dict[str, str]:
    """The council page's overview, by each label's caption (its name, or once shown, its
    description: gui/a11y.py)."""
    labels = page.overview_box.findChildren(QLabel)
    return {w.accessibleName() or w.accessibleDescription(): w.text() for w in labels}


def _flags(page) -> list[str]:
    labels = [page.flags.itemAt(i).widget() for i in range(page.flags.count())]
    return [w.text() for w in labels if isinstance(w, QLabel)]


# -- 1. editing a note -----------------------------------------------------------------------
def test_edit_a_note_from_the_notes_view_twice(qtbot, shell) -> None:
    vault = shell.session.vault
    view = shell.workspace.go("notes")
    assert isinstance(view, NotesView)
    assert not view.edit_button.isEnabled(), "nothing to edit until a note is shown"
    note = Notes(vault).list()[0]
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.mouseClick(view.edit_button, LEFT)
    dialog = _opened(qtbot, view, NoteEditDialog)
    assert dialog.ui.title.text() == "Budget gap"
    assert dialog.ui.date.text() == "2026-01-05"
    assert dialog.council_code() == BIRMINGHAM
    assert "Version 1" in dialog.ui.message.text()

    _retype(qtbot, dialog.ui.date, "31/02/2026")
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.ui.message.text() == "Date: type a date such as 31/12/2026 or 2026-12-31."
    assert _has_focus(dialog.ui.date)
    _retype(qtbot, dialog.ui.date, "6/1/2026")
    _retype(qtbot, dialog.ui.title, "Budget gap widening")
    qtbot.keyClick(dialog.ui.title, Qt.Key.Key_Return)  # Enter saves
    _closed(qtbot, dialog)

    edited = Notes(vault).get(note.id)
    assert (edited.version, edited.title, edited.date) == (
        2,
        "Budget gap widening",
        date(2026, 1, 6),
    )
    history = view.detail.toPlainText()
    assert "Budget gap widening" in history
    assert "edit by" in history and "(version 2): date, title" in history

    # Enter on the list edits the selected note again; a high concern needs its evidence.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = _opened(qtbot, view, NoteEditDialog)
    assert dialog.ui.title.text() == "Budget gap widening"
    dialog.ui.concern.setFocus()
    qtbot.keyClicks(dialog.ui.concern, "h")
    assert dialog.ui.concern.currentText() == "high"
    _save(qtbot, dialog)
    assert dialog.ui.message.text().startswith("Evidence: a high concern must cite")
    assert _has_focus(dialog.ui.evidence)
    qtbot.keyClicks(dialog.ui.evidence, "Q3 budget monitoring report")
    _save(qtbot, dialog)
    assert "not marked as knowing" in dialog.ui.message.text()
    assert dialog.isVisible(), "asked first whether the council knows"
    _save(qtbot, dialog)
    _closed(qtbot, dialog)

    again = Notes(vault).get(note.id)
    assert again.version == 3 and again.evidence == ["Q3 budget monitoring report"]
    edits = [e for e in AuditLog(vault).for_record(note.id) if e.action == "edit"]
    assert len(edits) == 2
    assert "(version 3): concern, evidence" in view.detail.toPlainText()

    # Saving without a change writes no new version.
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    dialog = _opened(qtbot, view, NoteEditDialog)
    qtbot.keyClick(dialog.ui.title, Qt.Key.Key_Return)
    _closed(qtbot, dialog)
    assert Notes(vault).get(note.id).version == 3


def test_edit_a_note_from_the_council_page(qtbot, shell) -> None:
    vault = shell.session.vault
    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    page.tabs.setCurrentIndex(page.NOTES)
    page.notes_table.setFocus()
    page.notes_table.selectRow(0)
    _alt(qtbot, shell, Qt.Key.Key_E)  # "&Edit note…" on the Notes tab
    dialog = _opened(qtbot, page, NoteEditDialog)
    dialog.ui.body.setFocus()
    qtbot.keyClick(dialog.ui.body, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(dialog.ui.body, " of twelve million")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    note = Notes(vault).list()[0]
    assert note.body == "Forecast overspend of twelve million" and note.version == 2
    assert shell.workspace.current() is page, "the page stays where it was"
    assert page.tabs.currentIndex() == page.NOTES

    # A form open when the vault locks is closed with it.
    page.notes_table.selectRow(0)
    qtbot.mouseClick(_button(page, "Edit selected note"), LEFT)
    dialog = _opened(qtbot, page, NoteEditDialog)
    shell.lock()
    assert not dialog.isVisible() and shell.session.vault is None


# -- 2. a new contact ------------------------------------------------------------------------
@POPUPS
def test_new_contact_from_the_council_page_and_the_contacts_view(qtbot, shell) -> None:
    vault = shell.session.vault
    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    page.tabs.setCurrentIndex(page.CONTACTS)
    _alt(qtbot, shell, Qt.Key.Key_W)  # "Ne&w contact…"
    dialog = _opened(qtbot, page, ContactDialog)
    assert dialog.councils.code() == BIRMINGHAM
    assert _has_focus(dialog.ui.name)
    qtbot.keyClicks(dialog.ui.name, "Asha Patel")
    qtbot.keyClicks(dialog.ui.role, "Chief executive")
    qtbot.keyClicks(dialog.ui.emails, "asha@birmingham")
    qtbot.keyClicks(dialog.ui.phones, "0121 zz")
    dialog.ui.lawfulBasis.setFocus()
    qtbot.keyClicks(dialog.ui.lawfulBasis, "c")
    _save(qtbot, dialog)
    message = dialog.ui.message.text()
    assert message.startswith("Emails: “asha@birmingham” is not an email address;"), message
    assert _has_focus(dialog.ui.emails)
    _retype(qtbot, dialog.ui.emails, "asha.patel@birmingham.gov.uk")
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == (
        "Phones: “0121 zz” is not a phone number; type it as, for example, 0121 303 1111 or "
        "+44 121 303 1111."
    )
    assert _has_focus(dialog.ui.phones)
    _retype(qtbot, dialog.ui.phones, "0121 303 9944")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)

    (contact,) = Contacts(vault).list(BIRMINGHAM)
    assert contact.phones == ["+441213039944"]
    assert contact.lawful_basis is LawfulBasis.CONSENT
    assert [c.name for c in page.contacts.rows] == ["Asha Patel"]
    assert "Asha Patel" in _overview(page), "a chief executive is a key contact"

    # From the Contacts view, with the council typed in part.
    view = shell.workspace.go("contacts")
    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view, ContactDialog)
    assert dialog.councils.code(required=False) is None
    qtbot.keyClicks(dialog.ui.name, "Sam Officer")
    _pick_council(qtbot, dialog.ui.council, "coven")
    assert dialog.ui.council.currentText() == "Coventry (E08000026)"
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    assert [c.name for c in view.model.rows] == ["Asha Patel", "Sam Officer"]
    assert Contacts(vault).list("E08000026")[0].name == "Sam Officer"


@POPUPS
def test_a_contact_needs_a_name_and_a_council_that_exists(qtbot, shell) -> None:
    view = shell.workspace.go("contacts")
    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view, ContactDialog)
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == "Give the contact's name."
    assert _has_focus(dialog.ui.name)
    qtbot.keyClicks(dialog.ui.name, "Nobody")
    _retype(qtbot, dialog.ui.council, "Atlantis")
    dialog.ui.council.completer().popup().hide()
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == (
        "Council: “Atlantis” matches no council; choose one from the list."
    )
    assert _has_focus(dialog.ui.council)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    _closed(qtbot, dialog)
    assert Contacts(shell.session.vault).list() == []


# -- 3. a new peer challenge, and its team ---------------------------------------------------
@POPUPS
def test_new_peer_challenge_with_a_team_then_change_the_team(qtbot, shell) -> None:
    vault = shell.session.vault
    view = shell.workspace.go("challenges")
    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view, ChallengeDialog)
    assert _has_focus(dialog.ui.council)
    _pick_council(qtbot, dialog.ui.council, "stafford")
    dialog.ui.kind.setFocus()
    qtbot.keyClicks(dialog.ui.kind, "a")
    assert dialog.ui.kind.currentData() == "adults"
    dialog.ui.status.setFocus()
    qtbot.keyClicks(dialog.ui.status, "b")
    assert dialog.ui.status.currentData() == "booked"
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == (
        "On-site start: a booked challenge needs its on-site start date."
    )
    assert _has_focus(dialog.ui.start)
    qtbot.keyClicks(dialog.ui.start, "14/10/2026")
    qtbot.keyClicks(dialog.ui.end, "2026-10-16")
    qtbot.keyClicks(dialog.ui.scope, "Adult social care finances and workforce")

    team = dialog.team
    qtbot.keyClicks(team.ui.peerName, "Cllr Jane Smith")
    team.ui.peerRole.setFocus()
    qtbot.keyClicks(team.ui.peerRole, "l")
    qtbot.keyClicks(team.ui.peerOrganisation, "Anytown Council")
    qtbot.keyClick(team.ui.peerOrganisation, Qt.Key.Key_Return)  # Enter adds the peer
    assert dialog.isVisible(), "Enter in a peer field adds the peer, it does not save"
    assert team.ui.peerTable.rowCount() == 1 and _has_focus(team.ui.peerName)
    qtbot.keyClicks(team.ui.peerName, "Tom Brown")
    qtbot.keyClick(team.ui.peerName, Qt.Key.Key_Return)
    qtbot.keyClicks(team.ui.peerName, "Pat Lee")
    _retype(qtbot, team.ui.peerCouncil, "X123")
    team.ui.peerCouncil.completer().popup().hide()
    qtbot.mouseClick(team.ui.addPeer, LEFT)
    assert dialog.ui.message.text() == (
        "Works at: choose a council from the list, or type its GSS code (E08000025)."
    )
    assert _has_focus(team.ui.peerCouncil)
    _pick_council(qtbot, team.ui.peerCouncil, "cannock")
    qtbot.keyClick(team.ui.peerName, Qt.Key.Key_Return)
    assert [p.name for p in team.team()] == ["Cllr Jane Smith", "Tom Brown", "Pat Lee"]
    team.ui.peerTable.setFocus()
    team.ui.peerTable.selectRow(1)
    qtbot.keyClick(team.ui.peerTable, Qt.Key.Key_Delete)
    qtbot.keyClicks(team.ui.peerName, "Kim Manager")  # typed but not added: Save adds it
    _save(qtbot, dialog)
    _closed(qtbot, dialog)

    (made,) = Challenges(vault).list(council="E10000028")
    assert (made.type, made.status) == (ChallengeKind.ADULTS, ChallengeStatus.BOOKED)
    assert (made.start, made.end) == (date(2026, 10, 14), date(2026, 10, 16))
    assert [(p.name, p.role, p.council) for p in made.team] == [
        ("Cllr Jane Smith", PeerRole.LEAD_MEMBER_PEER, None),
        ("Pat Lee", PeerRole.LEAD_MEMBER_PEER, "E07000192"),
        ("Kim Manager", PeerRole.LEAD_MEMBER_PEER, None),
    ]
    assert made.id in [e.id for e in view.model.rows], "the schedule shows it"

    # The schedule changes the team of a challenge already planned.
    _select(qtbot, view.table, lambda e: e.id == made.id)
    _alt(qtbot, shell, Qt.Key.Key_E)  # "Edit t&eam…"
    dialog = _opened(qtbot, view, TeamDialog)
    editor = dialog.editor
    assert editor.ui.peerTable.rowCount() == 3
    editor.ui.peerTable.setFocus()
    editor.ui.peerTable.selectRow(2)
    qtbot.mouseClick(editor.ui.removePeer, LEFT)
    qtbot.keyClicks(editor.ui.peerName, "Sam Green")
    editor.ui.peerRole.setFocus()
    qtbot.keyClicks(editor.ui.peerRole, "d")
    qtbot.keyClick(editor.ui.peerName, Qt.Key.Key_Return)
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    changed = Challenges(vault).get(made.id)
    assert [(p.name, p.role) for p in changed.team] == [
        ("Cllr Jane Smith", PeerRole.LEAD_MEMBER_PEER),
        ("Pat Lee", PeerRole.LEAD_MEMBER_PEER),
        ("Sam Green", PeerRole.DIRECTOR_PEER),
    ]
    assert changed.version == made.version + 1
    assert view.selected() is not None and view.selected().id == made.id
    assert "Sam Green (director peer)" in view.model.data(
        view.model.index(view.model.rows.index(view.selected()), 6)
    )


def test_a_peer_challenge_recorded_by_mistake_is_deleted_after_a_question(
    qtbot, shell, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    vault = shell.session.vault
    (booked,) = Challenges(vault).list(council=BIRMINGHAM)
    view = shell.workspace.go("challenges")
    qtbot.mouseClick(view.delete_button, LEFT)
    assert view.message.text() == "Select a peer challenge in the schedule first."

    asked: list[str] = []

    def answer(reply):
        def question(_parent, _title, text, *_args):
            asked.append(text)
            return reply

        return question

    _select(qtbot, view.table, lambda e: e.id == booked.id)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    _alt(qtbot, shell, Qt.Key.Key_D)  # "&Delete…" (a mnemonic clicks after a short animation)
    qtbot.waitUntil(lambda: bool(asked))
    assert "corporate peer challenge at Birmingham" in asked[0]
    assert "14 September 2026" in asked[0] and "cancelled" in asked[0]
    assert [e.id for e in Challenges(vault).list()] == [booked.id], "No keeps it"

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(view.delete_button, LEFT)
    assert Challenges(vault).list() == []
    assert view.model.rows == [], "the schedule no longer shows it"
    assert view.message.text().startswith("Deleted the corporate peer challenge at Birmingham")
    assert vault.query(
        "SELECT op FROM outbox WHERE record_id = ? ORDER BY seq DESC LIMIT 1", (booked.id,)
    ) == [("delete",)], "a tombstone waits to go to every device"
    assert AuditLog(vault).entries()[-1].action == "delete"


def test_new_peer_challenge_from_the_council_page(qtbot, shell) -> None:
    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    page.tabs.setCurrentIndex(page.CHALLENGES)
    before = len(page.engagements.rows)
    qtbot.mouseClick(_button(page, "New peer challenge"), LEFT)
    dialog = _opened(qtbot, page, ChallengeDialog)
    assert dialog.councils.code() == BIRMINGHAM and _has_focus(dialog.ui.kind)
    qtbot.keyClicks(dialog.ui.kind, "c")
    assert dialog.ui.kind.currentData() == "childrens"
    _retype(qtbot, dialog.ui.end, "2026-12-01")
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == (
        "Fill in “On-site start”: it is needed when an end date is given."
    )
    _retype(qtbot, dialog.ui.start, "2026-12-03")
    _save(qtbot, dialog)
    assert (
        dialog.ui.message.text() == "On-site end: the on-site period cannot end before it starts."
    )
    assert _has_focus(dialog.ui.end)
    _retype(qtbot, dialog.ui.end, "")
    _retype(qtbot, dialog.ui.start, "")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    assert len(page.engagements.rows) == before + 1
    assert page.tabs.currentIndex() == page.CHALLENGES


# -- 4. actions and where they came from -----------------------------------------------------
def test_actions_from_a_note_and_a_challenge_lead_back_to_them(qtbot, shell) -> None:
    vault = shell.session.vault
    note = Notes(vault).list()[0]
    (challenge,) = Challenges(vault).list()

    notes = shell.workspace.go("notes")
    notes.table.setFocus()
    notes.table.selectRow(0)
    _alt(qtbot, shell, Qt.Key.Key_I)  # "Follow-up act&ion…"
    dialog = _opened(qtbot, notes, ActionDialog)
    assert "Budget gap" in dialog.ui.link.text()
    assert dialog.councils.code() == BIRMINGHAM and _has_focus(dialog.ui.title)
    qtbot.keyClicks(dialog.ui.title, "Ask for the recovery plan")
    qtbot.keyClicks(dialog.ui.owner, "Me")
    qtbot.keyClicks(dialog.ui.due, "next week")
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == "Due date: type a date such as 31/12/2026 or 2026-12-31."
    assert _has_focus(dialog.ui.due)
    _retype(qtbot, dialog.ui.due, "31/12/2030")
    qtbot.keyClick(dialog.ui.due, Qt.Key.Key_Return)
    _closed(qtbot, dialog)

    view = shell.workspace.go("challenges")
    _select(qtbot, view.table, lambda e: e.id == challenge.id)
    qtbot.mouseClick(view.action_button, LEFT)
    dialog = _opened(qtbot, view, ActionDialog)
    assert "corporate peer challenge" in dialog.ui.link.text()
    qtbot.keyClicks(dialog.ui.title, "Send the team the position statement")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)

    actions = {a.title: a for a in Actions(vault).list()}
    assert actions["Ask for the recovery plan"].note_id == note.id
    assert actions["Ask for the recovery plan"].due == date(2030, 12, 31)
    assert actions["Send the team the position statement"].engagement_id == challenge.id

    # In the Actions view, Enter on an action opens where it came from.
    view = shell.workspace.go("actions")
    _select(qtbot, view.table, lambda a: a.note_id == note.id)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    notes = shell.workspace.current()
    assert isinstance(notes, NotesView)
    assert "Budget gap" in notes.detail.toPlainText()

    view = shell.workspace.go("actions")
    _select(qtbot, view.table, lambda a: a.engagement_id == challenge.id)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    page = shell.workspace.council_page
    assert shell.workspace.current() is page and page.gss == BIRMINGHAM
    assert page.tabs.currentIndex() == page.CHALLENGES
    assert page.engagements.row(source_row(page.engagements_table)).id == challenge.id


def test_new_action_from_the_actions_view_and_the_council_page(qtbot, shell) -> None:
    vault = shell.session.vault
    view = shell.workspace.go("actions")
    _alt(qtbot, shell, Qt.Key.Key_W)  # "Ne&w action…"
    dialog = _opened(qtbot, view, ActionDialog)
    assert not dialog.ui.link.isVisible()
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == "Say what the action is."
    assert _has_focus(dialog.ui.title)
    qtbot.keyClicks(dialog.ui.title, "Circulate the regional briefing")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    assert [a.title for a in view.model.rows] == ["Circulate the regional briefing"]

    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    page.tabs.setCurrentIndex(page.ACTIONS)
    qtbot.mouseClick(_button(page, "New action"), LEFT)
    dialog = _opened(qtbot, page, ActionDialog)
    qtbot.keyClicks(dialog.ui.title, "Check the MTFS refresh")
    qtbot.keyClicks(dialog.ui.due, "2020-01-01")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    assert [a.title for a in page.actions_model.rows] == ["Check the MTFS refresh"]
    assert "Check the MTFS refresh (due 1 Jan 2020)" in _overview(page)["Overdue actions"]
    (plain,) = [a for a in Actions(vault).list() if a.council == BIRMINGHAM]

    # An action with no note or challenge opens its council's Actions tab.
    view = shell.workspace.go("actions")
    _select(qtbot, view.table, lambda a: a.id == plain.id)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert shell.workspace.current() is page and page.tabs.currentIndex() == page.ACTIONS


# -- 5. council details ----------------------------------------------------------------------
def test_council_details_update_the_flags(qtbot, shell) -> None:
    vault = shell.session.vault
    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    assert _flags(page) == []
    _alt(qtbot, shell, Qt.Key.Key_D)  # "Council &details…"
    dialog = _opened(qtbot, page, CouncilDetailsDialog)
    assert _has_focus(dialog.ui.politicalControl)
    _retype(qtbot, dialog.ui.politicalControl, "No overall control")
    qtbot.keyClicks(dialog.ui.controlChangedOn, "7 May 2026x")
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == (
        "Change of control date: type a date such as 31/12/2026 or 2026-12-31."
    )
    _retype(qtbot, dialog.ui.controlChangedOn, "7 May 2026")
    qtbot.keyClicks(dialog.ui.boardSince, "2025-01-01")
    _save(qtbot, dialog)
    assert dialog.ui.message.text() == (
        "Improvement Board since is set but Improvement Board is false."
    )
    assert _has_focus(dialog.ui.boardSince)
    dialog.ui.improvementBoard.setFocus()
    qtbot.keyClick(dialog.ui.improvementBoard, Qt.Key.Key_Space)
    _save(qtbot, dialog)
    _closed(qtbot, dialog)

    council = Councils(vault).get(BIRMINGHAM)
    assert council.political_control == "No overall control"
    assert council.control_changed_on == date(2026, 5, 7)
    assert council.improvement_board and council.improvement_board_since == date(2025, 1, 1)
    assert _flags(page) == [
        "Improvement Board since 1 Jan 2025",
        "Change of political control 7 May 2026",
    ]
    entry = [e for e in AuditLog(vault).for_record(council.id) if e.action == "edit"][-1]
    assert "improvement_board_since" in entry.detail
    # A new control with its date is a change of control: history and the five member peer days.
    (change,) = PoliticalControl(vault).history(BIRMINGHAM)
    assert (change.date, change.to_control) == (date(2026, 5, 7), "No overall control")
    (offer,) = PoliticalControl(vault).member_support(BIRMINGHAM)
    assert offer.days_offered == 5 and offer.days_used == 0


def test_council_details_without_a_date_correct_the_control_without_a_change(qtbot, shell) -> None:
    vault = shell.session.vault
    shell.workspace.open_council(BIRMINGHAM)
    page = shell.workspace.council_page
    _alt(qtbot, shell, Qt.Key.Key_D)
    dialog = _opened(qtbot, page, CouncilDetailsDialog)
    _retype(qtbot, dialog.ui.politicalControl, "Labour")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    assert Councils(vault).get(BIRMINGHAM).political_control == "Labour"
    assert PoliticalControl(vault).history(BIRMINGHAM) == []
    assert PoliticalControl(vault).member_support(BIRMINGHAM) == []


# -- keyboard and screen readers -------------------------------------------------------------
def _dialogs(vault):
    note = Notes(vault).list()[0]
    (challenge,) = Challenges(vault).list()
    return [
        NoteEditDialog(vault, note.id),
        ContactDialog(vault, BIRMINGHAM),
        ChallengeDialog(vault),
        TeamDialog(vault, challenge.id),
        ActionDialog(vault, note=note),
        CouncilDetailsDialog(vault, BIRMINGHAM),
    ]


INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QCheckBox, QTableWidget, QPushButton)


def test_every_control_is_named_and_reached_by_tab(qtbot, shell) -> None:
    for dialog in _dialogs(shell.session.vault):
        qtbot.addWidget(dialog)
        dialog.show()
        _activate(qtbot, dialog)
        controls = [
            w
            for w in dialog.findChildren(QWidget)
            if isinstance(w, INPUTS)
            and w.isVisible()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(w.parent(), QComboBox)
        ]
        for control in controls:
            name = control.accessibleName() or getattr(control, "text", lambda: "")()
            assert name, f"{type(dialog).__name__}: {control.objectName()} has no name"
        reached = []
        first = QApplication.focusWidget()
        for _ in range(len(controls) + 2):
            widget = QApplication.focusWidget()
            if widget not in reached:
                reached.append(widget)
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
            if QApplication.focusWidget() is first:
                break
        missing = [c.objectName() or c.text() for c in controls if c not in reached]
        assert not missing, f"{type(dialog).__name__}: Tab never reaches {missing}"
        dialog.reject()


def test_the_team_follows_the_scope_in_tab_order(qtbot, shell) -> None:
    dialog = ChallengeDialog(shell.session.vault)
    qtbot.addWidget(dialog)
    dialog.show()
    _activate(qtbot, dialog)
    dialog.ui.scope.setFocus()
    order = []
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order[:7] == [
        "peerTable",
        "peerName",
        "peerRole",
        "peerOrganisation",
        "peerCouncil",
        "addPeer",
        "removePeer",
    ]
    assert order[7] == "" and isinstance(QApplication.focusWidget(), QPushButton)  # Save


def test_choosing_the_highlighted_view_again_leaves_a_council_page(qtbot, shell) -> None:
    """A council page opened from the councils list keeps "Councils" highlighted; clicking it,
    or pressing Enter on it, goes back to the list (Qt signals no row change for that)."""
    workspace = shell.workspace
    councils = workspace.go("councils")
    for leave in ("click", "enter"):
        workspace.open_council(BIRMINGHAM)
        assert workspace.stack.currentWidget() is workspace.council_page
        item = workspace.nav.currentItem()
        assert item.data(256) == "councils"
        if leave == "click":
            centre = workspace.nav.visualItemRect(item).center()
            qtbot.mouseClick(workspace.nav.viewport(), LEFT, pos=centre)
        else:
            workspace.nav.setFocus()
            qtbot.keyClick(workspace.nav, Qt.Key.Key_Return)
        assert workspace.stack.currentWidget() is councils, leave
