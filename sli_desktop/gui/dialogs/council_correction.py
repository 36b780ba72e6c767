"""A coordinator's correction of a council's region or type, where the register is wrong
(it lists Derbyshire County Council in the West Midlands). The correction syncs, is audited,
and a later register import keeps it (vault/councils.py ``Councils.correct``)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from ...domain import Council, CouncilType, Region
from ...importers.register import ENGLISH_TYPES
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog


class CouncilCorrectionDialog(FormDialog):
    KIND = "council"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "region": ("region", "Region"),
        "type": ("type", "Type"),
    }

    def __init__(self, vault: Vault, gss: str, parent: QWidget | None = None) -> None:
        super().__init__("council_correction.ui", "Correct region or type", parent)
        self.vault = vault
        self.resize(520, 240)
        self.council = Councils(vault).get(gss)
        c = self.council
        self.ui.heading.setText(f"<b>{html.escape(c.name)}</b> · {c.gss_code}")
        for region in Region.english():  # England's nine: the programme's regions
            self.ui.region.addItem(region.value, region.value)
        types = list(ENGLISH_TYPES.values())
        if c.type not in types:
            types.append(c.type)
        for kind in types:
            self.ui.type.addItem(kind.label, kind.value)
        self.ui.region.setCurrentIndex(max(0, self.ui.region.findData(c.region.value)))
        self.ui.type.setCurrentIndex(max(0, self.ui.type.findData(c.type.value)))
        if c.corrected:
            self.show_message("Already corrected: " + ", ".join(c.corrected) + ".", error=False)
        self.ui.region.setFocus()

    def store(self) -> Council | None:
        region = Region(str(self.ui.region.currentData()))
        kind = CouncilType(str(self.ui.type.currentData()))
        if region == self.council.region and kind == self.council.type:
            self.reject()  # nothing to correct
            return None
        return Councils(self.vault).correct(self.council.gss_code, region=region, type=kind)
