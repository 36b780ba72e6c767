"""The open vault: one SQLCipher connection, transactions, and the only write path.

Every write goes through ``save``/``delete``, which in one transaction update the record's row,
append the change to the outbox (so sync never misses or invents a change) and append an audit
entry. A rolled-back transaction leaves no trace in any of the three.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from ..domain import Record, utcnow
from . import codec, identity
from .connection import Connection, Error, memory_security_enabled, open_connection
from .errors import TransactionFailed, VaultError, VaultLocked, WrongThread, classify
from .identity import Identity
from .keys import KeyBuffer
from .page_check import PageCheck
from .pages import PageFormat

R = TypeVar("R", bound=Record)
Clock = Callable[[], datetime]

GENESIS = "0" * 64
#: One change-journal entry: every write path (a save here, a batch in vault/bulk) appends with it.
OUTBOX_INSERT = (
    "INSERT INTO outbox(change_id, kind, record_id, version, base_version, op, payload, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
#: The payload of an entry whose record's row holds the change itself: written by a batch that
#: adds new records (``bulk.insert_new``), where a second copy of each row as JSON was a third
#: of what 200,000 figures wrote. The outbox reads such an entry's state from the row
#: (``SyncState.outbox``); every later write of the record journals an entry of its own.
ROW_PAYLOAD = ""


def outbox_op(deleted: bool) -> str:
    """The journal's operation for a record written with this ``deleted`` flag."""
    return "delete" if deleted else "upsert"


