"""A peer challenge: council, kind, where it stands, the on-site dates, venue and timetable,
scope and team. The same form edits an existing challenge's details; its status moves with
the schedule's Move controls and its team with Edit team, so both are left alone there."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ...domain import Challenge, ChallengeKind, ChallengeStatus
from ...domain.timetable import TimetableEntry, parse_lines
from ...formats import short_date
from ...vault.challenges import Challenges
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog, chain, embed, parse_date
from .council_choice import CouncilChoice
from .team import TeamEditor, interest_checker


def lines_high(editor: QPlainTextEdit, least: int, most: int) -> None:
    """Between ``least`` and ``most`` lines of the editor's font tall, so the form still fits a
    small screen at a large text size (tests/gui/test_fits_screen.py) whatever the font."""
    frame = editor.frameWidth() * 2 + int(editor.document().documentMargin() * 2)
    line = editor.fontMetrics().lineSpacing()
    editor.setMinimumHeight(least * line + frame)
    editor.setMaximumHeight(most * line + frame)


def timetable_text(entries: list[TimetableEntry]) -> str:
    """The timetable as the form shows it, one entry a line, dates the British way; the form
    reads these lines back as they are ("10 Mar 2026 09:00 Arrival and welcome")."""
    return "\n".join(t.line(short_date) for t in entries)


class ChallengeDialog(FormDialog):
    KIND = "engagement"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "council": ("council", "Council"),
        "type": ("kind", "Kind"),
        "status": ("status", "Status"),
        "start": ("start", "On-site start"),
        "end": ("end", "On-site end"),
        "venue": ("venue", "Venue"),
        "timetable": ("timetable", "Timetable"),
        "scope": ("scope", "Scope"),
        "team": ("peerTable", "Team"),
    }

    def __init__(
        self,
        vault: Vault,
        council: str | None = None,
        parent: QWidget | None = None,
        engagement: Challenge | None = None,
    ) -> None:
        title = "Peer challenge details" if engagement else "New peer challenge"
        super().__init__("engagement.ui", title, parent)
        self.vault = vault
        self.engagement = engagement
        self.resize(680, 700)
        names = Councils(vault).names()
        self.councils = CouncilChoice(self.ui.council, names)
        self.councils.set_code(engagement.council if engagement else council)
        for kind in ChallengeKind:
            self.ui.kind.addItem(kind.label, kind.value)
        for status in ChallengeStatus:
            if status is not ChallengeStatus.CANCELLED or engagement:
                self.ui.status.addItem(status.value.capitalize(), status.value)
        self.team = TeamEditor(
            names, checker=interest_checker(vault, lambda: self.councils.resolve() or None)
        )
        embed(self.ui.teamHost, self.team)
        self.team.problem.connect(self.show_message)
        lines_high(self.ui.venue, 2, 4)  # an address
        lines_high(self.ui.timetable, 2, 6)
        if engagement is None:
            chain(self.ui.scope, *self.team.focus_chain(), self.ui.buttons)
            (self.ui.kind if council else self.ui.council).setFocus()
        else:
            self._show(engagement)
            chain(self.ui.scope, self.ui.buttons)
            self.ui.kind.setFocus()

    def _show(self, e: Challenge) -> None:
        """An existing challenge: its details to edit; council, status and team shown by the
        schedule, and changed there (Move, Edit team), so they are not offered here."""
        ui = self.ui
        ui.council.setEnabled(False)
        ui.kind.setCurrentIndex(ui.kind.findData(e.type.value))
        ui.status.setCurrentIndex(ui.status.findData(e.status.value))
        ui.status.setEnabled(False)
        ui.status.setToolTip("Move a challenge along with the schedule's Move controls.")
        # Day-first digits, as the field's hint asks: read back whatever the desktop's language.
        ui.start.setText(f"{e.start:%d/%m/%Y}" if e.start else "")
        ui.end.setText(f"{e.end:%d/%m/%Y}" if e.end else "")
        ui.venue.setPlainText(e.venue)
        ui.timetable.setPlainText(timetable_text(e.timetable))
        ui.scope.setPlainText(e.scope)
        ui.teamHost.setVisible(False)
        self.resize(680, 500)  # no team editor below: the fields need not spread out

    def store(self) -> Challenge | None:
        details = {
            "type": self.ui.kind.currentData(),
            "start": parse_date(self.ui.start.text(), "start"),
            "end": parse_date(self.ui.end.text(), "end"),
            "venue": self.ui.venue.toPlainText(),
            "timetable": parse_lines(self.ui.timetable.toPlainText()),
            "scope": self.ui.scope.toPlainText(),
        }
        if self.engagement is not None:
            return Challenges(self.vault).edit(self.engagement.id, **details)
        if self.team.pending() and not self.team.add_peer():
            return None
        council = self.councils.code()
        conflicts = self.team.unconfirmed()
        if conflicts:  # peers added before the council was chosen: warn once, then save
            self.team.confirm_all()
            first = next(iter(conflicts.values()))
            self.show_message(f"Conflict of interest: {first}. Press Save again to save anyway.")
            return None
        return Challenges(self.vault).add(
            council=council,
            status=ChallengeStatus(self.ui.status.currentData()),
            team=self.team.team(),
            **details,
        )
