"""Importing the council register in the window: the file is read off the GUI thread, then
the window says what the import would change before it changes anything: councils to add and
update, those to mark abolished, coordinators' corrections kept, and every fact in the vault
newer than the file, which is kept (vault/councils.py ``RegisterPlan``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QMessageBox

from ..importers import ImportProblem
from ..importers.register import Release, read_release
from ..vault.councils import Councils, RegisterPlan
from ..vault.errors import VaultError
from .session import VaultSession
from .tasks import Progress, Task

#: The preview lists this many kept facts; the rest are counted.
SHOWN = 12


class RegisterImport:
    """One import: ``preview`` is the question on screen (tests answer it), ``task`` the
    reading of the file."""

    def __init__(self, window: QMainWindow, session: VaultSession, file: Path) -> None:
        self.window = window
        self.session = session
        self.file = file
        self.preview: QMessageBox | None = None
        self.plan: RegisterPlan | None = None
        self.release: Release | None = None
        self.task = (
            Task(window, f"Importing {file.name}", self._read)
            .success(self._ask)
            .failure(self._failed)
            .run()
        )

    def _read(self, progress: Progress) -> Release:
        progress.report(0, 0, f"Reading {self.file.name}…")
        release = read_release(self.file)
        progress.check()
        return release

    def _ask(self, release: Release) -> None:
        vault = self.session.vault
        if vault is None:
            return
        self.release = release
        self.plan = plan = Councils(vault).plan_register(release.councils, release.as_of)
        lines = plan.lines()
        details = lines[1:]
        shown = details[:SHOWN]
        if len(details) > SHOWN:
            shown.append(f"…and {len(details) - SHOWN} more.")
        box = QMessageBox(
            QMessageBox.Icon.Question if not plan.older else QMessageBox.Icon.Warning,
            "Import the council register",
            f"{self.file.name}: {len(release.current)} current and {len(release.ended)} "
            f"abolished councils. {lines[0]}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setAccessibleName("Import the council register")
        if shown:
            box.setInformativeText("\n".join(shown))
        box.button(QMessageBox.StandardButton.Yes).setText("Import")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(
            lambda clicked: self.apply()
            if box.standardButton(clicked) == QMessageBox.StandardButton.Yes
            else None
        )
        self.preview = box
        box.open()

    def apply(self) -> None:
        vault = self.session.vault
        if vault is None or self.plan is None or self.release is None:
            return
        as_of = self.release.as_of
        try:
            with vault.transaction():
                result = Councils(vault).apply(self.plan)
                vault.audit(
                    "import",
                    "council",
                    detail={
                        "file": self.file.name,
                        "as_of": as_of.isoformat() if as_of else None,
                        "added": result.added,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "abolished": result.abolished,
                        "held_back": result.held_back,
                        "corrections_kept": result.corrections_kept,
                    },
                )
        except VaultError as exc:
            QMessageBox.warning(self.window, "Import", str(exc))
            return
        kept = result.held_back + result.corrections_kept
        self.window.statusBar().showMessage(
            f"Council register imported: {result.added} added, {result.updated} updated, "
            f"{result.abolished} marked abolished"
            + (f", {kept} kept as the vault holds them" if kept else "")
            + ".",
            10000,
        )
        self.session.changed.emit("council")

    def _failed(self, exc: BaseException) -> None:
        message = (
            str(exc)
            if isinstance(exc, ImportProblem | VaultError)
            else f"The import failed unexpectedly ({type(exc).__name__})."
        )
        QMessageBox.warning(self.window, "Import", message)
