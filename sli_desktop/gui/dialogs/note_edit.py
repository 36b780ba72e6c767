"""Editing a note in the same form it was captured in. Only the fields that changed are
written, so the note's edit history says what each edit touched."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...domain import Note, ValidationError
from ...formats import date_time
from ...vault.notes import Notes
from ...vault.reads import Reads
from ...vault.store import Vault
from ..quick_note import NoteDialog
from .base import date_text, parse_date


class NoteEditDialog(NoteDialog):
    def __init__(self, vault: Vault, note_id: str, parent: QWidget | None = None) -> None:
        note = Notes(vault).get(note_id)
        super().__init__(vault, "Edit note", parent)
        self.note = note
        Reads(vault).record(note, via="window")  # the form shows the note in full
        self.set_values(self.note.to_json())
        self.ui.date.setText(date_text(self.note.date))
        self.show_message(
            f"Version {self.note.version}, last changed {date_time(self.note.updated_at)}.",
            error=False,
        )
        self.ui.title.setFocus()

    def _concern_changed(self, level: str) -> None:
        if level != self.note.concern.value:
            super()._concern_changed(level)

    def changes(self) -> dict[str, Any]:
        """What the form changes, as the domain would store it (themes tidied, and so on)."""
        values = self.values()
        values["council"] = self.councils.code()
        values["date"] = parse_date(self.ui.date.text(), "date")
        values["review_by"] = parse_date(values["review_by"] or "", "review_by")
        if values["date"] is None:
            raise ValidationError("date", "is required")
        if not values["council_aware"]:
            values["council_aware_on"] = None
        candidate = self.note.evolve(**values)
        return {k: v for k, v in values.items() if getattr(candidate, k) != getattr(self.note, k)}

    def store(self) -> Note | None:
        changes = self.changes()
        if not changes:
            self.accept()  # nothing to write: no new version for an unchanged note
            return None
        asked = {"concern", "council_aware"} & changes.keys()
        if asked and not self.confirmed_awareness(self.values()):
            return None
        return Notes(self.vault).edit(self.note.id, **changes)
