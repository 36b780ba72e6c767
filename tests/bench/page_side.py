"""One side of the page-size benchmark, in a process of its own (memory security is on, as in the
app, and stays on for the life of a process): ``python -m tests.bench.page_side PAGE NOTES DIR``.

With vaults of PAGE-byte pages it times the 200,000-figure import (as test_import_bench does), and
on a vault of NOTES realistic notes (bulk-loaded by a child with memory security off) 100 saves of
one note each in its own transaction and 400 searches of the vault benchmark's mix. Prints one
JSON object."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sli_desktop.importers.metrics import import_metrics, read_metrics
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.search import Search
from sli_desktop.vault.session import create_vault, unlock
from tests.bench import corpus
from tests.bench.test_import_bench import METRIC_ROWS, PASSPHRASE, make_vault, write_metrics_csv
from tests.bulkload import bulk_load

SAVES, QUERIES, WARM_UP = 100, 400, 50


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def figures_import(page_size: int, folder: Path) -> dict[str, Any]:
    csv_path = folder / "metrics.csv"
    write_metrics_csv(csv_path)
    with make_vault(folder / "figures.sli", page_size) as vault:
        assert not vault.memory_security  # off, as in the product (issue 25)
        cpu, start = _cpu(), time.perf_counter()
        result = import_metrics(vault, read_metrics(csv_path))
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    assert result.added == METRIC_ROWS
    return {"import_s": seconds, "import_cpu_s": cpu}


def notes_vault(page_size: int, notes: int, folder: Path) -> dict[str, Any]:
    path = folder / "notes.sli"
    created = create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests(), page_size=page_size)
    with created.vault as vault:
        Councils(vault).upsert_register(corpus.councils())
    bulk_load(path, PASSPHRASE, notes, "tests.bench.corpus:notes")
    with unlock(path, PASSPHRASE) as vault:
        assert int(vault.conn.execute("PRAGMA page_size").fetchone()[0]) == page_size
        saves = []
        for note in corpus.notes(SAVES, seed=777):
            start = time.perf_counter()
            with vault.transaction():
                vault.save(note)
            saves.append((time.perf_counter() - start) * 1000)
        search = Search(vault)
        queries = corpus.queries(QUERIES, seed=99)
        for query in queries[:WARM_UP]:
            search.search(query.text)
        times = []
        for query in queries:
            start = time.perf_counter()
            search.search(query.text)
            times.append((time.perf_counter() - start) * 1000)
    return {
        "save_ms_median": statistics.median(saves),
        "search_p50_ms": statistics.median(times),
        "search_p95_ms": _percentile(times, 0.95),
        "file_mb": path.stat().st_size / 1e6,
    }


def main() -> None:
    page_size, notes, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    result = {"page_size": page_size, "notes": notes}
    result.update(figures_import(page_size, folder))
    result.update(notes_vault(page_size, notes, folder))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
