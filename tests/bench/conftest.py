"""One table at the end of ``make bench``: every aim of issue 25 beside the figure this run
measured (a ratio or a median), with the machine's load, read back from the results the
benchmarks wrote in this session (bench-results/*.json). A benchmark that did not run this time
shows as "not run", never with an old figure."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

RESULTS = Path(__file__).resolve().parents[2] / "bench-results"
_STARTED = time.time()


def _fresh(name: str) -> Any:
    path = RESULTS / name
    if not path.exists() or path.stat().st_mtime < _STARTED:
        return None
    return json.loads(path.read_text())


def _ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


def aim_rows() -> list[tuple[str, str, str, str]]:
    """(aim, figure, verdict, note) for every aim, from this session's results."""
    rows: list[tuple[str, str, str, str]] = []
    vault = _fresh("vault.json")
    if vault:
        append, search = vault["append"], vault["search"]
        cipher = search["sqlcipher"]["overall"]
        load = vault["machine"]["loadavg_at_start"][0]
        note = f"{vault['notes']:,} notes, load {load:.1f}"
        rows.append(
            (
                "write through Vault.save <= 1.15x plain sqlite3",
                f"{append['ratio_median']:.2f}x (median of chunk pairs)",
                _ok(append["ratio_median"] <= 1.15),
                note,
            )
        )
        rows.append(
            (
                "search p95 <= 1.2x plain and < 25 ms",
                f"{search['ratio_p95']:.2f}x, {cipher['p95']:.1f} ms",
                _ok(search["ratio_p95"] <= 1.2 and cipher["p95"] < 25),
                note,
            )
        )
    else:
        rows.append(("write and search against plain sqlite3", "not run", "", "test_vault_bench"))
    sync = _fresh("sync.json") or {}
    for key, result in sorted(sync.items()):
        if not isinstance(result, dict) or "initial_pull_s" not in result:
            continue
        if result.get("at", 0) < _STARTED:  # another backend's run, from an earlier session
            continue
        records = result["records"]
        per_100k = result["initial_pull_s"] * 100_000 / records
        load = result.get("machine", {}).get("loadavg_at_end", [0.0])[0]
        rows.append(
            (
                f"initial pull of 100,000 < 10 s ({key})",
                f"{per_100k:.1f} s ({records:,} {result.get('notes', '')} notes)",
                _ok(per_100k < 10),
                f"load at end {load:.1f}",
            )
        )
    if not any(r[0].startswith("initial pull") for r in rows):
        rows.append(("initial pull of 100,000 < 10 s", "not run", "", "test_sync_bench"))
    gui = _fresh("gui.json")
    if gui:
        start = gui["cold_start_s"]["median"]
        rows.append(
            (
                "cold start to the first view < 0.5 s",
                f"{start:.2f} s (median of 5)",
                _ok(start < 0.5),
                f"{gui['notes']:,} notes",
            )
        )
        rows.append(
            (
                "peak memory < 250 MB",
                f"{gui['peak_rss_mb']:.0f} MB",
                _ok(gui["peak_rss_mb"] < 250),
                "",
            )
        )
    else:
        rows.append(("cold start and peak memory", "not run", "", "test_gui_bench"))
    beat = _fresh("responsiveness.json")
    if beat:
        note = f"load {beat['loadavg_at_start'][0]:.1f}"
        for label, key in (
            (f"longest heartbeat gap, pull of {beat['notes']:,}", "pull"),
            ("longest heartbeat gap, index merge", "merge"),
            ("longest heartbeat gap, 20,000 contacts", "contacts_import"),
            ("longest heartbeat gap, 20 MB attachment", "attachment"),
        ):
            gap = beat[key]["longest_gap_ms"]
            rows.append((f"{label} < 100 ms", f"{gap:.0f} ms", _ok(gap < 100), note))
        p99 = beat["save_after_pull_ms"]["p99"]
        rows.append(("single save after a pull, p99 < 50 ms", f"{p99:.1f} ms", _ok(p99 < 50), ""))
    else:
        rows.append(("the window never freezes", "not run", "", "test_responsiveness_bench"))
    return rows


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    rows = aim_rows()
    width = max(len(r[0]) for r in rows) + 2
    figure = max(len(r[1]) for r in rows) + 2
    write = terminalreporter.write_line
    write("")
    write(f"Issue 25 aims, this run (nproc {os.cpu_count()}, load now {os.getloadavg()[0]:.1f}):")
    for aim, value, verdict, note in rows:
        write(f"  {aim:{width}}{value:{figure}}{verdict:8}{note}")
