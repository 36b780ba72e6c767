"""Today is read on a worker once another connection has written (a pull, an import), and on
the window's thread while the window's own connection still has it cached (issue 25)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import ConcernLevel, CoverageRole, Note, Region
from sli_desktop.gui.views import today as today_view
from sli_desktop.gui.views.today import TodayView
from sli_desktop.vault.bulk import save_many
from sli_desktop.vault.coverage import Assignments
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.gui.conftest import lock_while_held, unlock_window

BHAM, COV = "E08000025", "E08000026"
TODAY = date.today()


@pytest.fixture
def window(qtbot, make_shell, councils_vault: Vault, vault_path: Path):
    Assignments(councils_vault).assign(
        person=councils_vault.actor,
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=TODAY - timedelta(days=400),
    )
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def _today(shell) -> TodayView:
    view = shell.workspace.current()
    assert isinstance(view, TodayView)
    return view


def _threads(monkeypatch: pytest.MonkeyPatch, hold: threading.Event | None = None) -> list[Any]:
    """Record the thread each read of Today runs on; with ``hold``, a read on a worker waits
    for it to be set."""
    seen: list[threading.Thread] = []
    real = today_view.today

    def recorded(vault: Vault, *args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread())
        if hold is not None and threading.current_thread() is not threading.main_thread():
            assert hold.wait(30)
        return real(vault, *args, **kwargs)

    monkeypatch.setattr(today_view, "today", recorded)
    return seen


def _written_elsewhere(vault: Vault, title: str) -> None:
    """A complete serious note on Coventry, saved as a pull or an import saves: on a worker
    with a connection of its own."""
    note = Note.build(
        council=COV,
        date=TODAY - timedelta(days=1),
        title=title,
        concern=ConcernLevel.SERIOUS,
        evidence=["Section 114 notice"],
    )

    def write() -> None:
        worker = vault.sibling()
        try:
            save_many(worker, [note], returning=False)
        finally:
            worker.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(30)


def _concern(view: TodayView, gss: str) -> ConcernLevel:
    assert view.data is not None
    return next(r.concern for r in view.data.councils if r.council.gss_code == gss)


def test_after_a_write_elsewhere_today_is_read_on_a_worker(
    qtbot, window, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _today(window)
    vault = window.session.vault
    assert _concern(view, COV) is ConcernLevel.NONE
    seen = _threads(monkeypatch)
    _written_elsewhere(vault, "Section 114 notice issued")
    window.session.changed.emit("sync")  # as the window does after a pull
    qtbot.waitUntil(lambda: _concern(view, COV) is ConcernLevel.SERIOUS, timeout=10_000)
    assert seen and all(t is not threading.main_thread() for t in seen)
    assert view.model.row(0).council.gss_code == COV, "ranked first once it arrives"
    assert view.task is None


def test_a_save_in_the_window_is_read_back_at_once_on_its_thread(
    window, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _today(window)
    seen = _threads(monkeypatch)
    Notes(window.session.vault).add(
        council=BHAM,
        date=TODAY - timedelta(days=1),
        title="Reserves below the minimum",
        concern=ConcernLevel.HIGH,
        evidence=["Budget report"],
    )
    window.session.changed.emit("note")
    assert _concern(view, BHAM) is ConcernLevel.HIGH, "shown before the window waits"
    assert seen == [threading.main_thread()]


def test_a_refresh_asked_for_while_today_is_read_elsewhere_follows_it(
    qtbot, window, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _today(window)
    vault = window.session.vault
    hold = threading.Event()
    seen = _threads(monkeypatch, hold)
    _written_elsewhere(vault, "Section 114 notice issued")
    window.session.changed.emit("sync")
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    Notes(vault).add(council=BHAM, date=TODAY, title="Chief executive resigns")
    window.session.changed.emit("note")  # while the worker reads: shown after it
    assert view.task is not None
    hold.set()
    qtbot.waitUntil(lambda: view.task is None and len(seen) == 2, timeout=10_000)
    assert _concern(view, COV) is ConcernLevel.SERIOUS
    assert seen[1] is threading.main_thread(), "nothing was written elsewhere meanwhile"


def test_locking_while_today_is_read_elsewhere_is_clean(
    qtbot, window, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    view = _today(window)
    hold = threading.Event()
    seen = _threads(monkeypatch, hold)
    _written_elsewhere(window.session.vault, "Section 114 notice issued")
    window.session.changed.emit("sync")
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    task = view.task
    assert task is not None
    lock_while_held(qtbot, window, task, hold, capfd)
    assert _concern(_today(window), COV) is ConcernLevel.SERIOUS


def test_after_an_import_through_the_menu_today_is_read_on_a_worker(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "contacts.csv"
    rows = [f"Person{i},Brontë,Coventry City Council,p{i}@coventry.gov.uk" for i in range(200)]
    source.write_text("First Name,Last Name,Company,E-mail Address\n" + "\n".join(rows) + "\n")
    view = _today(window)
    seen = _threads(monkeypatch)
    actions = window.data_actions
    actions.import_contacts(str(source))
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    actions.preview.accept()
    qtbot.waitUntil(lambda: "Contacts from" in window.statusBar().currentMessage())
    qtbot.waitUntil(lambda: bool(seen) and view.task is None, timeout=10_000)
    assert all(t is not threading.main_thread() for t in seen)
