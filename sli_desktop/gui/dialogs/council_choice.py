"""Choosing a council by typing part of its name: every council form picks one this way."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from ...domain import ValidationError


class CouncilChoice:
    """Fills an editable combo with "Name (GSS)" items and a contains-completer, and reads the
    GSS code back from whatever was typed: a full item, a code, or a unique part of a name."""

    def __init__(self, combo: QComboBox, names: dict[str, str], field: str = "council") -> None:
        self.combo = combo
        self.field = field
        self.codes: list[str] = sorted(names, key=lambda g: names[g].lower())
        self.labels = [f"{names[g]} ({g})" for g in self.codes]
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(self.labels)
        completer = QCompleter(self.labels, combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        combo.setCompleter(completer)
        combo.setCurrentIndex(-1)

    def set_code(self, gss: str | None) -> None:
        if gss and gss.upper() in self.codes:
            self.combo.setCurrentIndex(self.codes.index(gss.upper()))
        else:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("")

    def resolve(self) -> str:
        """Best guess, never raising (drafts save whatever is there): the code, or the text."""
        text = str(self.combo.currentText()).strip()
        if text.endswith(")") and "(" in text:
            return text.rsplit("(", 1)[1][:-1].strip().upper()
        if text.upper() in self.codes:
            return text.upper()
        matches = [
            g
            for g, label in zip(self.codes, self.labels, strict=True)
            if text and text.lower() in label.lower()
        ]
        return matches[0] if len(matches) == 1 else text

    def code(self, required: bool = True) -> str | None:
        """The chosen council's GSS code; a clear refusal when none or no single one is meant."""
        text = str(self.combo.currentText()).strip()
        if not text:
            if required:
                raise ValidationError(
                    self.field, "type part of its name and choose it from the list"
                )
            return None
        code = self.resolve()
        if code in self.codes:
            return code
        many = sum(text.lower() in label.lower() for label in self.labels)
        raise ValidationError(
            self.field,
            f"“{text}” matches {'more than one council' if many > 1 else 'no council'}; "
            "choose one from the list",
        )
