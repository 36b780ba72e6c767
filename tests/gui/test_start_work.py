"""What the window's start does and no longer does twice (issue 25, cold start to Today): the
page that creates a vault is made only when needed, the workspace is made inside the window
(not made apart and then moved in, which sized Today's table all over again), and a table's
cells answer only the roles a row model has."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from sli_desktop.contrast import readable
from sli_desktop.gui import theme
from sli_desktop.gui.models import Column, RowsModel
from sli_desktop.gui.unlock_page import CreateVaultPage
from sli_desktop.gui.workspace import Workspace
from tests.gui.conftest import type_passphrase, unlock_window


def test_opening_a_vault_makes_no_page_to_create_one(
    qtbot, make_shell, councils_vault, vault_path: Path
) -> None:
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    assert shell.stack.findChildren(CreateVaultPage) == []
    assert shell.workspace is not None
    assert shell.workspace.parent() is shell.stack  # made in place, sized once


def test_a_workspace_whose_making_failed_goes_at_the_lock(
    qtbot, make_shell, councils_vault, vault_path: Path, monkeypatch
) -> None:
    """It is made inside the window's stack, so a failure partway leaves it there: the lock
    removes it with the vault's rows it had read."""
    councils_vault.close()
    shell = make_shell(vault_path)

    calls: list[object] = []

    def fails(_workspace: object) -> None:
        calls.append(_workspace)
        if len(calls) == 1:  # the making; a font change on the leftover later passes
            raise RuntimeError("the navigation could not be sized")

    monkeypatch.setattr(Workspace, "_fit_navigation", fails)
    with qtbot.capture_exceptions() as raised:
        type_passphrase(qtbot, shell)
        qtbot.waitUntil(lambda: bool(raised))
    assert shell.session.is_unlocked and shell.workspace is None
    assert shell.stack.findChildren(Workspace)  # left behind by the failure
    shell.session.lock()
    qtbot.waitUntil(lambda: not shell.stack.findChildren(Workspace), timeout=5000)


def test_the_page_to_create_a_vault_is_made_when_there_is_none(make_shell, tmp_path: Path) -> None:
    shell = make_shell(tmp_path / "new" / "vault.sli")
    assert shell.stack.currentWidget() is shell.create_page
    assert len(shell.stack.findChildren(CreateVaultPage)) == 1
    assert shell.create_page is shell.create_page  # made once


def test_a_row_model_answers_its_roles_and_no_others(qapp) -> None:
    model: RowsModel[tuple[str, str]] = RowsModel(
        [Column("Name", lambda r: r[0]), Column("Level", lambda r: r[1], lambda r: "#b3261e")]
    )
    model.set_rows([("Derby  City", "high")])
    name, level = model.index(0, 0), model.index(0, 1)
    assert model.data(name) == "Derby City"  # spaces folded as a person reads them
    assert model.data(name, Qt.ItemDataRole.ToolTipRole) == "Derby City"
    assert model.data(name, Qt.ItemDataRole.UserRole) == "Derby  City"  # the value itself
    assert model.data(name, Qt.ItemDataRole.ForegroundRole) is None  # no colour column
    brush = model.data(level, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(brush, QBrush) and brush.color() == QColor("#b3261e")
    for role in (
        Qt.ItemDataRole.SizeHintRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
    ):
        assert model.data(level, role) is None, role
    assert model.data(model.index(5, 0)) is None  # no such row


def test_concern_colours_follow_a_palette_change(qapp) -> None:
    """The shades are worked out once per palette, and again when the palette changes."""
    app = QApplication.instance()
    before = app.palette()
    light = theme.CONCERN_COLOURS["serious"]
    assert light == readable(theme.CONCERN_HUES["serious"], theme.backgrounds(before))
    dark = QPalette(before)
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        dark.setColor(role, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#2a2a2a"))
    try:
        app.setPalette(dark)
        shade = theme.CONCERN_COLOURS["serious"]
        grounds = theme.backgrounds(QGuiApplication.palette())
        assert shade == readable(theme.CONCERN_HUES["serious"], grounds)
        assert shade != light
    finally:
        app.setPalette(before)
    assert theme.CONCERN_COLOURS["serious"] == light
