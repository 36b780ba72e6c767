"""Leadership programme take-up by region over the programme's three years."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.improvement import programme_year, year_label
from ...vault.leadership import PROGRAMME_YEARS, Leadership, programme
from ...vault.store import Vault
from .base import View, page_title


class LeadershipView(View):
    title = "Leadership places"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.first_year = QSpinBox()
        self.first_year.setRange(2000, 2100)
        self.first_year.setValue(programme_year(date.today()) - PROGRAMME_YEARS + 1)
        self.first_year.setAccessibleName("Programme's first year")
        self.first_year.valueChanged.connect(lambda _v: self.refresh())
        label = QLabel("Programme's first &year")
        label.setBuddy(self.first_year)
        self.table = QTableWidget()
        self.table.setObjectName("Leadership take-up by region")
        self.table.setAccessibleName("Leadership take-up by region")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.total = QLabel()
        self.total.setAccessibleName("Leadership take-up in total")
        self.total.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(page_title("Leadership programme places"))
        top.addStretch()
        top.addWidget(label)
        top.addWidget(self.first_year)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        about = QLabel(
            "One subsidised place per council each year for three years. Record a council's "
            "place on its page, on the Self-assessment & leadership tab."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)

    def refresh(self) -> None:
        years = programme(self.first_year.value(), date.today())
        rows = Leadership(self.vault).takeup(years)
        headers = ["Region", "Councils", *(f"{year_label(y)} taken up" for y in years)]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        totals = dict.fromkeys(years, 0)
        councils = 0
        for r, entry in enumerate(rows):
            councils += entry.councils
            cells = [entry.region.value, str(entry.councils)]
            for y in years:
                totals[y] += entry.taken[y]
                share = entry.taken[y] / entry.councils if entry.councils else 0
                declined = entry.declined.get(y, 0)
                cells.append(
                    f"{entry.taken[y]} ({share:.0%})"
                    + (f", {declined} declined" if declined else "")
                )
            for c, value in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.total.setText(
            "In total: "
            + "; ".join(f"{year_label(y)}: {totals[y]} of {councils} councils" for y in years)
        )

    def state(self) -> dict[str, Any]:
        return {"first_year": self.first_year.value()}

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("first_year"):
            self.first_year.setValue(int(state["first_year"]))
        self.refresh()
