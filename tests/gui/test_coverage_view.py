"""Who covers what in the window: a coordinator (here, a vault not enrolled with a server)
records assignments and a handover through the form, a mistake is refused with one sentence,
the council page shows its principal adviser, leads and the support in place; a device enrolled
as an adviser sees the same read-only, with a refused copy flagged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout

from sli_desktop.domain import (
    ChallengeKind,
    ChallengeStatus,
    CoverageRole,
    Peer,
    PeerRole,
    Region,
)
from sli_desktop.gui.dialogs.coverage import CoverageDialog
from sli_desktop.gui.views.base import source_row
from sli_desktop.gui.views.coverage import CoverageView
from sli_desktop.gui.views.sync import SyncView
from sli_desktop.server.storage import Storage
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.coverage import Assignments, payload_digest
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock_window
from tests.integration.sync.support import enrolled, register_payloads
from tests.memory_keystore import MemoryKeyStore

LEFT = Qt.MouseButton.LeftButton
BIRMINGHAM = "E08000025"


def _unlocked(qtbot, make_shell, vault_path: Path):
    window = make_shell(vault_path)
    unlock_window(qtbot, window)
    return window


def _tick(dialog: CoverageDialog, *regions: Region) -> None:
    wanted = {r.value for r in regions}
    for row in range(dialog.ui.regions.count()):
        item = dialog.ui.regions.item(row)
        state = Qt.CheckState.Checked if item.text() in wanted else Qt.CheckState.Unchecked
        item.setCheckState(state)


def _fill(qtbot, dialog: CoverageDialog, person: str, role: CoverageRole, since: str) -> None:
    dialog.ui.person.clear()
    qtbot.keyClicks(dialog.ui.person, person)
    dialog.ui.role.setCurrentIndex(dialog.ui.role.findData(role.value))
    dialog.ui.since.clear()
    qtbot.keyClicks(dialog.ui.since, since)


def _opened(qtbot, view: CoverageView) -> CoverageDialog:
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    assert isinstance(view.dialog, CoverageDialog)
    return view.dialog


def _rows(view: CoverageView) -> list[tuple[str, str, str]]:
    model = view.model
    return sorted((r.person, r.area, str(r.until or "")) for r in model.rows)


def test_a_coordinator_records_a_handover_and_the_council_page_shows_it(
    qtbot, make_shell, councils_vault, vault_path: Path
) -> None:
    challenge = Challenges(councils_vault).add(
        council=BIRMINGHAM,
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=date(2027, 3, 4),
        team=[Peer(name="Cllr Ann Lead", role=PeerRole.LEAD_MEMBER_PEER)],
    )
    Actions(councils_vault).add(
        title="Send the scope", owner="Mo", council=BIRMINGHAM, engagement_id=challenge.id
    )
    councils_vault.close()
    window = _unlocked(qtbot, make_shell, vault_path)
    view = window.workspace.go("who-covers")
    assert isinstance(view, CoverageView)
    assert view.new_button.isEnabled() and "not enrolled" in view.notice.text()
    view.history.setChecked(True)

    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view)
    _fill(qtbot, dialog, "Ann Adviser", CoverageRole.PRINCIPAL_ADVISER, "2025-01-01")
    _tick(dialog, Region.WEST_MIDLANDS, Region.SOUTH_WEST)
    qtbot.keyClicks(dialog.ui.email, "ann@example.org")
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: len(view.model.rows) == 1)

    # A mistake: a regional lead for two regions. One sentence, the dialog stays open.
    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view)
    _fill(qtbot, dialog, "Dana Director", CoverageRole.CHILDRENS_DIRECTOR, "2025-01-01")
    _tick(dialog, Region.WEST_MIDLANDS, Region.LONDON)
    qtbot.mouseClick(dialog.save_button(), LEFT)
    assert dialog.isVisible()
    assert dialog.ui.message.text().startswith("Regions: a director of children's services leads")
    _tick(dialog, Region.WEST_MIDLANDS)
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # A handover in the West Midlands: Ann keeps the South West.
    qtbot.mouseClick(view.new_button, LEFT)
    dialog = _opened(qtbot, view)
    _fill(qtbot, dialog, "Bob Baker", CoverageRole.PRINCIPAL_ADVISER, "01/04/2026")
    _tick(dialog, Region.WEST_MIDLANDS)
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: len(view.model.rows) == 4)
    assert _rows(view) == [
        ("Ann Adviser", "South West", ""),
        ("Ann Adviser", "West Midlands and South West", "2026-03-31"),
        ("Bob Baker", "West Midlands", ""),
        ("Dana Director", "West Midlands", ""),
    ]

    # End Dana's assignment from the view: the same form, on the last day.
    for row in range(view.table.model().rowCount()):
        if view.model.row(source_row(view.table, row)).person == "Dana Director":  # type: ignore[arg-type]
            view.table.selectRow(row)
    qtbot.mouseClick(view.end_button, LEFT)
    dialog = _opened(qtbot, view)
    assert dialog.windowTitle() == "End assignment"
    dialog.ui.until.clear()
    qtbot.keyClicks(dialog.ui.until, "2030-12-31")
    qtbot.mouseClick(dialog.save_button(), LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    vault = window.session.vault
    (dana,) = Assignments(vault).list(role=CoverageRole.CHILDRENS_DIRECTOR)
    assert dana.until == date(2030, 12, 31)

    # The council page: its principal adviser and leads, and the support in place.
    window.workspace.open_council(BIRMINGHAM)
    page = window.workspace.council_page
    labels = {
        page.overview_form.itemAt(r, page.overview_form.ItemRole.LabelRole).widget().text(): (
            page.overview_form.itemAt(r, page.overview_form.ItemRole.FieldRole).widget().text()
        )
        for r in range(page.overview_form.rowCount())
        if page.overview_form.itemAt(r, page.overview_form.ItemRole.LabelRole) is not None
    }
    assert labels["Principal adviser"].startswith("Bob Baker")
    assert "Dana Director (director of children's services)" in labels["Children's services leads"]
    assert labels["Adult social care leads"] == "none recorded"
    support = {(s.source, s.provider, s.status) for s in page.support_in_place.rows}
    assert support == {
        ("peer challenge", "LGA peer team: Cllr Ann Lead (lead member peer)", "booked"),
        ("action", "Mo", "open"),
    }
    assert page.support_in_place_table.model().rowCount() == 2


def test_an_assignment_made_by_mistake_is_removed_only_after_a_question_that_defaults_to_no(
    qtbot, make_shell, councils_vault, vault_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    Assignments(councils_vault).assign(
        person="Ann Adviser",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=date(2025, 1, 1),
    )
    councils_vault.close()
    window = _unlocked(qtbot, make_shell, vault_path)
    view = window.workspace.go("who-covers")
    assert isinstance(view, CoverageView)
    view.table.selectRow(0)
    asked: list[tuple[str, object]] = []

    def answer(reply):
        def question(_parent, _title, text, _buttons=None, default=None):
            asked.append((text, default))
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(view.remove_button, LEFT)
    (text, default), *_ = asked
    assert "Remove Ann Adviser as principal adviser" in text and "made by mistake" in text
    assert default == QMessageBox.StandardButton.No, "Enter must not remove it"
    assert [r.person for r in Assignments(window.session.vault).list()] == ["Ann Adviser"]

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(view.remove_button, LEFT)
    assert Assignments(window.session.vault).list() == []
    assert view.model.rows == []


def test_an_advisers_device_shows_coverage_read_only_with_a_refused_copy_flagged(
    qtbot, make_shell, councils_vault, vault_path: Path
) -> None:
    service = Assignments(councils_vault)
    ann = service.assign(
        person="Ann Adviser",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=date(2025, 1, 1),
    ).assignment
    councils_vault.audit(
        "sync-rejected",
        "coverage",
        ann.id,
        {
            "reason": "only a coordinator or an admin may change who covers what",
            "payload_sha256": payload_digest(ann.to_json()),
        },
    )
    SyncState(councils_vault).put("role", "adviser")
    councils_vault.close()
    window = _unlocked(qtbot, make_shell, vault_path)
    view = window.workspace.go("who-covers")
    assert isinstance(view, CoverageView)
    assert "Read-only" in view.notice.text() and "adviser" in view.notice.text()
    for widget in (view.new_button, view.edit_button, view.end_button, view.remove_button):
        assert not widget.isEnabled()
    assert [r.person for r in view.model.rows] == ["Ann Adviser"]
    status = view.model.index(0, 7).data()
    assert (
        status == "refused by the server: only a coordinator or an admin may change who covers what"
    )
    view.region.setCurrentIndex(view.region.findData("West Midlands"))
    assert "Nobody holds today in West Midlands: children's lead member" in view.gaps.text()
    view.table.selectRow(0)
    view.edit_assignment()  # Enter on a row: nothing opens on a read-only device
    assert view.dialog is None


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(f"sqlite:///{tmp_path / 'server.sqlite'}")
    store.reset()
    store.import_councils(register_payloads())
    yield store
    store.close()


@pytest.fixture
def server(storage: Storage) -> Iterator[BackgroundServer]:
    running = BackgroundServer(storage).start()
    yield running
    running.stop()


def test_synced_coverage_reaches_the_advisers_window_and_a_refusal_is_reported(
    qtbot, make_shell, tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    cora = enrolled(tmp_path, storage, server, "cora", role="coordinator", regions=())
    cora.sync()
    Assignments(cora.vault).assign(
        person="Lon Don",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.LONDON],
        since=date(2025, 1, 1),
    )
    cora.sync()

    store = MemoryKeyStore()
    path = tmp_path / "bea" / "vault.sli"
    create_vault(
        path, PASSPHRASE, remember=True, keystore=store, kdf=KdfParams.fast_for_tests()
    ).vault.close()
    shell = make_shell(path, store)
    qtbot.waitUntil(lambda: shell.workspace is not None)
    vault = shell.session.vault
    # Made before this device was enrolled (its own vault then): the server will refuse it.
    mine = Assignments(vault).assign(
        person="Bea Self",
        role=CoverageRole.ADULTS_DIRECTOR,
        regions=[Region.LONDON],
        since=date(2026, 1, 1),
    )
    sync_view = shell.workspace.go("sync")
    assert isinstance(sync_view, SyncView)
    code = storage.add_user("Bea", "adviser", ["London"])
    qtbot.keyClicks(sync_view.server, server.url)
    qtbot.keyClicks(sync_view.code, code)
    qtbot.mouseClick(sync_view.enroll_button, LEFT)
    qtbot.waitUntil(lambda: "Enrolled with" in sync_view.enrolment.text())
    qtbot.mouseClick(sync_view.sync_button, LEFT)
    qtbot.waitUntil(lambda: sync_view.result.text().startswith("Pushed"))
    assert (
        f"the server refused 1 change: coverage {mine.assignment.id[:8]}: "
        "only a coordinator or an admin may change who covers what; the edit stays on this "
        "device"
    ) in sync_view.result.text()

    view = shell.workspace.go("who-covers")
    assert isinstance(view, CoverageView)
    assert not view.new_button.isEnabled()
    rows = {r.person: r for r in view.model.rows}
    assert set(rows) == {"Lon Don", "Bea Self"}
    statuses = {
        view.model.index(i, 1).data(): view.model.index(i, 7).data()
        for i in range(view.model.rowCount())
    }
    assert statuses["Lon Don"] == "current"
    assert statuses["Bea Self"].startswith("refused by the server")
    shell.workspace.open_council("E09000033")
    assert shell.workspace.council_page.overview_form.rowCount() > 0
    cover = [
        shell.workspace.council_page.overview_form.itemAt(r, QFormLayout.ItemRole.FieldRole)
        .widget()
        .text()
        for r in range(shell.workspace.council_page.overview_form.rowCount())
        if shell.workspace.council_page.overview_form.itemAt(r, QFormLayout.ItemRole.LabelRole)
        is not None
        and shell.workspace.council_page.overview_form.itemAt(r, QFormLayout.ItemRole.LabelRole)
        .widget()
        .text()
        == "Principal adviser"
    ]
    assert cover == ["Lon Don  (covers London)"]
    cora.vault.close()
