"""A new follow-up action. Opened from a note or a peer challenge it keeps the link, so the
Actions list can lead back to where the action came from."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from ...domain import Action, Challenge, Note
from ...formats import short_date
from ...vault.actions import Actions
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog, parse_date
from .council_choice import CouncilChoice


class ActionDialog(FormDialog):
    KIND = "action"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "title": ("title", "Action"),
        "owner": ("owner", "Owner"),
        "due": ("due", "Due date"),
        "council": ("council", "Council"),
    }

    def __init__(
        self,
        vault: Vault,
        council: str | None = None,
        *,
        note: Note | None = None,
        engagement: Challenge | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("action.ui", "New action", parent)
        self.vault = vault
        self.note = note
        self.engagement = engagement
        self.resize(560, 280)
        names = Councils(vault).names()
        self.councils = CouncilChoice(self.ui.council, names)
        source = note or engagement
        self.councils.set_code(council or (source.council if source else None))
        if note is not None:
            self.setWindowTitle("Follow-up action")
            self.ui.link.setText(
                f"Follow-up of the note <b>{html.escape(note.title)}</b> ({short_date(note.date)})"
            )
        elif engagement is not None:
            self.setWindowTitle("Follow-up action")
            self.ui.link.setText(
                f"Follow-up of the <b>{html.escape(engagement.type.label.lower())}</b> at "
                f"{html.escape(names.get(engagement.council, engagement.council))} "
                f"({engagement.status.value})"
            )
        else:
            self.ui.link.hide()
        self.ui.title.setFocus()

    def store(self) -> Action:
        return Actions(self.vault).add(
            title=self.ui.title.text(),
            owner=self.ui.owner.text(),
            due=parse_date(self.ui.due.text(), "due"),
            council=self.councils.code(required=False),
            note_id=self.note.id if self.note else None,
            engagement_id=self.engagement.id if self.engagement else None,
        )
