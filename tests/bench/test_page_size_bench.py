"""Page-size benchmark (make bench; never part of make test): 16 KiB pages against SQLCipher's
4 KiB default, side by side in one run, memory security off as in the product. It is what chose
the page size of new vaults (vault/header.py, NEW_VAULT_PAGE_SIZE; docs/PERFORMANCE.md).

Each side runs in a process of its own (tests/bench/page_side.py), alternating A B A B so drift
and warm-up hit both alike: the 200,000-figure import, and on a vault of realistic notes (100,000
unless SLI_BENCH_PAGE_NOTES says otherwise) the vault benchmark's search mix, one-note saves and
the vault benchmark's append. SLI_BENCH_PAGE_ROUNDS sets the rounds (2). Medians of the runs and
their ratios go to bench-results/page_size.json. Nothing asserts a time.
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

from tests.bulkload import ROOT

NOTES = int(os.environ.get("SLI_BENCH_PAGE_NOTES", "100000"))
ROUNDS = int(os.environ.get("SLI_BENCH_PAGE_ROUNDS", "2"))
SIZES = (4096, 16384)  # the ratio is the second over the first
MEASURES = (
    "import_s",
    "import_cpu_s",
    "search_p50_ms",
    "search_p95_ms",
    "save_ms_median",
    "save_ms_p95",
    "save_cpu_ms_median",
    "append_notes_per_s",
    "append_cpu_ms_per_note",
    "file_mb",
)
RESULTS = ROOT / "bench-results" / "page_size.json"


def _side(page_size: int, folder: Path) -> dict[str, Any]:
    """One run in a process of its own; its vaults (half a gigabyte at 100,000 notes) are
    removed once it has been measured."""
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.bench.page_side",
                str(page_size),
                str(NOTES),
                str(folder),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = os.getloadavg()[0]
    return result


def test_page_sizes_side_by_side(tmp_path: Path) -> None:
    runs: dict[int, list[dict[str, Any]]] = {size: [] for size in SIZES}
    for round_ in range(ROUNDS):
        for size in SIZES:
            runs[size].append(_side(size, tmp_path / f"{size}-{round_}"))
            print(
                f"\n{size:>6} B pages: "
                + ", ".join(f"{k} {runs[size][-1][k]:.2f}" for k in (*MEASURES, "load"))
            )
    medians = {
        size: {k: statistics.median(run[k] for run in runs[size]) for k in MEASURES}
        for size in SIZES
    }
    small, large = (medians[size] for size in SIZES)
    ratios = {k: large[k] / small[k] for k in MEASURES}
    print(
        f"\n16 KiB / 4 KiB, medians of {ROUNDS}: "
        + ", ".join(f"{k} {v:.2f}x" for k, v in ratios.items())
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "notes": NOTES,
                "rounds": ROUNDS,
                "machine": f"{platform.machine()} {platform.python_version()}",
                "nproc": os.cpu_count(),
                "medians": {str(size): medians[size] for size in SIZES},
                "ratio_16k_to_4k": ratios,
                "runs": {str(size): runs[size] for size in SIZES},
            },
            indent=2,
        )
        + "\n"
    )
    assert all(run["page_size"] == size for size in SIZES for run in runs[size])
