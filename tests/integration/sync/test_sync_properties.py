"""Property: random edits on three vaults, synced in random orders with random interruptions
(dropped connections before a request or after the server answered, and kills inside the push
acknowledgement or inside a pulled page's transaction) → after everyone syncs twice, every vault
holds the same records, nothing is duplicated, and every concurrent edit of a field is either the
field's value or a kept conflict."""

from __future__ import annotations

import contextlib
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import Note
from sli_desktop.server.storage import Storage
from sli_desktop.sync.client import SyncError
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import Device, Flaky, enrolled, register_payloads

DEVICES = 3
NOTES = 2
FIELDS = ("title", "body")

edit = st.tuples(st.integers(0, DEVICES - 1), st.integers(0, NOTES - 1), st.sampled_from(FIELDS))
fault = st.one_of(
    st.just(("none", 0)),
    st.tuples(st.sampled_from(["before", "after", "kill-ack", "kill-page"]), st.integers(1, 4)),
)
sync_step = st.tuples(st.integers(0, DEVICES - 1), fault)
round_ = st.tuples(
    st.lists(edit, min_size=1, max_size=6), st.lists(sync_step, min_size=0, max_size=6)
)


class Killed(BaseException):
    """Stands for the process dying: nothing after it runs, uncommitted work is gone."""


def _sync_with(device: Device, kind: str, at: int, mp: pytest.MonkeyPatch) -> None:
    calls = itertools.count(1)
    if kind in ("before", "after"):
        device.transport = Flaky(**{kind: {at}})
    elif kind in ("kill-ack", "kill-page"):
        name = "acknowledge" if kind == "kill-ack" else "set_cursor"
        real = getattr(SyncState, name)

        def dying(self: SyncState, *args: Any) -> None:
            if next(calls) == at:
                raise Killed()
            real(self, *args)

        mp.setattr(SyncState, name, dying)
    try:
        with contextlib.suppress(SyncError, Killed):
            device.sync(batch=1, page=2)
    finally:
        device.transport = None
        mp.undo()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rounds=st.lists(round_, min_size=1, max_size=2))
def test_random_edits_syncs_and_interruptions_converge_without_losing_an_edit(
    tmp_path_factory: pytest.TempPathFactory,
    storage: Storage,
    server: BackgroundServer,
    rounds: list[tuple[list[tuple[int, int, str]], list[tuple[int, tuple[str, int]]]]],
) -> None:
    storage.reset()
    storage.import_councils(register_payloads())
    home: Path = tmp_path_factory.mktemp("prop")
    devices = [enrolled(home, storage, server, f"user{i}") for i in range(DEVICES)]
    for d in devices:
        d.sync()
    notes = [devices[0].add_note(f"Note {i}").id for i in range(NOTES)]
    devices[0].sync()
    for d in devices:
        d.sync()
    values = itertools.count()
    mp = pytest.MonkeyPatch()
    try:
        for edits, syncs in rounds:
            last: dict[tuple[int, str], dict[int, str]] = {}
            for who, which, field in edits:
                value = f"{field} {next(values)}"
                devices[who].edit(notes[which], **{field: value})
                last.setdefault((which, field), {})[who] = value
            for who, (kind, at) in syncs:
                _sync_with(devices[who], kind, at, mp)
            for _ in range(2):
                for d in devices:
                    d.sync()

            snapshots = [d.snapshot() for d in devices]
            assert snapshots[0] == snapshots[1] == snapshots[2]
            kept = [sorted(map(repr, d.open_conflicts())) for d in devices]
            assert kept[0] == kept[1] == kept[2]
            for d in devices:
                assert SyncState(d.vault).outbox() == []
                assert len(d.vault.records(Note)) == NOTES  # nothing duplicated
            losers = {
                (c["record_id"], name, pair["loser"])
                for c in devices[0].open_conflicts()
                for name, pair in c["fields"].items()
            }
            for (which, field), by_device in last.items():
                note = devices[0].note(notes[which])
                assert note is not None
                current = getattr(note, field)
                assert current in by_device.values()
                for value in by_device.values():
                    assert value == current or (notes[which], field, value) in losers
    finally:
        mp.undo()
        for d in devices:
            d.vault.close()
