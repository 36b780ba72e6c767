"""File ▸ Import…/Export… in the window: a preview of what would change before anything is
written, Import held back while bad rows would stop it, and exports the user asked for."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from sli_desktop.domain import ChallengeKind, ChallengeStatus
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.metrics import Metrics
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock_window


@pytest.fixture
def window(qtbot, make_shell, councils_vault, vault_path: Path):
    Challenges(councils_vault).add(
        council="E08000025",
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=date(2027, 3, 4),
        end=date(2027, 3, 7),
    )
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def test_the_file_menu_offers_import_and_export(window) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "Import &contacts (CSV, vCard)…" in texts
    assert "Export &schedule to calendar (.ics)…" in texts
    assert all(a.isEnabled() for a in window.data_actions.actions)


def test_contact_import_previews_before_writing(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "outlook.csv"
    path.write_text(
        "First Name,Last Name,Company,E-mail Address,Business Phone\n"
        "Zoë,Smith,Birmingham City Council,zoe@bham.gov.uk,0121 303 9944\n"
        ",,Coventry,bad@cov.gov.uk,0247 683 3333\n"
        "Dana,Reyes,NHS England,dana@example.com,905-777-1234\n",
        encoding="utf-8",
    )
    actions = window.data_actions
    actions.import_contacts(str(path))
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    dialog = actions.preview
    rows = [list(row) for row in dialog.model.rows]
    assert rows[1][:2] == ["3", "bad row"] and "has no name" in rows[1][3]
    # what was kept as typed, and an organisation that is not a council, under the contact
    assert rows[3][:3] == ["4", "kept as typed", "Dana Reyes"] and "905-777-1234" in rows[3][3]
    assert rows[4][:3] == ["4", "organisation", "Dana Reyes"] and "NHS" in rows[4][3]
    assert len(rows) == 5
    assert "2 to add" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()  # a bad row stops it until the user says so
    vault = window.session.vault
    assert Contacts(vault).list() == []  # the preview wrote nothing
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(Contacts(vault).list()) == 2)
    [dana, zoe] = Contacts(vault).list()
    assert (zoe.name, zoe.council, zoe.phones) == ("Zoë Smith", "E08000025", ["+441213039944"])
    assert (dana.council, dana.phones) == (None, ["905-777-1234"])


def _preview_figures(qtbot, window, tmp_path: Path):
    """File → Import figures of a one-figure file, up to its preview; the window's data actions."""
    path = tmp_path / "figures.csv"
    path.write_text(
        "Area code,Area name,Period,Metric id,Metric name,Value,Unit\n"
        "E08000025,Birmingham,2024/25,1,Council tax collected,95.5,%\n",
        encoding="utf-8",
    )
    actions = window.data_actions
    actions.preview = None
    actions.import_metrics(str(path))
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    return actions


def test_figures_import_preview_and_cancel_writes_nothing(qtbot, window, tmp_path: Path) -> None:
    actions = _preview_figures(qtbot, window, tmp_path)
    assert "1 to add" in actions.preview.summary.text()
    actions.preview.reject()
    assert Metrics(window.session.vault).list() == []
    actions = _preview_figures(qtbot, window, tmp_path)
    actions.preview.accept()
    qtbot.waitUntil(lambda: bool(Metrics(window.session.vault).list()))
    assert [m.value for m in Metrics(window.session.vault).list()] == [95.5]


