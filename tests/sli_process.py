"""The installed ``sli`` in a child process, for what only a real process shows: its umask,
its resource limits, and its own peak memory."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL, Popen
from tempfile import TemporaryFile

from tests.conftest import PASSPHRASE

HANG_GUARD = 120  # seconds: only so a hung child fails the test instead of the suite


@dataclass(frozen=True)
class Child:
    code: int
    out: str
    err: str
    #: The child's peak resident set in bytes, from wait4: its own, not every child's so far.
    peak: int


def sli_command() -> list[str]:
    script = Path(sys.executable).with_name("sli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sli_desktop.cli.app"]


def run_sli(vault: Path, *args: str, setup: Callable[[], None] | None = None) -> Child:
    """``sli ARGS`` against ``vault`` with the test passphrase and no terminal; ``setup`` runs
    in the child before ``sli`` starts (a umask, a resource limit)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLI_")}
    env.update(SLI_VAULT=str(vault), SLI_PASSPHRASE=PASSPHRASE)
    with TemporaryFile() as out, TemporaryFile() as err:
        child = Popen(
            [*sli_command(), *args],
            env=env,
            stdin=DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=setup,
            start_new_session=True,  # no controlling terminal: it can never prompt on ours
        )
        guard = threading.Timer(HANG_GUARD, child.kill)
        guard.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            guard.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        return Child(child.returncode, out.read().decode(), err.read().decode(), peak)
