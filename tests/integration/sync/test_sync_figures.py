"""Figures added by an import (outbox entries that stand for their rows, store.ROW_PAYLOAD)
go up and reach a colleague's vault through a real server, as they are held on the device."""

from __future__ import annotations

from pathlib import Path

from sli_desktop.domain import Metric
from sli_desktop.importers.metrics import import_metrics, read_metrics
from sli_desktop.server.storage import Storage
from sli_desktop.vault.store import ROW_PAYLOAD
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, enrolled_pair

HEADER = "Area code,Area name,Period,Metric id,Metric name,Value,Unit"


def test_imported_figures_reach_a_colleague_as_the_importer_holds_them(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a, b = enrolled_pair(tmp_path, storage, server)
    path = tmp_path / "figures.csv"
    lines = [HEADER] + [
        f"{WESTMINSTER},Westminster,202{i % 5}/2{i % 5 + 1},M{i},Rate {i} — ü,{i / 7},%"
        for i in range(30)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_metrics(a.vault, read_metrics(path))
    assert result.added == 30
    payloads = a.vault.query("SELECT payload FROM outbox WHERE kind = 'metric'")
    assert payloads == [(ROW_PAYLOAD,)] * 30  # each entry stands for its row
    # one figure is corrected before any sync: its newest state is what goes up
    first = min(a.vault.records(Metric), key=lambda m: m.metric_id)
    corrected = a.vault.save(first.evolve(value=99.5))

    assert a.sync().pushed == 30
    assert SyncState(a.vault).outbox() == []
    assert b.sync().pulled == 30
    held_by_a = {m.id: m.to_json() for m in a.vault.records(Metric)}
    held_by_b = {m.id: m.to_json() for m in b.vault.records(Metric)}
    assert held_by_b == held_by_a
    assert held_by_b[corrected.id]["value"] == 99.5
    # and A's next sync finds nothing new to write (its own figures came back as held)
    again = a.sync()
    assert (again.pushed, again.conflicts) == (0, 0)
    assert {m.id: m.to_json() for m in a.vault.records(Metric)} == held_by_a