def test_exports_write_the_files_asked_for(qtbot, window, tmp_path: Path) -> None:
    ics = tmp_path / "schedule.ics"
    window.data_actions.export_ics(str(ics))
    dialog = window.data_actions.export_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.marking_box.currentText() == "OFFICIAL"  # no preference yet
    dialog.accept()
    [event] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == date(2027, 3, 4)
    assert str(event["description"]).startswith("OFFICIAL\n")
    assert "marked OFFICIAL" in window.statusBar().currentMessage()
    csv_path = tmp_path / "contacts.csv"
    window.data_actions.export_contacts(str(csv_path))
    assert csv_path.read_text(encoding="utf-8-sig").startswith("First Name,Last Name")
    everything = tmp_path / "sar.json"
    window.data_actions.export_json(str(everything))
    document = json.loads(everything.read_text(encoding="utf-8"))
    assert document["format"] == "sli-export/1"
    assert [e["start"] for e in document["records"]["engagement"]] == ["2027-03-04"]
    assert "not encrypted" in window.statusBar().currentMessage()
    assert [a["detail"]["format"] for a in document["audit"] if a["action"] == "export"] == [
        "ics",
        "csv",
    ]


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_the_chosen_marking_reaches_the_file_and_is_offered_next_time(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ics = tmp_path / "sensitive.ics"
    asked: list[str] = []

    def save_dialog(_parent, _title, suggested, _filters):
        asked.append(suggested)
        return str(ics), "iCalendar (*.ics)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    actions = window.data_actions
    actions.export_schedule_action.trigger()  # File ▸ Export schedule to calendar…
    dialog = actions.export_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert [dialog.marking_box.itemText(i) for i in range(dialog.marking_box.count())] == [
        "OFFICIAL",
        "OFFICIAL-SENSITIVE",
    ]  # the same choices as ``sli challenge export --marking``
    _choose(dialog.marking_box, "OFFICIAL-SENSITIVE")
    _choose(dialog.region_box, "West Midlands")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert asked == ["peer-challenges-west-midlands.ics"]
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    assert str(cal["x-wr-calname"]) == "Peer challenges — West Midlands"
    [event] = cal.walk("VEVENT")
    description = str(event["description"])
    assert description.startswith("OFFICIAL-SENSITIVE\n")
    assert description.endswith("\nOFFICIAL-SENSITIVE")
    assert "OFFICIAL-SENSITIVE" in [str(c) for c in event["categories"].cats]
    assert str(event["class"]) == "CONFIDENTIAL"

    actions.export_ics(str(tmp_path / "again.ics"))  # the last choice is offered first
    qtbot.waitUntil(actions.export_dialog.isVisible)
    assert actions.export_dialog.marking_box.currentText() == "OFFICIAL-SENSITIVE"
    actions.export_dialog.reject()
    assert not (tmp_path / "again.ics").exists()  # cancelled: nothing written


def test_schedule_view_exports_the_regions_shown(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = window.session.vault
    london = Challenges(vault).add(
        council="E09000033",
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=date(2027, 4, 1),
    )
    window.go("challenges")
    view = window.workspace.views["challenges"]
    view.refresh()
    assert view.model.rowCount() == 2
    _choose(view.region_filter, "London")
    assert view.model.rowCount() == 1  # the table shows London only
    ics = tmp_path / "london.ics"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(ics), "iCalendar (*.ics)"))
    )
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.export_dialog is not None and view.export_dialog.isVisible())
    assert view.export_dialog.region_box.currentText() == "London"
    view.export_dialog.accept()
    [event] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert london.id in str(event["uid"])
    assert view.message.text() == f"Wrote 1 event to {ics}, marked OFFICIAL."

    # The challenge is deleted (a sync brings the tombstone): the next export cancels it.
    vault.delete(Challenges(vault).get(london.id))
    view.refresh()
    assert view.model.rowCount() == 0
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.export_dialog.isVisible)
    view.export_dialog.accept()
    [gone] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert str(gone["uid"]) == str(event["uid"]) and str(gone["status"]) == "CANCELLED"
    assert int(gone["sequence"]) > int(event["sequence"])
    assert "(1 cancelled)" in view.message.text()

    ics = tmp_path / "no such folder" / "x.ics"  # the file cannot be written there
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.export_dialog.isVisible)
    view.export_dialog.accept()
    assert view.message.text().startswith("Nothing was exported: ")
    assert "cannot be written" in view.message.text()


# -- backup and restore from the File menu ---------------------------------------------------
NEW_PASSPHRASE = "a brand new passphrase after the loss"


def _unlock(qtbot, shell, passphrase: str) -> None:
    qtbot.keyClicks(shell.unlock_page.ui.passphrase, passphrase)
    qtbot.keyClick(shell.unlock_page.ui.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.workspace is not None)


def _restore_dialog(qtbot, shell, backup: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a: (str(backup), "SLI backup"))
    )
    assert shell.data_actions.restore_action.isEnabled()
    shell.data_actions.restore_action.trigger()
    dialog = shell.data_actions.restore_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    return dialog


