"""``sli-desktop --self-test``: prove that this installation works, end to end, in seconds.

Meant for IT after installing a build (and for CI on the built folder): every step uses the
same code as the app, on a throwaway vault in a temporary directory that is removed after, so
a missing Qt plugin, SQLCipher module, font, form or icon fails here rather than in front of
an adviser. The user's own vault, settings and keyring are never touched. The window is built
offscreen unless QT_QPA_PLATFORM says otherwise, so nothing flashes on screen.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from .. import __version__
from ..formats import plural

PASSPHRASE_WORDS = ("kestrel", "harbour", "lantern", "meadow", "quarry", "saddle", "thistle")


class SelfTestFailed(Exception):
    """One step did not do what it should; the message says which and what happened."""


def throwaway_passphrase() -> str:
    """Strong enough for the vault's own rules (a test checks it), random each run."""
    return "-".join(secrets.choice(PASSPHRASE_WORDS) for _ in range(5)) + secrets.token_hex(4)


#: The steps in order; each reports "ok  STEP: …" when done, so a failure names the next one.
STEPS = ("vault", "note", "search", "briefing", "window")


def run(out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """0 when every step passed; 1 with one sentence on ``err`` naming the step that failed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    passphrase = throwaway_passphrase()  # held in memory only, for both parts
    passed: list[str] = []

    def say(line: str) -> None:
        passed.append(line)
        out.write(f"ok  {line}\n")
        out.flush()

    try:
        with tempfile.TemporaryDirectory(prefix="sli-self-test-") as tmp:
            _vault_note_search_briefing(Path(tmp), passphrase, say)
            _window(Path(tmp), passphrase, say)
    except Exception as exc:  # noqa: BLE001 - the self-test reports, it never shows a traceback
        step = STEPS[min(len(passed), len(STEPS) - 1)]
        detail = " ".join(str(exc).split()) or type(exc).__name__
        err.write(f"sli-desktop: self-test failed at the {step} step: {detail}\n")
        err.flush()
        return 1
    say(f"SLI Desktop {__version__}: self-test passed")
    return 0


def _vault_note_search_briefing(tmp: Path, passphrase: str, say: Callable[[str], None]) -> None:
    """Create, close and unlock an encrypted vault, write a note, find it, brief on it."""
    from ..briefing.build import prepare_council, render_draft
    from ..briefing.options import BriefingOptions
    from ..domain import Council, CouncilType, Region, council_id
    from ..vault.councils import Councils
    from ..vault.inspection import cipher_version
    from ..vault.notes import Notes
    from ..vault.search import Search
    from ..vault.session import create_vault, unlock

    path = tmp / "vault" / "self-test.sli"
    create_vault(path, passphrase, owner="self-test").vault.close()
    vault = unlock(path, passphrase)
    try:
        cipher = cipher_version(vault)
        if not cipher:
            raise SelfTestFailed("the vault opened without SQLCipher encryption")
        if path.read_bytes()[:16] == b"SQLite format 3\x00":
            raise SelfTestFailed("the vault file is plain SQLite, not encrypted")
        say(f"vault: created and unlocked (SQLCipher {cipher}, Argon2id key)")

        gss = "E06000047"
        Councils(vault).upsert_register(
            [
                Council.build(
                    id=council_id(gss),
                    gss_code=gss,
                    name="Durham County Council",
                    short_name="County Durham",
                    type=CouncilType.UNITARY,
                    region=Region.NORTH_EAST,
                )
            ]
        )
        word = f"selftest{secrets.token_hex(4)}"
        note = Notes(vault).add(
            council=gss,
            date=date.today(),
            title=f"Self-test note {word}",
            body=f"Written by sli-desktop --self-test; the word {word} must be found.",
        )
        say("note: written")

        hits = Search(vault).search(word)
        if note.id not in {h.id for h in hits}:
            raise SelfTestFailed("the note just written was not found by search")
        say(f"search: found the note among {plural(len(hits), 'hit')}")

        draft = prepare_council(vault, gss, BriefingOptions(prepared_by="self-test"))
        pdf, pages = render_draft(draft)
    finally:
        vault.close()
    if not pdf.startswith(b"%PDF") or pages < 1:
        raise SelfTestFailed("the council briefing did not render as a PDF")
    if b"OpenSans" not in pdf:
        raise SelfTestFailed("the briefing does not embed the Open Sans typeface")
    _render_first_page(pdf)
    say(f"briefing: {plural(pages, 'page')} with Open Sans; page 1 drawn with QtPdf")


def _render_first_page(pdf: bytes) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize

    _application()
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise SelfTestFailed(f"QtPdf could not load the briefing ({document.error().name})")
    image = document.render(0, QSize(595, 842))
    if image.isNull() or len({image.pixel(x, 400) for x in range(0, 595, 5)}) < 2:
        raise SelfTestFailed("QtPdf drew a blank first page")
    document.close()


def _application() -> object:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(_kind: QtMsgType, _context: object, message: str) -> None:
        # The offscreen platform's notice about window hints is not a fault of this install.
        if "propagateSizeHints" not in message:
            sys.stderr.write(f"qt: {message}\n")

    if QApplication.instance() is None:
        qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication(["sli-desktop"])
    app.setApplicationName("SLI Desktop")
    app.setApplicationVersion(__version__)
    return app


def _window(tmp: Path, passphrase: str, say: Callable[[str], None]) -> None:
    """The real main window over the vault just made: forms, icons, stylesheet, every view."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from . import theme
    from .session import VaultSession
    from .shell import Shell

    app = _application()
    assert isinstance(app, QApplication)
    icon = theme.icon("../app-icon")
    if icon.isNull() or icon.pixmap(64, 64).isNull():
        raise SelfTestFailed("the SVG app icon did not load (Qt's SVG plugins are missing)")
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    theme.apply(app, False)
    path = tmp / "vault" / "self-test.sli"
    session = VaultSession(path, lambda: None)  # no keyring: the user's is never touched
    shell = Shell(session, settings)
    try:
        shell.start()
        shell.resize(1280, 800)
        shell.show()
        app.processEvents()
        if shell.stack.currentWidget() is not shell.unlock_page:
            raise SelfTestFailed("the window did not offer to unlock the existing vault")
        session.unlock(passphrase)
        app.processEvents()
        if shell.workspace is None or not session.is_unlocked:
            raise SelfTestFailed("the main window did not open the vault")
        if shell.grab().isNull():
            raise SelfTestFailed("the main window could not be drawn")
        platform = QApplication.platformName()
    finally:
        shell.close()  # locks the vault
        shell.deleteLater()
        app.processEvents()
    say(f"window: main window built and drawn ({platform} platform)")
