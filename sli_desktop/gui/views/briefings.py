"""Briefings: choose the kind, scope and options, preview the PDF in the window, save it.

The vault is read and the briefing audited on the GUI thread (the vault's thread); rendering,
the slow part, runs on a worker through ``Task``. The PDF stays in memory until the user saves
it, and is written only to the file they choose.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...domain import Marking, Region
from ...platform import opener
from ...vault.challenges import Challenges
from ...vault.councils import Councils
from ...vault.errors import VaultError
from ...vault.store import Vault
from ..flow import flow_row
from ..tasks import Progress, Task
from .base import View, button, page_title

if TYPE_CHECKING:
    from ...briefing import Briefing, BriefingOptions, Draft


def _briefing() -> ModuleType:
    """The briefing package, imported when a briefing is first made: it brings reportlab,
    which would otherwise add to every start of the window (docs/PERFORMANCE.md)."""
    from ... import briefing

    return briefing


KINDS = [
    ("council", "Council briefing"),
    ("region", "Regional briefing"),
    ("challenge", "Peer challenge team pack"),
]


class BriefingsView(View):
    title = "Briefings"

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.briefing: Briefing | None = None
        self.task: Task[tuple[bytes, int]] | None = None
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of briefing")
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.scope = QComboBox()
        self.scope.setAccessibleName("Briefing scope")
        self.scope.setEditable(False)
        # Long council names would otherwise set the form's width; the list shows them whole.
        self.scope.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.scope.setMinimumContentsLength(18)
        self.recipient = QLineEdit()
        self.recipient.setAccessibleName("Prepared for")
        self.recipient.setPlaceholderText("Named on every page and as a watermark")
        self.marking = QComboBox()
        self.marking.setAccessibleName("Protective marking")
        self.marking.addItem("Highest of what is included", None)
        for marking in Marking:
            self.marking.addItem(marking.value, marking.value)
        self.use_since = QCheckBox("Intelligence since")
        self.since = QDateEdit(QDate.currentDate().addYears(-1))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("d MMM yyyy")
        self.since.setEnabled(False)
        self.use_since.toggled.connect(self.since.setEnabled)
        self.large_print = QCheckBox("Large print (16 pt)")
        self.encrypt = QCheckBox("Encrypt when saving (AES-256)")
        since_row = QHBoxLayout()
        since_row.addWidget(self.use_since)
        since_row.addWidget(self.since)
        since_row.addStretch()
        form = QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("For", self.scope)
        form.addRow("Prepared for", self.recipient)
        form.addRow("Marking", self.marking)
        form.addRow("", _wrap(since_row))
        form.addRow("", self.large_print)
        form.addRow("", self.encrypt)
        self.generate_button = button("&Preview", self.generate, "Preview the briefing")
        self.save_button = button("&Save…", self.save, "Save the briefing")
        self.save_button.setEnabled(False)
        # The file just saved, in the user's own PDF reader (to print it, or check it).
        self.opener: opener.Opener = opener.for_platform()
        self.saved: Path | None = None
        self.open_button = button("&Open", self.open_saved, "Open the saved briefing")
        self.open_button.setEnabled(False)
        self.status = QLabel("Choose what to brief on, then preview it.")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Briefing status")
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(flow_row(self.generate_button, self.save_button, self.open_button))
        side.addWidget(self.status)
        side.addStretch()
        self.document = QPdfDocument(self)
        # Parented by the layout below, after the form, so Tab reaches the form first.
        self.preview = QPdfView()
        self.preview.setAccessibleName("Briefing preview")
        self.preview.setDocument(self.document)
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer: QBuffer | None = None
        columns = QHBoxLayout()
        left = QWidget()
        left.setLayout(side)
        # The form takes what it needs and the preview the rest.
        left.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        columns.addWidget(left)
        columns.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(self.title))
        layout.addLayout(columns, 1)
        self.kind.currentIndexChanged.connect(lambda _i: self._fill_scope())
        self._fill_scope()

    # -- choosing ------------------------------------------------------------------------
    def refresh(self) -> None:
        self._fill_scope()

    def _fill_scope(self) -> None:
        kind = self.kind.currentData()
        current = self.scope.currentData()
        self.scope.clear()
        if kind == "council":
            for council in Councils(self.vault).list():
                self.scope.addItem(f"{council.name} ({council.gss_code})", council.gss_code)
        elif kind == "region":
            for region in Region.english():  # regional briefings cover England's nine
                self.scope.addItem(region.value, region.value)  # Qt stores the text
        else:
            names = Councils(self.vault).names()
            for e in Challenges(self.vault).list():
                when = e.start.isoformat() if e.start else "dates to be agreed"
                label = f"{names.get(e.council, e.council)}: {e.type.label}, {when}"
                self.scope.addItem(label, e.id)
        index = self.scope.findData(current)
        if index >= 0:
            self.scope.setCurrentIndex(index)

    def options(self) -> BriefingOptions:
        chosen = self.since.date()
        since = date(chosen.year(), chosen.month(), chosen.day())
        options: BriefingOptions = _briefing().BriefingOptions(
            prepared_by=self.vault.actor,
            recipient=self.recipient.text().strip(),
            marking=Marking(self.marking.currentData()) if self.marking.currentData() else None,
            since=since if self.use_since.isChecked() else None,
            large_print=self.large_print.isChecked(),
        )
        return options

    # -- generating ----------------------------------------------------------------------
    def generate(self) -> None:
        """Lay the briefing out from the vault here, render it on a worker, then audit it and
        show it. Nothing is written to disk."""
        target = self.scope.currentData()
        if target is None:
            self.status.setText("There is nothing to brief on yet.")
            return
        kind = self.kind.currentData()
        if kind == "region":
            target = Region(target)
        prepare = {
            "council": _briefing().prepare_council,
            "region": _briefing().prepare_region,
            "challenge": _briefing().prepare_challenge,
        }[kind]
        try:
            draft: Draft = prepare(self.vault, target, self.options())
        except VaultError as exc:
            QMessageBox.warning(self, "Briefing", str(exc))
            return
        self.generate_button.setEnabled(False)
        self.status.setText("Preparing the briefing…")

        def work(progress: Progress) -> tuple[bytes, int]:
            progress.report(0, 0, "Typesetting the briefing…")
            rendered: tuple[bytes, int] = _briefing().render_draft(draft)
            return rendered

        def done(result: tuple[bytes, int]) -> None:
            pdf, pages = result
            self.generate_button.setEnabled(True)
            try:
                self.briefing = _briefing().record(self.vault, draft, pdf, pages, encrypted=False)
            except VaultError as exc:  # not audited, so not shown
                self.status.setText(str(exc))
                return
            self._show(self.briefing)
            self.changed.emit("briefing")

        def failed(exc: BaseException) -> None:
            self.generate_button.setEnabled(True)
            self.status.setText(f"The briefing could not be made ({type(exc).__name__}).")

        self.task = Task(self, "Preparing the briefing", work).success(done).failure(failed).run()

    def _show(self, briefing: Briefing) -> None:
        self.document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(briefing.pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        self._buffer = buffer
        self.save_button.setEnabled(True)
        withheld = (
            f" {briefing.withheld} notes above the marking were left out."
            if briefing.withheld
            else ""
        )
        self.status.setText(
            f"{briefing.title}: {briefing.pages} pages, {briefing.marking.value}, "
            f"{briefing.notes} notes.{withheld} Recorded in the audit log."
        )

    # -- saving --------------------------------------------------------------------------
    def save(self) -> None:
        if self.briefing is None:
            return
        passphrase = self._ask_passphrase() if self.encrypt.isChecked() else None
        if self.encrypt.isChecked() and passphrase is None:
            return
        name = self.briefing.title.replace(":", " -").replace("/", "-") + ".pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save the briefing", name, "PDF (*.pdf)")
        if path:
            self.save_to(Path(path), passphrase)

    def save_to(self, path: Path, passphrase: str | None = None) -> None:
        """Write the previewed briefing to ``path`` (encrypted with ``passphrase`` if given)
        and note in the audit log that it left the app, and how."""
        if self.briefing is None:
            return
        data = (
            self.briefing.pdf
            if passphrase is None
            else _briefing().encrypt(self.briefing.pdf, passphrase)
        )
        try:
            _briefing().write_pdf(path, data)
        except OSError as exc:
            QMessageBox.warning(self, "Save the briefing", f"Cannot write {path}: {exc}")
            return
        self.vault.audit(
            "save",
            "briefing",
            self.briefing.audit_id,
            {"file": path.name, "encrypted": passphrase is not None},
        )
        self.status.setText(f"Saved to {path}" + (", encrypted." if passphrase else "."))
        self.saved = path
        self.open_button.setEnabled(True)
        self.changed.emit("briefing")

    def open_saved(self) -> None:
        """Hand the saved file to the default PDF reader (which asks for an encrypted one's
        passphrase itself); nothing new is written for it."""
        if self.saved is None:
            return
        try:
            self.opener.open(self.saved)
        except opener.OpenFailed as exc:
            self.status.setText(f"Cannot open {self.saved.name}: {exc}.")

    def _ask_passphrase(self) -> str | None:
        from ...briefing.protect import MIN_PASSPHRASE

        first, ok = QInputDialog.getText(
            self, "Encrypt the briefing", "Passphrase for the PDF:", QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if len(first) < MIN_PASSPHRASE:
            QMessageBox.warning(
                self, "Encrypt the briefing", f"Use at least {MIN_PASSPHRASE} characters."
            )
            return None
        again, ok = QInputDialog.getText(
            self, "Encrypt the briefing", "Repeat the passphrase:", QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if again != first:
            QMessageBox.warning(self, "Encrypt the briefing", "The two passphrases differ.")
            return None
        return first


def _wrap(layout: QHBoxLayout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
