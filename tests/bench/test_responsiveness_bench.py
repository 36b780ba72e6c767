"""The window never freezes (issue 25; make bench, never part of make test).

A real window (``Shell``, offscreen) with a 10 ms QTimer heartbeat; the longest gap between two
beats is how long the window could not answer. Measured while it does, through its own code:

1. the initial pull of 100,000 realistic notes (tests/bench/corpus.py) from ``sli server serve``
   on 127.0.0.1 (SQLite store), started as Ctrl+Shift+S starts it (``SyncRunner.sync``);
2. the merge of the search index that follows on a worker (``IndexMerger``), then 200 single
   saves through ``Notes.add`` on the window's connection: p50/p99 of a save after a pull;
3. an import of 20,000 contacts from CSV through File ▸ Import (``DataActions``), read,
   previewed and written;
4. a 20 MB document attached to an Improvement Board as the board panel attaches it
   (``vault_task`` running ``Boards.attach_terms``).

The window idle for 3 s first gives the floor this machine's load sets (another process
holding both cores delays the window's thread whatever it runs). Aims: the longest gap under
100 ms in each; a save after a pull under 50 ms at p99. Results go
to bench-results/responsiveness.json; timings never fail the test. SLI_BENCH_HEARTBEAT_NOTES
makes a smaller pull for a quick look. SLI_BENCH_HEARTBEAT_STALLS=<ms> writes every thread's
Python stack each time a beat is that late (``faulthandler``, re-armed at every beat) to
bench-results/responsiveness-stalls.txt: what held the window, or the interpreter lock, then.
"""

from __future__ import annotations

import faulthandler
import gc
import json
import os
import statistics
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QSettings, QTimer

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.gui.session import VaultSession
from sli_desktop.gui.shell import Shell
from sli_desktop.gui.tasks import vault_task
from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from sli_desktop.sync.client import SyncClient
from sli_desktop.vault.boards import Boards
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.store import Vault
from tests.bench import corpus
from tests.bench.test_import_bench import contacts_csv_text
from tests.bench.test_sync_bench import ProcessServer, _client, _token
from tests.bench.vault_side import percentile
from tests.memory_keystore import MemoryKeyStore

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results" / "responsiveness.json"
STALLS = ROOT / "bench-results" / "responsiveness-stalls.txt"
STALL_MS = float(os.environ.get("SLI_BENCH_HEARTBEAT_STALLS", "0"))
NOTES = int(os.environ.get("SLI_BENCH_HEARTBEAT_NOTES", "100000"))
CONTACTS = 20_000
ATTACHMENT_BYTES = 20 * 1024 * 1024
SAVES = 200
GSS = "E09000033"
AIMS = {"gap_ms": 100.0, "save_after_pull_p99_ms": 50.0}
PASSPHRASE = "benchmark passphrase, not secret"


class Heartbeat:
    """A 10 ms timer on the window's thread; the longest gap between its beats."""

    def __init__(self, parent: QObject, phase: str) -> None:
        self.phase = phase
        self.timer = QTimer(parent)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._beat)
        self.beats: list[float] = []
        #: Where each late beat's stacks go (SLI_BENCH_HEARTBEAT_STALLS), or None.
        self.stalls: Any = None

        #: (generation, ms) of each cyclic collection meanwhile, on whichever thread
        self.collections: list[tuple[int, float]] = []
        self._gc_started = 0.0

    def _beat(self) -> None:
        self.beats.append(time.perf_counter())
        if self.stalls is not None:
            self.stalls.write(f"-- beat {len(self.beats)}\n")
            self.stalls.flush()
            # A C thread of faulthandler's prints the stacks if the next beat is this late.
            faulthandler.dump_traceback_later(STALL_MS / 1000, file=self.stalls)

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.collections.append(
                (info["generation"], 1000 * (time.perf_counter() - self._gc_started))
            )

    def __enter__(self) -> Heartbeat:
        self.beats = [time.perf_counter()]
        self.collections = []
        gc.callbacks.append(self._gc)
        if STALL_MS:
            STALLS.parent.mkdir(exist_ok=True)
            self.stalls = STALLS.open("a", encoding="utf-8")
            self.stalls.write(f"==== {self.phase}\n")
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()
        if self.stalls is not None:
            faulthandler.cancel_dump_traceback_later()
            self.stalls.close()
            self.stalls = None
        gc.callbacks.remove(self._gc)
        self.beats.append(time.perf_counter())

    def result(self) -> dict[str, Any]:
        gaps = [1000 * (b - a) for a, b in zip(self.beats, self.beats[1:], strict=False)]
        return {
            "seconds": self.beats[-1] - self.beats[0],
            "beats": len(self.beats),
            "longest_gap_ms": max(gaps),
            "gap_p99_ms": percentile(gaps, 99),
            "gaps_over_100_ms": sum(g > 100 for g in gaps),
            "longest_collection_ms": max((ms for _g, ms in self.collections), default=0.0),
            "collections": len(self.collections),
        }


