"""Record a council's self-assessment (children's services) or local account (adult social
care) for a year: its date, a link and/or a document held encrypted, and the adviser's summary.
Recording a year already held updates it (one per council, kind and year).

With a document (up to 20 MB), the record is saved on a worker with a connection of its own,
with progress and Cancel, as the board panel attaches terms of engagement: the window never
waits for the file to be read and encrypted. The record and its document are one transaction,
so a cancel or a lock leaves the vault as it was and the dialog open."""

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
from ..tasks import Progress, Task, vault_task
from ..wording import not_attached
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
        #: The save with a document, running on a worker (None when none is).
        self.task: Task[Assessment] | None = None
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

    def store(self) -> Assessment | None:
        when = parse_date(self.ui.date.text(), "date")
        if when is None:
            raise ValidationError("date", "is required")
        document = self.ui.document.text().strip()
        council, kind, year = (
            self.council.gss_code,
            AssessmentKind(self.ui.kind.currentData()),
            self.ui.year.value(),
        )
        link, summary = self.ui.link.text(), self.ui.summary.toPlainText()
        if not document:
            return Assessments(self.vault).record(
                council, kind, date=when, year=year, link=link, summary=summary
            )
        if self.task is not None:
            return None  # already saving
        source = Path(document).expanduser()

        def work(progress: Progress, worker: Vault) -> Assessment:
            progress.report(0, 0, f"Attaching {source.name}…")
            with worker.transaction():
                saved = Assessments(worker).record(
                    council, kind, date=when, year=year, link=link, summary=summary, document=source
                )
                # A Cancel pressed while it was written, between SQLite's interrupt checks,
                # still rolls it all back: nothing is saved that the person cancelled.
                progress.check()
            return saved

        self.task = vault_task(self, f"Attaching {source.name}", self.vault, work)
        self.task.dialog.setAccessibleName("Attaching the document")
        self.task.success(self._stored).failure(self._failed).on_cancel(self._cancelled).run()
        self.save_button().setEnabled(False)
        return None  # the dialog closes when the worker has saved it

    def _ended(self) -> None:
        self.task = None
        self.save_button().setEnabled(True)

    def _stored(self, record: Assessment) -> None:
        self._ended()
        self.saved.emit(record.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._ended()
        if isinstance(exc, ValidationError):
            self.refuse(exc)
        else:
            self.show_message(not_attached(Path(self.ui.document.text().strip()).name, exc))

    def _cancelled(self) -> None:
        self._ended()
        self.show_message("Cancelled: nothing was saved.")

    def reject(self) -> None:
        """Cancel (or Escape, or a lock) while the document is being saved stops that too."""
        if self.task is not None:
            self.task.cancel()
        super().reject()
