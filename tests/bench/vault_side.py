"""One process's share of the vault benchmark: SQLCipher and plain sqlite3 side by side.

The SQLCipher side is the product's own ``open_connection``, with ``cipher_memory_security``
off as in the product (issue 25). ``python -m tests.bench.vault_side`` runs steps in a process
of their own (kept for measuring one step apart from the pytest process).

Both sides are a real ``Vault`` driving the real write path (``Vault.save``: row + outbox +
hash-chained audit in one transaction) over the schema built by ``migrate``; the plain side is
the same ``Vault`` class over a stdlib ``sqlite3`` connection with the same pragmas minus the
cipher ones. Work alternates between the sides (ABBA) so a noisy machine hurts both alike.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sli_desktop.domain import Note
from sli_desktop.vault import keys
from sli_desktop.vault.connection import Connection, memory_security_enabled, open_connection
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.migrations import migrate
from sli_desktop.vault.pages import LEGACY_PAGE_MAC, NEW_VAULT_PAGE_SIZE, PageFormat, faster_mac
from sli_desktop.vault.search import RANK_WINDOW, Search
from sli_desktop.vault.store import Vault
from tests.bench import corpus

CIPHER, PLAIN = "sqlcipher", "sqlite3"
CHUNK = 1000  # notes per write transaction
CONTACTS = 2000
NOTES_SEED = 20250101
QUERY_SEED, WARMUP_SEED = 11, 12
#: the page size of both sides: new vaults' unless SLI_BENCH_PAGE_SIZE says otherwise (to
#: compare sizes against plain sqlite3; test_page_size_bench compares them with each other)
PAGE_SIZE = int(os.environ.get("SLI_BENCH_PAGE_SIZE", str(NEW_VAULT_PAGE_SIZE)))
#: connection settings the plain side copies from the product's SQLCipher connection
MIRRORED = (
    "page_size",  # first: it only takes before the file has pages (and before WAL)
    "temp_store",
    "foreign_keys",
    "recursive_triggers",
    "journal_mode",
    "synchronous",
    "cache_size",
    "secure_delete",  # on in the product; some sqlite3 builds default to off
)
CIPHER_SETTINGS = ("cipher_memory_security", "cipher_page_size", "cipher_hmac_algorithm")


# -- connections -----------------------------------------------------------------------------
def open_cipher(path: Path, key: bytes, pages: PageFormat) -> Connection:
    """The product's own ``open_connection`` (memory security off, as in the product)."""
    conn = open_connection(path, key, pages=pages)
    if memory_security_enabled(conn):
        raise RuntimeError("cipher_memory_security is on in this process; the product has it off")
    return conn


def open_plain(path: Path, like: Connection) -> Connection:
    """Stdlib sqlite3 with the same settings as ``like`` (read back from it), minus cipher."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
    for name in MIRRORED:
        value = like.execute(f"PRAGMA {name}").fetchone()[0]
        conn.execute(f"PRAGMA {name} = {value}").fetchall()
    if settings(conn, cipher=False) != {k: v for k, v in settings(like, cipher=False).items()}:
        raise RuntimeError("the plain connection's settings differ from the SQLCipher one's")
    result: Connection = conn
    return result


def settings(conn: Any, *, cipher: bool) -> dict[str, str]:
    names = MIRRORED + (CIPHER_SETTINGS if cipher else ())
    return {name: str(conn.execute(f"PRAGMA {name}").fetchone()[0]) for name in names}


@dataclass
class Side:
    name: str
    vault: Vault

    @property
    def conn(self) -> Any:
        return self.vault.conn


def open_sides(workdir: Path) -> list[Side]:
    key = bytes.fromhex((workdir / "key.hex").read_text())
    # the page format the vaults were made with (a kept SLI_BENCH_WORKDIR may predate a change)
    size_file, mac_file = workdir / "page_size", workdir / "page_mac"
    pages = PageFormat(
        int(size_file.read_text()) if size_file.exists() else NEW_VAULT_PAGE_SIZE,
        mac_file.read_text() if mac_file.exists() else LEGACY_PAGE_MAC,
    )
    cipher_path, plain_path = workdir / "vault.sli", workdir / "plain.db"
    cipher_conn = open_cipher(cipher_path, key, pages)
    cipher = Vault(cipher_conn, cipher_path, "bench")
    plain = Vault(open_plain(plain_path, like=cipher_conn), plain_path, "bench")
    for side in (cipher, plain):
        migrate(side.conn, side.path)
    return [Side(CIPHER, cipher), Side(PLAIN, plain)]


def create_sides(workdir: Path) -> list[Side]:
    """Two empty vaults with the same schema, councils and contacts, reopened after the schema
    is made, as ``create_vault`` does: SQLCipher's connection that built the schema goes on
    writing at a far higher CPU cost than one opened afterwards (docs/PERFORMANCE.md), and the
    product never writes through such a connection (``create_vault`` closes it; upgrading an
    existing vault's schema in the window's connection showed no such cost)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "key.hex").write_text(keys.new_database_key().hex())
    (workdir / "page_size").write_text(str(PAGE_SIZE))
    (workdir / "page_mac").write_text(faster_mac())  # the MAC a new vault gets on this machine
    close_sides(open_sides(workdir))
    sides = open_sides(workdir)
    vocab = corpus.Vocabulary.build(corpus.VOCABULARY_SEED)
    people = corpus.contacts(CONTACTS, vocabulary=vocab)
    for side in sides:
        vault = side.vault
        with vault.transaction():
            vault.set_meta("owner", vault.actor)
            vault.audit("vault-created")
            Councils(vault).upsert_register(corpus.councils())
            for person in people:
                vault.save(person)
    return sides


