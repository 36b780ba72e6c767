"""A pull writes its pages with the cyclic collector paused (sli_desktop/gcpause.py), and the
collector is on again once the sync is over, whether it finished or failed."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.server.storage import Storage
from sli_desktop.sync.client import SyncError
from sli_desktop.vault.store import Vault
from tests.background_server import BackgroundServer

from .support import enrolled_pair


def test_pages_are_written_with_the_collector_paused(
    tmp_path: Path, storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    note = alice.add_note("Finance: reserves")
    alice.sync()
    states: list[bool] = []
    real = Vault.apply_remote

    def spy(self: Vault, *args: Any, **kwargs: Any) -> None:
        states.append(gc.isenabled())
        real(self, *args, **kwargs)

    monkeypatch.setattr(Vault, "apply_remote", spy)
    assert gc.isenabled()
    assert bob.sync().pulled == 1
    assert bob.note(note.id) is not None
    assert states == [False]
    assert gc.isenabled()


def test_the_collector_is_back_on_after_a_failed_pull(
    tmp_path: Path, storage: Storage, server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = enrolled_pair(tmp_path, storage, server)
    alice.add_note("Finance: reserves")
    alice.sync()

    def broken(self: Vault, *args: Any, **kwargs: Any) -> None:
        raise SyncError("the disk is full")

    monkeypatch.setattr(Vault, "apply_remote", broken)
    with pytest.raises(SyncError):
        bob.sync()
    assert gc.isenabled()
