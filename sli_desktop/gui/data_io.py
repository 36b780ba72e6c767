"""File ▸ Import… and Export…: contacts, performance figures and the schedule; backup and
restore of the whole vault.

Reading a file and working out what it would change run off the GUI thread (gui.tasks); the
preview shows it (added, updated, skipped, and each bad row with its line and reason) and
nothing is written until the user accepts it. The write runs on a worker too, with a vault
connection of its own (``tasks.vault_task``), in one transaction that a cancel rolls back.
The schedule export asks for the protective marking (and the region) first, offering the one
the user chose last time. Restore takes the backup's passphrase or the recovery key, checks it
before the open vault is locked, and copies the backup in off the GUI thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import Marking, Region
from ..importers import ImportProblem
from ..importers import contacts as contact_files
from ..importers.calendar import ScheduleExport, export_schedule
from ..importers.contact_plan import ContactPreview
from ..importers.contactrow import ContactRow
from ..importers.metrics import MetricsParsed, MetricsResult, import_metrics, read_metrics
from ..importers.tabular import Parsed
from ..vault import backup as backups
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from ..vault.errors import VaultError
from ..vault.preferences import Preferences
from ..vault.session import check_passphrase
from ..vault.store import Vault
from .models import Column, RowsModel
from .tasks import Progress, Task, vault_task

Row = tuple[str, str, str, str]  # line, what, who/what, why
WrittenT = TypeVar("WrittenT")  # what an import's write returns: its summary and counts


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
        # A model over the rows, not an item per cell: a 20,000-contact file made 80,000 items
        # on the window's thread, two seconds in which it could not answer (issue 25).
        self.model: RowsModel[Row] = RowsModel(
            [
                Column("Line", itemgetter(0)),
                Column("Action", itemgetter(1)),
                Column("Record", itemgetter(2)),
                Column("Why", itemgetter(3)),
            ],
            self,
        )
        self.model.set_rows(rows)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Import preview")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
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


class ScheduleExportDialog(QDialog):
    """The choices of ``sli challenge export``: the protective marking written into every
    event, and the region (or all of them)."""

    def __init__(self, parent: QWidget, marking: Marking, region: Region | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the schedule to a calendar")
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        self.marking_box = QComboBox()
        self.marking_box.setAccessibleName("Protective marking")
        for m in Marking:
            self.marking_box.addItem(m.value, m.value)
        self.marking_box.setCurrentIndex(self.marking_box.findData(marking.value))
        self.region_box = QComboBox()
        self.region_box.setAccessibleName("Region")
        self.region_box.addItem("All regions", None)
        for r in Region.english():
            self.region_box.addItem(r.value, r.value)
        if region is not None:
            self.region_box.setCurrentIndex(max(0, self.region_box.findData(region.value)))
        form.addRow("&Marking", self.marking_box)
        form.addRow("&Region", self.region_box)
        note = QLabel(
            "The marking is written into every event. Cancelled, deleted and re-dated peer "
            "challenges are included so your calendar updates rather than keeps old events."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def marking(self) -> Marking:
        return Marking(self.marking_box.currentData())

    def region(self) -> Region | None:
        value = self.region_box.currentData()
        return Region(value) if value else None


def save_schedule(
    parent: QWidget, vault: Vault, marking: Marking, region: Region | None, path: str | None = None
) -> ScheduleExport | None:
    """Ask where (unless ``path``), write, and remember the marking; None if the user cancelled.
    Raises ImportProblem/VaultError with the sentence to show."""
    if not path:
        suggested = f"peer-challenges-{region.value if region else 'all'}.ics"
        path, _ = QFileDialog.getSaveFileName(
            parent, "Export the schedule", suggested.replace(" ", "-").lower(), "iCalendar (*.ics)"
        )
    if not path:
        return None
    done = export_schedule(vault, Path(path), region, marking)
    Preferences(vault).export_marking = marking
    return done


class RestoreDialog(QDialog):
    """What opens the backup: its passphrase, or the recovery key and a new passphrase.
    The secret is checked here, so a wrong one never locks or touches the open vault."""

    def __init__(self, parent: QWidget, source: Path, target: Path, replaces: bool) -> None:
        super().__init__(parent)
        self.source = source
        self.secret: backups.BackupSecret | None = None
        self.setWindowTitle("Restore from a backup")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        what = f"Restore {source.name} to {target}."
        if replaces:
            what += " This replaces the vault there, and the app locks first."
        intro = QLabel(what)
        intro.setWordWrap(True)
        form.addRow(intro)
        self.use_passphrase = QRadioButton("The backup's &passphrase")
        self.use_recovery = QRadioButton("The recovery &key (then choose a new passphrase)")
        self.use_passphrase.setChecked(True)
        self.passphrase = self._secret_field("Passphrase of the backup")
        self.recovery_key = QLineEdit()
        self.recovery_key.setAccessibleName("Recovery key")
        self.recovery_key.setPlaceholderText("XXXX-XXXX-…")
        self.new_passphrase = self._secret_field("New passphrase")
        self.repeat = self._secret_field("Repeat the new passphrase")
        form.addRow(self.use_passphrase)
        form.addRow("Passphrase", self.passphrase)
        form.addRow(self.use_recovery)
        form.addRow("Recovery key", self.recovery_key)
        form.addRow("New passphrase", self.new_passphrase)
        form.addRow("Repeat", self.repeat)
        self.message = QLabel()
        self.message.setAccessibleName("Restore message")
        self.message.setWordWrap(True)
        form.addRow(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.restore_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.restore_button.setText("&Restore")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.use_recovery.toggled.connect(self._mode)
        self._mode()

    def _secret_field(self, name: str) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setAccessibleName(name)
        return field

    def _mode(self, _: object = None) -> None:
        recovery = self.use_recovery.isChecked()
        self.passphrase.setEnabled(not recovery)
        for field in (self.recovery_key, self.new_passphrase, self.repeat):
            field.setEnabled(recovery)
        (self.recovery_key if recovery else self.passphrase).setFocus()

    def submit(self) -> None:
        if self.use_recovery.isChecked():
            if self.new_passphrase.text() != self.repeat.text():
                self.message.setText("The two new passphrases differ.")
                return
            secret = backups.BackupSecret(
                recovery_key=self.recovery_key.text(), new_passphrase=self.new_passphrase.text()
            )
        else:
            if not self.passphrase.text():
                self.message.setText("Type the passphrase the backup was made with.")
                return
            secret = backups.BackupSecret(passphrase=self.passphrase.text())
        try:
            backups.open_backup(self.source, secret)
            if secret.new_passphrase is not None:
                check_passphrase(secret.new_passphrase)
        except VaultError as exc:
            self.message.setText(str(exc)[:1].upper() + str(exc)[1:] + ".")
            return
        self.secret = secret
        self.accept()


class DataActions(QObject):
    """The File menu's import and export actions for one window."""

    def __init__(
        self,
        window: QMainWindow,
        vault: Callable[[], Vault | None],
        vault_path: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.vault = vault
        self.vault_path = vault_path
        self.task: Task[object] | None = None
        self.preview: PreviewDialog | None = None
        self.export_dialog: ScheduleExportDialog | None = None
        self.restore_dialog: RestoreDialog | None = None
        self.after_write: Callable[[str], None] = lambda _kind: None
        #: Close the open vault before a restore replaces it (the window's lock).
        self.lock: Callable[[], None] = lambda: None
        #: After an import: how many records it wrote, and the tables whose full-text index
        #: it changed (the window merges them in idle time after a bulk load).
        self.bulk_loaded: Callable[[int, tuple[str, ...]], None] = lambda _count, _tables: None
        #: After a restore: the window shows the unlock screen with this sentence.
        self.after_restore: Callable[[str], None] = lambda _message: None

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
        self.export_json_action = action(
            "Export everything as plain &JSON (not encrypted)…", self.export_json
        )
        self.export_person_action = action(
            "Export what is held about a &person (JSON)…", self.export_person
        )
        self.backup_action = action("&Back up the vault…", self.backup)
        self.restore_action = action("&Restore from a backup…", self.restore)
        self.restore_action.setVisible(vault_path is not None)
        self.actions = [
            self.import_contacts_action,
            self.import_metrics_action,
            self.export_contacts_action,
            self.export_schedule_action,
            self.export_json_action,
            self.export_person_action,
            self.backup_action,
            self.restore_action,
        ]

    def set_enabled(self, on: bool) -> None:
        """Everything needs an unlocked vault except restore, which also serves a new laptop."""
        for act in self.actions:
            act.setEnabled(on or act is self.restore_action)

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

        def work(
            progress: Progress, worker: Vault
        ) -> tuple[Parsed[ContactRow], ContactPreview, list[Row]]:
            progress.report(0, 0, f"Reading {file.name}…")
            parsed = contact_files.read_contacts(file)
            preview = contact_files.preview_contacts(worker, parsed)
            # The preview's rows are made here too: 20,000 of them took a tenth of a second.
            rows: list[Row] = [
                (str(c.line), c.action, c.contact.name, c.reason) for c in preview.changes
            ]
            rows += [(str(p.line or ""), "bad row", "", p.reason) for p in preview.problems]
            # What was kept as typed or not imported, and what an organisation is, under each
            # (the first 2,000, as for figures: `sli contact import --json` lists them all).
            notices = [(c, n) for c in preview.changes for n in c.notices]
            for c, notice in notices[:2000]:
                what, _, why = notice.partition(": ")
                rows.append((str(c.line), what, c.contact.name, why))
            rows.sort(key=lambda r: int(r[0] or 0))
            return parsed, preview, rows

        def done(read: tuple[Parsed[ContactRow], ContactPreview, list[Row]]) -> None:
            parsed, preview, rows = read
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
                skip_bad = dialog.skip_bad.isChecked()

                def write(progress: Progress, worker: Vault) -> ContactPreview:
                    progress.report(0, 0, f"Importing contacts from {file.name}…")
                    return contact_files.import_contacts(worker, parsed, skip_bad=skip_bad)

                def written(result: ContactPreview) -> None:
                    self.window.statusBar().showMessage(
                        f"Contacts from {file.name}: {result.summary}", 8000
                    )
                    self.after_write("contact")

                self._write(
                    f"Importing contacts from {file.name}",
                    vault,
                    write,
                    written,
                    lambda result: result.count("add") + result.count("update"),
                    ("contacts",),
                )

            dialog.accepted.connect(accepted)
            dialog.open()

        self.task = vault_task(self.window, f"Reading {file.name}", vault, work)
        self.task.success(done).failure(self._warn).run()

    def import_metrics(self, path: str | None = None) -> None:
        vault = self.vault()
        file = self._open("Import performance figures", "CSV files (*.csv)", path)
        if vault is None or file is None:
            return

        def work(progress: Progress, worker: Vault) -> tuple[MetricsParsed, MetricsResult]:
            progress.report(0, 0, f"Reading {file.name}…")
            parsed = read_metrics(file)
            return parsed, import_metrics(worker, parsed, dry_run=True)

        def done(read: tuple[MetricsParsed, MetricsResult]) -> None:
            parsed, trial = read
            rows: list[Row] = [(str(p.line or ""), "bad row", "", p.reason) for p in trial.problems]
            rows += [(str(s.line), "skip", "", s.reason) for s in trial.skipped[:2000]]
            rows += [
                (str(n), "successor", new, f"{old} was abolished") for n, old, new in trial.mapped
            ]
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
                skip_bad = dialog.skip_bad.isChecked()

                def write(progress: Progress, worker: Vault) -> MetricsResult:
                    progress.report(0, 0, f"Importing figures from {file.name}…")
                    return import_metrics(worker, parsed, skip_bad=skip_bad)

                def written(result: MetricsResult) -> None:
                    self.window.statusBar().showMessage(
                        f"Figures from {file.name}: {result.summary}", 8000
                    )
                    self.after_write("metric")

                self._write(
                    f"Importing figures from {file.name}",
                    vault,
                    write,
                    written,
                    lambda result: result.added + result.updated,
                    (),  # figures have no full-text index
                )

            dialog.accepted.connect(accepted)
            dialog.open()

        self.task = vault_task(self.window, f"Reading {file.name}", vault, work)
        self.task.success(done).failure(self._warn).run()

    def _write(
        self,
        label: str,
        vault: Vault,
        write: Callable[[Progress, Vault], WrittenT],
        written: Callable[[WrittenT], None],
        count: Callable[[WrittenT], int],
        tables: tuple[str, ...],
    ) -> None:
        """An accepted import, written on a worker (one transaction: a cancel or a lock
        leaves the vault as it was), then the index merged in idle time."""

        def done(result: WrittenT) -> None:
            written(result)
            self.bulk_loaded(count(result), tables)

        def cancelled() -> None:
            self.window.statusBar().showMessage("Import cancelled: nothing was imported.", 8000)

        self.task = vault_task(self.window, label, vault, write)
        self.task.success(done).failure(self._warn).on_cancel(cancelled).run()

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

    def export_ics(self, path: str | None = None, region: Region | None = None) -> None:
        """The choices first (marking, region), then where to save; ``path`` skips the file
        dialog (tests, scripted use)."""
        vault = self.vault()
        if vault is None:
            return
        dialog = ScheduleExportDialog(self.window, Preferences(vault).export_marking, region)
        self.export_dialog = dialog

        def accepted() -> None:
            try:
                done = save_schedule(self.window, vault, dialog.marking(), dialog.region(), path)
            except (ImportProblem, VaultError) as exc:
                QMessageBox.warning(self.window, "Export", str(exc))
                return
            if done is not None:
                self.window.statusBar().showMessage(
                    f"{done.summary}, marked {done.marking.value}.", 8000
                )

        dialog.accepted.connect(accepted)
        dialog.open()

    def export_json(self, path: str | None = None) -> None:
        """Everything the user can see, for a subject access request or for leaving the
        product: the same document as ``sli export --json``, and just as unencrypted."""
        vault = self.vault()
        if vault is None:
            return
        file = self._save("Export everything — NOT encrypted", "JSON (*.json)", path)
        if file is None:
            return
        try:
            document = backups.export_everything(vault)
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            contact_files.write_export(file, text)
            vault.audit("export", "", "", {"format": "json", "file": file.name})
        except (ImportProblem, VaultError) as exc:
            QMessageBox.warning(self.window, "Export", str(exc))
            return
        count = sum(len(v) for v in document["records"].values())
        self.window.statusBar().showMessage(
            f"Exported {count} records to {file} (not encrypted: keep it safe).", 8000
        )

    def export_person(self, name: str | None = None, path: str | None = None) -> None:
        """Everything held about one person (a subject access request), as ``sli export
        --person``: their contacts, notes naming them, actions, teams and contact audit."""
        from ..vault.person import audit_export, find_person

        vault = self.vault()
        if vault is None:
            return
        if name is None:
            name, ok = QInputDialog.getText(
                self.window, "Export what is held about a person", "Name of the person:"
            )
            if not ok:
                return
        name = " ".join(name.split())
        if len(name) < 2:
            QMessageBox.warning(self.window, "Export", "Give a name of at least two characters.")
            return
        file = self._save(
            f"Export what is held about {name} — NOT encrypted", "JSON (*.json)", path
        )
        if file is None:
            return
        try:
            found = find_person(vault, name)
            document = found.to_json(vault.now().isoformat())
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            contact_files.write_export(file, text)
            audit_export(vault, found, file.name)
        except (ImportProblem, VaultError) as exc:
            QMessageBox.warning(self.window, "Export", str(exc))
            return
        summary = ", ".join(f"{v} {k}" for k, v in found.counts().items())
        self.window.statusBar().showMessage(
            f"Exported what is held about {name} to {file} (not encrypted): {summary}.", 8000
        )

    # -- backup and restore ----------------------------------------------------------------
    def backup(self, path: str | None = None) -> None:
        vault = self.vault()
        if vault is None:
            return
        file = self._save("Back up the vault", "SLI backup (*.sli-backup)", path)
        if file is None:
            return
        if file.resolve() == vault.path.resolve():
            QMessageBox.warning(
                self.window, "Backup", "The backup cannot be written over the vault itself."
            )
            return
        try:
            info = backups.backup(vault, file)
        except VaultError as exc:
            QMessageBox.warning(self.window, "Backup", str(exc))
            return
        self.window.statusBar().showMessage(
            f"Backed up the vault to {info.path} ({info.size // 1024} KiB, encrypted).", 8000
        )

    def restore(self, path: str | None = None) -> None:
        if self.vault_path is None:
            return
        file = self._open("Restore from a backup", "SLI backup (*.sli-backup *.zip)", path)
        if file is None:
            return
        target = self.vault_path()
        replaces = target.exists()
        try:
            backups.inspect(file)  # not a backup at all: say so before asking for secrets
        except VaultError as exc:
            QMessageBox.warning(self.window, "Restore", str(exc))
            return
        dialog = RestoreDialog(self.window, file, target, replaces)
        self.restore_dialog = dialog

        def accepted() -> None:
            secret = dialog.secret
            assert secret is not None
            self.lock()  # the vault there must be closed before its files are replaced

            def work(progress: Progress) -> backups.BackupInfo:
                progress.report(0, 0, f"Restoring {file.name}…")
                return backups.restore(file, target, secret, force=True)

            def done(_info: backups.BackupInfo) -> None:
                how = "the new passphrase" if secret.recovery_key else "the backup's passphrase"
                self.after_restore(f"Restored from {file.name}. Unlock with {how}.")

            def failed(exc: BaseException) -> None:
                message = (
                    str(exc)
                    if isinstance(exc, VaultError)
                    else f"The restore failed unexpectedly ({type(exc).__name__})."
                )
                self.after_restore(f"Nothing was restored: {message}")

            self.task = Task(self.window, f"Restoring {file.name}", work)
            self.task.success(done).failure(failed).run()

        dialog.accepted.connect(accepted)
        dialog.open()