def close_sides(sides: Iterable[Side]) -> None:
    for side in sides:
        side.vault.close()


# -- measuring -------------------------------------------------------------------------------
def _ordered(sides: Sequence[Side], i: int) -> Sequence[Side]:
    """ABBA: which side goes first alternates, so drift and warm-up hit both alike."""
    return sides if i % 2 == 0 else list(reversed(sides))


def write_notes(sides: Sequence[Side], notes: Sequence[Note], label: str) -> dict[str, Any]:
    """The same notes through ``Vault.save`` on each side, CHUNK per transaction, alternating."""
    wall: dict[str, list[float]] = {s.name: [] for s in sides}
    cpu: dict[str, list[float]] = {s.name: [] for s in sides}
    for i, start in enumerate(range(0, len(notes), CHUNK)):
        batch = notes[start : start + CHUNK]
        for side in _ordered(sides, i):
            gc.collect()
            gc.disable()
            t0, c0 = time.perf_counter(), time.process_time()
            with side.vault.transaction():
                for note in batch:
                    side.vault.save(note)
            wall[side.name].append(time.perf_counter() - t0)
            cpu[side.name].append(time.process_time() - c0)
            gc.enable()
        if i % 20 == 19:
            _progress(f"{label}: {start + len(batch):,} notes written to each side")
    result: dict[str, Any] = {"notes": len(notes), "chunk": CHUNK}
    for side in sides:
        rates = [len(notes[i * CHUNK : (i + 1) * CHUNK]) / t for i, t in enumerate(wall[side.name])]
        result[side.name] = {
            "notes_per_s_median": statistics.median(rates),
            "notes_per_s_overall": len(notes) / sum(wall[side.name]),
            "cpu_ms_per_note": 1000 * sum(cpu[side.name]) / len(notes),
            "seconds": sum(wall[side.name]),
        }
    a, b = result[CIPHER], result[PLAIN]
    # per-chunk ratios pair chunks written moments apart; their median is the robust figure
    pairs = [c / p for c, p in zip(wall[CIPHER], wall[PLAIN], strict=True)]
    result["ratio_median"] = statistics.median(pairs)
    result["ratio_overall"] = b["notes_per_s_overall"] / a["notes_per_s_overall"]
    result["ratio_cpu"] = a["cpu_ms_per_note"] / b["cpu_ms_per_note"]
    return result


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values),
        "mean": statistics.fmean(values),
    }


