"""Issue 8 items 1, 2, 3 and 5 in the window: a quick note saved as a draft, the Notes view's
drafts and due-for-review lists, disposal, review periods in Settings, the council page's
"council not aware" action, and a device offline too long that only a sync reopens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from sli_desktop.domain import Council, CouncilType, Marking, Note, Region, council_id
from sli_desktop.gui.views.notes import NotesView
from sli_desktop.gui.views.settings import SettingsView
from sli_desktop.server.storage import Storage
from sli_desktop.sync.client import SyncClient
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import SCRUBBED_TITLE, Notes
from sli_desktop.vault.preferences import Preferences
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE
from tests.integration.sync.support import register_payloads
from tests.memory_keystore import MemoryKeyStore

BHAM = "E08000025"


def _vault(tmp_path: Path, store: MemoryKeyStore) -> tuple[Path, Vault]:
    path = tmp_path / "gui" / "vault.sli"
    vault = create_vault(
        path, PASSPHRASE, remember=True, keystore=store, kdf=KdfParams.fast_for_tests()
    ).vault
    Councils(vault).upsert_register(
        [
            Council.build(
                id=council_id(BHAM),
                gss_code=BHAM,
                name="Birmingham City Council",
                type=CouncilType.METROPOLITAN_DISTRICT,
                region=Region.WEST_MIDLANDS,
            )
        ]
    )
    return path, vault


def _open(qtbot, make_shell, path: Path, store: MemoryKeyStore):
    shell = make_shell(path, store)
    qtbot.waitUntil(lambda: shell.workspace is not None)
    return shell


def test_a_quick_note_without_its_evidence_is_saved_only_as_a_draft(
    qtbot, make_shell, tmp_path: Path
) -> None:
    store = MemoryKeyStore()
    path, vault = _vault(tmp_path, store)
    vault.close()
    shell = _open(qtbot, make_shell, path, store)
    shell.open_quick_note(BHAM)
    dialog = shell.quick_note
    qtbot.keyClicks(dialog.ui.title, "Budget gap")
    dialog.ui.concern.setCurrentText("medium")
    dialog.ui.councilAware.setChecked(True)
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    assert "evidence" in dialog.ui.message.text() and "draft" in dialog.ui.message.text()
    assert Notes(shell.session.vault).count() == 0
    dialog.draft.setChecked(True)
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.quick_note is None)
    drafts = Notes(shell.session.vault).drafts()
    assert [n.title for n in drafts] == ["Budget gap"]
    status = shell.status_sync.text()
    # Only the council register waits to be synced; the draft is kept apart.
    assert status.endswith("1 change waiting · 1 draft kept on this device")

    # The review date: typed (UK or ISO), refused when it is not a date, else the default.
    shell.open_quick_note(BHAM)
    dialog = shell.quick_note
    qtbot.keyClicks(dialog.ui.title, "Kept longer")
    qtbot.keyClicks(dialog.review_by, "soon")
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    assert dialog.ui.message.text() == "Review by: type a date such as 31/12/2026 or 2026-12-31."
    assert dialog.focusWidget() is dialog.review_by
    dialog.review_by.clear()
    qtbot.keyClicks(dialog.review_by, "31/12/2027")
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.quick_note is None)
    kept = [n for n in Notes(shell.session.vault).list() if n.title == "Kept longer"]
    assert kept[0].review_by == date(2027, 12, 31)

    view = shell.workspace.go("notes")
    assert isinstance(view, NotesView)
    view.show_choice.setCurrentIndex(view.show_choice.findData("drafts"))
    assert view.table.model().rowCount() == 1
    assert "1 draft" in view.message.text()
    assert view.table.model().index(0, 3).data() == "draft"  # the Draft column
    missing = view.table.model().index(0, 6).data()
    assert missing == "evidence for a medium concern"
    view.table.selectRow(0)
    assert "DRAFT" in view.detail.toPlainText()


def test_due_for_review_and_disposal_from_the_notes_view(qtbot, make_shell, tmp_path: Path) -> None:
    store = MemoryKeyStore()
    path, vault = _vault(tmp_path, store)
    notes = Notes(vault)
    old = notes.add(
        council=BHAM,
        date=date.today() - timedelta(days=800),
        title="Quokka old intelligence",
        body="Quokka body",
    )
    kept = notes.add(council=BHAM, date=date.today() - timedelta(days=900), title="Still needed")
    notes.add(council=BHAM, date=date.today(), title="Fresh")
    vault.close()
    shell = _open(qtbot, make_shell, path, store)
    view = shell.workspace.go("notes")
    assert isinstance(view, NotesView)
    view.show_choice.setCurrentIndex(view.show_choice.findData("due"))
    model = view.table.model()
    assert [model.row(i).id for i in range(model.rowCount())] == [kept.id, old.id]

    # Keep one: a later review date in the edit form takes it off the list.
    view.table.selectRow(0)
    view.edit_note()
    dialog = view.dialog
    later = date.today() + timedelta(days=365)
    dialog.review_by.setText(later.isoformat())
    qtbot.mouseClick(dialog.save_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.table.model().rowCount() == 1)
    assert Notes(shell.session.vault).get(kept.id).review_by == later
    model = view.table.model()
    assert model.row(0).id == old.id
    view.table.selectRow(0)
    assert "Review by" in view.detail.toPlainText()
    qtbot.mouseClick(view.dispose_button, Qt.MouseButton.LeftButton)
    box = view.confirm
    assert box is not None and "cannot be undone" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.table.model().rowCount() == 0)
    row = shell.session.vault.get(Note, old.id)
    assert row is not None and row.deleted and row.title == SCRUBBED_TITLE and row.body == ""
    assert "disposed" in view.message.text().lower()


def test_review_periods_are_set_in_settings(qtbot, make_shell, tmp_path: Path) -> None:
    store = MemoryKeyStore()
    path, vault = _vault(tmp_path, store)
    vault.close()
    shell = _open(qtbot, make_shell, path, store)
    view = shell.workspace.go("settings")
    assert isinstance(view, SettingsView)
    spin = view.retention[Marking.OFFICIAL_SENSITIVE]
    assert spin.value() == 12 and view.retention[Marking.OFFICIAL].value() == 24
    spin.setValue(3)
    vault = shell.session.vault
    assert Preferences(vault).retention_months(Marking.OFFICIAL_SENSITIVE) == 3
    note = Notes(vault).add(
        council=BHAM, date="2026-01-15", title="Sensitive", marking="OFFICIAL-SENSITIVE"
    )
    assert note.review_by == date(2026, 4, 15)


def test_the_council_page_asks_the_adviser_to_contact_the_leader(
    qtbot, make_shell, tmp_path: Path
) -> None:
    store = MemoryKeyStore()
    path, vault = _vault(tmp_path, store)
    note = Notes(vault).add(
        council=BHAM,
        date=date.today(),
        title="Placements crisis",
        concern="serious",
        evidence=["Ofsted letter"],
    )
    vault.close()
    shell = _open(qtbot, make_shell, path, store)
    shell.workspace.open_council(BHAM)
    page = shell.workspace.council_page
    labels = [
        w.text()
        for w in page.overview_box.findChildren(type(page.subtitle))
        if "Council not aware" in (w.accessibleName(), w.accessibleDescription())
    ]
    assert len(labels) == 1
    assert "Contact the leader or chief executive" in labels[0]
    assert "Placements crisis" in labels[0]
    Notes(shell.session.vault).edit(note.id, council_aware=True)
    page.refresh()
    qtbot.waitUntil(
        lambda: not [
            w
            for w in page.overview_box.findChildren(type(page.subtitle))
            if "Council not aware" in (w.accessibleName(), w.accessibleDescription())
            and w.isVisibleTo(page)
        ]
    )


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[Storage, BackgroundServer]]:
    storage = Storage(f"sqlite:///{tmp_path / 'server.sqlite'}")
    storage.import_councils(register_payloads())
    server = BackgroundServer(storage, max_offline_days=10).start()
    yield storage, server
    server.stop()
    storage.close()


def test_a_device_offline_too_long_opens_only_after_sync_now(
    qtbot, make_shell, tmp_path: Path, limited: tuple[Storage, BackgroundServer]
) -> None:
    storage, server = limited
    store = MemoryKeyStore()
    path, vault = _vault(tmp_path, store)
    client = SyncClient(vault, store)
    client.enroll(server.url, storage.add_user("amy", "adviser", ["London"]), "laptop")
    client.sync()
    vault.set_meta("last_synced", (vault.now() - timedelta(days=11)).isoformat())
    vault.close()

    shell = make_shell(path, store)
    qtbot.waitUntil(lambda: shell.stack.currentWidget() is shell.expired_page)
    assert shell.workspace is None
    assert "more than 10 days" in shell.expired_page.explanation.text()
    assert not shell.note_action.isEnabled() and not shell.search_action.isEnabled()
    # No network: the sync fails, says why, and the vault stays closed to work.
    state = SyncState(shell.session.vault)
    state.put("server", "http://127.0.0.1:9")
    qtbot.mouseClick(shell.expired_page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cannot reach" in shell.expired_page.message.text())
    assert shell.workspace is None and shell.stack.currentWidget() is shell.expired_page
    state.put("server", server.url)
    qtbot.mouseClick(shell.expired_page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.workspace is not None)
    assert shell.stack.currentWidget() is shell.workspace
    assert shell.note_action.isEnabled()
    assert "sync within" not in shell.status_sync.text()  # 10 days ahead again
    # Near the limit the status bar warns.
    vault = shell.session.vault
    vault.set_meta("last_synced", (vault.now() - timedelta(days=6)).isoformat())
    shell.session.changed.emit("sync")
    assert "sync within 3 days or the vault locks" in shell.status_sync.text()


def test_export_what_is_held_about_a_person_from_the_file_menu(
    qtbot, make_shell, tmp_path: Path
) -> None:
    import json

    from sli_desktop.vault.contacts import Contacts

    store = MemoryKeyStore()
    path, vault = _vault(tmp_path, store)
    Contacts(vault).add(council=BHAM, name="Cllr John Cotton", lawful_basis="consent")
    Notes(vault).add(council=BHAM, date="2026-02-01", title="Met", body="John Cotton agreed.")
    vault.close()
    shell = _open(qtbot, make_shell, path, store)
    action = shell.data_actions.export_person_action
    assert action.isEnabled() and action in shell.data_actions.actions
    target = tmp_path / "cotton.json"
    shell.data_actions.export_person("John  Cotton", str(target))
    document = json.loads(target.read_text("utf-8"))
    assert document["person"] == "John Cotton"
    assert [c["lawful_basis"] for c in document["contacts"]] == ["consent"]
    assert [n["title"] for n in document["notes"]] == ["Met"]
    assert "1 contacts, 1 notes" in shell.statusBar().currentMessage()
