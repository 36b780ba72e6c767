"""Bulk-loading big test vaults fast: notes are inserted in one transaction by a process of
its own with SQLCipher's memory security off (it costs ~10x on bulk writes, and this builds a
fixture; the app itself never turns it off)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SCRIPT = """
import importlib, sys
from pathlib import Path
from sli_desktop.vault import codec
from sli_desktop.domain import Note
from sli_desktop.vault.connection import open_connection
from sli_desktop.vault.header import read_header

path, passphrase, source, count = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
module, name = source.split(":")
generate = getattr(importlib.import_module(module), name)
header = read_header(path)
key = header.unwrap_with_passphrase(passphrase)
conn = open_connection(path, key, pages=header.pages)
names = codec.columns(Note)
sql = (f"INSERT INTO notes ({', '.join(codec.quoted(n) for n in names)}) "
       f"VALUES ({', '.join('?' for _ in names)})")
conn.execute("BEGIN")
batch = []
for note in generate(count):
    data = codec.encode(note.model_copy(update={"version": 1}))
    batch.append([data[n] for n in names])
    if len(batch) == 5000:
        conn.executemany(sql, batch)
        batch = []
conn.executemany(sql, batch)
conn.execute("COMMIT")
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
conn.close()
"""


def simple_notes(count: int):  # type: ignore[no-untyped-def]
    """Plain generated notes for tests that only need many rows."""
    import random
    from datetime import date, timedelta

    from sli_desktop.domain import Note

    rng = random.Random(5)
    words = ["budget", "finance", "leadership", "scrutiny"]
    words += ["housing", "children", "adults", "reserves"]
    for i in range(count):
        yield Note.build(
            council="E08000025",
            date=date(2020, 1, 1) + timedelta(days=i % 2000),
            title=f"Note {i}",
            body=" ".join(rng.choices(words, k=40)),
        )


def bulk_load(
    path: Path, passphrase: str, count: int, source: str = "tests.bulkload:simple_notes"
) -> None:
    """Insert ``count`` notes from the generator ``module:function`` into the vault at path."""
    subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(path), passphrase, source, str(count)],
        check=True,
        timeout=900,
        cwd=ROOT,
    )
