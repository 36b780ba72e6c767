"""One side of the page-size benchmark, in a process of its own, memory security off as in the
product: ``python -m tests.bench.page_side PAGE NOTES DIR``.

With vaults of PAGE-byte pages it times the 200,000-figure import (as test_import_bench does),
and on a vault of NOTES realistic notes (bulk-loaded by a child process): the vault benchmark's
1,000-query search mix after the same warm-up, 200 saves of one note each in its own transaction
(the window's save), and 5,000 more notes through ``Vault.save``, 1,000 per transaction (the
vault benchmark's append). Prints one JSON object."""

from __future__ import annotations

import gc
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
from tests.bench.vault_side import CHUNK, QUERY_SEED, WARMUP_SEED, percentile
from tests.bulkload import bulk_load

SAVES, APPEND = 200, 5000


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    result: dict[str, Any] = {}
    with unlock(path, PASSPHRASE) as vault:
        assert int(vault.conn.execute("PRAGMA page_size").fetchone()[0]) == page_size
        vocab = corpus.Vocabulary.build(corpus.VOCABULARY_SEED)
        search = Search(vault)
        for query in corpus.queries(200, WARMUP_SEED, vocab):
            search.search(query.text)
        times = []
        gc.collect()
        gc.disable()
        for query in corpus.queries(1000, QUERY_SEED, vocab):
            start = time.perf_counter()
            search.search(query.text)
            times.append((time.perf_counter() - start) * 1000)
        gc.enable()
        result["search_p50_ms"] = percentile(times, 50)
        result["search_p95_ms"] = percentile(times, 95)
        saves, save_cpu = [], []
        for note in corpus.notes(SAVES, seed=777):
            start, cpu = time.perf_counter(), _cpu()
            with vault.transaction():
                vault.save(note)
            saves.append((time.perf_counter() - start) * 1000)
            save_cpu.append((_cpu() - cpu) * 1000)
        result["save_ms_median"] = statistics.median(saves)
        result["save_ms_p95"] = percentile(saves, 95)
        result["save_cpu_ms_median"] = statistics.median(save_cpu)
        batch = list(corpus.notes(APPEND, seed=31))
        rates, cpu = [], _cpu()
        for first in range(0, APPEND, CHUNK):
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            with vault.transaction():
                for note in batch[first : first + CHUNK]:
                    vault.save(note)
            rates.append(CHUNK / (time.perf_counter() - start))
            gc.enable()
        result["append_notes_per_s"] = statistics.median(rates)
        result["append_cpu_ms_per_note"] = 1000 * (_cpu() - cpu) / APPEND
    result["file_mb"] = path.stat().st_size / 1e6
    return result


def main() -> None:
    page_size, notes, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"page_size": page_size, "notes": notes}
    result.update(figures_import(page_size, folder))
    result.update(notes_vault(page_size, notes, folder))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
