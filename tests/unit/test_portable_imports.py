"""Issue #27: every module of the package imports on Windows and macOS. Run here by reporting
``sys.platform`` as ``win32`` or ``darwin`` in a child process, with the POSIX-only modules
(``resource``, ``fcntl``, ``pwd``, ``termios``, ``grp``) made unavailable: a module that needs
one at import time fails, as it would on Windows. A child, so the test process keeps its own
platform and modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSIX_ONLY = ("resource", "fcntl", "pwd", "termios", "grp", "posix", "_posixsubprocess")
# Qt's D-Bus module serves only the Linux screen lock: a Windows or Mac build must not need it.
LINUX_ONLY = ("PySide6.QtDBus",)

# 1. Import, with the real platform, what the package imports from outside itself (read from
#    its source), so the standard library and the dependencies are loaded the way they are on
#    this machine; their own Windows branches are theirs to test, not ours.
# 2. Report the other platform and take the POSIX-only modules away.
# 3. Import every sli_desktop module; report those that fail and why.
CHILD = r"""
import ast, importlib, json, os, pkgutil, sys, traceback
from pathlib import Path

platform, root, blocked = sys.argv[1], Path(sys.argv[2]), sys.argv[3].split(",")
package = root / "sli_desktop"
outside = set()
for path in package.rglob("*.py"):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        for name in names:
            ours = name.startswith("sli_desktop")
            if not ours and name not in blocked and name.split(".")[0] not in blocked:
                outside.add(name)
for name in sorted(outside):
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # a platform-specific module this machine lacks: only a problem if ours needs it

sys.platform = platform
for name in blocked:
    sys.modules[name] = None  # "import resource" now raises ImportError

import sli_desktop
failures = {}
modules = ["sli_desktop"] + [
    info.name for info in pkgutil.walk_packages(sli_desktop.__path__, "sli_desktop.")
]
for name in modules:
    try:
        importlib.import_module(name)
    except BaseException:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps({"imported": len(modules) - len(failures), "failures": failures}))
"""


def import_everything(
    platform: str, blocked: tuple[str, ...] = POSIX_ONLY + LINUX_ONLY
) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, platform, str(ROOT), ",".join(blocked)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_every_module_imports_on_the_other_platforms(platform: str) -> None:
    result = import_everything(platform)
    failures = result["failures"]
    assert not failures, "\n".join(f"{name}:\n{why}" for name, why in dict(failures).items())
    assert int(str(result["imported"])) > 150  # the whole package, not a handful


def test_the_check_would_catch_a_posix_only_import() -> None:
    """The check is worth having only if a module whose import fails is reported: platformdirs
    is taken away here to stand for a POSIX-only module that one of ours would need."""
    result = import_everything("win32", blocked=(*POSIX_ONLY, "platformdirs"))
    assert "sli_desktop.paths" in dict(result["failures"])  # type: ignore[arg-type]
