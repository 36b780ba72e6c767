"""The window fits an adviser's laptop (issue 21, item 1): every view, tab and form of the
real window over the demo vault at 1280×720 with a 14 pt font, at 200% display scaling
(QT_SCALE_FACTOR=2, in a process of its own), and down to 1024×640 at the usual font:
nothing past the window's edge, no text cut off, navigation names whole."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from sli_desktop.gui.shell import Shell
from tests.gui.fitting import check, demo_shell, set_font

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shell(qtbot, tmp_path: Path) -> Iterator[Shell]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = demo_shell(tmp_path, settings)
    qtbot.addWidget(window)
    yield window
    window.session.lock()


@pytest.fixture
def font_points() -> Iterator[None]:
    """Whatever font a test sets is put back afterwards (the application is shared)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QFont(app.font())
    yield
    app.setFont(before)


def test_every_view_tab_and_form_fits_1280_by_720_with_a_14_point_font(
    shell: Shell, font_points: None
) -> None:
    set_font(14)
    assert check(shell, 1280, 720) == []


def test_the_window_can_be_as_small_as_1024_by_640(shell: Shell, font_points: None) -> None:
    set_font(10.5)
    assert check(shell, 1024, 640) == []
    assert shell.minimumSizeHint().width() <= 1024
    assert shell.minimumSizeHint().height() <= 640


@pytest.mark.parametrize("scale", ["2", "1.5"])
def test_fits_at_a_high_display_scaling(tmp_path: Path, scale: str) -> None:
    """QT_SCALE_FACTOR scales the whole window as a 150% or 200% desktop does; it must be
    set before Qt starts, hence a process of its own."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_SCALE_FACTOR": scale,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.fitting", str(tmp_path), "1280", "720", "14"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert f"scale {float(scale)}" in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_every_view_and_tab_fits_with_text_at_200_percent(shell: Shell, font_points: None) -> None:
    """The Settings text size at 200% of the usual 10.5 pt: views and tabs still fit (tall
    pages scroll up and down in their own panes). Forms are 22's dialogs, checked there."""
    set_font(21)
    problems = [line for line in check(shell, 1280, 720) if not line.startswith("form ")]
    assert problems == []