def test_backup_then_restore_with_the_recovery_key_from_the_file_menu(
    qtbot, make_shell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sli_desktop.vault.keys import KdfParams
    from sli_desktop.vault.session import create_vault

    path = tmp_path / "vault" / "v.sli"
    created = create_vault(path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    Contacts(created.vault).add(name="Kept In The Backup")
    created.vault.close()
    shell = make_shell(path)
    _unlock(qtbot, shell, PASSPHRASE)
    backup = tmp_path / "monday.sli-backup"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(backup), "SLI backup"))
    )
    shell.data_actions.backup_action.trigger()
    assert backup.exists() and "encrypted" in shell.statusBar().currentMessage()
    Contacts(shell.session.vault).add(name="Added After The Backup")

    dialog = _restore_dialog(qtbot, shell, backup, monkeypatch)
    assert "replaces the vault there" in dialog.findChildren(type(dialog.message))[0].text()
    dialog.use_recovery.setChecked(True)
    assert not dialog.passphrase.isEnabled() and dialog.recovery_key.isEnabled()
    qtbot.keyClicks(dialog.recovery_key, "AAAA-BBBB-CCCC")
    qtbot.keyClicks(dialog.new_passphrase, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.repeat, NEW_PASSPHRASE)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "That recovery key does not open this backup."
    assert dialog.isVisible() and shell.session.is_unlocked  # nothing locked, nothing written
    dialog.recovery_key.setText(created.recovery_key)
    dialog.repeat.setText(NEW_PASSPHRASE + " typo")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "The two new passphrases differ."
    dialog.repeat.setText(NEW_PASSPHRASE)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Restored from" in shell.unlock_page.ui.message.text())
    assert not shell.session.is_unlocked
    assert shell.stack.currentWidget() is shell.unlock_page
    assert "new passphrase" in shell.unlock_page.ui.message.text()
    _unlock(qtbot, shell, NEW_PASSPHRASE)
    assert [c.name for c in Contacts(shell.session.vault).list()] == ["Kept In The Backup"]


def test_restore_on_a_new_laptop_with_the_backups_passphrase(
    qtbot, make_shell, councils_vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sli_desktop.vault import backup as backups

    backup = tmp_path / "b.sli-backup"
    Contacts(councils_vault).add(name="Zoë Smith", council="E08000025")
    backups.backup(councils_vault, backup)
    councils_vault.close()
    fresh = tmp_path / "new-laptop" / "v.sli"
    shell = make_shell(fresh)
    assert shell.stack.currentWidget() is shell.create_page
    assert not shell.data_actions.export_schedule_action.isEnabled()

    not_a_backup = tmp_path / "holiday.jpg"
    not_a_backup.write_bytes(b"\xff\xd8\xff\xe0 not a backup")
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text: warnings.append(text))
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a: (str(not_a_backup), ""))
    )
    shell.data_actions.restore_action.trigger()
    assert warnings == ["holiday.jpg is not a usable SLI backup (BadZipFile)"]
    assert not fresh.exists()

    dialog = _restore_dialog(qtbot, shell, backup, monkeypatch)
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text().startswith("Wrong passphrase for this backup: ")
    assert not fresh.exists()
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.stack.currentWidget() is shell.unlock_page)
    assert "Unlock with the backup's passphrase" in shell.unlock_page.ui.message.text()
    _unlock(qtbot, shell, PASSPHRASE)
    assert [c.name for c in Contacts(shell.session.vault).list()] == ["Zoë Smith"]


def test_an_import_writes_on_a_worker_with_its_own_connection(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's trial run and the write both run off the GUI thread, each on a vault
    connection of its own, so the window never waits for them (issue 25)."""
    import threading

    from sli_desktop.gui import data_io

    seen: list[tuple[bool, bool, bool]] = []
    real = data_io.import_metrics

    def spy(vault, *args, **kwargs):
        on_main = threading.current_thread() is threading.main_thread()
        seen.append((on_main, vault is window.session.vault, bool(kwargs.get("dry_run"))))
        return real(vault, *args, **kwargs)

    monkeypatch.setattr(data_io, "import_metrics", spy)
    actions = _preview_figures(qtbot, window, tmp_path)
    assert seen == [(False, False, True)]  # the preview's trial run
    actions.preview.accept()
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[1] == (False, False, False)  # the write
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Figures from"))
    assert "1 added" in window.statusBar().currentMessage()
    assert [m.value for m in Metrics(window.session.vault).list()] == [95.5]
