"""Sorting a table by what its cells hold, not by the text they show: dates in date order
whatever format they are shown in, numbers as numbers ("#10" after "#9"), blanks last."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView

from .models import RowsModel

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


def sort_key(value: object) -> tuple[int, float | str]:
    """Comparable across one column: numbers, then dates, then text; empty cells last."""
    if value is None or value == "" or value == []:
        return (3, "")
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, date):
        return (1, value.isoformat())
    if isinstance(value, list | tuple):
        return (2, ", ".join(str(v) for v in value).casefold())
    return (2, str(value).casefold())


class ValueSortProxy(QSortFilterProxyModel, Generic[T]):
    """Over a RowsModel: each column sorts by its Column's value, or by its ``sort`` key when
    the view gives one (``keys``: column number -> function of the row)."""

    def __init__(self, model: RowsModel[T], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows_model = model
        self.keys: dict[int, Callable[[T], object]] = {}
        self.setSourceModel(model)

    def lessThan(self, left: Index, right: Index) -> bool:
        column = left.column()
        model = self.rows_model
        key = self.keys.get(column) or model.columns[column].value
        a = sort_key(key(model.row(left.row())))
        b = sort_key(key(model.row(right.row())))
        if a[0] != b[0]:
            return a[0] < b[0]
        x, y = a[1], b[1]  # one rank, so both numbers or both text
        if isinstance(x, str) or isinstance(y, str):
            return str(x) < str(y)
        return x < y


def sort_by_value(
    table: QTableView,
    model: RowsModel[T],
    column: int = 0,
    order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
) -> ValueSortProxy[T]:
    """Give ``table`` a value-sorting proxy over ``model``, sorted on ``column`` to begin."""
    proxy = ValueSortProxy(model, table)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(column, order)
    return proxy
