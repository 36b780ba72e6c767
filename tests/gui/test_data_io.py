"""File ▸ Import…/Export… in the window: a preview of what would change before anything is
written, Import held back while bad rows would stop it, and exports the user asked for."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import Qt

from sli_desktop.domain import EngagementKind, EngagementStatus
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.engagements import Engagements
from sli_desktop.vault.metrics import Metrics
from tests.conftest import PASSPHRASE


@pytest.fixture
def window(qtbot, make_shell, councils_vault, vault_path: Path):
    Engagements(councils_vault).add(
        council="E08000025",
        type=EngagementKind.CORPORATE,
        status=EngagementStatus.BOOKED,
        start=date(2027, 3, 4),
        end=date(2027, 3, 7),
    )
    councils_vault.close()
    shell = make_shell(vault_path)
    qtbot.keyClicks(shell.unlock_page.ui.passphrase, PASSPHRASE)
    qtbot.keyClick(shell.unlock_page.ui.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.workspace is not None)
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
        "Bad,Phone,Coventry,bad@cov.gov.uk,12345\n",
        encoding="utf-8",
    )
    actions = window.data_actions
    actions.import_contacts(str(path))
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    dialog = actions.preview
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(1, 1).text() == "bad row"
    assert "12345" in dialog.table.item(1, 3).text()
    assert "1 to add" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()  # a bad row stops it until the user says so
    vault = window.session.vault
    assert Contacts(vault).list() == []  # the preview wrote nothing
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(Contacts(vault).list()) == 1)
    [zoe] = Contacts(vault).list()
    assert (zoe.name, zoe.council, zoe.phones) == ("Zoë Smith", "E08000025", ["+441213039944"])


def test_figures_import_preview_and_cancel_writes_nothing(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        "Area code,Area name,Period,Metric id,Metric name,Value,Unit\n"
        "E08000025,Birmingham,2024/25,1,Council tax collected,95.5,%\n",
        encoding="utf-8",
    )
    actions = window.data_actions
    actions.import_metrics(str(path))
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    assert "1 to add" in actions.preview.summary.text()
    actions.preview.reject()
    assert Metrics(window.session.vault).list() == []
    actions.preview = None
    actions.import_metrics(str(path))
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    actions.preview.accept()
    assert [m.value for m in Metrics(window.session.vault).list()] == [95.5]


def test_exports_write_the_files_asked_for(window, tmp_path: Path) -> None:
    ics = tmp_path / "schedule.ics"
    window.data_actions.export_ics(str(ics))
    [event] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == date(2027, 3, 4)
    assert str(event["description"]).startswith("OFFICIAL")
    csv_path = tmp_path / "contacts.csv"
    window.data_actions.export_contacts(str(csv_path))
    assert csv_path.read_text(encoding="utf-8-sig").startswith("First Name,Last Name")
