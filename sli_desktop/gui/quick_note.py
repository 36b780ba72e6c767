"""Quick note capture (Ctrl+Shift+N from anywhere). What is typed is saved, encrypted, in the
vault as a draft while typing, so it survives an auto-lock or a crash.

``NoteDialog`` is the note form both capture and editing (dialogs/note_edit.py) use."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QDialog, QLineEdit, QWidget

from ..domain import ConcernLevel, Marking, Note, NoteSource, ValidationError
from ..domain.plain import plain
from ..vault.councils import Councils
from ..vault.drafts import Drafts
from ..vault.notes import Notes
from ..vault.store import Vault
from .dialogs.base import FormDialog, parse_date
from .dialogs.council_choice import CouncilChoice

DRAFT = "quick-note"
_FIELD_WIDGETS = {
    "council": "council",
    "title": "title",
    "body": "body",
    "themes": "themes",
    "evidence": "evidence",
    "concern": "concern",
    "source": "source",
    "marking": "marking",
    "date": "date",
    "council_aware_on": "councilAware",
}


#: The form's labels, for refusals that name the field to fix.
_FIELD_LABELS = {
    "council": "Council",
    "title": "Title",
    "body": "Note",
    "themes": "Themes",
    "evidence": "Evidence",
    "concern": "Concern",
    "source": "Source",
    "marking": "Marking",
    "date": "Date",
    "review_by": "Review by",
    "council_aware_on": "Council aware on",
}


class NoteDialog(FormDialog):
    """The note form (quick_note.ui): its values, and the evidence and awareness checks every
    note passes before it is written."""

    KIND = "note"

    def __init__(self, vault: Vault, title: str, parent: QWidget | None = None) -> None:
        super().__init__("quick_note.ui", title, parent)
        self.vault = vault
        self.resize(640, 620)
        self._confirmed_unaware = False
        self.councils = CouncilChoice(self.ui.council, Councils(vault).names())
        self.ui.concern.addItems([c.value for c in ConcernLevel])
        self.ui.source.addItems([s.value for s in NoteSource])
        self.ui.marking.addItems([m.value for m in Marking])
        self.ui.concern.currentTextChanged.connect(self._concern_changed)
        # Incomplete notes (a concern without its evidence) may be kept as drafts: on this
        # device only, not synced or briefed until complete (vault/notes.py).
        self.draft = QCheckBox("Save as a draft: kept on this device until complete")
        self.draft.setAccessibleName("Save as a draft")
        self.ui.form.addRow("", self.draft)
        # Retention: blank takes the default for the note's marking (Settings).
        self.review_by = QLineEdit()
        self.review_by.setAccessibleName("Review by")
        self.review_by.setPlaceholderText("YYYY-MM-DD; blank: the default for its marking")
        self.ui.form.addRow("Review by", self.review_by)

    # -- values ----------------------------------------------------------------------------
    def council_code(self) -> str:
        return self.councils.resolve()

    def values(self) -> dict[str, Any]:
        return {
            "council": self.council_code(),
            "title": self.ui.title.text(),
            "body": self.ui.body.toPlainText(),
            "themes": [t for t in self.ui.themes.text().split(",") if t.strip()],
            "concern": self.ui.concern.currentText(),
            "evidence": [e for e in self.ui.evidence.toPlainText().splitlines() if e.strip()],
            "source": self.ui.source.currentText(),
            "council_aware": self.ui.councilAware.isChecked(),
            "marking": self.ui.marking.currentText(),
            "private": self.ui.private.isChecked(),
            "draft": self.draft.isChecked(),
            "review_by": self.review_by.text().strip() or None,
        }

    def set_values(self, values: dict[str, Any]) -> None:
        if values.get("council") in self.councils.codes:
            self.councils.set_code(values["council"])
        self.ui.title.setText(values.get("title", ""))
        self.ui.body.setPlainText(values.get("body", ""))
        self.ui.themes.setText(", ".join(values.get("themes", [])))
        self.ui.evidence.setPlainText("\n".join(values.get("evidence", [])))
        for name in ("concern", "source", "marking"):
            if values.get(name):
                getattr(self.ui, name).setCurrentText(values[name])
        self.ui.councilAware.setChecked(bool(values.get("council_aware")))
        self.ui.private.setChecked(bool(values.get("private")))
        self.draft.setChecked(bool(values.get("draft")))
        self.review_by.setText(str(values.get("review_by") or ""))

    def has_content(self) -> bool:
        v = self.values()
        return bool(v["title"].strip() or v["body"].strip() or v["evidence"])

    # -- checks ----------------------------------------------------------------------------
    def _concern_changed(self, level: str) -> None:
        if level and ConcernLevel(level).needs_evidence:
            self.show_message(
                f"A {level} concern must cite its evidence, one reference per "
                "line. Does the council know this is being shared?",
                error=False,
            )
        else:
            self.ui.message.clear()

    def confirmed_awareness(self, values: dict[str, Any]) -> bool:
        """A high or serious concern the council does not know about is saved only when the
        adviser presses Save a second time, having been asked."""
        concern = ConcernLevel(values["concern"])
        if concern.needs_evidence and not values["council_aware"] and not self._confirmed_unaware:
            self._confirmed_unaware = True
            self.show_message(
                "The council is not marked as knowing this is being shared. "
                "Tick the box if it does, or press Save again to save it as not "
                "yet aware.",
                error=False,
            )
            self.ui.councilAware.setFocus()
            return False
        return True

    def refuse(self, exc: ValidationError) -> None:
        """One sentence in the form's words that says what to do (domain/plain.py)."""
        label = _FIELD_LABELS.get(exc.field, exc.field.replace("_", " ").capitalize())
        self.show_message(plain("note", label, exc.message))
        if exc.field == "review_by":
            self.review_by.setFocus()
            return
        getattr(self.ui, _FIELD_WIDGETS.get(exc.field, "title")).setFocus()


