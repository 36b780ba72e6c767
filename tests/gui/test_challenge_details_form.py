"""The peer challenge form takes the venue and the timetable on site (issue 23, item 5): typed
in a new challenge, edited on an existing one from the schedule (Edit details), dates read
the British way, and a line it cannot read refused in one sentence beside the field."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sli_desktop.domain import Challenge, ChallengeKind, ChallengeStatus
from sli_desktop.domain.timetable import TimetableEntry
from sli_desktop.gui.dialogs.challenge import ChallengeDialog
from sli_desktop.vault.challenges import Challenges
from tests.gui.conftest import unlock_window
from tests.gui.test_forms import (
    BIRMINGHAM,
    LEFT,
    POPUPS,
    _closed,
    _has_focus,
    _opened,
    _pick_council,
    _retype,
    _save,
    _select,
)

START, END = date(2026, 9, 14), date(2026, 9, 16)


@pytest.fixture
def shell(qtbot, make_shell, councils_vault, vault_path: Path):
    """The window over councils with one booked challenge at Birmingham, venue and all."""
    Challenges(councils_vault).add(
        council=BIRMINGHAM,
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=START,
        end=END,
        venue="Council House\nVictoria Square",
        timetable=[
            {"day": START, "at": "09:00", "what": "Arrival and welcome"},
            {"day": END, "what": "Feedback"},
        ],
    )
    councils_vault.close()
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def _type_lines(qtbot, editor, *lines: str) -> None:
    """Type over what an editor holds, pressing Return between lines as a person does."""
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    for i, line in enumerate(lines):
        if i:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.keyClicks(editor, line)


def _only(shell) -> Challenge:
    found = Challenges(shell.session.vault).list()
    assert len(found) == 1
    return found[0]


def test_edit_details_shows_the_venue_and_timetable_and_saves_changes(qtbot, shell) -> None:
    view = shell.workspace.go("challenges")
    _select(qtbot, view.table, lambda e: e.council == BIRMINGHAM)
    qtbot.mouseClick(view.details_button, LEFT)
    dialog = _opened(qtbot, view, ChallengeDialog)
    ui = dialog.ui
    assert dialog.windowTitle() == "Peer challenge details"
    assert not ui.council.isEnabled() and not ui.status.isEnabled()
    assert not ui.teamHost.isVisible()  # the team is Edit team's
    assert ui.start.text() == "14/09/2026" and ui.end.text() == "16/09/2026"
    assert ui.venue.toPlainText() == "Council House\nVictoria Square"
    assert ui.timetable.toPlainText() == (
        "14 Sep 2026 09:00 Arrival and welcome\n16 Sep 2026 Feedback"
    )
    _retype(qtbot, ui.venue, "Room 4, Council House")
    ui.timetable.setFocus()
    qtbot.keyClick(ui.timetable, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(ui.timetable, Qt.Key.Key_Return)
    qtbot.keyClicks(ui.timetable, "15/09/2026 10:30 Interviews with partners")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    e = _only(shell)
    assert e.venue == "Room 4, Council House" and e.version == 2
    assert e.status is ChallengeStatus.BOOKED and e.start == START
    assert e.timetable == [
        TimetableEntry(day=START, at=time(9), what="Arrival and welcome"),
        TimetableEntry(day=date(2026, 9, 15), at=time(10, 30), what="Interviews with partners"),
        TimetableEntry(day=END, what="Feedback"),
    ]


def test_a_timetable_it_cannot_use_is_refused_beside_the_field(qtbot, shell) -> None:
    view = shell.workspace.go("challenges")
    _select(qtbot, view.table, lambda e: e.council == BIRMINGHAM)
    qtbot.mouseClick(view.details_button, LEFT)
    dialog = _opened(qtbot, view, ChallengeDialog)
    ui = dialog.ui
    _type_lines(qtbot, ui.timetable, "14/09/2026 09:00 Arrival", "next Tuesday: site visits")
    _save(qtbot, dialog)
    assert ui.message.text() == (
        "Timetable: on line 2, “next” is not a day; start the entry with its day: "
        "10/03/2026 09:00 Arrival and welcome."
    )
    assert _has_focus(ui.timetable) and dialog.isVisible()
    _retype(qtbot, ui.timetable, "20/09/2026 Feedback")
    _save(qtbot, dialog)
    assert ui.message.text() == "Timetable: “Feedback” is not on one of the on-site days."
    _type_lines(qtbot, ui.venue, *"abcdefghi")
    _type_lines(qtbot, ui.timetable)
    _save(qtbot, dialog)
    assert ui.message.text() == "Venue: must fit on 8 lines."
    assert _has_focus(ui.venue)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    _closed(qtbot, dialog)
    assert _only(shell).version == 1  # nothing was written


@POPUPS
def test_a_new_challenge_takes_venue_and_timetable(qtbot, shell) -> None:
    view = shell.workspace.go("challenges")
    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view, ChallengeDialog)
    ui = dialog.ui
    assert dialog.windowTitle() == "New peer challenge" and ui.teamHost.isVisible()
    _pick_council(qtbot, ui.council, "stafford")
    ui.status.setFocus()
    qtbot.keyClicks(ui.status, "b")
    _retype(qtbot, ui.start, "2026-11-03")
    _retype(qtbot, ui.end, "4 Nov 2026")
    _type_lines(qtbot, ui.venue, "Civic Centre", "Riverside, Stafford")
    _type_lines(qtbot, ui.timetable, "4 Nov 2026 12:00 Feedback", "3 Nov 2026 09:15 Arrival")
    _save(qtbot, dialog)
    _closed(qtbot, dialog)
    new = [e for e in Challenges(shell.session.vault).list() if e.council != BIRMINGHAM]
    assert len(new) == 1
    assert new[0].venue == "Civic Centre\nRiverside, Stafford"
    assert [(t.day, t.at, t.what) for t in new[0].timetable] == [
        (date(2026, 11, 3), time(9, 15), "Arrival"),
        (date(2026, 11, 4), time(12), "Feedback"),
    ]


def test_moving_the_dates_away_from_the_timetable_says_what_to_do(qtbot, shell) -> None:
    view = shell.workspace.go("challenges")
    _select(qtbot, view.table, lambda e: e.council == BIRMINGHAM)
    view.move_to.setCurrentIndex(view.move_to.findText("on site"))
    view.start.setDate(date(2026, 10, 5))
    view.end.setDate(date(2026, 10, 7))
    qtbot.mouseClick(view.move_button, LEFT)
    assert view.message.text() == (
        "The timetable has a day outside these on-site dates: change it with Edit details "
        "first, then move."
    )
    assert _only(shell).status is ChallengeStatus.BOOKED
