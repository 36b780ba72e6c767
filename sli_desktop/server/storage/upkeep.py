"""Upkeep of the server database: PostgreSQL's planner statistics after large pushes, and
SQLite's write-ahead log emptied after a disposal. Upkeep never fails the write it follows.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .database import Database
from .schema import records

#: A push of at least this many changes makes PostgreSQL's statistics worth a look afterwards
#: (``Statistics.refresh``); smaller ones never pay for the look.
_LARGE_PUSH = 100
#: the tables whose statistics plan the push's and the pull's lookups
_ANALYSED = ("records", "revisions", "changes", "applied_changes")
#: changes taken since the last analysis before the tables are worth a look
_ANALYSE_AFTER = 1000
#: PostgreSQL advisory lock key: one server process analyses at a time ("sli-anal")
_ANALYSE_LOCK = 0x736C692D616E616C


class Statistics:
    """What this process has taken since PostgreSQL's statistics were last refreshed."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: changes this process has taken since it last analysed, and the records table's row
        #: count as its statistics had it when last read (``refresh``)
        self.grown = 0
        self.counted = -1.0

    def refresh(self, taken: int) -> None:
        """PostgreSQL: after a large push, analyse the sync tables if this process has taken
        more changes since it last did than the records table's statistics count (-1: never
        analysed). The push's lookups are planned from those statistics, and autovacuum
        takes them only up to a minute after a table grows (never, where an operator has
        turned it off): meanwhile a table that has taken thousands of records still looks
        empty, and looking 500 record ids up by the primary key became a scan of every note,
        and pushes slowed as the table grew (docs/PERFORMANCE.md). The tables are analysed
        again each time they have about doubled, some ten times on the way to a million
        records, by one server process at a time, after the push has committed. It is
        upkeep: if it fails, the push has still succeeded (and autovacuum remains)."""
        with self.db.lock:
            self.grown += taken
            grown, counted = self.grown, self.counted
        if taken < _LARGE_PUSH or grown < _ANALYSE_AFTER or grown <= counted:
            return
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            analysed, counted = self.analyse_if_outgrown(grown)
            with self.db.lock:
                self.counted = counted
                if analysed:
                    self.grown -= grown

    def analyse_if_outgrown(self, grown: int) -> tuple[bool, float]:
        """(whether the tables were analysed, the records count their statistics now hold)"""
        with self.db.engine.begin() as conn:
            counted = _estimated_rows(conn, records)
            if grown <= counted:
                return False, counted  # analysed meanwhile, by another server process
            if not conn.execute(
                sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _ANALYSE_LOCK}
            ).scalar():
                return False, counted  # another server process is analysing them now
            conn.execute(sa.text("ANALYZE " + ", ".join(_ANALYSED)))
            return True, _estimated_rows(conn, records)


def checkpoint(db: Database) -> None:
    """After a disposal, copy SQLite's write-ahead log into the database and empty it: the
    overwritten revisions must not linger in the -wal file (PostgreSQL: docs/SYNC.md)."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.lock, db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _estimated_rows(conn: Connection, table: sa.Table) -> float:
    """PostgreSQL's row count for ``table`` as its statistics have it (-1: never analysed)."""
    value = conn.execute(
        sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:table AS regclass)"),
        {"table": table.name},
    ).scalar()
    return -1.0 if value is None else float(value)
