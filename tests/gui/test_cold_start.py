"""What the window's start loads (issue 25, cold start to Today): the app started for real,
key from the keyring, to Today shown, loads neither the libraries only other work needs (PDF,
the sync client's HTTP, calendar and vCard files, the server, the passphrase estimator) nor the
views nobody has opened yet (gui/workspace.py makes them on first use)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sli_desktop.vault.header import read_header
from sli_desktop.vault.keystore import SERVICE
from tests.bulkload import ROOT
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import make_vault

#: Top-level packages the start must not import.
HEAVY = (
    "reportlab",
    "pypdf",
    "httpx",
    "icalendar",
    "vobject",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "zxcvbn",
)

#: Runs the app as ``sli-desktop`` does and, as it exits, says which of these it loaded.
_STARTER = """
import atexit, json, runpy, sys
heavy = set(sys.argv[1].split(","))
def loaded():
    tops = sorted({name.split(".")[0] for name in sys.modules} & heavy)
    views = sorted(n for n in sys.modules if n.startswith("sli_desktop.gui.views."))
    print(json.dumps({"heavy": tops, "views": views}))
atexit.register(loaded)
sys.argv = ["sli-desktop", "--vault", sys.argv[2], "--quit-when-ready"]
runpy.run_module("sli_desktop.gui.main", run_name="__main__")
"""


def test_the_window_starts_on_today_without_loading_what_it_does_not_show(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vault" / "vault.sli"
    make_vault(path, notes=5)
    header = read_header(path)
    key = header.unwrap_with_passphrase(PASSPHRASE)
    assert key is not None
    keyring_file = tmp_path / "keyring.json"
    # Written as tests/bench/file_keyring.py reads it; that backend is not imported here, so
    # keyring in this test process never meets it.
    keyring_file.write_text(json.dumps({f"{SERVICE}/{header.vault_id}": key.hex()}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SLI_BENCH_KEYRING": str(keyring_file),
        "PYTHON_KEYRING_BACKEND": "tests.bench.file_keyring.FileKeyring",
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("SLI_PASSPHRASE", None)

    done = subprocess.run(
        [sys.executable, "-c", _STARTER, ",".join(HEAVY), str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ready", done.stdout
    loaded = json.loads(lines[-1])
    assert "sli_desktop.gui.views.today" in loaded["views"], "it opened on Today, unlocked"
    assert loaded["heavy"] == []
    assert "sli_desktop.gui.views.notes" not in loaded["views"]
    assert "sli_desktop.gui.views.council_page" not in loaded["views"]
