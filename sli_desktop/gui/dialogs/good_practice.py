"""Good practice: what a council did, the outcome and whom to ask. Shared with every region
at the next sync, so the form says so."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget

from ...domain import Note
from ...vault.councils import Councils
from ...vault.goodpractice import GoodPractice
from ...vault.store import Vault
from .base import FormDialog, date_text, parse_date
from .council_choice import CouncilChoice


class GoodPracticeDialog(FormDialog):
    KIND = "note"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "council": ("council", "Council"),
        "title": ("title", "What they did"),
        "body": ("body", "How"),
        "outcome": ("outcome", "Outcome"),
        "contact": ("contact", "Contact"),
        "themes": ("themes", "Themes"),
        "date": ("date", "Date"),
    }

    def __init__(
        self,
        vault: Vault,
        council: str | None = None,
        existing: Note | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("good_practice.ui", "Good practice", parent)
        self.vault = vault
        self.existing = existing
        self.resize(620, 440)
        self.ui.heading.setText(
            "Good practice is shared with advisers in <b>every region</b> at the next sync."
        )
        self.councils = CouncilChoice(self.ui.council, Councils(vault).names())
        self.councils.set_code(existing.council if existing else council)
        self.ui.date.setText(date_text(existing.date if existing else date.today()))
        if existing is not None:
            self.setWindowTitle("Edit good practice")
            self.ui.council.setEnabled(False)
            self.ui.title.setText(existing.title)
            self.ui.body.setPlainText(existing.body)
            self.ui.outcome.setText(existing.outcome)
            self.ui.contact.setText(existing.contact)
            self.ui.themes.setText(", ".join(existing.themes))
        if council or existing:
            self.ui.title.setFocus()
        else:
            self.ui.council.setFocus()

    def store(self) -> Note:
        fields = {
            "title": self.ui.title.text(),
            "body": self.ui.body.toPlainText(),
            "outcome": self.ui.outcome.text(),
            "contact": self.ui.contact.text(),
            "themes": [t for t in self.ui.themes.text().split(",") if t.strip()],
            "date": parse_date(self.ui.date.text(), "date") or date.today(),
        }
        service = GoodPractice(self.vault)
        if self.existing is not None:
            return service.edit(self.existing.id, **fields)
        return service.add(council=self.councils.code(), **fields)
