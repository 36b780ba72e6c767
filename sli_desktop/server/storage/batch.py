"""What one write transaction knows and has yet to write: rows sent with executemany in feed
order, and what the push looked up for all its changes at once (``prefetch``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.engine import Connection

from ...sync import protocol as p
from .. import followers
from .schema import applied, awaited_records, changes, conflicts, records, revisions

#: Ids looked up per query: within every database's bind-parameter limit.
CHUNK = 500
T = TypeVar("T")  # what _chunks splits: ids or keys


class Batch:
    """Inserts collected during one write transaction and sent with executemany: the feed keeps
    its order. A change touching a record already in the batch flushes it first, so every read
    sees what came before it."""

    def __init__(self) -> None:
        self.rows: dict[sa.Table, list[dict[str, Any]]] = {}
        self.touched: set[tuple[str, str]] = set()
        self.regions: dict[str, str | None] = {}
        #: change ids waiting in ``rows`` (push flushes before a change that repeats one)
        self.change_ids: set[str] = set()
        #: Known before the first change of a push (one query each, instead of one per change):
        #: the change ids already applied and the records that already exist. A change whose
        #: ids and record are in neither, nor written earlier in the push, needs no lookup.
        self.known_ids: set[str] = set()
        self.known_records: dict[tuple[str, str], Row[Any]] = {}
        #: updates of existing records, sent with executemany like the inserts
        self.updates: list[dict[str, Any]] = []
        self.written_ids: set[str] = set()
        self.written_records: set[tuple[str, str]] = set()
        #: the stored revisions the push's changes name as their base (kind, record_id, rev):
        #: read with the records, so a merge needs no query of its own
        self.bases: dict[tuple[str, str, int], str] = {}
        #: who may create a record pointed at before it arrived (server/awaited.py): read for
        #: the push's new records of kinds others point at, and kept as followers add more
        self.awaited: dict[tuple[str, str], str] = {}

    def add(self, table: sa.Table, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)
        if table is revisions:
            self.touched.add((row["kind"], row["record_id"]))
            self.written_records.add((row["kind"], row["record_id"]))
        elif table is applied:
            self.change_ids.add(row["change_id"])
            self.written_ids.add(row["change_id"])

    def may_be_applied(self, ids: Sequence[str]) -> bool:
        return not (self.known_ids.isdisjoint(ids) and self.written_ids.isdisjoint(ids))

    def current(self, kind: str, record_id: str) -> tuple[bool, Row[Any] | None]:
        """(True, the row or None) when the prefetch still tells the truth about the record:
        it was not written earlier in this push."""
        key = (kind, record_id)
        if key in self.written_records:
            return False, None
        return True, self.known_records.get(key)

    def update(self, kind: str, record_id: str, values: dict[str, Any]) -> None:
        self.updates.append({"k_kind": kind, "k_record_id": record_id, **values})
        self.touched.add((kind, record_id))
        self.written_records.add((kind, record_id))

    def flush(self, conn: Connection) -> None:
        by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in self.updates:  # one executemany needs the same keys in every row
            by_keys.setdefault(tuple(sorted(row)), []).append(row)
        for keys, updates in by_keys.items():
            conn.execute(
                records.update()
                .where(
                    records.c.kind == sa.bindparam("k_kind"),
                    records.c.record_id == sa.bindparam("k_record_id"),
                )
                .values({k: sa.bindparam(k) for k in keys if not k.startswith("k_")}),
                updates,
            )
        self.updates.clear()
        for table in (records, revisions, conflicts, applied, changes):
            rows = self.rows.pop(table, None)
            if rows and "shared" in table.c:  # one executemany needs the same keys in every row
                for row in rows:
                    row.setdefault("shared", False)
            if rows:
                conn.execute(table.insert(), rows)
        self.rows.clear()
        self.touched.clear()
        self.change_ids.clear()


def prefetch(conn: Connection, request: p.PushRequest, batch: Batch) -> None:
    """Which of the push's change ids are applied already, which of its records exist, the
    revisions its changes name as their base, and who may create the records others await: a
    few queries for the whole push (chunked to stay within bind-parameter limits)."""
    _prefetch_applied(conn, request, batch)
    by_kind: dict[str, set[str]] = {}
    for c in request.changes:
        by_kind.setdefault(c.kind, set()).add(c.record_id)
    _prefetch_records(conn, by_kind, batch)
    _prefetch_bases(conn, request, batch)
    _prefetch_awaited(conn, by_kind, batch)


def _chunks(items: list[T]) -> list[list[T]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _prefetch_applied(conn: Connection, request: p.PushRequest, batch: Batch) -> None:
    ids = sorted({i for c in request.changes for i in (c.change_id, *c.covers)})
    for chunk in _chunks(ids):
        batch.known_ids.update(
            conn.execute(
                sa.select(applied.c.change_id).where(applied.c.change_id.in_(chunk))
            ).scalars()
        )


def _prefetch_records(conn: Connection, by_kind: dict[str, set[str]], batch: Batch) -> None:
    for kind, wanted in by_kind.items():
        for chunk in _chunks(sorted(wanted)):
            for row in conn.execute(
                sa.select(records).where(records.c.kind == kind, records.c.record_id.in_(chunk))
            ).all():
                batch.known_records[(kind, str(row.record_id))] = row


def _prefetch_bases(conn: Connection, request: p.PushRequest, batch: Batch) -> None:
    bases: dict[str, set[tuple[str, int]]] = {}
    for c in request.changes:
        if c.base_rev > 0 and (c.kind, c.record_id) in batch.known_records:
            bases.setdefault(c.kind, set()).add((c.record_id, c.base_rev))
    for kind, pairs in bases.items():
        # kind = ? AND record_id IN (…) AND rev IN (…): the primary key's index on both
        # databases (a tuple IN scanned the whole table on SQLite); the few other
        # combinations it also matches are dropped here.
        for chunk in _chunks(sorted(pairs)):
            for row in conn.execute(
                sa.select(revisions.c.record_id, revisions.c.rev, revisions.c.payload).where(
                    revisions.c.kind == kind,
                    revisions.c.record_id.in_(sorted({r for r, _ in chunk})),
                    revisions.c.rev.in_(sorted({rev for _, rev in chunk})),
                )
            ).all():
                if (str(row.record_id), int(row.rev)) in pairs:
                    batch.bases[(kind, str(row.record_id), int(row.rev))] = row.payload


def _prefetch_awaited(conn: Connection, by_kind: dict[str, set[str]], batch: Batch) -> None:
    for kind, wanted in by_kind.items():
        if kind not in followers.FOLLOWERS:
            continue
        new = sorted(r for r in wanted if (kind, r) not in batch.known_records)
        for chunk in _chunks(new):
            for row in conn.execute(
                sa.select(awaited_records).where(
                    awaited_records.c.kind == kind, awaited_records.c.record_id.in_(chunk)
                )
            ).all():
                batch.awaited[(kind, str(row.record_id))] = str(row.owner)
