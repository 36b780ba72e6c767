"""Page-size benchmark (make bench; never part of make test): 16 KiB pages against SQLCipher's
4 KiB default, memory security off as in the product. It is what chose the page size of new
vaults (vault/header.py, NEW_VAULT_PAGE_SIZE; docs/PERFORMANCE.md).

Two parts, each in processes of their own (tests/bench/page_side.py):
- the 200,000-figure import, one process per run, alternating A B A B (SLI_BENCH_PAGE_ROUNDS,
  default 3), medians;
- on one vault of each size holding the same realistic notes (100,000 unless
  SLI_BENCH_PAGE_NOTES says otherwise), both open in one process with the work interleaved
  query by query and save by save: unlocking, the vault benchmark's search mix, one-note saves
  and its append. Interleaving, not separate runs, is what makes this fair on a shared machine: the
  load of the moment falls on both sizes alike.
Results and ratios (16 KiB over 4 KiB) go to bench-results/page_size.json. Nothing asserts a time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.bench.page_side import SIZES
from tests.bulkload import ROOT

NOTES = int(os.environ.get("SLI_BENCH_PAGE_NOTES", "100000"))
ROUNDS = int(os.environ.get("SLI_BENCH_PAGE_ROUNDS", "3"))
IMPORT = ("import_s", "import_cpu_s")
NOTES_MEASURES = (
    "unlock_ms_median",
    "unlock_cpu_ms_median",
    "search_p50_ms",
    "search_p95_ms",
    "search_cpu_ms_mean",
    "save_ms_median",
    "save_ms_p95",
    "save_cpu_ms_mean",
    "append_notes_per_s",
    "append_cpu_ms_per_note",
    "file_mb",
)
RESULTS = ROOT / "bench-results" / "page_size.json"


def _run(what: str, number: int, folder: Path) -> dict[str, Any]:
    """One process of page_side; its vaults (about a gigabyte at 100,000 notes) are removed
    once it has been measured."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.bench.page_side", what, str(number), str(folder)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=3000,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = os.getloadavg()[0]
    return result


def test_page_sizes_side_by_side(tmp_path: Path) -> None:
    imports: dict[int, list[dict[str, Any]]] = {size: [] for size in SIZES}
    for round_ in range(ROUNDS):
        for size in SIZES:
            imports[size].append(_run("import", size, tmp_path / f"import-{size}-{round_}"))
            run = imports[size][-1]
            print(
                f"\n{size:>6} B pages: import {run['import_s']:.2f} s, CPU "
                f"{run['import_cpu_s']:.2f} s, load {run['load']:.1f}"
            )
    medians = {
        str(size): {k: statistics.median(run[k] for run in imports[size]) for k in IMPORT}
        for size in SIZES
    }
    notes = _run("notes", NOTES, tmp_path / "notes")
    for size in SIZES:
        medians[str(size)].update({k: notes[str(size)][k] for k in NOTES_MEASURES})
    small, large = (medians[str(size)] for size in SIZES)
    ratios = {k: large[k] / small[k] for k in (*IMPORT, *NOTES_MEASURES)}
    print(
        f"\n{NOTES:,} notes, interleaved (load {notes['load']:.1f}); import, medians of {ROUNDS}:"
    )
    print(f"{'':26}{SIZES[0]:>10}{SIZES[1]:>10}   ratio")
    for k, ratio in ratios.items():
        print(f"{k:26}{small[k]:>10.2f}{large[k]:>10.2f}{ratio:>7.2f}x")
    print(f"same hits for {notes['same_hits']} of 1,000 queries")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "notes": NOTES,
                "rounds": ROUNDS,
                "machine": f"{platform.machine()} {platform.python_version()}",
                "nproc": os.cpu_count(),
                "figures": medians,
                "ratio_16k_to_4k": ratios,
                "imports": {str(size): imports[size] for size in SIZES},
                "notes_run": notes,
            },
            indent=2,
        )
        + "\n"
    )
    assert all(run["page_size"] == size for size in SIZES for run in imports[size])
    assert notes["same_hits"] == 1000
