"""Good practice in the window: the council page's tab (what might help with this council's
open concerns, and its own good practice) and the Good practice view (every region's, by
theme or words)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...domain import Note, ValidationError
from ...vault.councils import Councils
from ...vault.errors import VaultError
from ...vault.goodpractice import GoodPractice, Suggestion
from ...vault.store import Vault
from ..a11y import MessageLine
from ..dialogs.base import FormDialog
from ..dialogs.good_practice import GoodPracticeDialog
from ..flow import flow_row, title_row, wrap_column
from ..models import Column, RowsModel
from .base import View, button, confirm, page_title, source_row, table_view

ALL_THEMES = "All themes"


def note_columns(names: Callable[[], dict[str, str]]) -> list[Column[Note]]:
    return [
        Column("Date", lambda n: n.date),
        Column("Council", lambda n: names().get(n.council, n.council)),
        Column("Themes", lambda n: n.themes),
        Column("What they did", lambda n: n.title),
        Column("Outcome", lambda n: n.outcome),
        Column("Contact", lambda n: n.contact),
    ]


TAKE_BACK = "Ta&ke back…"
#: The columns of ``note_columns`` that wrap: what the council did, and its outcome.
WHAT, OUTCOME = 3, 4


def take_back(parent: QWidget, vault: Vault, note: Note, message: QLabel) -> bool:
    """Ask, then turn the author's good practice back into intelligence; say what happened in
    ``message``. True when it was taken back."""
    if not confirm(
        parent,
        "Take back good practice",
        f"Turn “{note.title}” back into an intelligence note? Other regions will keep only a "
        "blank record saying it was withdrawn. Its outcome and contact move into the note's "
        "text.",
    ):
        return False
    try:
        GoodPractice(vault).take_back(note.id)
    except (ValidationError, VaultError) as exc:
        message.setText(str(exc))
        return False
    message.setText(
        f"“{note.title}” is intelligence again; it leaves other regions at the next sync."
    )
    return True


class GoodPracticePanel(QWidget):
    """The council page's tab."""

    def __init__(
        self,
        vault: Vault,
        open_dialog: Callable[[FormDialog], FormDialog],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self.open_dialog = open_dialog
        self.gss = ""
        self._names: dict[str, str] = {}
        self.suggestions: RowsModel[Suggestion] = RowsModel(
            [
                Column("Council", lambda s: self._names.get(s.note.council, s.note.council)),
                Column("Shared themes", lambda s: s.shared_themes),
                Column("What they did", lambda s: s.note.title),
                Column("Outcome", lambda s: s.note.outcome),
                Column("Contact", lambda s: s.note.contact),
            ]
        )
        self.own: RowsModel[Note] = RowsModel(note_columns(lambda: self._names))
        self.suggestions_table = table_view("Suggested good practice", self.suggestions, stretch=2)
        wrap_column(self.suggestions_table, 2, 3)  # what they did, and the outcome
        self.own_table = table_view("This council's good practice", self.own, stretch=3)
        wrap_column(self.own_table, WHAT, OUTCOME)
        self.explain = QLabel()
        self.explain.setAccessibleName("Why these are suggested")
        self.explain.setWordWrap(True)
        self.message = MessageLine()
        self.message.setAccessibleName("Good practice message")
        bar = flow_row(
            button("Ne&w good practice…", self.new, "New good practice"),
            button("Ed&it selected…", self.edit, "Edit selected good practice"),
            button(TAKE_BACK, self.take_back, "Take back selected good practice as intelligence"),
        )
        layout = QVBoxLayout(self)
        heading = QLabel("<b>Good practice elsewhere that may help with open concerns</b>")
        heading.setAccessibleName("Suggested good practice")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(self.explain)
        layout.addWidget(self.suggestions_table, 2)
        own = QLabel("<b>Good practice at this council</b>")
        own.setAccessibleName("Good practice at this council")
        layout.addWidget(own)
        layout.addWidget(bar)
        layout.addWidget(self.own_table, 1)
        layout.addWidget(self.message)

    def show_council(self, gss: str, today: date) -> None:
        self.gss = gss
        self.message.clear()
        self._names = Councils(self.vault).names()
        service = GoodPractice(self.vault)
        concerns = service.open_concerns(gss, today)
        found = service.suggestions(gss, today)
        themes = sorted({t for n in concerns for t in n.themes})
        if not concerns:
            self.explain.setText("No open concern (medium or higher in the last year).")
        elif not themes:
            self.explain.setText("The open concerns have no themes to match good practice by.")
        elif not found:
            self.explain.setText(
                f"No good practice elsewhere yet on the open concerns' themes: {', '.join(themes)}."
            )
        else:
            self.explain.setText(f"Matched on the open concerns' themes: {', '.join(themes)}.")
        self.suggestions.set_rows(found)
        self.own.set_rows(service.list(council=gss))

    def new(self) -> None:
        self.open_dialog(GoodPracticeDialog(self.vault, self.gss, parent=self))

    def edit(self) -> None:
        row = source_row(self.own_table)
        if row is None:
            self.message.setText("Select this council's good practice in the list first.")
            self.own_table.setFocus()
            return
        note = self.own.row(row)
        self.open_dialog(GoodPracticeDialog(self.vault, existing=note, parent=self))

    def take_back(self) -> None:
        row = source_row(self.own_table)
        if row is None:
            self.message.setText("Select this council's good practice in the list first.")
            self.own_table.setFocus()
            return
        if take_back(self, self.vault, self.own.row(row), self.message):
            self.own.set_rows(GoodPractice(self.vault).list(council=self.gss))


class GoodPracticeView(View):
    """Every region's good practice, newest first, by theme or by words."""

    title = "Good practice"
    open_council = Signal(str)

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self._names: dict[str, str] = {}
        self.model: RowsModel[Note] = RowsModel(note_columns(lambda: self._names))
        self.table = table_view("Good practice", self.model, stretch=3)
        wrap_column(self.table, WHAT, OUTCOME)
        self.table.activated.connect(lambda _index: self.show_council())
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        self.theme.currentIndexChanged.connect(lambda _i: self.reload())
        self.words = QLineEdit()
        self.words.setPlaceholderText("Search good practice")
        self.words.setAccessibleName("Search good practice")
        self.words.textChanged.connect(lambda _t: self.reload())
        self.count = QLabel()
        self.count.setAccessibleName("Good practice found")
        self.message = MessageLine()
        self.message.setAccessibleName("Good practice message")
        theme_label = QLabel("Th&eme")
        theme_label.setBuddy(self.theme)
        top = title_row(
            page_title("Good practice"),
            button("Ne&w good practice…", self.new, "New good practice"),
            button("Ed&it selected…", self.edit, "Edit selected good practice"),
            button(TAKE_BACK, self.take_back, "Take back selected good practice as intelligence"),
            button("Open co&uncil", self.show_council, "Open the council"),
        )
        self.words.setMinimumWidth(self.words.fontMetrics().averageCharWidth() * 24)
        filters = flow_row(theme_label, self.theme, self.words, self.count)
        about = QLabel("What councils did, the outcome and whom to ask — shared with every region.")
        about.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(about)
        layout.addWidget(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        self._names = Councils(self.vault).names()
        current = self.theme.currentData()
        self.theme.blockSignals(True)
        self.theme.clear()
        self.theme.addItem(ALL_THEMES, "")
        for theme, count in GoodPractice(self.vault).themes():
            self.theme.addItem(f"{theme} ({count})", theme)
        index = self.theme.findData(current) if current else 0
        self.theme.setCurrentIndex(max(index, 0))
        self.theme.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        theme = self.theme.currentData() or None
        words = self.words.text().strip() or None
        found = GoodPractice(self.vault).list(theme=theme, text=words)
        self.model.set_rows(found)
        self.count.setText(f"{len(found)} found")

    def _selected(self) -> Note | None:
        row = source_row(self.table)
        if row is None:
            self.message.setText("Select good practice in the list first.")
            self.table.setFocus()
            return None
        return self.model.row(row)

    def new(self) -> None:
        self.open_dialog(GoodPracticeDialog(self.vault, parent=self))

    def edit(self) -> None:
        note = self._selected()
        if note is not None:
            self.open_dialog(GoodPracticeDialog(self.vault, existing=note, parent=self))

    def take_back(self) -> None:
        note = self._selected()
        if note is not None and take_back(self, self.vault, note, self.message):
            self.refresh()

    def show_council(self) -> None:
        note = self._selected()
        if note is not None:
            self.open_council.emit(note.council)

    def state(self) -> dict[str, Any]:
        return {"theme": str(self.theme.currentData() or ""), "words": self.words.text()}

    def restore(self, state: dict[str, Any]) -> None:
        self.refresh()
        index = self.theme.findData(state.get("theme", ""))
        if index >= 0:
            self.theme.setCurrentIndex(index)
        self.words.setText(state.get("words", ""))
