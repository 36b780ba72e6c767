"""Issue #20, items 8 to 10 from the window: File ▸ Export… writes owner-only files with inert
CSV cells whatever the umask, and File ▸ Restore… refuses a zip bomb before asking anything."""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from sli_desktop.vault import backup as backups
from sli_desktop.vault.contacts import Contacts
from tests.gui.conftest import unlock_window
from tests.unit.test_csv_injection import would_run
from tests.zip_bombs import MiB, RawMember, deflated_zeros, stored, write_zip

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def window(qtbot, make_shell, councils_vault, vault_path: Path):
    Contacts(councils_vault).add(
        name="=HYPERLINK(1) Person", emails=["-jo@example.org"], phones=["+33 1 42 68 53 00"]
    )
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def test_the_windows_exports_are_owner_only_with_inert_cells(
    window, umask: int, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    actions = window.data_actions
    actions.export_contacts(str(out / "contacts.csv"))
    actions.export_contacts(str(out / "contacts.vcf"))
    actions.export_json(str(out / "everything.json"))
    actions.export_person("Person", str(out / "person.json"))
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in out.iterdir()}
    assert modes == dict.fromkeys(
        ["contacts.csv", "contacts.vcf", "everything.json", "person.json"], "0o600"
    )
    text = (out / "contacts.csv").read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline="")):
        assert all(cell.startswith("'") or not would_run(cell) for cell in row), row


def test_restore_from_the_file_menu_refuses_a_zip_bomb_before_asking_for_a_secret(
    qtbot, window, tmp_path: Path, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real.sli-backup"
    backups.backup(window.session.vault, real)
    with zipfile.ZipFile(real) as bundle:
        members = [stored(n, bundle.read(n)) for n in bundle.namelist() if n != "vault.db"]
    members.append(RawMember("vault.db", deflated_zeros(2000), 2000 * MiB))
    bomb = tmp_path / "bomb.sli-backup"
    write_zip(bomb, members)
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text: warnings.append(text))
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a: (str(bomb), "")))
    window.data_actions.restore_action.trigger()
    assert warnings == [
        "bomb.sli-backup is not a usable SLI backup (vault.db would expand from 2.0 MiB to "
        "2.0 GiB, which no backup does)"
    ]
    assert window.data_actions.restore_dialog is None or not (
        window.data_actions.restore_dialog.isVisible()
    )
    assert window.session.vault is not None  # still unlocked: nothing was locked or replaced
