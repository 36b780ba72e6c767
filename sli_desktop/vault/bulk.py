"""Saving many records at once: what ``Vault.save`` does for each, in batched statements.

A full-text trigger firing once per row costs most of a bulk write. An import of 20,000
contacts or 200,000 figures therefore writes its rows, outbox entries and audit entries with
``executemany``, and keeps the full-text index current with one ``INSERT … SELECT`` per batch
instead of one trigger per row: the index triggers are dropped and re-created inside the same
transaction, so a failure rolls them back with everything else. In the desktop this runs on a
worker's connection (``Vault.sibling``), never on the window's thread (``Vault.bulk_work``).
The result is the same as calling ``save`` for each record: same versions, same outbox rows,
and (with ``audit_each``) the same hash-chained audit entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar

from ..domain import Record, new_ids
from ..domain.batch_check import CheckedColumns
from . import codec
from .store import (
    GENESIS,
    OUTBOX_INSERT,
    ROW_PAYLOAD,
    Vault,
    hold_index,
    index_triggers,
    outbox_op,
    release_index,
)

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
    returning: bool = True,
    new: bool = False,
) -> list[R]:
    """Insert or update ``records`` (all of one type) as ``save`` would, in one transaction
    (inside the caller's, it joins it without a savepoint: see Vault.transaction). With
    ``audit_each`` False the caller writes one audit entry for the whole batch. With
    ``returning`` False nothing is returned (an import of 200,000 figures does not need 200,000
    new objects back), which saves a copy of every record. ``new`` says every record was just
    built (fresh random ids): the stored versions are not looked up, and a row that exists after
    all makes the insert fail, rolling everything back, rather than being overwritten.

    Rows go into the table in id order (the outbox and audit keep the order given): ids are
    random, and inserting them sorted turns the id index's scattered page writes into appends.

    Each record is serialised once: the stored columns and the outbox payload both come from
    that one JSON form, with the version, timestamps and author set as ``save`` sets them."""
    if not records:
        return []
    cls = type(records[0])
    if any(type(r) is not cls for r in records):
        raise TypeError("save_many takes records of one type")
    if len({r.id for r in records}) != len(records):
        raise ValueError("save_many takes each record once")
    table = codec.table(cls)
    vault.bulk_work()
    with vault.transaction(savepoint=False):
        conn = vault.conn
        stored: dict[str, int] = {}
        for chunk in _chunks([] if new else [r.id for r in records]):
            marks = ",".join("?" * len(chunk))
            for rid, version in conn.execute(
                f"SELECT id, version FROM {table} WHERE id IN ({marks})", list(chunk)
            ).fetchall():
                stored[str(rid)] = int(version)
        now = vault.now()
        now_json = _json_time(now)
        actor = vault.actor
        saved: list[R] = []
        dumped: list[dict[str, Any]] = []
        for record in records:
            before = stored.get(record.id)
            data = record.model_dump(mode="json")
            if before is None:
                update: dict[str, Any] = {
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "author": record.author or actor,
                }
                data.update(version=1, created_at=now_json, updated_at=now_json)
                data["author"] = data["author"] or actor
            else:
                update = {"version": before + 1, "updated_at": now}
                data.update(version=before + 1, updated_at=now_json)
            dumped.append(data)
            if returning:
                saved.append(record.model_copy(update=update))
        rows, changes = _encoded(cls, dumped)
        _write(vault, cls, rows, changes, stored, now, new=new)
        if audit_each:
            _audit_each(vault, cls.kind, dumped, stored, audit_detail or {})
    return saved


def insert_new(vault: Vault, checked: CheckedColumns) -> int:
    """Add records of ``checked.cls`` given as their own fields, checked column by column
    (``FieldsAtOnce.columns``: each distinct value once, the same rules as ``build``), as
    ``save_many(new=True)`` would add the records ``build`` makes of them, without building
    them: for imports of hundreds of thousands of figures, where building and dumping each
    record was a third of the time. The one difference: each outbox entry stands for its row
    (``store.ROW_PAYLOAD``) rather than holding a copy of it as JSON, which was a third of the
    bytes such an import wrote. Only types whose columns are all plain values (no lists stored
    as JSON, no booleans of their own) are taken. The caller writes the audit entry for the
    batch. Joins the caller's transaction as ``save_many`` does. Returns how many were added."""
    cls, count = checked.cls, checked.count
    # A table's columns are the model's fields in order (codec.columns): Record's, then the
    # type's own, which are exactly the checked columns.
    if (codec.json_fields(cls) | codec.bool_fields(cls)) & checked.columns.keys():
        raise TypeError(f"insert_new writes plain columns only: {cls.__name__} has others")
    if not count:
        return 0
    vault.bulk_work()
    with vault.transaction(savepoint=False):
        now = vault.now()
        now_json = _json_time(now)
        actor = vault.actor
        ids = sorted(new_ids(count))
        lead = [repeat(v) for v in (now_json, now_json, actor, 1, 0)]  # as the row stores them
        own = checked.columns.values()
        rows = list(zip(ids, *lead, *own, strict=False))  # every column is count long
        # The rows just written hold each change: the outbox says so rather than keeping a
        # second copy of every row as JSON (store.ROW_PAYLOAD).
        changes = list(zip(ids, repeat(1), repeat(False), repeat(ROW_PAYLOAD), strict=False))
        _write(vault, cls, rows, changes, {}, now, new=True)
    return count


def _json_time(at: datetime) -> Any:
    """``at`` as the records' JSON form writes it (the same serialiser as every timestamp)."""
    probe = Record.model_construct(updated_at=at)
    return probe.model_dump(mode="json", include={"updated_at"})["updated_at"]


def _encoded(
    cls: type[Record], dumped: list[dict[str, Any]]
) -> tuple[list[tuple[Any, ...]], list[tuple[str, int, bool, str]]]:
    """The rows (``codec.columns`` order, lists as JSON text, booleans as integers) and the
    outbox changes (id, version, deleted, payload) of records in their JSON form."""
    names = codec.columns(cls)
    json_fields, bool_fields = codec.json_fields(cls), codec.bool_fields(cls)
    changes = [(d["id"], d["version"], d["deleted"], _dumps(d)) for d in dumped]
    row_of = itemgetter(*names)
    rows = []
    for data in dumped:  # encoded in place, after the payloads were written
        for name in json_fields:
            data[name] = _dumps(data[name])
        for name in bool_fields:
            data[name] = int(data[name])
        rows.append(row_of(data))
    return rows, changes


def _write(
    vault: Vault,
    cls: type[Record],
    rows: list[tuple[Any, ...]],
    changes: list[tuple[str, int, bool, str]],
    stored: dict[str, int],
    now: datetime,
    *,
    new: bool,
) -> None:
    """Rows (in ``codec.columns`` order), full-text index and outbox entries (id, version,
    deleted, payload) for records whose versions and timestamps are set; ``stored`` holds the
    versions of those already in the vault."""
    conn = vault.conn
    table = codec.table(cls)
    names = codec.columns(cls)
    triggers = index_triggers(conn, table)
    fts = f"{table}_fts"
    fts_cols = (
        [str(row[1]) for row in conn.execute(f"PRAGMA table_info({fts})").fetchall()]
        if triggers
        else []
    )
    hold_index(conn, table, triggers)
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
    rows.sort(key=itemgetter(names.index("id")))
    conn.executemany(codec.insert_row(cls, upsert=not new), rows)
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
    release_index(conn, table, triggers)

    at = now.isoformat()
    kind = cls.kind
    conn.executemany(
        OUTBOX_INSERT,
        [
            (change_id, kind, rid, version, stored.get(rid, 0), outbox_op(deleted), payload, at)
            for change_id, (rid, version, deleted, payload) in zip(
                _change_ids(len(changes)), changes, strict=True
            )
        ],
    )


#: What codec.encode and the outbox write: compact JSON, non-ASCII as itself.
_dumps = codec.json_text


def _change_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs, sorted so the outbox's unique index grows at its end."""
    return sorted(new_ids(count))


def _audit_each(
    vault: Vault,
    kind: str,
    saved: Sequence[dict[str, Any]],
    stored: dict[str, int],
    extra: dict[str, Any],
) -> None:
    """The entries ``save`` would have appended, hash-chained the same way (store.audit)."""
    conn = vault.conn
    row = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    prev = str(row[0]) if row else GENESIS
    at = vault.now().isoformat()
    rows = []
    for r in saved:
        rid, version = r["id"], r["version"]
        action = "create" if rid not in stored else ("delete" if r["deleted"] else "edit")
        detail = json.dumps({"version": version, **extra}, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(
            "\x1f".join([prev, at, vault.actor, action, kind, rid, detail]).encode()
        ).hexdigest()
        rows.append((at, vault.actor, action, kind, rid, detail, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO audit(at, actor, action, kind, record_id, detail, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    vault.audit_written_directly()
