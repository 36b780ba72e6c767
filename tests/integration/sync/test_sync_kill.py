"""A sync process killed (SIGKILL, no clean-up) at random points of the push acknowledgement or
inside a pulled page resumes, at the next sync, to the same end state: nothing lost, nothing
applied twice. The kill lands at a chosen call, not a chosen time, so every trial is repeatable."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from sli_desktop.server.storage import Storage
from sli_desktop.vault.session import unlock
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE
from tests.memory_keystore import MemoryKeyStore

from .support import enrolled

ROOT = Path(__file__).resolve().parents[3]
CHILD = """
import os, signal, sys
from pathlib import Path
from sli_desktop.sync.client import SyncClient
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState

path, target, at, passphrase = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
owner, name = {"apply": (Vault, "apply_remote"), "ack": (SyncState, "acknowledge")}[target]
real = getattr(owner, name)
calls = [0]

def dying(*args, **kwargs):
    real(*args, **kwargs)  # the write is made, its transaction not yet committed
    # apply counts records: those written and those it leaves as held (own changes back)
    calls[0] += len(args[1]) + len(kwargs.get("held", ())) if target == "apply" else 1
    if calls[0] >= at:
        os.kill(os.getpid(), signal.SIGKILL)

setattr(owner, name, dying)
SyncClient(unlock(Path(path), passphrase), None, batch=2, page=3).sync()
"""


@pytest.mark.parametrize("trial", range(4))
def test_a_killed_sync_resumes_to_the_same_end_state(
    tmp_path: Path, storage: Storage, server: BackgroundServer, trial: int
) -> None:
    rng = random.Random(trial)
    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    a.keystore = b.keystore = MemoryKeyStore(available=False)  # token in the vault: the child
    for d in (a, b):  # needs it without our in-memory keyring
        d.client().enroll(server.url, storage.add_user(f"{d.name}2", "adviser", ["London"]))
        d.sync()
    notes = [b.add_note(f"From B {i}").id for i in range(7)]
    b.sync()
    mine = [a.add_note(f"From A {i}").id for i in range(5)]
    target = rng.choice(["apply", "ack"])
    at = rng.randint(1, 3 if target == "ack" else 9)
    a.vault.close()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(a.path), target, str(at), PASSPHRASE],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    a.vault = unlock(a.path, PASSPHRASE)
    a.sync()
    b.sync()
    a.sync()
    assert a.snapshot() == b.snapshot()
    assert SyncState(a.vault).outbox() == []
    for record_id in notes + mine:
        got = a.note(record_id)
        assert got is not None and got.version == 1  # each applied exactly once on the server
