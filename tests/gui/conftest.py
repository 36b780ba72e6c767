"""GUI fixtures: the real window over a real vault, offscreen, with an in-memory keyring."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings, Qt

from sli_desktop.gui.session import VaultSession
from sli_desktop.gui.shell import Shell
from tests.conftest import PASSPHRASE
from tests.memory_keystore import MemoryKeyStore


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_shell(qtbot, settings: QSettings) -> Iterator:
    shells: list[Shell] = []

    def make(path: Path, keystore: MemoryKeyStore | None = None) -> Shell:
        store = keystore or MemoryKeyStore()
        session = VaultSession(path, lambda: store)
        shell = Shell(session, settings)
        qtbot.addWidget(shell)
        shell.show()
        shell.activateWindow()
        qtbot.waitActive(shell)
        shell.start()
        shells.append(shell)
        return shell

    interval = sys.getswitchinterval()
    yield make
    for shell in shells:
        shell.session.lock()
    sys.setswitchinterval(interval)  # a window sets it for the process (gui/tasks.py)


@pytest.fixture(scope="session")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 100,000-note vault, bulk-loaded once per session in a process of its own (memory
    security off there: it costs 10x on bulk writes and this is a fixture, not the app)."""
    from sli_desktop.vault.keys import KdfParams
    from sli_desktop.vault.session import create_vault
    from tests.bulkload import bulk_load
    from tests.conftest import PASSPHRASE

    path = tmp_path_factory.mktemp("big") / "big.sli"
    create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault.close()
    bulk_load(path, PASSPHRASE, 100_000)
    return path


def type_passphrase(qtbot, shell: Shell, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase on the unlock page and press Return, as a person unlocks."""
    qtbot.keyClicks(shell.unlock_page.ui.passphrase, passphrase)
    qtbot.keyClick(shell.unlock_page.ui.passphrase, Qt.Key.Key_Return)


def unlock_window(qtbot, shell: Shell, passphrase: str = PASSPHRASE) -> None:
    """Unlock the window and wait for the workspace."""
    type_passphrase(qtbot, shell, passphrase)
    qtbot.waitUntil(lambda: shell.workspace is not None)


def lock_while_held(
    qtbot,
    window: Shell,
    task,
    release: threading.Event,
    capfd: pytest.CaptureFixture,
    while_locked: Callable[[], None] = lambda: None,
) -> None:
    """Lock the window while ``task``'s work is held on its worker, then let the work go: the
    task ends without a deleted signal source or a traceback, and the window unlocks again.
    ``while_locked`` checks the window between the lock and the release."""
    finished = threading.Event()
    task.destroyed.connect(lambda *_: finished.set())
    window.lock()  # wipes the key the worker's connection watches; the workspace goes
    assert window.session.vault is None
    while_locked()
    release.set()
    qtbot.waitUntil(finished.is_set, timeout=30_000)
    qtbot.wait(100)
    err = capfd.readouterr().err
    assert "Signal source has been deleted" not in err
    assert "Traceback" not in err
    unlock_window(qtbot, window)
