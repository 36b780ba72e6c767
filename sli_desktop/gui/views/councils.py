"""Councils: the list, filtered by region, type, concern and free text."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from ...domain import ConcernLevel, Council, CouncilType, Region
from ...formats import short_date
from ...vault.councils import Councils
from ...vault.overview import concern_levels
from ...vault.store import Vault
from ..flow import flow_row
from ..models import Column, RowsModel, concern_colour
from .base import View, page_title, table_view


class _Filter(QSortFilterProxyModel):
    def __init__(self, model: RowsModel[Council], concerns: dict[str, ConcernLevel]) -> None:
        super().__init__()
        self.setSourceModel(model)
        self.rows = model
        self.concerns = concerns
        self.region = ""
        self.type = ""
        self.concern = ""
        self.text = ""

    def filterAcceptsRow(
        self,
        row: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        council = self.rows.row(row)
        if self.region and council.region.value != self.region:
            return False
        if self.type and council.type.label != self.type:
            return False
        level = self.concerns.get(council.gss_code, ConcernLevel.NONE)
        if self.concern and level.rank < ConcernLevel(self.concern).rank:
            return False
        if self.text:
            hay = " ".join(
                [council.name, council.short_name, council.gss_code, *council.alt_names]
            ).lower()
            return all(word in hay for word in self.text.lower().split())
        return True


class CouncilsView(View):
    title = "Councils"
    open_council = Signal(str)

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.concerns: dict[str, ConcernLevel] = {}
        self.model: RowsModel[Council] = RowsModel(
            [
                Column("Council", lambda c: c.display_name),
                Column("Type", lambda c: c.type.label),
                Column("Region", lambda c: c.region.value),
                Column("Concern", self._concern, lambda c: concern_colour(self._concern(c))),
                Column("Political control", lambda c: c.political_control),
                Column("Flags", self._flags),
                Column("GSS code", lambda c: c.gss_code),
            ]
        )
        self.proxy = _Filter(self.model, self.concerns)
        self.table = table_view("Councils table", self.model, sortable=False)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)

        self.search = QLineEdit(placeholderText="Filter by name or code")
        self.search.setAccessibleName("Filter councils")
        self.region = self._combo("Region", ["All regions", *[r.value for r in Region]])
        self.type = self._combo("Type", ["All types", *[t.label for t in CouncilType]])
        self.concern = self._combo(
            "Concern",
            [
                "Any concern",
                *[f"{c.value} or above" for c in ConcernLevel if c is not ConcernLevel.NONE],
            ],
        )
        self.search.textChanged.connect(self._apply)
        self.search.setMinimumWidth(self.search.fontMetrics().averageCharWidth() * 28)
        self.search.installEventFilter(self)  # Down moves into the results
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Councils"))
        layout.addWidget(flow_row(self.search, self.region, self.type, self.concern))
        layout.addWidget(self.table)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down (or Page Down) in the filter box moves into the results, on the first row."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
            and self.proxy.rowCount()
        ):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.proxy.index(0, 0))
            self.table.selectRow(self.table.currentIndex().row())
            return True
        return super().eventFilter(watched, event)

    def _combo(self, name: str, items: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"{name} filter")
        combo.addItems(items)
        combo.currentIndexChanged.connect(self._apply)
        return combo

    def _concern(self, council: Council) -> str:
        return self.concerns.get(council.gss_code, ConcernLevel.NONE).value

    @staticmethod
    def _flags(council: Council) -> str:
        flags = []
        if council.improvement_board:
            since = council.improvement_board_since
            flags.append(
                f"Improvement Board since {short_date(since)}" if since else "Improvement Board"
            )
        if council.control_changed_on:
            flags.append(f"Change of control {short_date(council.control_changed_on)}")
        return "; ".join(flags)

    def refresh(self) -> None:
        self.concerns.clear()
        self.concerns.update(concern_levels(self.vault, date.today()))
        self.model.set_rows(Councils(self.vault).list())
        self._apply()

    def _apply(self) -> None:
        self.proxy.text = self.search.text().strip()
        self.proxy.region = "" if self.region.currentIndex() == 0 else self.region.currentText()
        self.proxy.type = "" if self.type.currentIndex() == 0 else self.type.currentText()
        self.proxy.concern = (
            "" if self.concern.currentIndex() == 0 else self.concern.currentText().split()[0]
        )
        self.proxy.invalidate()

    def _activated(self, index: QModelIndex) -> None:
        council = self.model.row(self.proxy.mapToSource(index).row())
        self.open_council.emit(council.gss_code)

    def visible_councils(self) -> list[Council]:
        return [
            self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]

    def state(self) -> dict[str, Any]:
        return {
            "text": self.search.text(),
            "region": self.region.currentIndex(),
            "type": self.type.currentIndex(),
            "concern": self.concern.currentIndex(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.search.setText(state.get("text", ""))
        self.region.setCurrentIndex(state.get("region", 0))
        self.type.setCurrentIndex(state.get("type", 0))
        self.concern.setCurrentIndex(state.get("concern", 0))
