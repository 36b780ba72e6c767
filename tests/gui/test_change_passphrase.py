"""File ▸ Change passphrase… (issue #20 items 5 and 12, the window's part): reached and used by
keyboard, the live strength estimate, a wrong current passphrase changing nothing, and the
change (with and without a new key) opening the vault again where the person was."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton, QWidget

from sli_desktop.gui.dialogs.passphrase import ChangePassphraseDialog
from sli_desktop.vault import session as vault_session
from sli_desktop.vault.errors import VaultError, WrongPassphrase
from sli_desktop.vault.header import header_path, read_header
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock_window
from tests.memory_keystore import MemoryKeyStore

NEW = "a quite different passphrase, changed in the window"
ALT = Qt.KeyboardModifier.AltModifier
#: The File menu is a popup; the offscreen platform says it cannot raise or grab for one.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def shell(qtbot, make_shell, councils_vault: Vault, vault_path: Path) -> Any:
    """The window, unlocked by typing the passphrase, showing the Contacts view."""
    councils_vault.close()
    return _unlocked(qtbot, make_shell, vault_path)


def _unlocked(qtbot, make_shell, vault_path: Path, keystore: MemoryKeyStore | None = None) -> Any:
    shell = make_shell(vault_path, keystore)
    if shell.workspace is None:
        unlock_window(qtbot, shell)
    shell.go("contacts")
    return shell


def _focus(qtbot, widget: QWidget) -> None:
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def _open_by_keyboard(qtbot, shell) -> ChangePassphraseDialog:
    """Alt+F opens the File menu; H is Change passphrase's mnemonic there."""
    _focus(qtbot, shell)
    qtbot.keyClick(QApplication.focusWidget() or shell, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_H)
    qtbot.waitUntil(lambda: shell.passphrase_change is not None, timeout=3000)
    dialog = shell.passphrase_change.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    _focus(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.ui.old
    return dialog


def _type(qtbot, text: str) -> None:
    """Select what the focused field holds and type over it, as a person would."""
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit), field
    field.selectAll()
    qtbot.keyClicks(field, text)


def _fill(qtbot, old: str, new: str, again: str | None = None) -> None:
    _type(qtbot, old)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    _type(qtbot, new)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    _type(qtbot, new if again is None else again)


def _header(path: Path) -> tuple[bytes, bytes, str]:
    header = read_header(path)
    return header.salt, header.wrapped_key, header.key_check


def _changed(qtbot, shell) -> None:
    qtbot.waitUntil(
        lambda: shell.passphrase_change is None or not shell.passphrase_change.task, timeout=60000
    )
    qtbot.waitUntil(lambda: shell.workspace is not None, timeout=60000)


