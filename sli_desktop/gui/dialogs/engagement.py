"""A new peer challenge: council, kind, where it stands, the on-site dates, scope and team."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...domain import Engagement, EngagementKind, EngagementStatus
from ...vault.councils import Councils
from ...vault.engagements import Engagements
from ...vault.store import Vault
from .base import FormDialog, chain, embed, parse_date
from .council_choice import CouncilChoice
from .team import TeamEditor, interest_checker


class EngagementDialog(FormDialog):
    KIND = "engagement"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "council": ("council", "Council"),
        "type": ("kind", "Kind"),
        "status": ("status", "Status"),
        "start": ("start", "On-site start"),
        "end": ("end", "On-site end"),
        "scope": ("scope", "Scope"),
        "team": ("peerTable", "Team"),
    }

    def __init__(
        self, vault: Vault, council: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("engagement.ui", "New peer challenge", parent)
        self.vault = vault
        self.resize(680, 640)
        names = Councils(vault).names()
        self.councils = CouncilChoice(self.ui.council, names)
        self.councils.set_code(council)
        for kind in EngagementKind:
            self.ui.kind.addItem(kind.label, kind.value)
        for status in EngagementStatus:
            if status is not EngagementStatus.CANCELLED:
                self.ui.status.addItem(status.value.capitalize(), status.value)
        self.team = TeamEditor(
            names, checker=interest_checker(vault, lambda: self.councils.resolve() or None)
        )
        embed(self.ui.teamHost, self.team)
        self.team.problem.connect(self.show_message)
        chain(self.ui.scope, *self.team.focus_chain(), self.ui.buttons)
        (self.ui.kind if council else self.ui.council).setFocus()

    def store(self) -> Engagement | None:
        if self.team.pending() and not self.team.add_peer():
            return None
        council = self.councils.code()
        conflicts = self.team.unconfirmed()
        if conflicts:  # peers added before the council was chosen: warn once, then save
            self.team.confirm_all()
            first = next(iter(conflicts.values()))
            self.show_message(f"Conflict of interest: {first}. Press Save again to save anyway.")
            return None
        return Engagements(self.vault).add(
            council=council,
            type=self.ui.kind.currentData(),
            status=EngagementStatus(self.ui.status.currentData()),
            start=parse_date(self.ui.start.text(), "start"),
            end=parse_date(self.ui.end.text(), "end"),
            scope=self.ui.scope.toPlainText(),
            team=self.team.team(),
        )
