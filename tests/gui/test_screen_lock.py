"""The app locks when the desktop session locks (screensaver ActiveChanged on D-Bus)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from PySide6.QtDBus import QDBusConnection

from tests.gui.conftest import unlock_window


@pytest.fixture
def session_bus() -> None:
    if not QDBusConnection.sessionBus().isConnected() or not shutil.which("dbus-send"):
        reason = "no D-Bus session bus (CI runs the suite inside dbus-run-session)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.mark.parametrize(
    "path,interface",
    [
        ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
        ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
    ],
)
def test_session_lock_locks_the_vault(
    qtbot, make_shell, councils_vault, vault_path, session_bus, path, interface
) -> None:
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    vault = shell.session.vault
    assert shell.screen_lock.connected >= 2

    def send(active: str) -> None:
        subprocess.run(
            [
                "dbus-send",
                "--session",
                "--type=signal",
                path,
                f"{interface}.ActiveChanged",
                f"boolean:{active}",
            ],
            check=True,
        )

    send("false")  # the screensaver going away never locks
    qtbot.wait(200)
    assert shell.session.vault is not None
    with qtbot.waitSignal(shell.session.locked, timeout=5000):
        send("true")
    assert not vault.is_open and shell.workspace is None
