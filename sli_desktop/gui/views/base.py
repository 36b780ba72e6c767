"""What every main view shares: a title, a refresh, forms it opens, and table helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...vault.store import Vault
from ..dialogs.base import FormDialog
from ..flow import flow_row


class View(QWidget):
    """A page in the main window. ``state``/``restore`` bring the user back to the same place
    after a lock."""

    title = ""
    #: A record kind ("note", "contact"…) was saved here; the window refreshes what shows it.
    changed = Signal(str)

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.dialog: FormDialog | None = None

    def open_dialog(self, dialog: FormDialog) -> FormDialog:
        """Show a create/edit form over the window without blocking it; its save is announced
        as ``changed``. The last one is kept (tests and the screenshots reach it there)."""
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()
        self.dialog = dialog
        kind = dialog.KIND
        dialog.saved.connect(lambda _id: self.changed.emit(kind))
        dialog.open()
        return dialog

    def refresh(self) -> None:
        """Reload from the vault (called when shown and when its records change)."""

    def state(self) -> dict[str, Any]:
        return {}

    def restore(self, state: dict[str, Any]) -> None:
        """Return to a state from ``state()``."""


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageTitle")
    label.setAccessibleName(text)
    return label


def table_view(
    name: str, model: QAbstractItemModel, sortable: bool = True, stretch: int | None = None
) -> QTableView:
    """A read-only, row-selecting table; ``stretch`` is the column that takes spare width
    (by default the last)."""
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(name)
    if sortable:
        proxy = QSortFilterProxyModel(view)
        proxy.setSourceModel(model)
        proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    else:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    return view


def source_row(view: QTableView, row: int | None = None) -> int | None:
    """The model row behind the view's current (or given proxy) row."""
    index = view.currentIndex() if row is None else view.model().index(row, 0)
    if not index.isValid():
        return None
    model = view.model()
    if isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
    return index.row()


def confirm(parent: QWidget, title: str, question: str) -> bool:
    """Yes or No before something that cannot be undone, with No as the default."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def button(text: str, slot: Callable[[], object], name: str = "") -> QPushButton:
    """A push button named for screen readers without its mnemonic's ampersand."""
    widget = QPushButton(text)
    widget.setAccessibleName(name or text.replace("&", "").rstrip("…"))
    widget.setAutoDefault(False)
    widget.clicked.connect(lambda _=False: slot())
    return widget


def with_buttons(table: QWidget, *buttons: QPushButton) -> QWidget:
    """A tab page: a row of buttons for the records in the table below them."""
    page = QWidget()
    box = QVBoxLayout(page)
    box.addWidget(flow_row(*buttons))  # the buttons wrap rather than widen the window
    box.addWidget(table)
    return page
