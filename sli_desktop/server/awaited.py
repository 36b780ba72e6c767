"""Records pointed at before they arrive, and who may create them.

An action raised from a draft note reaches the server before the note (a draft waits on its
device until complete), and a document's parts before the document: the region then knows the
id of a record the server does not hold yet. The user whose device first pushes a record owns
it (``records.owner``: a note's author, who alone may make it private or good practice), so a
colleague who created a note under that id first would become the author of the note that
follows, and could publish it to every region or take it private. The server remembers who
first pointed at an id it did not hold; only that user may create the record. Ids are random,
so nobody else can point at one before it is known.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: The answer to a create of an id that another user's records already point at.
AWAITED_REFUSAL = "a record with this id is expected from another user's device"


def awaited_table(metadata: sa.MetaData) -> sa.Table:
    """On the server's own metadata, so it is created, dropped and checked with the others."""
    return sa.Table(
        "awaited_records",
        metadata,
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
    )


def expect(conn: Connection, table: sa.Table, lead: tuple[str, str], owner: str) -> str:
    """``owner`` pushed a record pointing at ``lead``, which the server does not hold: the
    first to point at it is the one who may create it (writers are serialised). Returns the
    user who may."""
    kind, record_id = lead
    held = conn.execute(
        sa.select(table.c.owner).where(table.c.kind == kind, table.c.record_id == record_id)
    ).scalar()
    if held is not None:
        return str(held)
    conn.execute(table.insert().values(kind=kind, record_id=record_id, owner=owner))
    return owner


def arrived(conn: Connection, table: sa.Table, kind: str, record_id: str) -> None:
    """The record is held now: nothing left to await."""
    conn.execute(table.delete().where(table.c.kind == kind, table.c.record_id == record_id))
