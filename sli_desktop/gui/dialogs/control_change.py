"""Record a change of political control (which offers up to five days of member peer
support), and the days of that support used so far."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QWidget

from ...domain import ControlChange, SupportOffer, ValidationError
from ...vault.control import PoliticalControl
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog, parse_date
from .council_details import CONTROL


class ControlChangeDialog(FormDialog):
    KIND = "control_change"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "date": ("date", "Date of the change"),
        "from_control": ("fromControl", "From"),
        "to_control": ("toControl", "To"),
        "details": ("details", "Details"),
    }

    def __init__(self, vault: Vault, gss: str, parent: QWidget | None = None) -> None:
        super().__init__("control_change.ui", "Change of political control", parent)
        self.vault = vault
        self.resize(540, 260)
        councils = Councils(vault)
        self.council = councils.get(gss)
        c = self.council
        self.ui.heading.setText(
            f"<b>{html.escape(c.name)}</b> · recording the change offers up to five days of "
            "member peer support"
        )
        known = sorted({x.political_control for x in councils.list() if x.political_control})
        choices = sorted(set(known) | set(CONTROL))
        self.ui.fromControl.addItems(choices)
        self.ui.toControl.addItems(choices)
        self.ui.fromControl.setEditText(c.political_control)
        self.ui.toControl.setEditText("")
        self.recorded_offer: SupportOffer | None = None
        self.ui.date.setFocus()

    def store(self) -> ControlChange:
        when = parse_date(self.ui.date.text(), "date")
        if when is None:
            raise ValidationError("date", "is required")
        to = " ".join(self.ui.toControl.currentText().split())
        if not to:
            raise ValidationError("to_control", "is required: who holds control now")
        done = PoliticalControl(self.vault).record(
            self.council.gss_code,
            when,
            to,
            " ".join(self.ui.fromControl.currentText().split()),
            self.ui.details.text(),
        )
        self.recorded_offer = done.offer
        return done.change


class MemberDaysDialog(FormDialog):
    KIND = "support_offer"
    FIELDS = {"days_used": ("daysUsed", "Days used")}  # noqa: RUF012

    def __init__(self, vault: Vault, offer: SupportOffer, parent: QWidget | None = None) -> None:
        super().__init__("member_days.ui", "Member peer support days", parent)
        self.vault = vault
        self.offer = offer
        self.ui.heading.setText(
            f"Member peer support offered on {offer.offered_on or 'an unrecorded date'}: "
            f"up to {offer.days_offered:g} days"
        )
        self.ui.daysUsed.setMaximum(max(offer.days_offered, offer.days_used))
        self.ui.daysUsed.setValue(offer.days_used)
        self.ui.daysUsed.setFocus()

    def store(self) -> SupportOffer:
        return PoliticalControl(self.vault).use_days(self.offer.id, self.ui.daysUsed.value())
