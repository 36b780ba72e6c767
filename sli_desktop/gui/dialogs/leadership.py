"""A council's leadership programme place for one year (one subsidised place a year)."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtWidgets import QWidget

from ...domain import SupportOffer, SupportStatus
from ...domain.improvement import programme_year
from ...vault.councils import Councils
from ...vault.leadership import Leadership
from ...vault.store import Vault
from .base import FormDialog


class LeadershipPlaceDialog(FormDialog):
    KIND = "support_offer"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "year": ("year", "Year"),
        "status": ("status", "Status"),
        "details": ("details", "Details"),
    }

    def __init__(
        self,
        vault: Vault,
        gss: str,
        existing: SupportOffer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("leadership_place.ui", "Leadership programme place", parent)
        self.vault = vault
        self.resize(500, 220)
        self.council = Councils(vault).get(gss)
        self.ui.heading.setText(
            f"<b>{html.escape(self.council.name)}</b> · one subsidised place each year for "
            "three years; recording a year already held updates it"
        )
        for status in SupportStatus:
            self.ui.status.addItem(status.value, status.value)
        self.ui.year.setValue(programme_year(date.today()))
        if existing is not None:
            self.ui.year.setValue(existing.year or programme_year(date.today()))
            self.ui.status.setCurrentIndex(list(SupportStatus).index(existing.status))
            self.ui.details.setText(existing.details)
        self.ui.year.setFocus()

    def store(self) -> SupportOffer:
        return Leadership(self.vault).record(
            self.council.gss_code,
            self.ui.year.value(),
            SupportStatus(self.ui.status.currentData()),
            self.ui.details.text(),
        )
