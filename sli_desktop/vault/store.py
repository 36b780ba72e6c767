"""The open vault: one SQLCipher connection, transactions, and the only write path.

Every write goes through ``save``/``delete``, which in one transaction update the record's row,
append the change to the outbox (so sync never misses or invents a change) and append an audit
entry. A rolled-back transaction leaves no trace in any of the three.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from ..domain import Record, utcnow
from . import codec
from .connection import Connection, Error, memory_security_enabled
from .errors import VaultError, VaultLocked, classify

R = TypeVar("R", bound=Record)
Clock = Callable[[], datetime]

GENESIS = "0" * 64


class Vault:
    """An unlocked vault. ``close`` drops the connection and with it the key."""

    def __init__(self, conn: Connection, path: Path, actor: str, clock: Clock = utcnow) -> None:
        self._conn: Connection | None = conn
        self.path = path
        self.actor = actor
        self._clock = clock
        self._depth = 0
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
        if self._conn is not None:
            with contextlib.suppress(Error):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        cols = ", ".join(codec.quoted(c) for c in codec.columns(cls))
        sql = f"SELECT {cols} FROM {codec.table(cls)} WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        names = codec.columns(cls)
        return [
            codec.decode(cls, dict(zip(names, row, strict=True))) for row in self.query(sql, params)
        ]

    def get(self, cls: type[R], record_id: str) -> R | None:
        found = self.records(cls, "id = ?", (record_id,))
        return found[0] if found else None

    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Vault]:
        """One write transaction; nested uses join the outer one."""
        conn = self.conn
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except Error as exc:
            raise self._user_error(exc) from None
        self._depth = 1
        try:
            yield self
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

    def _current_version(self, cls: type[Record], record_id: str) -> int | None:
        row = self.conn.execute(
            f"SELECT version FROM {codec.table(cls)} WHERE id = ?", (record_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _write_row(self, record: Record) -> None:
        cls = type(record)
        data = codec.encode(record)
        names = codec.columns(cls)
        cols = ", ".join(codec.quoted(n) for n in names)
        marks = ", ".join("?" for _ in names)
        updates = ", ".join(
            f"{codec.quoted(n)} = excluded.{codec.quoted(n)}" for n in names if n != "id"
        )
        self.conn.execute(
            f"INSERT INTO {codec.table(cls)} ({cols}) VALUES ({marks}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            [data[n] for n in names],
        )

    def _journal(self, record: Record, base_version: int) -> None:
        payload = json.dumps(record.to_json(), ensure_ascii=False, separators=(",", ":"))
        self.conn.execute(
            "INSERT INTO outbox(change_id, kind, record_id, version, base_version, op, payload, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                record.kind,
                record.id,
                record.version,
                base_version,
                "delete" if record.deleted else "upsert",
                payload,
                self.now().isoformat(),
            ),
        )

    def _user_error(self, exc: Exception) -> Exception:
        mapped: VaultError | None = classify(exc, self.path)
        return mapped if mapped is not None else exc
