"""Recording or editing a council's Improvement Board: members, dates, and the three adult
social care sign-off elements, with whether they align ("ready to present") shown as you type."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from ...domain import ImprovementBoard, SignOffElement, SignOffStatus, ValidationError
from ...vault.boards import Boards, members_from
from ...vault.councils import Councils
from ...vault.store import Vault
from ..theme import CONCERN_COLOURS
from .base import FormDialog, date_text, parse_date

_ELEMENT_WIDGETS = {
    SignOffElement.PROGRESS_REPORT: ("reportStatus", "reportOn"),
    SignOffElement.PEER_CHALLENGE: ("challengeStatus", "challengeOn"),
    SignOffElement.ENDORSEMENT: ("endorsementStatus", "endorsementOn"),
}


def readiness_text(board: ImprovementBoard, today: date) -> str:
    """One line for the window: ready, or the first reasons it is not."""
    readiness = board.readiness(today)
    if readiness.ready:
        return "<b>Ready to present</b>: all three sign-off elements align."
    colour = CONCERN_COLOURS["medium"]
    return (
        f"<b style='color:{colour}'>Not ready to present</b>: " + "; ".join(readiness.missing) + "."
    )


class BoardDialog(FormDialog):
    KIND = ImprovementBoard.kind
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "start": ("start", "Start"),
        "end": ("end", "End"),
        "meetings": ("meetings", "Meetings"),
        "members": ("members", "Members"),
        "terms_agreed_on": ("termsAgreed", "Terms agreed on"),
        "report_status": ("reportStatus", "Progress report"),
        "report_on": ("reportOn", "Progress report signed off on"),
        "challenge_status": ("challengeStatus", "Peer challenge result"),
        "challenge_on": ("challengeOn", "Peer challenge result signed off on"),
        "endorsement_status": ("endorsementStatus", "Endorsement"),
        "endorsement_on": ("endorsementOn", "Endorsed on"),
        "peer_director": ("peerDirector", "Independent peer director"),
    }

    def __init__(
        self,
        vault: Vault,
        council: str,
        board_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit Improvement Board" if board_id else "New Improvement Board"
        super().__init__("board.ui", title, parent)
        self.vault = vault
        self.resize(640, 620)
        self.board = Boards(vault).get(board_id) if board_id else None
        self.council = Councils(vault).get(self.board.council if self.board else council)
        self.ui.heading.setText(f"<b>{self.council.name}</b>: Improvement Board")
        for status_widget, _on in _ELEMENT_WIDGETS.values():
            combo = getattr(self.ui, status_widget)
            for status in SignOffStatus:
                combo.addItem(status.value.capitalize(), status.value)
            combo.currentIndexChanged.connect(self._update_readiness)
        for _s, on_widget in _ELEMENT_WIDGETS.values():
            getattr(self.ui, on_widget).textChanged.connect(self._update_readiness)
        self.ui.termsAgreed.textChanged.connect(self._update_readiness)
        if self.board is not None:
            self._fill(self.board)
        self._update_readiness()
        self.ui.start.setFocus()

    def _fill(self, board: ImprovementBoard) -> None:
        ui = self.ui
        ui.start.setText(date_text(board.start))
        ui.end.setText(date_text(board.end))
        ui.meetings.setText(", ".join(d.isoformat() for d in board.meetings))
        lines = []
        for member in board.members:
            parts = [member.name, member.role, member.organisation]
            while not parts[-1]:
                parts.pop()
            lines.append(" | ".join(parts))
        ui.members.setPlainText("\n".join(lines))
        ui.termsAgreed.setText(date_text(board.terms_agreed_on))
        for element, (status_widget, on_widget) in _ELEMENT_WIDGETS.items():
            combo = getattr(ui, status_widget)
            combo.setCurrentIndex(combo.findData(board.status(element).value))
            getattr(ui, on_widget).setText(date_text(board.signed_on(element)))
        ui.peerDirector.setText(board.peer_director)

    def values(self) -> dict[str, Any]:
        """What the form says, as the domain's fields (a mistake raises with its field)."""
        ui = self.ui
        meetings = [
            parse_date(part, "meetings") for part in ui.meetings.text().split(",") if part.strip()
        ]
        lines = [line for line in ui.members.toPlainText().splitlines() if line.strip()]
        values: dict[str, Any] = {
            "start": parse_date(ui.start.text(), "start"),
            "end": parse_date(ui.end.text(), "end"),
            "meetings": meetings,
            "members": members_from(lines),
            "terms_agreed_on": parse_date(ui.termsAgreed.text(), "terms_agreed_on"),
            "peer_director": ui.peerDirector.text(),
        }
        for element, (status_widget, on_widget) in _ELEMENT_WIDGETS.items():
            values[f"{element.value}_status"] = SignOffStatus(
                getattr(ui, status_widget).currentData()
            )
            values[f"{element.value}_on"] = parse_date(
                getattr(ui, on_widget).text(), f"{element.value}_on"
            )
        return values

    def _update_readiness(self, *_args: object) -> None:
        try:
            candidate = ImprovementBoard.build(council=self.council.gss_code, **self.values())
        except ValidationError as exc:
            self.ui.readiness.setText(f"Not ready to present: {exc.message}.")
            return
        self.ui.readiness.setText(readiness_text(candidate, self.vault.now().date()))

    def store(self) -> ImprovementBoard | None:
        values = self.values()
        boards = Boards(self.vault)
        if self.board is None:
            return boards.add(council=self.council.gss_code, **values)
        candidate = self.board.evolve(**values)
        changed = {
            k: v for k, v in values.items() if getattr(candidate, k) != getattr(self.board, k)
        }
        if not changed:
            self.accept()
            return None
        return boards.edit(self.board.id, **changed)