# -- reaching it, and what it is made of ----------------------------------------------------------
def test_it_is_in_the_file_menu_and_every_control_is_named_and_reached_by_tab(qtbot, shell) -> None:
    file_menu = shell.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if a.text()]
    assert "C&hange passphrase…" in texts
    mnemonics = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert mnemonics.count("h") == 1, "Alt+F, H must reach it and nothing else"
    dialog = _open_by_keyboard(qtbot, shell)
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if isinstance(w, QLineEdit | QCheckBox | QPushButton) and w.isVisible()
    ]
    assert len(controls) == 6  # three passphrases, the checkbox, Change and Cancel
    for control in controls:
        assert control.accessibleName() or control.text(), control.objectName()
    reached = []
    for _ in controls:
        reached.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert set(controls) <= set(reached), "Tab reaches every control"
    assert QApplication.focusWidget() is dialog.ui.old, "and comes back round: no trap"
    # The sentences are read as shown: no accessible name stands in for their text.
    for label in (dialog.ui.strengthText, dialog.ui.message, dialog.ui.rotateHint):
        assert label.accessibleName() == ""
    qtbot.keyClick(dialog.ui.old, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_demo_vault_offers_no_change(qtbot, make_shell, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from sli_desktop.demo import open_or_create_demo
    from sli_desktop.gui.session import VaultSession
    from sli_desktop.gui.shell import Shell

    path = tmp_path / "demo.sli"
    session = VaultSession(path, lambda: None, opener=lambda: open_or_create_demo(path))
    shell = Shell(session, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(shell)
    shell.start()
    assert shell.session.demo and shell.workspace is not None
    assert not shell.passphrase_action.isEnabled()
    assert shell.lock_action.isEnabled()
    shell.session.lock()


# -- the live estimate and the refusals ----------------------------------------------------------
def test_weak_passphrases_are_shown_weak_and_refused_saying_why(qtbot, shell) -> None:
    before = header_path(shell.session.path).read_bytes()
    dialog = _open_by_keyboard(qtbot, shell)
    _fill(qtbot, PASSPHRASE, "password12")
    assert dialog.ui.strengthText.text() == "Strength: weak — it is a common password"
    assert dialog.ui.strength.value() == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.ui.message.text() == (
        "The passphrase is too easy to guess because it is a common password; add another "
        "word or two (unusual words are best)."
    )
    assert QApplication.focusWidget() is dialog.ui.passphrase
    _type(qtbot, "1234567890")
    assert dialog.ui.strengthText.text() == "Strength: very weak — it is a common password"
    _type(qtbot, NEW)
    assert dialog.ui.strengthText.text() == "Strength: strong"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    _type(qtbot, NEW + " but typed differently")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.ui.message.text() == "The two new passphrases differ."
    assert QApplication.focusWidget() is dialog.ui.repeat
    assert header_path(shell.session.path).read_bytes() == before
    assert shell.session.is_unlocked


def test_a_wrong_current_passphrase_changes_nothing(qtbot, shell) -> None:
    path = shell.session.path
    before = header_path(path).read_bytes(), path.stat().st_mtime_ns
    dialog = _open_by_keyboard(qtbot, shell)
    _fill(qtbot, "not the passphrase at all", NEW)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    wrong = "That is not your current passphrase; nothing was changed."
    qtbot.waitUntil(lambda: dialog.ui.message.text() == wrong, timeout=30000)
    assert dialog.isVisible() and QApplication.focusWidget() is dialog.ui.old
    assert shell.session.is_unlocked and shell.workspace is not None
    assert (header_path(path).read_bytes(), path.stat().st_mtime_ns) == before
    qtbot.keyClick(dialog.ui.old, Qt.Key.Key_Escape)
    assert dialog.ui.passphrase.text() == "" and dialog.ui.old.text() == ""
    unlock(path, PASSPHRASE).close()


# -- the change ----------------------------------------------------------------------------------
def test_the_passphrase_changes_and_the_window_returns_to_where_it_was(qtbot, shell) -> None:
    path = shell.session.path
    key_before = read_header(path).wrapped_key
    dialog = _open_by_keyboard(qtbot, shell)
    _fill(qtbot, PASSPHRASE, NEW)
    assert dialog.ui.strengthText.text() == "Strength: strong"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    _changed(qtbot, shell)
    qtbot.waitUntil(
        lambda: shell.statusBar().currentMessage()
        == "Passphrase changed. Your recovery key still works.",
        timeout=30000,
    )
    assert shell.workspace.stack.currentWidget() is shell.workspace.views["contacts"]
    assert shell.recovery_box is None, "the recovery key is unchanged: nothing to show"
    with pytest.raises(WrongPassphrase):
        unlock(path, PASSPHRASE)
    unlock(path, NEW).close()
    # Without re-encryption the database key is the same, re-wrapped under the new passphrase.
    header = read_header(path)
    assert header.wrapped_key != key_before
    assert header.unwrap_with_passphrase(NEW) is not None


def test_re_encrypting_makes_a_new_key_and_keeps_a_remembered_key_valid(
    qtbot, make_shell, councils_vault: Vault, vault_path: Path
) -> None:
    councils_vault.close()
    keystore = MemoryKeyStore()
    vault_session.remember(vault_path, PASSPHRASE, keystore)
    shell = _unlocked(qtbot, make_shell, vault_path, keystore)  # opened by the remembered key
    old_header = header_path(vault_path).read_bytes()
    old_check = read_header(vault_path).key_check
    dialog = _open_by_keyboard(qtbot, shell)
    _fill(qtbot, PASSPHRASE, NEW)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, ALT)  # Also re-encrypt…
    qtbot.waitUntil(dialog.ui.rotate.isChecked)  # a mnemonic clicks as a person would see it
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    _changed(qtbot, shell)
    qtbot.waitUntil(lambda: shell.recovery_box is not None, timeout=30000)
    new_recovery = shell.recovery_box.informativeText()
    assert len(new_recovery.replace("-", "")) == 52
    assert "re-encrypted with a new key" in shell.statusBar().currentMessage()
    assert shell.workspace.stack.currentWidget() is shell.workspace.views["contacts"]
    shell.recovery_box.accept()

    assert read_header(vault_path).key_check != old_check, "the database key itself changed"
    with pytest.raises(WrongPassphrase):
        unlock(vault_path, PASSPHRASE)
    unlock(vault_path, NEW).close()
    # The old header with the old passphrase no longer opens the vault file.
    saved = header_path(vault_path).read_bytes()
    header_path(vault_path).write_bytes(old_header)
    try:
        with pytest.raises(VaultError):  # the old key opens nothing that is left
            unlock(vault_path, PASSPHRASE).close()
    finally:
        header_path(vault_path).write_bytes(saved)
    # The window's keystore was passed: the remembered key is the new one and still opens it.
    shell.lock()
    assert shell.session.try_automatic()
    qtbot.waitUntil(lambda: shell.workspace is not None)


def test_cancelling_the_change_leaves_everything_as_it_was(
    qtbot, shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person cancels while the vault is re-encrypted: the old passphrase still opens it, the
    window opens again, and the dialog says so."""
    path = shell.session.path
    before = header_path(path).read_bytes()
    real = vault_session.change_passphrase
    started = threading.Event()

    def held_until_cancelled(*args: Any, cancelled: Callable[[], bool], **kwargs: Any) -> Any:
        started.set()  # the cancel button is pressed while the work waits here
        while not cancelled():
            threading.Event().wait(0.01)
        return real(*args, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(vault_session, "change_passphrase", held_until_cancelled)
    dialog = _open_by_keyboard(qtbot, shell)
    _fill(qtbot, PASSPHRASE, NEW)
    dialog.ui.rotate.setChecked(True)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(started.is_set, timeout=30000)
    assert not shell.session.is_unlocked, "the vault is locked while it changes"
    progress = shell.passphrase_change.task.dialog
    qtbot.waitUntil(progress.isVisible, timeout=5000)
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.isVisible() and shell.workspace is not None, timeout=60000)
    assert dialog.ui.message.text() == "Cancelled: the passphrase was not changed."
    assert header_path(path).read_bytes() == before
    assert shell.workspace.stack.currentWidget() is shell.workspace.views["contacts"]
    unlock(path, PASSPHRASE).close()


def test_a_lock_while_the_dialog_is_open_closes_it_and_forgets_what_was_typed(qtbot, shell) -> None:
    dialog = _open_by_keyboard(qtbot, shell)
    _fill(qtbot, PASSPHRASE, NEW)
    shell.lock()
    assert not dialog.isVisible()
    assert dialog.ui.old.text() == dialog.ui.passphrase.text() == dialog.ui.repeat.text() == ""
    unlock(shell.session.path, PASSPHRASE).close()


# -- the create form shows the same estimate -----------------------------------------------------
def test_the_create_form_shows_and_applies_the_same_rule(qtbot, make_shell, tmp_path: Path) -> None:
    shell = make_shell(tmp_path / "new.sli")
    page = shell.create_page
    qtbot.keyClicks(page.ui.adviserName, "Asha Patel")  # who I am comes first
    qtbot.keyClicks(page.ui.passphrase, "password12")
    assert page.ui.strengthText.text() == "Strength: weak — it is a common password"
    assert page.ui.strengthText.accessibleName() == ""
    assert page.ui.message.accessibleName() == ""
    qtbot.keyClicks(page.ui.repeat, "password12")
    qtbot.keyClick(page.ui.repeat, Qt.Key.Key_Return)
    assert page.ui.message.text() == (
        "The passphrase is too easy to guess because it is a common password; add another "
        "word or two (unusual words are best)."
    )
    assert not (tmp_path / "new.sli").exists()
    long_text = "correct horse battery staple " * 4  # beyond the length estimated at each key
    page.ui.passphrase.setText(long_text)
    qtbot.waitUntil(lambda: page.ui.strengthText.text() == "Strength: strong", timeout=5000)
