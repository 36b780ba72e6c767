"""``sli-desktop``: start the window, or render every view to PNG files and exit.

``--screenshot DIR`` unlocks the way ``sli`` does (SLI_PASSPHRASE, --passphrase-file, the OS
keyring) and writes DIR/NAME.png at 1366×768 (a council laptop) for each main view, for tests and
the README.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, paths
from ..demo import DEMO_PASSPHRASE, demo_path, open_or_create_demo
from ..vault.errors import VaultError
from ..vault.keystore import system_keystore
from ..vault.passphrase import given_passphrase
from ..vault.process import disable_core_dumps

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sli-desktop", description="SLI Desktop")
    parser.add_argument("--vault", metavar="PATH")
    parser.add_argument("--passphrase-file", metavar="F")
    parser.add_argument("--demo", action="store_true", help="open the fictional demo vault")
    parser.add_argument(
        "--demo-if-no-vault",
        action="store_true",
        help="open the demo vault when there is no vault yet (make run)",
    )
    parser.add_argument(
        "--screenshot", metavar="DIR", help="render each main view to DIR/NAME.png and exit"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation on a throwaway vault (offscreen) and exit 0 if it works",
    )
    parser.add_argument(
        "--text-size",
        metavar="PERCENT",
        type=int,
        choices=(100, 125, 150, 175, 200),
        help="text size for this run, as Settings offers it: 100, 125, 150, 175 or 200",
    )
    parser.add_argument("--quit-when-ready", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"sli-desktop {__version__}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    disable_core_dumps()
    args = parse(argv)
    if args.self_test:
        from . import selftest

        return selftest.run()
    vault_path = Path(args.vault).expanduser() if args.vault else paths.default_vault()
    demo = args.demo or (args.demo_if_no_vault and not args.vault and not vault_path.exists())
    if demo:
        vault_path = demo_path(paths.data_dir())

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from . import theme
    from .session import VaultSession
    from .shell import Shell

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("SLI Desktop")
    app.setOrganizationName("sli-desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("uk.gov.local.SliDesktop")  # packaging/linux: icon, Wayland app id
    app.setWindowIcon(theme.icon("../app-icon"))
    settings = QSettings()
    appearance = theme.Appearance.from_settings(settings)
    if args.text_size:
        appearance = theme.Appearance(args.text_size, appearance.contrast)
    theme.apply(app, appearance)
    theme.follow_desktop(app, settings)

    opener = (lambda: open_or_create_demo(vault_path)) if demo else None
    session = VaultSession(vault_path, system_keystore, opener=opener)
    shell = Shell(session, settings)

    if args.screenshot:
        from .screenshots import capture

        try:
            passphrase = given_passphrase(args.passphrase_file)
            if not demo:
                if passphrase is not None:
                    session.unlock(passphrase)
                elif not session.try_automatic():
                    raise VaultError(
                        "a passphrase is needed: set SLI_PASSPHRASE, use "
                        "--passphrase-file, or remember the key in the OS keyring"
                    )
            else:
                session.try_automatic()
        except VaultError as exc:
            sys.stderr.write(f"sli-desktop: {exc}\n")
            return 2
        written = capture(shell, Path(args.screenshot))
        for path in written:
            print(path)
        return 0

    shell.start()
    shell.show()
    if args.quit_when_ready:  # cold-start benchmark: the first view is populated by now
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: _ready(app))
    if demo:
        shell.statusBar().showMessage(f"Demo vault (passphrase: {DEMO_PASSPHRASE})", 10000)
    return int(app.exec())


def _ready(app: QApplication) -> None:
    """Say "ready" on stdout and quit: the benchmarks time the start to this line, not to the
    exit, which waits for the page check still running beside the window (vault/page_check.py)."""
    print("ready", flush=True)
    app.quit()


def run() -> None:
    sys.exit(main())


# ``python -m sli_desktop.gui.main`` runs the app (the cold-start benchmarks launch it so).
if __name__ == "__main__":
    run()