def _seed(storage: Storage, server: ProcessServer) -> float:
    """NOTES realistic notes pushed to the server as another device would (all on one London
    council, none private, so every one comes down to the adviser)."""
    payloads = [
        n.model_copy(update={"council": GSS, "private": False}).to_json()
        for n in corpus.notes(NOTES)
    ]
    started = time.perf_counter()
    with _client(server, _token(storage, server, "seeder")) as http:
        for first in range(0, len(payloads), 500):
            changes = [
                p.Change(
                    change_id=str(uuid.uuid4()),
                    kind="note",
                    record_id=payload["id"],
                    base_rev=0,
                    op="upsert",
                    payload={**payload, "author": "seed"},
                )
                for payload in payloads[first : first + 500]
            ]
            answer = http.post("/push", json=p.PushRequest(changes=changes).model_dump(mode="json"))
            answer.raise_for_status()
    return time.perf_counter() - started


def _wait(qtbot: Any, condition: Any, timeout_s: float) -> None:
    qtbot.waitUntil(condition, timeout=int(timeout_s * 1000))


@pytest.mark.slow
def test_responsiveness_benchmark(qtbot: Any, tmp_path: Path) -> None:
    report: dict[str, Any] = {
        "notes": NOTES,
        "aims": AIMS,
        "loadavg_at_start": os.getloadavg(),
        "nproc": os.cpu_count(),
    }
    storage = Storage(f"sqlite:///{tmp_path / 'server.sqlite'}")
    storage.reset()
    storage.import_councils(
        [
            Council.build(
                id=council_id(GSS),
                gss_code=GSS,
                name="Westminster City Council",
                type=CouncilType.LONDON_BOROUGH,
                region=Region.LONDON,
            ).to_json()
        ]
    )
    server = ProcessServer(storage.url).start()
    shell: Shell | None = None
    try:
        print(f"\nseeding the server with {NOTES:,} realistic notes...")
        report["seed_seconds"] = _seed(storage, server)

        keystore = MemoryKeyStore()
        path = tmp_path / "device" / "vault.sli"
        created = create_vault(
            path, PASSPHRASE, remember=True, keystore=keystore, kdf=KdfParams.fast_for_tests()
        )
        code = storage.add_user("Adviser", "adviser", ["London"])
        SyncClient(created.vault, keystore).enroll(server.url, code)
        created.vault.close()

        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        session = VaultSession(path, lambda: keystore)
        shell = Shell(session, settings)
        qtbot.addWidget(shell)
        shell.show()
        shell.start()
        _wait(qtbot, lambda: session.is_unlocked and shell.workspace is not None, 60)
        vault = session.vault
        assert vault is not None
        if os.environ.get("SLI_BENCH_HEARTBEAT_PAGE"):
            shell.sync_runner.page = int(os.environ["SLI_BENCH_HEARTBEAT_PAGE"])
        report["page"] = shell.sync_runner.page

        # 0. The window doing nothing: the floor this machine's load sets for the gaps.
        with Heartbeat(shell, "idle") as beat:
            qtbot.wait(3000)
        report["idle"] = {**beat.result(), "idle_seconds": 3.0}

        # 1. The initial pull, started as the window starts it.
        lines: list[str] = []
        shell.sync_runner.finished.connect(lines.append)
        print("pulling...")
        with Heartbeat(shell, "pull") as beat:
            started = time.perf_counter()
            shell.sync_runner.sync()
            _wait(qtbot, lambda: bool(lines), 900)
            pulled_s = time.perf_counter() - started
        assert lines[0].startswith("Pushed"), lines[0]
        report["pull"] = {**beat.result(), "pull_seconds": pulled_s, "line": lines[0]}

        # 2. The index merge after it, then single saves on the window's connection.
        merger = shell.index_merger
        print("merging the index...")
        with Heartbeat(shell, "merge") as beat:
            started = time.perf_counter()
            _wait(qtbot, lambda: not merger.running, 900)
            merged_s = time.perf_counter() - started
        report["merge"] = {**beat.result(), "merge_seconds": merged_s}
        notes = Notes(vault)
        saves = []
        for i in range(SAVES):
            t0 = time.perf_counter()
            notes.add(council=GSS, title=f"After the pull {i}", date="2026-12-01", body="x " * 400)
            saves.append(1000 * (time.perf_counter() - t0))
        report["save_after_pull_ms"] = {
            "p50": statistics.median(saves),
            "p99": percentile(saves, 99),
            "max": max(saves),
        }

        # 3. 20,000 contacts through File > Import: read and preview, then the write.
        csv_path = tmp_path / "contacts.csv"
        csv_path.write_text(contacts_csv_text(CONTACTS), encoding="utf-8")
        actions = shell.data_actions
        print("importing contacts...")
        with Heartbeat(shell, "contacts import") as beat:
            started = time.perf_counter()
            actions.import_contacts(str(csv_path))
            _wait(qtbot, lambda: actions.preview is not None and actions.preview.isVisible(), 300)
            actions.preview.skip_bad.setChecked(True)
            actions.preview.accept()
            _wait(qtbot, lambda: "Contacts from" in shell.statusBar().currentMessage(), 300)
            imported_s = time.perf_counter() - started
        report["contacts_import"] = {
            **beat.result(),
            "import_seconds": imported_s,
            "line": shell.statusBar().currentMessage(),
        }

        # 4. A 20 MB document attached to a board, on a worker as the board panel does it.
        board = Boards(vault).add(council=GSS, start=date(2026, 1, 1))
        document = tmp_path / "terms.pdf"
        document.write_bytes(os.urandom(ATTACHMENT_BYTES // 2) * 2)
        done: list[Any] = []

        def attach(_progress: Any, worker: Vault) -> Any:
            return Boards(worker).attach_terms(board.id, document)

        print("attaching 20 MB...")
        with Heartbeat(shell, "attachment") as beat:
            started = time.perf_counter()
            task = vault_task(shell, "Attaching", vault, attach)
            task.success(done.append).failure(done.append).run()
            _wait(qtbot, lambda: bool(done), 300)
            attached_s = time.perf_counter() - started
        assert not isinstance(done[0], BaseException), done[0]
        report["attachment"] = {**beat.result(), "attach_seconds": attached_s}
    finally:
        if shell is not None:
            shell.session.lock()
            shell.close()
        server.stop()
        storage.close()

    report["loadavg_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1))
    print(_table(report))


def _table(r: dict[str, Any]) -> str:
    def ok(flag: bool) -> str:
        return "met" if flag else "MISSED"

    aim = AIMS["gap_ms"]
    lines = [
        "",
        f"Responsiveness: {r['notes']:,} notes pulled; nproc {r['nproc']}, load "
        f"{r['loadavg_at_start'][0]:.1f} at start, {r['loadavg_at_end'][0]:.1f} at end",
        f"{'':40}{'seconds':>9}{'longest gap':>13}{'gap p99':>9}  aim < {aim:.0f} ms",
    ]
    for label, key, seconds in (
        ("the window idle (this machine's floor)", "idle", "idle_seconds"),
        (f"initial pull of {r['notes']:,} notes", "pull", "pull_seconds"),
        ("index merge after it", "merge", "merge_seconds"),
        (f"import of {CONTACTS:,} contacts", "contacts_import", "import_seconds"),
        ("20 MB attachment", "attachment", "attach_seconds"),
    ):
        row = r[key]
        lines.append(
            f"{label:40}{row[seconds]:>9.1f}{row['longest_gap_ms']:>10.0f} ms"
            f"{row['gap_p99_ms']:>6.0f} ms  {ok(row['longest_gap_ms'] < aim)}"
            f"  (longest collection {row['longest_collection_ms']:.0f} ms)"
        )
    s = r["save_after_pull_ms"]
    lines.append(
        f"single save after the pull: p50 {s['p50']:.1f} ms, p99 {s['p99']:.1f} ms, worst "
        f"{s['max']:.1f} ms  (aim p99 < {AIMS['save_after_pull_p99_ms']:.0f} ms: "
        f"{ok(s['p99'] < AIMS['save_after_pull_p99_ms'])})"
    )
    return "\n".join(lines)
