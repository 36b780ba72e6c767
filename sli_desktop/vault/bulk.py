"""Saving many records at once: what ``Vault.save`` does for each, in batched statements.

With ``cipher_memory_security`` on (as in the app), every statement SQLCipher runs costs far
more than on plain SQLite, and a full-text trigger firing once per row costs most of all. An
import of 20,000 contacts or 200,000 figures therefore writes its rows, outbox entries and
audit entries with ``executemany``, and keeps the full-text index current with one
``INSERT … SELECT`` per batch instead of one trigger per row: the index triggers are dropped and
re-created inside the same transaction, so a failure rolls them back with everything else.
The result is the same as calling ``save`` for each record: same versions, same outbox rows,
and (with ``audit_each``) the same hash-chained audit entries.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from ..domain import Record
from . import codec
from .store import GENESIS, Vault

R = TypeVar("R", bound=Record)
CHUNK = 500


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def save_many(
    vault: Vault,
    records: Sequence[R],
    *,
    audit_detail: dict[str, Any] | None = None,
    audit_each: bool = True,
) -> list[R]:
    """Insert or update ``records`` (all of one type) as ``save`` would, in one transaction.
    With ``audit_each`` False the caller writes one audit entry for the whole batch."""
    if not records:
        return []
    cls = type(records[0])
    if any(type(r) is not cls for r in records):
        raise TypeError("save_many takes records of one type")
    if len({r.id for r in records}) != len(records):
        raise ValueError("save_many takes each record once")
    table = codec.table(cls)
    names = codec.columns(cls)
    with vault.transaction():
        conn = vault.conn
        stored: dict[str, int] = {}
        for chunk in _chunks([r.id for r in records]):
            marks = ",".join("?" * len(chunk))
            for rid, version in conn.execute(
                f"SELECT id, version FROM {table} WHERE id IN ({marks})", list(chunk)
            ).fetchall():
                stored[str(rid)] = int(version)
        now = vault.now()
        saved: list[R] = []
        for record in records:
            before = stored.get(record.id)
            if before is None:
                update: dict[str, Any] = {
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "author": record.author or vault.actor,
                }
            else:
                update = {"version": before + 1, "updated_at": now}
            saved.append(record.model_copy(update=update))

        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
            "AND name LIKE ? ESCAPE '\\'",
            (table, f"{table}\\_fts\\_%"),
        ).fetchall()
        fts = f"{table}_fts"
        fts_cols = (
            [str(row[1]) for row in conn.execute(f"PRAGMA table_info({fts})").fetchall()]
            if triggers
            else []
        )
        for name, _sql in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        col_list = ", ".join(fts_cols)
        if fts_cols and stored:
            for chunk in _chunks(list(stored)):
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"INSERT INTO {fts}({fts}, rowid, {col_list}) SELECT 'delete', seq, "
                    f"{col_list} FROM {table} WHERE deleted = 0 AND id IN ({marks})",
                    list(chunk),
                )
        last_seq = int(conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0])
        cols = ", ".join(codec.quoted(n) for n in names)
        updates = ", ".join(
            f"{codec.quoted(n)} = excluded.{codec.quoted(n)}" for n in names if n != "id"
        )
        conn.executemany(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}",
            [[row[n] for n in names] for row in map(codec.encode, saved)],
        )
        if fts_cols:
            # New rows all come after the last seq; updated rows keep theirs.
            conn.execute(
                f"INSERT INTO {fts}(rowid, {col_list}) SELECT seq, {col_list} "
                f"FROM {table} WHERE deleted = 0 AND seq > ?",
                (last_seq,),
            )
            for chunk in _chunks(list(stored)):
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"INSERT INTO {fts}(rowid, {col_list}) SELECT seq, {col_list} "
                    f"FROM {table} WHERE deleted = 0 AND seq <= ? AND id IN ({marks})",
                    [last_seq, *chunk],
                )
        for _name, sql in triggers:
            conn.execute(sql)

        at = now.isoformat()
        conn.executemany(
            "INSERT INTO outbox(change_id, kind, record_id, version, base_version, op, payload, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    str(uuid.uuid4()),
                    r.kind,
                    r.id,
                    r.version,
                    stored.get(r.id, 0),
                    "delete" if r.deleted else "upsert",
                    json.dumps(r.to_json(), ensure_ascii=False, separators=(",", ":")),
                    at,
                )
                for r in saved
            ],
        )
        if audit_each:
            _audit_each(vault, saved, stored, audit_detail or {})
    return saved


def _audit_each(
    vault: Vault, saved: Sequence[Record], stored: dict[str, int], extra: dict[str, Any]
) -> None:
    """The entries ``save`` would have appended, hash-chained the same way (store.audit)."""
    conn = vault.conn
    row = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    prev = str(row[0]) if row else GENESIS
    at = vault.now().isoformat()
    rows = []
    for r in saved:
        action = "create" if r.id not in stored else ("delete" if r.deleted else "edit")
        detail = json.dumps({"version": r.version, **extra}, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(
            "\x1f".join([prev, at, vault.actor, action, r.kind, r.id, detail]).encode()
        ).hexdigest()
        rows.append((at, vault.actor, action, r.kind, r.id, detail, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO audit(at, actor, action, kind, record_id, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    vault._audit_head = None  # the next store.audit reads the head back from the table
