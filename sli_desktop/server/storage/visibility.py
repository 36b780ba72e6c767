"""When a record turns private, or good practice stops being shared: its earlier feed items
and conflicts are reflagged, and the records that point at it (server/followers.py) follow.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.engine import Connection

from ...sync import protocol as p
from .. import awaited, followers
from .batch import Batch
from .records import feed_again
from .schema import awaited_records, changes, conflicts, records


def is_private(conn: Connection, lead: tuple[str, str], batch: Batch, user: str) -> bool:
    """Whether the record another points at (``followers.leader``) is private on the server
    (a record it does not hold is not: ``user``, who points at it, is then the one who may
    create it, server/awaited.py)."""
    if lead in batch.touched:
        batch.flush(conn)  # written earlier in this push: read what it now is
    found = conn.execute(
        sa.select(records.c.private).where(
            records.c.kind == lead[0], records.c.record_id == lead[1]
        )
    ).first()
    if found is None:
        if lead not in batch.awaited:
            batch.awaited[lead] = awaited.expect(conn, awaited_records, lead, user)
        return False
    return bool(found[0])


def visibility_changed(
    conn: Connection, before: Row[Any], *, private: bool, shared: bool, batch: Batch
) -> None:
    """A record just stored became private or stopped being shared (``before``: its row as
    it was). Its earlier feed items and conflicts follow, so nobody who syncs from now on
    receives an older version; and what points at it (``followers``) becomes private or
    public with it (a public one is fed again at its current revision)."""
    went_private = private and not before.private
    unshared = bool(before.shared) and not shared
    if not (went_private or unshared or (before.private and not private)):
        return
    batch.flush(conn)  # the rows this change added are in the tables the updates touch
    if went_private or unshared:
        flags = {"private": True} if went_private else {}
        if unshared:
            flags["shared"] = False
        reflag(conn, before.kind, before.record_id, flags, upto=before.rev)
    if bool(before.private) != private:
        for row in followers_of(conn, before.kind, before.record_id):
            follow(conn, row, private, batch)


def reflag(
    conn: Connection,
    kind: str,
    record_id: str,
    flags: dict[str, bool],
    upto: int = p.MAX_REV,
) -> None:
    """Set ``flags`` on the feed items and conflicts of a record, up to revision ``upto``
    (those of the change being applied already carry the right ones)."""
    for table in (changes, conflicts):
        conn.execute(
            table.update()
            .where(table.c.kind == kind, table.c.record_id == record_id, table.c.rev <= upto)
            .values(**flags)
        )


def followers_of(conn: Connection, kind: str, record_id: str) -> list[Row[Any]]:
    """The stored records that point at record ``record_id`` of ``kind``."""
    found: list[Row[Any]] = []
    for follower, field, _owner_kind in followers.FOLLOWERS.get(kind, ()):
        rows = conn.execute(
            sa.select(records).where(
                records.c.kind == follower,
                records.c.payload.like(followers.pattern(field, record_id), escape="\\"),
            )
        ).all()
        found += [
            r for r in rows if followers.points_at(follower, json.loads(r.payload), kind, record_id)
        ]
    return found


def follow(conn: Connection, row: Row[Any], private: bool, batch: Batch) -> None:
    """Make a record that points at another as private as it now is (and what points at
    it in turn): private, its feed items and conflicts are hidden from all but its owner;
    public again, it is fed at its current revision to those who may see it."""
    if bool(row.private) == private:
        return
    key = (row.kind, row.record_id)
    batch.written_records.add(key)  # the push's prefetched row no longer tells the truth
    conn.execute(
        records.update()
        .where(records.c.kind == row.kind, records.c.record_id == row.record_id)
        .values(private=private)
    )
    if private:
        reflag(conn, row.kind, row.record_id, {"private": True})
    else:
        feed_again(conn, row, item="record", conflict_id=None, private=False)
    for below in followers_of(conn, row.kind, row.record_id):
        follow(conn, below, private, batch)
