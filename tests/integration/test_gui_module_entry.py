"""``python -m sli_desktop.gui.main`` starts the app: the cold-start benchmarks
(tests/bench/test_gui_bench.py, test_today_bench.py) launch it that way, and without a
``__main__`` block the module only imported its names and exited 0, so they timed an import
instead of a start."""

from __future__ import annotations

import subprocess
import sys

from sli_desktop import __version__


def test_the_module_run_as_a_program_starts_the_app() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sli_desktop.gui.main", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"sli-desktop {__version__}"
