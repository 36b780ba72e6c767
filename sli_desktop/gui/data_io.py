"""File ▸ Import… and Export…: contacts, performance figures and the schedule.

Reading a file runs off the GUI thread (gui.tasks); what it would change is shown in a preview
(added, updated, skipped, and each bad row with its line and reason) and nothing is written
until the user accepts it. Writes happen on the GUI thread, where the vault connection lives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain import Marking
from ..importers import ImportProblem
from ..importers import contacts as contact_files
from ..importers.calendar import schedule_ics
from ..importers.metrics import MetricsResult, import_metrics, read_metrics
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from ..vault.engagements import Engagements
from ..vault.errors import VaultError
from ..vault.store import Vault
from .tasks import Progress, Task

Row = tuple[str, str, str, str]  # line, what, who/what, why


class PreviewDialog(QDialog):
    """What an import would do, row by row; Import stays off while bad rows would stop it."""

    def __init__(
        self, parent: QWidget, title: str, summary: str, rows: Sequence[Row], bad: int, writes: int
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(rows), 4)
        self.table.setAccessibleName("Import preview")
        self.table.setHorizontalHeaderLabels(["Line", "Action", "Record", "Why"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        layout.addWidget(self.table)
        self.skip_bad = QCheckBox(f"Import only the good rows (skip {bad} bad)")
        self.skip_bad.setVisible(bad > 0)
        layout.addWidget(self.skip_bad)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        def update(_: object = None) -> None:
            self.import_button.setEnabled(writes > 0 and (bad == 0 or self.skip_bad.isChecked()))

        self.skip_bad.toggled.connect(update)
        update()


class DataActions(QObject):
    """The File menu's import and export actions for one window."""

    def __init__(self, window: QMainWindow, vault: Callable[[], Vault | None]) -> None:
        super().__init__(window)
        self.window = window
        self.vault = vault
        self.task: Task | None = None
        self.preview: PreviewDialog | None = None
        self.after_write: Callable[[str], None] = lambda _kind: None

        def action(text: str, slot: Callable[[], None]) -> QAction:
            act = QAction(text, window)
            act.triggered.connect(lambda _=False: slot())
            return act

        self.import_contacts_action = action("Import &contacts (CSV, vCard)…", self.import_contacts)
        self.import_metrics_action = action(
            "Import performance &figures (CSV)…", self.import_metrics
        )
        self.export_contacts_action = action("Export c&ontacts…", self.export_contacts)
        self.export_schedule_action = action(
            "Export &schedule to calendar (.ics)…", self.export_ics
        )
        self.actions = [
            self.import_contacts_action,
            self.import_metrics_action,
            self.export_contacts_action,
            self.export_schedule_action,
        ]

    def set_enabled(self, on: bool) -> None:
        for act in self.actions:
            act.setEnabled(on)

    # -- import ----------------------------------------------------------------------------
    def _open(self, title: str, filters: str, path: str | None) -> Path | None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, title, "", filters)
        return Path(path) if path else None

    def _warn(self, exc: BaseException) -> None:
        message = (
            str(exc)
            if isinstance(exc, ImportProblem | VaultError)
            else f"The import failed unexpectedly ({type(exc).__name__})."
        )
        QMessageBox.warning(self.window, "Import", message)

    def import_contacts(self, path: str | None = None) -> None:
        vault = self.vault()
        file = self._open("Import contacts", "Contacts (*.csv *.vcf *.vcard)", path)
        if vault is None or file is None:
            return

        def work(progress: Progress) -> Any:
            progress.report(0, 0, f"Reading {file.name}…")
            return contact_files.read_contacts(file)

        def done(parsed: Any) -> None:
            try:
                preview = contact_files.preview_contacts(vault, parsed)
            except VaultError as exc:
                self._warn(exc)
                return
            rows: list[Row] = [
                (str(c.line), c.action, c.contact.name, c.reason) for c in preview.changes
            ]
            rows += [(str(p.line or ""), "bad row", "", p.reason) for p in preview.problems]
            rows.sort(key=lambda r: int(r[0] or 0))
            writes = preview.count("add") + preview.count("update")
            dialog = PreviewDialog(
                self.window,
                f"Import contacts from {file.name}",
                f"{preview.summary}.",
                rows,
                len(preview.problems),
                writes,
            )
            self.preview = dialog

            def accepted() -> None:
                try:
                    result = contact_files.import_contacts(
                        vault, parsed, skip_bad=dialog.skip_bad.isChecked()
                    )
                except (ImportProblem, VaultError) as exc:
                    self._warn(exc)
                    return
                self.window.statusBar().showMessage(
                    f"Contacts from {file.name}: {result.summary}", 8000
                )
                self.after_write("contact")

            dialog.accepted.connect(accepted)
            dialog.open()

        self.task = Task(self.window, f"Reading {file.name}", work)
        self.task.success(done).failure(self._warn).run()

    def import_metrics(self, path: str | None = None) -> None:
        vault = self.vault()
        file = self._open("Import performance figures", "CSV files (*.csv)", path)
        if vault is None or file is None:
            return

        def work(progress: Progress) -> Any:
            progress.report(0, 0, f"Reading {file.name}…")
            return read_metrics(file)

        def done(parsed: Any) -> None:
            try:
                trial: MetricsResult = import_metrics(vault, parsed, dry_run=True)
            except (ImportProblem, VaultError) as exc:
                self._warn(exc)
                return
            rows: list[Row] = [(str(p.line or ""), "bad row", "", p.reason) for p in trial.problems]
            rows += [(str(s.line), "skip", "", s.reason) for s in trial.skipped[:2000]]
            dialog = PreviewDialog(
                self.window,
                f"Import figures from {file.name}",
                f"{trial.summary}.",
                rows,
                len(trial.problems),
                trial.added + trial.updated,
            )
            self.preview = dialog

            def accepted() -> None:
                try:
                    result = import_metrics(vault, parsed, skip_bad=dialog.skip_bad.isChecked())
                except (ImportProblem, VaultError) as exc:
                    self._warn(exc)
                    return
                self.window.statusBar().showMessage(
                    f"Figures from {file.name}: {result.summary}", 8000
                )
                self.after_write("metric")

            dialog.accepted.connect(accepted)
            dialog.open()

        self.task = Task(self.window, f"Reading {file.name}", work)
        self.task.success(done).failure(self._warn).run()

    # -- export ----------------------------------------------------------------------------
    def _save(self, title: str, filters: str, path: str | None) -> Path | None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, title, "", filters)
        return Path(path) if path else None

    def export_contacts(self, path: str | None = None) -> None:
        vault = self.vault()
        file = self._save("Export contacts", "CSV for Outlook/Excel (*.csv);;vCard (*.vcf)", path)
        if vault is None or file is None:
            return
        try:
            contacts = Contacts(vault).list()
            if file.suffix.lower() in (".vcf", ".vcard"):
                contact_files.write_export(file, contact_files.contacts_vcf(contacts))
            else:
                text = contact_files.contacts_csv(contacts, Councils(vault).names())
                contact_files.write_export(file, text, bom=True)
            vault.audit(
                "export", "contact", "", {"format": file.suffix.lstrip("."), "count": len(contacts)}
            )
        except (ImportProblem, VaultError) as exc:
            QMessageBox.warning(self.window, "Export", str(exc))
            return
        self.window.statusBar().showMessage(f"Exported {len(contacts)} contacts to {file}", 8000)

    def export_ics(self, path: str | None = None, marking: Marking = Marking.OFFICIAL) -> None:
        vault = self.vault()
        file = self._save("Export the schedule", "iCalendar (*.ics)", path)
        if vault is None or file is None:
            return
        try:
            engagements = Engagements(vault).list()
            data = schedule_ics(engagements, Councils(vault).names(), marking)
            contact_files.write_export(file, data.decode("utf-8"))
            events = sum(e.start is not None for e in engagements)
            vault.audit("export", "engagement", "", {"format": "ics", "events": events})
        except (ImportProblem, VaultError) as exc:
            QMessageBox.warning(self.window, "Export", str(exc))
            return
        self.window.statusBar().showMessage(f"Wrote {events} events to {file}", 8000)
