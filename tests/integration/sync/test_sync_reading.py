"""The pull reads the next page (validates and encodes its records) on a worker thread while
the vault writes the current one. What the user sees must not change: a record the app cannot
read fails its page whole, with one sentence, and the next sync resumes; and no worker thread
outlives a pull, however it ended."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.server.storage import Storage
from sli_desktop.sync.client import SyncError
from sli_desktop.sync.turns import Turns
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import enrolled_pair, rewrite_payloads


def _pull_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("sli-sync-pull")]


def _no_workers_left(seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _pull_workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _pull_workers()


def test_a_record_the_app_cannot_read_fails_its_page_whole(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    good = alice.add_note("Finance: reserves")
    bad = alice.add_note("Housing: repairs")
    alice.sync()
    rewrite_payloads(storage, bad.id, '"date":"2026-01-05"', '"date":"the fifth"')
    cursor = SyncState(bob.vault).cursor

    with pytest.raises(SyncError, match="the server sent a record this app cannot read") as err:
        bob.sync()
    assert "\n" not in str(err.value).splitlines()[0]
    assert bob.note(good.id) is None and bob.note(bad.id) is None  # nothing of the page
    assert SyncState(bob.vault).cursor == cursor
    assert _no_workers_left()

    rewrite_payloads(storage, bad.id, '"date":"the fifth"', '"date":"2026-01-05"')
    assert bob.sync().pulled == 2
    assert bob.note(good.id) == alice.note(good.id)
    assert bob.note(bad.id) == alice.note(bad.id)


def test_no_reader_thread_outlives_a_failed_pull(
    tmp_path: Path, storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer fails on the first page while the worker holds the second and waits for the
    writer to spare the interpreter: the worker must not wait for a writer that has gone (a
    thread left waiting would also hold the process open at exit)."""
    alice, bob = enrolled_pair(tmp_path, storage, server)
    for i in range(30):
        alice.add_note(f"Finance {i}")
    alice.sync()
    failing = threading.Event()
    waiting = threading.Event()

    real_wait = Turns.wait_turn
    pulls: list[Turns] = []

    def watched(self: Turns) -> None:
        pulls.append(self)
        if failing.is_set() and threading.current_thread().name.startswith("sli-sync-pull"):
            waiting.set()  # the worker is waiting for its turn while the writer fails
        real_wait(self)

    def broken(self: Vault, *args: Any, **kwargs: Any) -> None:
        failing.set()
        assert waiting.wait(10)
        raise SyncError("the disk is full")

    real = Vault.apply_remote
    monkeypatch.setattr(Turns, "wait_turn", watched)
    monkeypatch.setattr(Vault, "apply_remote", broken)
    with pytest.raises(SyncError, match="the disk is full"):
        bob.sync(page=10)
    try:
        assert _no_workers_left()
    finally:  # if the test fails, release the stuck worker, or it holds pytest open at exit
        for turns in pulls:
            turns.done.set()
    monkeypatch.setattr(Vault, "apply_remote", real)
    assert bob.sync(page=10).pulled == 30
    assert _no_workers_left()
