"""What every create/edit dialog shares: its Designer form, one message line, Save/Cancel,
and turning the domain's refusals into one sentence beside the field to fix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from itertools import pairwise
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from ...domain import Record, ValidationError
from ...domain.plain import plain
from ...vault.errors import VaultError
from ..a11y import announce, buttons_last, fit_text
from ..forms import Form

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")
DATE_HINT = "YYYY-MM-DD or 31/12/2026"


def parse_date(text: str, field: str) -> date | None:
    """A typed date: blank is none; ISO or the UK's day-first forms, so nobody has to think."""
    text = " ".join(text.split())
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(field, "is not a valid date (use YYYY-MM-DD)")


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def describe(exc: ValidationError, labels: Mapping[str, str], kind: str = "") -> tuple[str, str]:
    """The refusal as one sentence in the form's words, and the field it is about.

    A refusal of one field says what to do, naming the field as the form labels it ("Give
    the note a title.": domain/plain.py; ``kind`` is the record the form is for). A rule
    about the whole record names its fields in the message (``improvement_board_since is set
    but…``); the first one named is the field to fix."""
    field = exc.field.split(".")[0]
    message = exc.message
    if field in labels and not message.startswith(field):
        return plain(kind, labels[field], message), field
    if field not in labels:
        named = [(m.start(), n) for n in labels if (m := re.search(rf"\b{n}\b", message))]
        if named:
            field = min(named)[1]
    text = message
    for name in sorted((n for n in labels if "_" in n), key=len, reverse=True):
        text = re.sub(rf"\b{name}\b", labels[name], text)
    if field in labels and not message.startswith(field):
        text = f"{labels[field]}: {text}"
    text = text[:1].upper() + text[1:]
    return (text if text.endswith((".", "?", "!")) else text + "."), field


def embed(host: QWidget, widget: QWidget) -> None:
    """Put a widget made in code where the form left a placeholder for it."""
    layout = host.layout() or QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)


def chain(*widgets: QWidget) -> None:
    """Tab order through widgets made in different places (a form and an editor put in it)."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


class FormDialog(QDialog):
    """A Designer form with ``message`` and ``buttons`` (Save, Cancel): Enter saves, Escape
    cancels, and a refusal keeps the dialog open with the field to fix focused."""

    saved = Signal(str)
    #: The record kind a save changes, so the window can refresh what shows it.
    KIND: ClassVar[str] = ""
    #: Domain field -> (widget name in the form, label used in messages).
    FIELDS: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init__(self, form: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.ui = Form(form, self)
        layout = self.layout()
        if layout is not None:
            layout.setContentsMargins(14, 14, 14, 14)
        self.ui.buttons.accepted.connect(self.save)
        self.ui.buttons.rejected.connect(self.cancel)

    def showEvent(self, event: QShowEvent) -> None:
        """Save and Cancel come last in the Tab order whatever a form added after them, and the
        dialog opens on its first field (gui/a11y.py)."""
        buttons_last(self)
        fit_text(self)
        super().showEvent(event)

    def store(self) -> Record | None:
        """Write through the service and return the record, or None to stay open (a question
        has been asked) or when the dialog closed itself because nothing changed."""
        raise NotImplementedError

    def save(self) -> None:
        try:
            record = self.store()
        except ValidationError as exc:
            self.refuse(exc)
            return
        except VaultError as exc:
            self.show_message(str(exc))
            return
        if record is not None:
            self.saved.emit(record.id)
            self.accept()

    def cancel(self) -> None:
        self.reject()

    def refuse(self, exc: ValidationError) -> None:
        labels = {k: label for k, (_w, label) in self.FIELDS.items()}
        text, field = describe(exc, labels, self.KIND)
        self.show_message(text)
        self.focus_field(field)

    def focus_field(self, field: str) -> None:
        if field in self.FIELDS:
            getattr(self.ui, self.FIELDS[field][0]).setFocus()

    def show_message(self, text: str, error: bool = True) -> None:
        message = self.ui.message
        message.setProperty("role", "error" if error else "")
        message.style().unpolish(message)
        message.style().polish(message)
        message.setText(text)
        if error:
            announce(message, text)  # heard as well as seen (issue 22)

    def save_button(self) -> QPushButton:
        buttons: QDialogButtonBox = self.ui.buttons  # every form's button box is "buttons"
        return buttons.button(QDialogButtonBox.StandardButton.Save)
