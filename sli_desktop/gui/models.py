"""Table models over the vault's services. Views show these; no model or view runs SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..domain import Note
from ..formats import date_time, short_date
from .theme import CONCERN_COLOURS

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
#: The roles a row model answers: its text three ways, the value itself, and a colour.
_ANSWERED = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.UserRole,
        Qt.ItemDataRole.ForegroundRole,
    }
)


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    value: Callable[[T], object]
    colour: Callable[[T], str] | None = None


def text(value: object) -> str:
    """A cell as a person reads it: dates British ("5 Dec 2026"), times local."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return date_time(value)
    if isinstance(value, date):
        return short_date(value)
    return " ".join(str(value).split())


class RowsModel(QAbstractTableModel, Generic[T]):
    """A table of already-loaded rows (councils, contacts, actions: hundreds, not 100,000s)."""

    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> T:
        return self.rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # The role first: a view sizing its rows asks each cell for eight roles, five of
        # which no column answers, and nothing else need be looked up for those.
        if role not in _ANSWERED or not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.colour is None:
                return None
            colour = column.colour(self.rows[index.row()])
            return QBrush(QColor(colour)) if colour else None
        value = column.value(self.rows[index.row()])
        return value if role == Qt.ItemDataRole.UserRole else text(value)


class NotePages(Protocol):
    """What the lazy model reads notes from: the vault's Notes, or a view's pages in an order."""

    def count(self, council: str | None = None) -> int: ...

    def list(
        self, council: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Note]: ...


class LazyNotesModel(RowsModel[Note]):
    """Notes, newest first, read a page at a time as the view scrolls (fetchMore), so a
    100,000-note vault opens without reading every row. ``fetched`` counts rows read."""

    PAGE = 200

    def __init__(
        self,
        notes: NotePages,
        columns: Sequence[Column[Note]],
        council: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(columns, parent)
        self.notes = notes
        self.council = council
        self.total = 0
        self.fetched = 0
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.fetched = 0
        self.total = self.notes.count(self.council)
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        page = self.notes.list(self.council, limit=self.PAGE, offset=len(self.rows))
        if not page:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
        self.rows.extend(page)
        self.fetched += len(page)
        self.endInsertRows()


def concern_colour(level: str) -> str:
    return CONCERN_COLOURS.get(level, "")
