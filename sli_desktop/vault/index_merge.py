"""Merging the full-text indexes a short step at a time, off the window's thread.

A bulk load (a pull, an import) writes each batch's index entries as one large segment
(``store.BATCH_INDEX_BYTES``). FTS5 then merges segments as later writes arrive: the first
single saves after a pull each paid for a slice of merging hundreds of megabytes (a "merge
storm": docs/PERFORMANCE.md). Merging here first, in short steps of their own transactions on
the desktop's worker (the window saves between them), leaves the index in one segment, so a
later save merges only its own small ones. The same steps finish a disposal: merging every
segment into one drops the disposed note's words from the index (``purge``), without the
blocking ``optimize``.
"""

from __future__ import annotations

from .store import Vault

#: The full-text indexes, by base table (schema_v1).
TABLES = ("notes", "contacts", "councils")
#: Leaf pages written per step: a step is a short transaction, so a save from the window
#: waits for one at most (docs/PERFORMANCE.md, issue 25).
STEP_PAGES = 32
#: Set in the vault's meta while a disposal's purge is owed (vault/notes.py: the window's
#: thread defers it here rather than block on ``optimize``).
PURGE_PENDING = "fts_purge_pending"


def merge_step(vault: Vault, table: str, pages: int = STEP_PAGES) -> bool:
    """One step of merging ``table``'s index towards a single segment, in a transaction of
    its own. True if it did any work (FTS5's rule: two or more changes), False once merged."""
    vault.bulk_work()
    fts = f"{table}_fts"
    with vault.transaction():
        before = int(vault.conn.execute("SELECT total_changes()").fetchone()[0])
        vault.conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('merge', ?)", (-pages,))
        after = int(vault.conn.execute("SELECT total_changes()").fetchone()[0])
    return after - before >= 2


def segments(vault: Vault, table: str) -> int:
    """How many segments ``table``'s index has (the segment id is the top bits of a rowid)."""
    return int(
        vault.scalar(f"SELECT count(DISTINCT id >> 37) FROM {table}_fts_data WHERE id >> 37 > 0")
    )


def purge_pending(vault: Vault) -> bool:
    return vault.meta(PURGE_PENDING) == "1"


def finish_purge(vault: Vault) -> None:
    """After the notes index is merged whole: clear the debt, then fold the write-ahead log
    into the file (old page images of the disposed note, and of the merge, go with it)."""
    with vault.transaction():
        vault.conn.execute("DELETE FROM meta WHERE key = ?", (PURGE_PENDING,))
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
