"""What advisers know about a council beyond the register: who runs it, when that changed,
and whether it is on the Improvement Board. A register import never overwrites these."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from ...domain import Council
from ...vault.control import PoliticalControl
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog, date_text, parse_date

#: Offered in the list; anything else can be typed (a coalition, a new party).
CONTROL = [
    "Conservative",
    "Green",
    "Independent",
    "Labour",
    "Liberal Democrat",
    "No overall control",
    "Reform UK",
]


class CouncilDetailsDialog(FormDialog):
    KIND = "council"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "political_control": ("politicalControl", "Political control"),
        "control_changed_on": ("controlChangedOn", "Change of control date"),
        "improvement_board": ("improvementBoard", "Improvement Board"),
        "improvement_board_since": ("boardSince", "Improvement Board since"),
    }

    def __init__(self, vault: Vault, gss: str, parent: QWidget | None = None) -> None:
        super().__init__("council_details.ui", "Council details", parent)
        self.vault = vault
        self.resize(520, 260)
        councils = Councils(vault)
        self.council = councils.get(gss)
        c = self.council
        self.ui.heading.setText(f"<b>{html.escape(c.name)}</b> · {c.gss_code}")
        known = {x.political_control for x in councils.list() if x.political_control}
        self.ui.politicalControl.addItems(sorted(known | set(CONTROL)))
        self.ui.politicalControl.setEditText(c.political_control)
        self.ui.controlChangedOn.setText(date_text(c.control_changed_on))
        self.ui.improvementBoard.setChecked(c.improvement_board)
        self.ui.boardSince.setText(date_text(c.improvement_board_since))
        self.ui.politicalControl.setFocus()

    def store(self) -> Council:
        return PoliticalControl(self.vault).set_details(
            self.council.gss_code,
            political_control=" ".join(self.ui.politicalControl.currentText().split()),
            control_changed_on=parse_date(self.ui.controlChangedOn.text(), "control_changed_on"),
            improvement_board=self.ui.improvementBoard.isChecked(),
            improvement_board_since=parse_date(
                self.ui.boardSince.text(), "improvement_board_since"
            ),
        )
