"""Quick note capture (Ctrl+Shift+N from anywhere). What is typed is saved, encrypted, in the
vault as a draft while typing, so it survives an auto-lock or a crash."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QWidget

from ..domain import ConcernLevel, Marking, NoteSource, ValidationError
from ..vault.councils import Councils
from ..vault.drafts import Drafts
from ..vault.errors import VaultError
from ..vault.notes import Notes
from ..vault.store import Vault
from .forms import Form

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
    "date": "title",
}


class QuickNoteDialog(QDialog):
    saved = Signal(str)

    def __init__(
        self, vault: Vault, council: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self.setWindowTitle("Quick note")
        self.setAccessibleName("Quick note")
        self.resize(640, 620)
        self.ui = Form("quick_note.ui", self)
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(14, 14, 14, 14)
        self._confirmed_unaware = False
        names = Councils(vault).names()
        self._codes: list[str] = sorted(names, key=lambda g: names[g].lower())
        self.ui.council.addItems([f"{names[g]} ({g})" for g in self._codes])
        completer = QCompleter([f"{names[g]} ({g})" for g in self._codes], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.ui.council.setCompleter(completer)
        self.ui.council.setCurrentIndex(-1)
        self.ui.concern.addItems([c.value for c in ConcernLevel])
        self.ui.source.addItems([s.value for s in NoteSource])
        self.ui.marking.addItems([m.value for m in Marking])
        self.ui.buttons.accepted.connect(self.save)
        self.ui.buttons.rejected.connect(self.discard)
        self.ui.concern.currentTextChanged.connect(self._concern_changed)

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
        ):
            signal.connect(self._autosave.start)

        draft = Drafts(vault).load(DRAFT)
        if draft:
            self.set_values(draft)
        elif council:
            self.set_values({"council": council})
        (self.ui.title if self.ui.council.currentIndex() >= 0 else self.ui.council).setFocus()

    # -- values ----------------------------------------------------------------------------
    def council_code(self) -> str:
        text = str(self.ui.council.currentText()).strip()
        if text.endswith(")") and "(" in text:
            return text.rsplit("(", 1)[1][:-1]
        matches = (
            [
                g
                for g, label in zip(self._codes, self._labels(), strict=True)
                if text.lower() in label.lower()
            ]
            if text
            else []
        )
        return matches[0] if len(matches) == 1 else text

    def _labels(self) -> list[str]:
        return [self.ui.council.itemText(i) for i in range(self.ui.council.count())]

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
        }

    def set_values(self, values: dict[str, Any]) -> None:
        if values.get("council") in self._codes:
            self.ui.council.setCurrentIndex(self._codes.index(values["council"]))
        self.ui.title.setText(values.get("title", ""))
        self.ui.body.setPlainText(values.get("body", ""))
        self.ui.themes.setText(", ".join(values.get("themes", [])))
        self.ui.evidence.setPlainText("\n".join(values.get("evidence", [])))
        for name in ("concern", "source", "marking"):
            if values.get(name):
                getattr(self.ui, name).setCurrentText(values[name])
        self.ui.councilAware.setChecked(bool(values.get("council_aware")))
        self.ui.private.setChecked(bool(values.get("private")))

    def has_content(self) -> bool:
        v = self.values()
        return bool(v["title"].strip() or v["body"].strip() or v["evidence"])

    # -- actions ---------------------------------------------------------------------------
    def save_draft(self) -> None:
        if self.vault.is_open and self.has_content():
            Drafts(self.vault).save(DRAFT, self.values())

    def _concern_changed(self, level: str) -> None:
        if level and ConcernLevel(level).needs_evidence:
            self.show_message(
                f"A {level} concern must cite its evidence, one reference per "
                "line. Does the council know this is being shared?",
                error=False,
            )
        else:
            self.ui.message.clear()

    def save(self) -> None:
        values = self.values()
        values["date"] = date.today()
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
            return
        try:
            note = Notes(self.vault).add(**values)
        except ValidationError as exc:
            self.show_message(str(exc))
            widget = getattr(self.ui, _FIELD_WIDGETS.get(exc.field, "title"))
            widget.setFocus()
            return
        except VaultError as exc:
            self.show_message(str(exc))
            return
        Drafts(self.vault).discard(DRAFT)
        self.saved.emit(note.id)
        self.accept()

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

    def show_message(self, text: str, error: bool = True) -> None:
        self.ui.message.setProperty("role", "error" if error else "")
        self.ui.message.style().unpolish(self.ui.message)
        self.ui.message.style().polish(self.ui.message)
        self.ui.message.setText(text)

    def save_button(self) -> Any:
        return self.ui.buttons.button(QDialogButtonBox.StandardButton.Save)
