"""Who opened which note: read events devices upload, kept once each, and the list of readers
coordinators and admins may ask for. A device plants events only on notes it may see.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...sync import protocol as p
from .access import Principal, may_see
from .database import Database
from .schema import devices, note_reads, records, users


def store_reads(db: Database, who: Principal, request: p.ReadsRequest) -> p.ReadsResponse:
    """Keep each read event once: an id already held (a retried upload) is skipped."""
    events = list({e.id: e for e in request.events}.values())
    ids = [e.id for e in events]
    with db.write() as conn:
        # Events only for notes this device may see: nobody plants "who read" entries on
        # another region's note. The others are dropped but answered like the rest, so
        # the answer says nothing about which notes exist.
        visible = visible_notes(conn, who, {e.note_id for e in events})
        events = [e for e in events if e.note_id in visible]
        held: set[str] = set(
            conn.execute(sa.select(note_reads.c.id).where(note_reads.c.id.in_(ids))).scalars()
        )
        rows = [
            {
                "id": e.id,
                "note_id": e.note_id,
                "user_id": who.user_id,
                "device_id": who.device_id,
                "at": e.at.isoformat(),
                "via": e.via,
                "briefing": e.briefing,
                "received_at": time.time(),
            }
            for e in events
            if e.id not in held
        ]
        if rows:
            conn.execute(note_reads.insert(), rows)
    return p.ReadsResponse(stored=ids, new=len(rows))


def visible_notes(conn: Connection, who: Principal, note_ids: set[str]) -> set[str]:
    """Which of ``note_ids`` are notes on the server that ``who`` may see."""
    found: set[str] = set()
    wanted = sorted(note_ids)
    for start in range(0, len(wanted), 500):
        for row in conn.execute(
            sa.select(
                records.c.kind,
                records.c.record_id,
                records.c.region,
                records.c.private,
                records.c.owner,
                records.c.shared,
            ).where(records.c.kind == "note", records.c.record_id.in_(wanted[start : start + 500]))
        ).all():
            if may_see(who, row):
                found.add(str(row.record_id))
    return found


def may_see_note(db: Database, who: Principal, note_id: str) -> bool:
    """Whether ``who`` may ask about this note (GET /v1/notes/{id}/readers): only about a
    note they may see, admins too (another's private note is seen by nobody else, and is
    answered as a note that does not exist)."""
    with db.engine.connect() as conn:
        return bool(visible_notes(conn, who, {note_id}))


def note_readers(db: Database, note_id: str) -> p.NoteReaders:
    """Who saw a note: user, device, when and how, oldest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                note_reads.c.at,
                note_reads.c.via,
                note_reads.c.briefing,
                note_reads.c.device_id,
                users.c.name.label("user"),
                devices.c.name.label("device"),
            )
            .join(users, users.c.id == note_reads.c.user_id)
            .outerjoin(devices, devices.c.id == note_reads.c.device_id)
            .where(note_reads.c.note_id == note_id)
            .order_by(note_reads.c.at, note_reads.c.id)
        ).all()
    return p.NoteReaders(
        note_id=note_id,
        readers=[
            p.NoteReader(
                user=r.user,
                device_id=r.device_id,
                device=r.device or "",
                at=r.at,
                via=r.via,
                briefing=r.briefing,
            )
            for r in rows
        ],
    )
