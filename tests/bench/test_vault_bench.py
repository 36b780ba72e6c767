"""Vault foundation benchmark (make bench; never part of make test).

On a 100,000-note vault (~1 KB bodies, tests/bench/corpus.py), SQLCipher beside the identical
schema on plain sqlite3, both driven by the same ``Vault`` code in the same run, with
``cipher_memory_security`` off as in the product (issue 25):

1. fill: all 100,000 notes through ``Vault.save``, 1,000 per transaction, chunks alternating
   between the sides.
2. search: 1,000 queries of a realistic mix through ``Search.search`` on both sides, each query
   timed on both back to back after the same warm-up; p50/p95/worst, overall and per class.
3. append: 5,000 more notes into the full vaults through ``Vault.save``: the write rate on a
   100,000-note vault, side by side.

Results go to bench-results/vault.json and a table on stdout. Timings never fail the test: the
aims are printed as met or missed. SLI_BENCH_NOTES makes a smaller vault for a quick look;
SLI_BENCH_WORKDIR keeps the vaults there and reuses them (skipping the fill) when present;
SLI_BENCH_PAGE_SIZE gives both sides pages of another size than new vaults have.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from tests.bench import vault_side
from tests.bench.vault_side import CIPHER, PLAIN

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results" / "vault.json"
NOTES = int(os.environ.get("SLI_BENCH_NOTES", "100000"))
APPEND = 5000
AIMS = {"write_ratio": 1.15, "search_ratio": 1.2, "search_p95_ms": 25.0, "worst_ms": 200.0}


def _machine() -> dict[str, Any]:
    conn: Any = sqlcipher3.connect(":memory:")
    cipher_version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    cipher_sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "")
    head = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return {
        "commit": head.stdout.strip(),
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "sqlcipher": f"{cipher_version} (SQLite {cipher_sqlite})",
        "sqlite3": sqlite3.sqlite_version,
    }


@pytest.mark.slow
def test_vault_benchmark(tmp_path: Path) -> None:
    kept = os.environ.get("SLI_BENCH_WORKDIR")
    workdir = Path(kept) if kept else tmp_path / "vaults"
    report: dict[str, Any] = {"notes": NOTES, "machine": _machine(), "aims": AIMS}
    started = time.perf_counter()

    if (workdir / "plain.db").exists() and kept:
        print(f"\nreusing the vaults in {workdir} (SLI_BENCH_WORKDIR)")
    else:
        print(f"\nfilling two {NOTES:,}-note vaults...")
        report["fill"] = vault_side.build(workdir, NOTES)
    print("searching, then appending...")
    report["search"] = vault_side.search(workdir)
    report["append"] = vault_side.append(workdir, APPEND, 31)
    report["seconds"] = time.perf_counter() - started
    report["machine"]["loadavg_at_end"] = os.getloadavg()
    report["verdict"] = _verdict(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1))
    print(_table(report))
    print(f"written to {RESULTS.relative_to(ROOT)}")
    assert report["search"]["notes"][CIPHER] == report["search"]["notes"][PLAIN]


def _verdict(r: dict[str, Any]) -> dict[str, bool]:
    s, a = r["search"], r["append"]
    every = s["every_word"]
    worst = max(v[CIPHER]["max_ms"] for v in every.values())
    return {
        "write_overhead": a["ratio_median"] <= AIMS["write_ratio"],
        "search_overhead_p50": s["ratio_p50"] <= AIMS["search_ratio"],
        "search_overhead_p95": s["ratio_p95"] <= AIMS["search_ratio"],
        "search_p95": s[CIPHER]["overall"]["p95"] < AIMS["search_p95_ms"],
        "worst_query": max(worst, s[CIPHER]["overall"]["max"]) < AIMS["worst_ms"],
    }


def _ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


def _table(r: dict[str, Any]) -> str:
    m, s, a, v = r["machine"], r["search"], r["append"], r["verdict"]
    k = r["notes"] // 1000
    lines = [
        "",
        f"Vault benchmark: {r['search']['notes'][CIPHER]:,} notes, nproc {m['nproc']} "
        f"({m['cpu']}), load {m['loadavg_at_start'][0]:.1f}",
        f"SQLCipher {m['sqlcipher']} vs sqlite3 {m['sqlite3']}; same schema, same Vault code",
        f"pages of {s['settings'][CIPHER]['page_size']} bytes "
        f"(SQLCipher's MAC {s['settings'][CIPHER]['cipher_hmac_algorithm']}), "
        f"rank window {s['rank_window']}, FTS5 segments in the notes index "
        f"{s['fts_segments'][CIPHER]} / {s['fts_segments'][PLAIN]}",
        "",
        f"{'':38}{'SQLCipher':>11}{'sqlite3':>11}{'ratio':>8}  aim",
    ]

    def row(label: str, c: float, p: float, ratio: float, aim: str = "", fmt: str = ".1f") -> None:
        lines.append(f"{label:38}{c:>11{fmt}}{p:>11{fmt}}{ratio:>7.2f}x  {aim}")

    if "fill" in r:
        f = r["fill"]
        row(
            f"write, fill 0-{k}k, notes/s",
            f[CIPHER]["notes_per_s_median"],
            f[PLAIN]["notes_per_s_median"],
            f["ratio_median"],
            fmt=".0f",
        )
    row(
        f"write, append at {k}k, notes/s",
        a[CIPHER]["notes_per_s_median"],
        a[PLAIN]["notes_per_s_median"],
        a["ratio_median"],
        f"<= {AIMS['write_ratio']}x {_ok(v['write_overhead'])}",
        fmt=".0f",
    )
    ratio = AIMS["search_ratio"]
    for stat, aim in (("p50", f"<= {ratio}x {_ok(v['search_overhead_p50'])}"), ("p95", "")):
        if stat == "p95":
            aim = (
                f"<{AIMS['search_p95_ms']:.0f} ms {_ok(v['search_p95'])}, "
                f"<= {ratio}x {_ok(v['search_overhead_p95'])}"
            )
        row(
            f"search {stat}, ms (1,000 queries)",
            s[CIPHER]["overall"][stat],
            s[PLAIN]["overall"][stat],
            s[f"ratio_{stat}"],
            aim,
        )
    row(
        "search worst of the 1,000, ms",
        s[CIPHER]["overall"]["max"],
        s[PLAIN]["overall"]["max"],
        s["ratio_max"],
    )
    for text, per in s["every_word"].items():
        row(
            f"  word in every note {text}, ms",
            per[CIPHER]["median_ms"],
            per[PLAIN]["median_ms"],
            per[CIPHER]["median_ms"] / per[PLAIN]["median_ms"],
            f"<200 ms {_ok(per[CIPHER]['max_ms'] < AIMS['worst_ms'])}",
        )
    lines.append("")
    lines.append(f"{'per class, ms (p50 / p95 / max)':38}{'SQLCipher':>24}{'sqlite3':>24}")
    for cls, c in s[CIPHER]["by_class"].items():
        p = s[PLAIN]["by_class"][cls]
        fmt = "{p50:6.1f} /{p95:6.1f} /{max:6.1f}"
        label = f"{cls} ({c['n']})"
        lines.append(f"  {label:36}{fmt.format(**c):>24}{fmt.format(**p):>24}")
    lines.append(
        f"  worst query: SQLCipher {s[CIPHER]['worst_query']['text']!r} "
        f"{s[CIPHER]['worst_query']['ms']:.0f} ms; sqlite3 {s[PLAIN]['worst_query']['text']!r} "
        f"{s[PLAIN]['worst_query']['ms']:.0f} ms; same hits for {s['same_hits']}/{s['queries']}"
    )
    lines += [
        "",
        f"CPU per note written: {a[CIPHER]['cpu_ms_per_note']:.2f} vs "
        f"{a[PLAIN]['cpu_ms_per_note']:.2f} ms ({a['ratio_cpu']:.2f}x)",
        f"total {r['seconds'] / 60:.1f} min, load at end {m['loadavg_at_end'][0]:.1f}",
    ]
    return "\n".join(lines)
