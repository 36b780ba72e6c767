"""One record's rows within a write: its current row, a stored revision, its region, storing a
new revision (record, revision and feed item), and scrubbing a disposed note's history.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.engine import Connection

from ...sync import protocol as p
from . import access
from .batch import Batch
from .schema import applied, changes, conflicts, dumps, records, revisions


def store(
    conn: Connection,
    kind: str,
    record_id: str,
    rev: int,
    payload: dict[str, Any],
    *,
    owner: str,
    change_id: str,
    device_id: str,
    exists: bool,
    batch: Batch,
    private: bool = False,
) -> None:
    """Store revision ``rev`` of a record: its row, the revision and its feed item, batched."""
    text = dumps(payload)
    region = region_of(conn, kind, payload, batch)
    council = payload.get("gss_code") if kind == "council" else payload.get("council")
    values = {
        "rev": rev,
        "payload": text,
        "deleted": bool(payload.get("deleted")),
        "council": council,
        "region": region,
        "private": private,
        "owner": owner,
        "shared": access.shared(kind, payload, private),
        "last_change": change_id,
        "last_device": device_id,
    }
    if exists:
        batch.update(kind, record_id, values)
    else:
        batch.add(records, {"kind": kind, "record_id": record_id, **values})
    batch.add(revisions, {"kind": kind, "record_id": record_id, "rev": rev, "payload": text})
    batch.add(
        changes,
        {
            "item": "record",
            "kind": kind,
            "record_id": record_id,
            "rev": rev,
            "conflict_id": None,
            "region": region,
            "private": private,
            "owner": owner,
            "shared": values["shared"],
        },
    )


def current_row(conn: Connection, kind: str, record_id: str) -> Row[Any] | None:
    """The record's row as stored, or None."""
    return conn.execute(
        sa.select(records).where(records.c.kind == kind, records.c.record_id == record_id)
    ).first()


def revision_of(conn: Connection, kind: str, record_id: str, rev: int) -> dict[str, Any] | None:
    text = conn.execute(
        sa.select(revisions.c.payload).where(
            revisions.c.kind == kind,
            revisions.c.record_id == record_id,
            revisions.c.rev == rev,
        )
    ).scalar()
    return None if text is None else dict(json.loads(text))


def region_of(conn: Connection, kind: str, payload: dict[str, Any], batch: Batch) -> str | None:
    if kind == "council":
        region = payload.get("region")
        return str(region) if region else None
    gss = payload.get("council")
    if not gss:
        return None
    if gss not in batch.regions:
        if batch.rows.get(records):
            batch.flush(conn)  # a council added earlier in this batch must be found
        batch.regions[gss] = conn.execute(
            sa.select(records.c.region).where(records.c.kind == "council", records.c.council == gss)
        ).scalar()
    return batch.regions[gss]


def scrub_history(conn: Connection, kind: str, record_id: str, tombstone: dict[str, Any]) -> None:
    """A disposed note leaves nothing readable on the server: every stored revision, what
    devices sent, and conflict copies are overwritten with the scrubbed tombstone."""
    text = dumps(tombstone)
    conn.execute(
        revisions.update()
        .where(revisions.c.kind == kind, revisions.c.record_id == record_id)
        .values(payload=text)
    )
    conn.execute(
        applied.update()
        .where(applied.c.kind == kind, applied.c.record_id == record_id)
        .values(sent=text)
    )
    for row in conn.execute(
        sa.select(conflicts.c.id, conflicts.c.detail).where(
            conflicts.c.kind == kind, conflicts.c.record_id == record_id
        )
    ).all():
        detail = p.Conflict.model_validate_json(row.detail)
        detail.fields = {}
        detail.resolved = True
        conn.execute(
            conflicts.update()
            .where(conflicts.c.id == row.id)
            .values(detail=detail.model_dump_json(), resolved=True)
        )


def feed_again(
    conn: Connection, row: Row[Any], *, item: str, conflict_id: str | None, private: bool
) -> None:
    """Put a stored record or conflict (``row``) on the feed again at its revision: a record
    made public again, a conflict resolved."""
    conn.execute(
        changes.insert().values(
            item=item,
            kind=row.kind,
            record_id=row.record_id,
            rev=row.rev,
            conflict_id=conflict_id,
            region=row.region,
            private=private,
            owner=row.owner,
            shared=bool(row.shared),
        )
    )