def run_searches(sides: Sequence[Side], label: str) -> dict[str, Any]:
    """Warm both the same way (a different sample of the same mix), then time 1,000 queries,
    each on both sides back to back, in alternating order."""
    vocab = corpus.Vocabulary.build(corpus.VOCABULARY_SEED)
    warmup = corpus.queries(200, WARMUP_SEED, vocab)
    mix = corpus.queries(1000, QUERY_SEED, vocab)
    searchers = {s.name: Search(s.vault) for s in sides}
    for i, query in enumerate(warmup):
        for side in _ordered(sides, i):
            searchers[side.name].search(query.text)
    times: dict[str, list[float]] = {s.name: [] for s in sides}
    same = 0
    gc.collect()
    gc.disable()
    try:
        for i, query in enumerate(mix):
            found: dict[str, list[str]] = {}
            for side in _ordered(sides, i):
                t0 = time.perf_counter()
                hits = searchers[side.name].search(query.text)
                times[side.name].append(1000 * (time.perf_counter() - t0))
                found[side.name] = [h.id for h in hits]
            same += found[CIPHER] == found[PLAIN]
            if i % 250 == 249:
                gc.enable()
                gc.collect()
                gc.disable()
                _progress(f"{label}: {i + 1} queries")
    finally:
        gc.enable()
    result: dict[str, Any] = {"queries": len(mix), "same_hits": same}
    classes = sorted({q.cls for q in mix})
    for side in sides:
        ms = times[side.name]
        result[side.name] = {
            "overall": summary(ms),
            "by_class": {
                c: summary([t for t, q in zip(ms, mix, strict=True) if q.cls == c]) for c in classes
            },
        }
        worst = max(range(len(mix)), key=ms.__getitem__)
        result[side.name]["worst_query"] = {"text": mix[worst].text, "ms": ms[worst]}
    for stat in ("p50", "p95", "max"):
        result[f"ratio_{stat}"] = result[CIPHER]["overall"][stat] / result[PLAIN]["overall"][stat]
    # the single worst case: the word in every note, finished (no prefix expansion) and as typed
    result["every_word"] = {}
    for text in (corpus.EVERY_NOTE_WORD + " ", corpus.EVERY_NOTE_WORD):
        per_side = {}
        for side in sides:
            runs = []
            for _ in range(5):
                t0 = time.perf_counter()
                searchers[side.name].search(text)
                runs.append(1000 * (time.perf_counter() - t0))
            per_side[side.name] = {"median_ms": statistics.median(runs), "max_ms": max(runs)}
        result["every_word"][repr(text)] = per_side
    return result


def matches(side: Side, word: str) -> int:
    return int(
        side.conn.execute(
            "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?", (f'"{word}"',)
        ).fetchone()[0]
    )


# -- steps -----------------------------------------------------------------------------------
def build(workdir: Path, count: int) -> dict[str, Any]:
    """Fill both vaults with the same ``count`` notes through the real write path."""
    t0 = time.perf_counter()
    notes = list(corpus.notes(count, NOTES_SEED))
    generated = time.perf_counter() - t0
    sides = create_sides(workdir)
    result = write_notes(sides, notes, "fill")
    result["generate_seconds"] = generated
    result["body_bytes_mean"] = statistics.fmean(len(n.body.encode()) for n in notes)
    result["every_word_matches"] = {s.name: matches(s, corpus.EVERY_NOTE_WORD) for s in sides}
    close_sides(sides)
    result["file_mb"] = {
        CIPHER: (workdir / "vault.sli").stat().st_size / 2**20,
        PLAIN: (workdir / "plain.db").stat().st_size / 2**20,
    }
    return result


def append(workdir: Path, count: int, seed: int) -> dict[str, Any]:
    """Bulk writes into the full vaults: ``count`` more notes, CHUNK per transaction."""
    notes = list(corpus.notes(count, seed))
    sides = open_sides(workdir)
    try:
        return write_notes(sides, notes, "append")
    finally:
        close_sides(sides)


def search(workdir: Path) -> dict[str, Any]:
    sides = open_sides(workdir)
    try:
        result = run_searches(sides, "search")
        result["settings"] = {
            CIPHER: settings(sides[0].conn, cipher=True),
            PLAIN: settings(sides[1].conn, cipher=False),
        }
        result["notes"] = {s.name: int(s.vault.scalar("SELECT count(*) FROM notes")) for s in sides}
        # FTS5 segments of the notes index (the segment id is the top bits of the data rowid)
        result["fts_segments"] = {
            s.name: int(
                s.vault.scalar(
                    "SELECT count(DISTINCT id >> 37) FROM notes_fts_data WHERE id >> 37 > 0"
                )
            )
            for s in sides
        }
        result["rank_window"] = RANK_WINDOW
        return result
    finally:
        close_sides(sides)


def _progress(message: str) -> None:
    print(
        f"  [{time.strftime('%H:%M:%S')} pid {os.getpid()}] {message}", file=sys.stderr, flush=True
    )


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "build": build,
    "append": append,
    "search": search,
}


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.bench.vault_side WORKDIR OUT.json STEP[:ARG[:ARG]]...``"""
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("steps", nargs="+")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    for step in args.steps:
        name, *params = step.split(":")
        results[name] = STEPS[name](args.workdir, *map(int, params))
    args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