class Vault:
    """An unlocked vault. ``close`` drops the connection and with it the key."""

    def __init__(
        self,
        conn: Connection,
        path: Path,
        actor: str,
        clock: Clock = utcnow,
        *,
        key: KeyBuffer | None = None,
        pages: PageFormat | None = None,
        owns_key: bool = True,
        page_check: PageCheck | None = None,
    ) -> None:
        self._conn: Connection | None = conn
        self.path = path
        self.actor = actor
        self._clock = clock
        #: The raw key, kept to open ``sibling`` connections and wiped by ``close`` (when this
        #: vault owns it: the window's does, its siblings share it without owning it).
        self._key = key
        #: The page format the header records, which ``sibling`` connections are told too:
        #: required with the key, since a sibling opened in another format fails every page.
        if key is not None and pages is None:
            raise ValueError("a vault holding its key needs its page format")
        self._pages = pages
        self._owns_key = owns_key
        #: The unlock's page check while it runs beside the window (vault/page_check.py):
        #: every write transaction waits for it to pass. None once passed, or when the page
        #: check was done before opening (the CLI, every sibling of a checked vault).
        self.page_check = page_check
        #: The window's (GUI) thread, set by the desktop: bulk work (``bulk_work``) refuses to
        #: run on it, so the window never freezes behind a pull, an import or an attachment.
        self.window_thread: threading.Thread | None = None
        self._depth = 0
        self._failed_inside = False  # a joined write failed: see transaction
        self._audit_head: str | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise VaultLocked()
        return self._conn

    def close(self) -> None:
        if self._key is not None and self._owns_key:
            # First: a sibling still writing stops at its next step and rolls back, so the
            # checkpoint below does not wait for it.
            self._key.wipe()
        if self._conn is not None:
            if self.page_check is None or self.page_check.passed:  # never write into damage
                with contextlib.suppress(Error):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._conn = None

    def sibling(self) -> Vault:
        """A connection of its own to this vault, for bulk work on a worker thread: the vault
        is in WAL mode, so the window keeps reading (and saving between the worker's
        transactions) meanwhile. Open it on the thread that uses it and close it there (the
        driver refuses a connection from another thread). It shares the key buffer without
        owning it: when this vault locks, the key is wiped and the sibling's statement in
        progress is interrupted, its transaction rolled back."""
        if self._conn is None or self._key is None or self._key.wiped or self._pages is None:
            raise VaultLocked()
        key = self._key
        conn = open_connection(self.path, key.key, pages=self._pages, check_pages=False)
        other = Vault(
            conn,
            self.path,
            self.actor,
            self._clock,
            key=key,
            pages=self._pages,
            owns_key=False,
            page_check=self.page_check,
        )
        other.window_thread = self.window_thread
        other.interrupt_when(lambda: False)
        return other

    def interrupt_when(self, stop: Callable[[], bool]) -> None:
        """Interrupt this connection's statement in progress (its transaction then rolls back
        whole) once ``stop()`` is true or the key is wiped: how a cancel or a lock reaches work
        inside one long transaction. SQLite asks every few thousand instructions."""
        key = self._key

        def handler() -> int:
            return int(stop() or (key is not None and key.wiped))

        self.conn.set_progress_handler(handler, _INTERRUPT_EVERY)

    def bulk_work(self) -> None:
        """Called where bulk work starts (a pull page, an import's batch, an attachment, an
        index merge): refuses to run on the window's thread, where it would freeze the window."""
        if self.window_thread is not None and threading.current_thread() is self.window_thread:
            raise WrongThread()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def identity(self) -> Identity:
        """The adviser's name and role, as briefings and the window show them."""
        return identity.identity(self)

    @property
    def memory_security(self) -> bool:
        return memory_security_enabled(self.conn)

    def now(self) -> datetime:
        return self._clock()

    # -- reading ---------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            rows: list[Any] = self.conn.execute(sql, params).fetchall()
            return rows
        except Error as exc:
            raise self._user_error(exc) from None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def records(
        self,
        cls: type[R],
        where: str = "1",
        params: Sequence[Any] = (),
        order: str = "seq",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[R]:
        sql = f"SELECT {codec.column_list(cls)} FROM {codec.table(cls)} WHERE {where} "
        sql += f"ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        names = codec.columns(cls)
        return [
            codec.decode(cls, dict(zip(names, row, strict=True))) for row in self.query(sql, params)
        ]

    def matching_id(
        self, cls: type[R], id_or_prefix: str, where: str = "1", params: Sequence[Any] = ()
    ) -> list[R]:
        """Live records whose id starts with ``id_or_prefix`` (at least 8 characters, as the CLI
        shows ids): at most two, enough for the caller to tell "one" from "ambiguous"."""
        text = id_or_prefix.strip().lower()
        if len(text) < 8:
            return []
        return self.records(
            cls,
            f"deleted = 0 AND ({where}) AND id >= ? AND id < ?",
            (*params, text, text + "\uffff"),
            limit=2,
        )

    def get(self, cls: type[R], record_id: str) -> R | None:
        found = self.records(cls, "id = ?", (record_id,))
        return found[0] if found else None

    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, savepoint: bool = True) -> Iterator[Vault]:
        """One write transaction. A nested use is a savepoint: if it fails and the caller
        carries on, none of its row, outbox or audit writes survive half-done.

        ``savepoint=False`` (bulk writes) joins the enclosing transaction instead: a savepoint
        copies every page the batch touches that existed before it into memory, and a pull's
        page rewrites many (its full-text index), so releasing them was a noticeable part of a
        large pull (docs/PERFORMANCE.md). If a joined write fails, the enclosing transaction
        can no longer commit: it rolls back whole, and says so, even if the caller carries on."""
        conn = self.conn
        if self._depth and not savepoint:
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._failed_inside = True
                self._audit_head = None
                raise
            finally:
                self._depth -= 1
            return
        if self._depth:
            name = f"sp{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._audit_head = None
                with contextlib.suppress(Error):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self.wait_for_page_check()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except Error as exc:
            raise self._user_error(exc) from None
        self._depth = 1
        self._failed_inside = False
        try:
            yield self
            if self._failed_inside:
                raise TransactionFailed()
        except BaseException as exc:
            self._depth = 0
            self._audit_head = None
            with contextlib.suppress(Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, Error):
                raise self._user_error(exc) from None
            raise
        self._depth = 0
        try:
            conn.execute("COMMIT")
        except Error as exc:
            self._audit_head = None
            with contextlib.suppress(Error):
                conn.execute("ROLLBACK")
            raise self._user_error(exc) from None

    def wait_for_page_check(self) -> None:
        """Before a write: the unlock's page check, if it still runs, must pass first (bounded;
        a damaged vault raises VaultDamaged and nothing is written)."""
        check = self.page_check
        if check is None:
            return
        check.wait()
        self.page_check = None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def save(self, record: R, *, audit_detail: dict[str, Any] | None = None) -> R:
        """Insert or update ``record`` with the next version; journal and audit it."""
        with self.transaction():
            stored = self._current_version(type(record), record.id)
            now = self.now()
            if stored is None:
                saved = record.model_copy(
                    update={
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        "author": record.author or self.actor,
                    }
                )
                action = "create"
            else:
                saved = record.model_copy(update={"version": stored + 1, "updated_at": now})
                action = "delete" if record.deleted else "edit"
            self._write_row(saved)
            self._journal(saved, base_version=stored or 0)
            detail = {"version": saved.version, **(audit_detail or {})}
            self.audit(action, saved.kind, saved.id, detail)
            return saved

    def apply_remote(
        self,
        records: Sequence[Record | codec.Encoded],
        detail: dict[str, Any] | None = None,
        *,
        held: Sequence[Record] = (),
        engine_only: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
    ) -> None:
        """Write records as the sync server sent them: the rows and one audit entry for the lot,
        but no outbox rows (they came from the server, they must not go back). A record may
        come already encoded (the pull encodes on its reader thread). ``held``: records
        received that the vault already holds exactly so (a device's own pushes coming back):
        counted in the audit entry like the others, but not rewritten. ``engine_only`` wraps
        each long statement SQLite runs without Python (the full-text index): the pull's
        reader thread works then (sync/turns.py)."""
        self.bulk_work()
        with self.transaction(savepoint=False):
            by_type: dict[type[Record], dict[str, codec.Encoded]] = {}
            for item in records:
                row = item if isinstance(item, codec.Encoded) else codec.encoded(item)
                by_type.setdefault(type(row.record), {})[row.record.id] = row  # the last wins
            for cls, latest in by_type.items():
                self._write_rows(cls, list(latest.values()), engine_only)
            arrived = [r.record if isinstance(r, codec.Encoded) else r for r in records]
            kinds = sorted({r.kind for r in [*arrived, *held]})
            self.audit(
                "sync-received",
                detail={"records": len(records) + len(held), "kinds": kinds, **(detail or {})},
            )

    def delete(self, record: R) -> R:
        """Tombstone the record; sync propagates the deletion before anything is purged."""
        return self.save(record.model_copy(update={"deleted": True}))

    def audit(
        self, action: str, kind: str = "", record_id: str = "", detail: dict[str, Any] | None = None
    ) -> None:
        """Append to the hash-chained audit log. Callers never put note text in ``detail``."""
        with self.transaction():
            prev = (
                self._audit_head
                or self.scalar("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
                or GENESIS
            )
            at = self.now().isoformat()
            detail_json = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
            digest = hashlib.sha256(
                "\x1f".join([prev, at, self.actor, action, kind, record_id, detail_json]).encode()
            ).hexdigest()
            self.conn.execute(
                "INSERT INTO audit(at, actor, action, kind, record_id, detail, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, self.actor, action, kind, record_id, detail_json, prev, digest),
            )
            self._audit_head = digest

    def audit_written_directly(self) -> None:
        """Bulk work appended audit rows itself: the next ``audit`` reads the chain's head back
        from the table instead of the one this vault last wrote."""
        self._audit_head = None

    def _current_version(self, cls: type[Record], record_id: str) -> int | None:
        row = self.conn.execute(
            f"SELECT version FROM {codec.table(cls)} WHERE id = ?", (record_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _write_rows(
        self,
        cls: type[Record],
        rows: Sequence[codec.Encoded],
        engine_only: Callable[[], AbstractContextManager[object]],
    ) -> None:
        """Many rows of one type: the full-text triggers, which cost most per row, are dropped
        and re-created inside the transaction and the index is updated once per batch."""
        conn = self.conn
        table = codec.table(cls)
        triggers = index_triggers(conn, table)
        if len(rows) < 20 or not triggers:
            for row in rows:
                self._write_row(row.record, row.values)
            return
        fts = f"{table}_fts"
        cols = ", ".join(str(r[1]) for r in conn.execute(f"PRAGMA table_info({fts})").fetchall())
        ids = [r.record.id for r in rows]
        # One look at which of these rows exist (an initial pull: none) and which are live:
        # only those need their old index entries out and their new ones in by seq.
        existing: list[int] = []
        live: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for seq, deleted in conn.execute(
                f"SELECT seq, deleted FROM {table} WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall():
                existing.append(int(seq))
                if not deleted:
                    live.append(int(seq))
        last_seq = int(conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0])
        hold_index(conn, table, triggers)
        for group in _by_500(live):  # out of the index: the live rows about to be replaced
            with engine_only():
                conn.execute(
                    f"INSERT INTO {fts}({fts}, rowid, {cols}) SELECT 'delete', seq, {cols} "
                    f"FROM {table} WHERE seq IN ({','.join('?' * len(group))})",
                    group,
                )
        conn.executemany(codec.insert_row(cls), [row.values for row in rows])
        with engine_only():
            conn.execute(  # into the index: new rows (after last_seq)
                f"INSERT INTO {fts}(rowid, {cols}) SELECT seq, {cols} FROM {table} "
                "WHERE deleted = 0 AND seq > ?",
                (last_seq,),
            )
            for group in _by_500(existing):  # and the replaced ones live now (same seq)
                conn.execute(
                    f"INSERT INTO {fts}(rowid, {cols}) SELECT seq, {cols} FROM {table} "
                    f"WHERE deleted = 0 AND seq IN ({','.join('?' * len(group))})",
                    group,
                )
            release_index(conn, table, triggers)  # writes the batch's index entries out

    def _write_row(self, record: Record, values: Sequence[Any] | None = None) -> None:
        if values is None:
            values = codec.encoded(record).values
        self.conn.execute(codec.insert_row(type(record)), values)

    def _journal(self, record: Record, base_version: int) -> None:
        payload = codec.json_text(record.to_json())
        self.conn.execute(
            OUTBOX_INSERT,
            (
                str(uuid.uuid4()),
                record.kind,
                record.id,
                record.version,
                base_version,
                outbox_op(record.deleted),
                payload,
                self.now().isoformat(),
            ),
        )

    def _user_error(self, exc: Exception) -> Exception:
        mapped: VaultError | None = classify(exc, self.path)
        return mapped if mapped is not None else exc


#: SQLite virtual-machine instructions between two looks at ``interrupt_when``'s condition:
#: a fraction of a millisecond of work, so a cancel or a lock is heeded at once.
_INTERRUPT_EVERY = 10_000


def _by_500(values: list[int]) -> list[list[int]]:
    """Row numbers in groups small enough for one statement's parameters."""
    return [values[i : i + 500] for i in range(0, len(values), 500)]


def index_triggers(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, sql) of the triggers that keep ``table``'s full-text index current: batch writes
    set them aside, update the index once per batch, and put them back in the transaction."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND name LIKE ? ESCAPE '\\'",
        (table, f"{table}\\_fts\\_%"),
    ).fetchall()
    return [(str(name), str(sql)) for name, sql in rows]


#: How much of a batch's new full-text entries the index keeps in memory before writing them
#: out as a segment (FTS5's ``hashsize``; 1 MiB by default). At the default a page of 5,000
#: pulled notes is written as dozens of small segments that are then merged again and again;
#: with room for the whole batch it is written once, in about half the time
#: (docs/PERFORMANCE.md). Only the batch paths raise it, for their own transaction: the memory is
#: what the batch's entries need, and single saves keep the default.
BATCH_INDEX_BYTES = 64 * 1024 * 1024
_FTS_DEFAULT_HASHSIZE = 1024 * 1024


def hold_index(conn: Connection, table: str, triggers: list[tuple[str, str]]) -> None:
    """Before a batch writes ``table`` (in a transaction): set its index triggers aside (the
    batch updates the index itself) and let the index hold the batch's entries in memory."""
    if not triggers:
        return
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    fts = f"{table}_fts"
    conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', ?)", (BATCH_INDEX_BYTES,))


def release_index(conn: Connection, table: str, triggers: list[tuple[str, str]]) -> None:
    """After the batch, in the same transaction: the usual in-memory limit and the triggers
    back. (A failed batch rolls back both changes with everything else.)"""
    if not triggers:
        return
    fts = f"{table}_fts"
    conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', ?)", (_FTS_DEFAULT_HASHSIZE,))
    for _name, sql in triggers:
        conn.execute(sql)
