"""Record a council's self-assessment (children's services) or local account (adult social
care) for a year: its date, a link and/or a document held encrypted, and the adviser's summary.
Recording a year already held updates it (one per council, kind and year)."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ...domain import Assessment, AssessmentKind, ValidationError
from ...domain.improvement import programme_year
from ...vault.assessments import Assessments
from ...vault.councils import Councils
from ...vault.store import Vault
from .base import FormDialog, date_text, parse_date


class AssessmentDialog(FormDialog):
    KIND = "assessment"
    FIELDS = {  # noqa: RUF012 - read-only per-class table
        "type": ("kind", "Kind"),
        "year": ("year", "Year covered"),
        "date": ("date", "Dated"),
        "link": ("link", "Link"),
        "document": ("document", "Document"),
        "summary": ("summary", "Summary"),
    }

    def __init__(
        self,
        vault: Vault,
        gss: str,
        existing: Assessment | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Self-assessment or local account"
        super().__init__("assessment.ui", title, parent)
        self.vault = vault
        self.resize(600, 420)
        self.council = Councils(vault).get(gss)
        self.ui.heading.setText(
            f"<b>{html.escape(self.council.name)}</b> · one record per kind and year: "
            "recording a year already held updates it"
        )
        for kind in AssessmentKind:
            self.ui.kind.addItem(kind.label, kind.value)
        self.ui.year.setValue(programme_year(date.today()))
        self.ui.browse.clicked.connect(self.browse)
        if existing is not None:
            self.ui.kind.setCurrentIndex(list(AssessmentKind).index(existing.type))
            self.ui.year.setValue(existing.year)
            # The kind and year are what the record is: another of either is another record.
            self.ui.kind.setEnabled(False)
            self.ui.year.setEnabled(False)
            self.ui.date.setText(date_text(existing.date))
            self.ui.link.setText(existing.link)
            self.ui.summary.setPlainText(existing.summary)
            self.ui.document.setPlaceholderText(
                "A new file replaces the document held"
                if existing.document_id
                else "A file to hold encrypted in the vault (optional)"
            )
        (self.ui.date if existing is not None else self.ui.kind).setFocus()

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Attach a document", "", "Documents (*.pdf *.docx *.doc *.odt);;All files (*)"
        )
        if path:
            self.ui.document.setText(path)

    def store(self) -> Assessment:
        when = parse_date(self.ui.date.text(), "date")
        if when is None:
            raise ValidationError("date", "is required")
        document = self.ui.document.text().strip()
        return Assessments(self.vault).record(
            self.council.gss_code,
            AssessmentKind(self.ui.kind.currentData()),
            date=when,
            year=self.ui.year.value(),
            link=self.ui.link.text(),
            summary=self.ui.summary.toPlainText(),
            document=Path(document).expanduser() if document else None,
        )
