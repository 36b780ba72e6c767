"""The page-size benchmark's work, in processes of their own (memory security off, as in the
product):

``python -m tests.bench.page_side import PAGE DIR`` times the 200,000-figure import (as
test_import_bench does) into a vault of PAGE-byte pages.

``python -m tests.bench.page_side notes NOTES DIR`` bulk-loads NOTES realistic notes into one
vault of each size in ``SIZES`` and, with both in this one process, interleaves the work between
them (which goes first alternates) so that a busy machine slows both alike: unlocking (which
authenticates every page), the vault benchmark's 1,000-query search mix after the same
warm-up, 200 saves of one note each in its own transaction (the window's save), and 5,000
more notes through ``Vault.save``, 1,000 per transaction (the vault benchmark's append). Wall
and CPU time are both kept: on a shared machine the CPU figures are the steadier.

Each prints one JSON object."""

from __future__ import annotations

import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sli_desktop.importers.metrics import import_metrics, read_metrics
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.pages import PageFormat, faster_mac
from sli_desktop.vault.search import Search
from sli_desktop.vault.session import create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.bench import corpus
from tests.bench.test_import_bench import METRIC_ROWS, PASSPHRASE, make_vault, write_metrics_csv
from tests.bench.vault_side import CHUNK, QUERY_SEED, WARMUP_SEED, percentile
from tests.bulkload import bulk_load

SIZES = (4096, 16384)  # ratios are the second over the first
SAVES, APPEND, UNLOCKS = 200, 5000, 4


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
    return {"page_size": page_size, "import_s": seconds, "import_cpu_s": cpu}


def _notes_vault(page_size: int, notes: int, folder: Path) -> Path:
    path = folder / f"notes-{page_size}.sli"
    pages = PageFormat(page_size, faster_mac())  # sizes compared, the MAC new vaults'
    created = create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests(), pages=pages)
    with created.vault as vault:
        Councils(vault).upsert_register(corpus.councils())
    bulk_load(path, PASSPHRASE, notes, "tests.bench.corpus:notes")
    return path


def _interleaved(
    vaults: dict[int, Any], items: Sequence[Any], work: Callable[[Any, Any], object]
) -> tuple[dict[int, list[float]], dict[int, list[float]], int]:
    """``work`` on every item for each vault, the order alternating: wall and CPU milliseconds
    per item and size, and how many items gave the same result on every vault."""
    wall: dict[int, list[float]] = {size: [] for size in vaults}
    cpu: dict[int, list[float]] = {size: [] for size in vaults}
    same = 0
    gc.collect()
    gc.disable()
    try:
        for i, item in enumerate(items):
            results = []
            for size in sorted(vaults, reverse=bool(i % 2)):
                t0, c0 = time.perf_counter(), _cpu()
                results.append(work(vaults[size], item))
                wall[size].append(1000 * (time.perf_counter() - t0))
                cpu[size].append(1000 * (_cpu() - c0))
            same += all(r == results[0] for r in results)
    finally:
        gc.enable()
    return wall, cpu, same


def notes_side_by_side(notes: int, folder: Path) -> dict[str, Any]:
    paths = {size: _notes_vault(size, notes, folder) for size in SIZES}
    result: dict[str, Any] = {size: {} for size in SIZES}
    # Unlocking authenticates every page of the file: the wait at every unlock.
    wall, cpu, _ = _interleaved(
        {size: paths[size] for size in SIZES},
        range(UNLOCKS),
        lambda path, _: unlock(path, PASSPHRASE).close(),
    )
    for size in SIZES:
        result[size]["unlock_ms_median"] = statistics.median(wall[size])
        result[size]["unlock_cpu_ms_median"] = statistics.median(cpu[size])
    vaults = {size: unlock(path, PASSPHRASE) for size, path in paths.items()}
    try:
        for size, vault in vaults.items():
            assert int(vault.conn.execute("PRAGMA page_size").fetchone()[0]) == size
        searches = {id(vault): Search(vault) for vault in vaults.values()}
        vocab = corpus.Vocabulary.build(corpus.VOCABULARY_SEED)

        def search(vault: Vault, text: str) -> list[str]:
            return [hit.id for hit in searches[id(vault)].search(text)]

        _interleaved(vaults, [q.text for q in corpus.queries(200, WARMUP_SEED, vocab)], search)
        mix = [q.text for q in corpus.queries(1000, QUERY_SEED, vocab)]
        wall, cpu, same = _interleaved(vaults, mix, search)
        result["same_hits"] = same
        for size in SIZES:
            result[size]["search_p50_ms"] = percentile(wall[size], 50)
            result[size]["search_p95_ms"] = percentile(wall[size], 95)
            result[size]["search_cpu_ms_mean"] = statistics.fmean(cpu[size])

        def save_one(vault: Vault, note: Any) -> None:
            with vault.transaction():
                vault.save(note)

        wall, cpu, _ = _interleaved(vaults, list(corpus.notes(SAVES, seed=777)), save_one)
        for size in SIZES:
            result[size]["save_ms_median"] = statistics.median(wall[size])
            result[size]["save_ms_p95"] = percentile(wall[size], 95)
            result[size]["save_cpu_ms_mean"] = statistics.fmean(cpu[size])

        def save_chunk(vault: Vault, chunk: Sequence[Any]) -> None:
            with vault.transaction():
                for note in chunk:
                    vault.save(note)

        batch = list(corpus.notes(APPEND, seed=31))
        chunks = [batch[i : i + CHUNK] for i in range(0, APPEND, CHUNK)]
        wall, cpu, _ = _interleaved(vaults, chunks, save_chunk)
        for size in SIZES:
            result[size]["append_notes_per_s"] = statistics.median(
                1000 * CHUNK / ms for ms in wall[size]
            )
            result[size]["append_cpu_ms_per_note"] = sum(cpu[size]) / APPEND
    finally:
        for vault in vaults.values():
            vault.close()
    for size, path in paths.items():
        result[size]["file_mb"] = path.stat().st_size / 1e6
    return {"notes": notes, **{str(k): v for k, v in result.items()}}


def main() -> None:
    what, number, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    if what == "import":
        print(json.dumps(figures_import(number, folder)))
    else:
        print(json.dumps(notes_side_by_side(number, folder)))


if __name__ == "__main__":
    main()