class QuickNoteDialog(NoteDialog):
    def __init__(
        self, vault: Vault, council: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(vault, "Quick note", parent)
        self.ui.form.setRowVisible(self.ui.date, False)  # quick notes are today's

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(300)
        self._autosave.timeout.connect(self.save_draft)
        for signal in (
            self.ui.title.textChanged,
            self.ui.body.textChanged,
            self.ui.themes.textChanged,
            self.ui.evidence.textChanged,
            self.ui.council.currentTextChanged,
            self.ui.concern.currentTextChanged,
            self.ui.source.currentTextChanged,
            self.ui.marking.currentTextChanged,
            self.ui.councilAware.toggled,
            self.ui.private.toggled,
            self.draft.toggled,
            self.review_by.textChanged,
        ):
            signal.connect(self._autosave.start)

        draft = Drafts(vault).load(DRAFT)
        if draft:
            self.set_values(draft)
        elif council:
            self.set_values({"council": council})
        (self.ui.title if self.ui.council.currentIndex() >= 0 else self.ui.council).setFocus()

    def save_draft(self) -> None:
        if self.vault.is_open and self.has_content():
            Drafts(self.vault).save(DRAFT, self.values())

    def store(self) -> Note | None:
        values = self.values()
        values["date"] = date.today()
        values["review_by"] = parse_date(values["review_by"] or "", "review_by")
        if values["review_by"] is None:
            del values["review_by"]  # the default for its marking
        if not self.confirmed_awareness(values):
            return None
        note = Notes(self.vault).add(**values)
        Drafts(self.vault).discard(DRAFT)
        return note

    def cancel(self) -> None:
        self.discard()

    def discard(self) -> None:
        self._autosave.stop()
        if self.vault.is_open:
            Drafts(self.vault).discard(DRAFT)
        self.reject()

    def close_for_lock(self) -> None:
        """Keep the draft, close the window: the vault is about to close."""
        self._autosave.stop()
        self.save_draft()
        self.done(QDialog.DialogCode.Rejected)
