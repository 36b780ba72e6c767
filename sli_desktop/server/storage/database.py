"""The server database opened: its engine, and one writer at a time.

Writers are serialised (a process lock, and on PostgreSQL a table lock), so the feed's sequence
numbers become visible in order and a cursor never skips a change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from ..files import make_private, sqlite_path
from .schema import add_missing_columns, metadata


class StorageError(Exception):
    """Something the operator can fix: one line for the command line."""


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:  # owner-only before SQLite creates it (server/files.py)
            make_private(path)
        # hide_parameters: a database error's text never quotes a record's values (logs).
        engine = sa.create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # A disposed note's old text is overwritten on disk, not left in free pages.
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    return sa.create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
    )


class Database:
    """The engine with its tables made, and the lock every writer takes."""

    def __init__(self, url: str) -> None:
        try:
            self.engine = make_engine(url)
            metadata.create_all(self.engine)
            add_missing_columns(self.engine)
        except (sa.exc.SQLAlchemyError, ImportError) as exc:
            raise StorageError(f"cannot open the server database {safe_url(url)}: {exc}") from None
        self.lock = threading.Lock()
        self.postgres = self.engine.dialect.name == "postgresql"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, holding the lock: the feed becomes visible in sequence order."""
        with self.lock, self.engine.begin() as conn:
            if self.postgres:
                conn.execute(sa.text("LOCK TABLE changes IN EXCLUSIVE MODE"))
            yield conn


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparseable URL)"
