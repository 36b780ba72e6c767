"""Today on a 100,000-note vault (make bench; never part of make test), issue 21.

* Cold start to Today shown: from launching ``sli-desktop`` (key from the keyring) to the
  window shown on Today, populated: median of 5 runs after one that warms the OS cache.
* What Today costs inside that: ``vault/today.py`` on the same vault, median of 7, on today's
  date and on a day whose last year holds the most notes (the corpus ends in 2025), set
  against the councils list's own concern query (``concern_levels``), which it replaces as the
  first view.

Aim: cold start to Today under 0.5 s. Figures go to bench-results/today.json and
docs/PERFORMANCE.md, never into code comments.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sli_desktop.vault.overview import concern_levels
from sli_desktop.vault.session import unlock
from sli_desktop.vault.today import today
from tests.bench.test_gui_bench import NOTES, PASSPHRASE, RESULTS, ROOT, big

__all__ = ["big"]  # the 100,000-note vault fixture, built once for this module

#: Exit as soon as the first view is shown and populated (sli_desktop/gui/main.py).
QUIT = ("--quit-when-ready",)
#: A day whose last year is the corpus's busiest (its notes run to 31 December 2025).
BUSY_DAY = date(2026, 1, 1)


def _cold_start(path: Path, keyring_file: Path, *extra: str) -> tuple[float, float]:
    """Wall-clock seconds from launch to the first view shown (the app's "ready" line), and
    the CPU seconds of the whole run, exit included: it waits for the page check that runs
    beside the window after unlock (vault/page_check.py), which costs CPU but nobody's time.
    On a shared, loaded machine the wall clock swings with the load; CPU time much less."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SLI_BENCH_KEYRING": str(keyring_file),
        "PYTHON_KEYRING_BACKEND": "tests.bench.file_keyring.FileKeyring",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLI_PASSPHRASE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: see test_gui_bench._cold_start
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *extra, "-m", "sli_desktop.gui.main", "--vault", str(path), *QUIT],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    _pid, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, child.stderr.read() if child.stderr else ""
    assert line.strip() == b"ready", line
    return elapsed, usage.ru_utime + usage.ru_stime


def _floor() -> tuple[float, float]:
    """The same for Python and Qt alone: an empty window shown, then exit."""
    code = (
        "from PySide6.QtWidgets import QApplication, QMainWindow\n"
        "from PySide6.QtCore import QTimer\n"
        "app = QApplication([]); w = QMainWindow(); w.show()\n"
        "QTimer.singleShot(0, app.quit); app.exec()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def _median_ms(work: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def test_cold_start_to_today(big: tuple[Path, Path]) -> None:
    path, keyring_file = big
    runs = [_cold_start(path, keyring_file) for _ in range(6)][1:]
    starts = sorted(t for t, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    floors = [_floor() for _ in range(5)]
    floor_wall = statistics.median(t for t, _ in floors)
    floor_cpu = statistics.median(c for _, c in floors)

    vault = unlock(path, PASSPHRASE)
    try:
        shown = today(vault)
        busy = today(vault, BUSY_DAY)
        service_now = _median_ms(lambda: today(vault))
        service_busy = _median_ms(lambda: today(vault, BUSY_DAY))
        concern_busy = _median_ms(lambda: concern_levels(vault, BUSY_DAY))
    finally:
        vault.close()
    assert shown.councils, "Today lists the councils"
    assert any(r.concern.rank for r in busy.councils), "the busy day ranks by concern"

    result = {
        "notes": NOTES,
        "cold_start_to_today_s": {"median": statistics.median(starts), "runs": starts},
        "cold_start_cpu_s": cpu,
        "qt_alone_s": {"wall": floor_wall, "cpu": floor_cpu},
        "today_service_ms": {"today": service_now, "busiest_year": service_busy},
        "concern_levels_ms_busiest_year": concern_busy,
        "ratio_today_to_concern_levels": service_busy / concern_busy if concern_busy else None,
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "today.json").write_text(json.dumps(result, indent=2))
    print("\nToday on a 100,000-note vault")
    print(
        f"  cold start to Today: median {statistics.median(starts):.2f} s (aim < 0.5 s), "
        f"runs {', '.join(f'{t:.2f}' for t in starts)}; load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  CPU {cpu:.2f} s; Python and Qt alone (an empty window): {floor_wall:.2f} s, "
        f"CPU {floor_cpu:.2f} s"
    )
    print(
        f"  vault/today.py: {service_now:.1f} ms today, {service_busy:.1f} ms on the busiest "
        f"year; the councils list's concern query {concern_busy:.1f} ms "
        f"(ratio {result['ratio_today_to_concern_levels']:.2f})"
    )
