"""Server storage on SQLAlchemy Core: the same code on SQLite (one file) and PostgreSQL.

The package is split by idea: schema.py (tables), database.py (engine, one writer at a time),
access.py (who may see and write what: pure), write_rules.py (what a change may make of a
note: pure), accounts.py (users, devices, enrolment), batch.py (a write's rows and the push's
lookups), records.py (one record's rows), visibility.py (privacy that follows), push.py (the
push as named steps), register.py (the council register), feed.py (pull paging), reads.py
(read auditing) and upkeep.py (statistics, checkpoints). ``Storage`` is the one façade.

Every accepted change gets the next revision of its record and the next sequence number of the
change feed. Writers are serialised (a process lock, and on PostgreSQL a table lock), so the
feed's sequence numbers become visible in order and a cursor never skips a change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Unpack

import sqlalchemy as sa

from ...sync import protocol as p
from . import accounts, feed, reads, register, upkeep, write_rules
from .access import NO_SUCH_REVISION, READERS_ROLES, Auth, Principal
from .database import Database, StorageError
from .push import push_changes
from .schema import (
    applied,
    changes,
    conflicts,
    enrolment_failures,
    metadata,
    note_reads,
    records,
    revisions,
)


class Storage:
    """The server's database behind one object: the HTTP routes and ``sli server`` call its
    methods, each a short delegation to the module that holds the idea."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = Database(url)
        self.engine = self.db.engine
        self.statistics = upkeep.Statistics(self.db)

    def close(self) -> None:
        self.engine.dispose()

    def readiness_problem(self) -> str | None:
        """None when the database answers and holds every table (GET /readyz); otherwise a
        short reason fit for an unauthenticated caller: no URL, host or table names."""
        try:
            with self.engine.connect() as conn:
                present = set(sa.inspect(conn).get_table_names())
        except sa.exc.SQLAlchemyError:
            return "the database does not answer"
        missing = set(metadata.tables) - present
        return f"the database lacks {len(missing)} of the server's tables" if missing else None

    # -- users and devices: accounts.py ------------------------------------------------------
    def add_user(self, name: str, role: str, regions: Sequence[str]) -> str:
        """Create the user (or give an existing one a new code); returns a one-time code."""
        return accounts.add_user(self.db, name, role, regions)

    def enroll(
        self, code: str, device_name: str, **options: Unpack[accounts.EnrolOptions]
    ) -> p.EnrollResponse | None:
        """Spend a one-time code on a new device (accounts.enroll)."""
        return accounts.enroll(self.db, code, device_name, **options)

    def authenticate(self, token: str) -> Auth:
        return accounts.authenticate(self.db, token)

    def list_devices(self) -> list[dict[str, Any]]:
        return accounts.list_devices(self.db)

    def revoke_device(self, device_id: str) -> bool:
        return accounts.revoke_device(self.db, device_id)

    # -- the register and the push: register.py, push.py -----------------------------------
    def import_councils(self, councils: Iterable[dict[str, Any]]) -> int:
        """The register every client receives on its first sync; returns how many changed."""
        return register.import_councils(self.db, councils)

    def push(self, who: Principal, request: p.PushRequest) -> p.PushResponse:
        """Apply a device's changes (push.py), then the upkeep they call for (upkeep.py)."""
        results = push_changes(self.db, who, request)
        if any(c.kind == "note" and write_rules.disposed(c.payload) for c in request.changes):
            upkeep.checkpoint(self.db)
        if self.db.postgres:
            self.statistics.refresh(len(request.changes))
        return p.PushResponse(results=results)

    # -- the feed: feed.py ------------------------------------------------------------------
    def pull(self, who: Principal, cursor: int, limit: int) -> p.PullResponse:
        return feed.pull(self.db, who, cursor, limit)

    def pull_json(
        self, who: Principal, cursor: int, limit: int, *, lines: bool = False, **extra: object
    ) -> bytes:
        """``pull`` as the JSON body of a PullResponse (feed.pull_json)."""
        return feed.pull_json(self.db, who, cursor, limit, lines=lines, **extra)

    # -- read events: reads.py ----------------------------------------------------------------
    def store_reads(self, who: Principal, request: p.ReadsRequest) -> p.ReadsResponse:
        """Keep each read event once: an id already held (a retried upload) is skipped."""
        return reads.store_reads(self.db, who, request)

    def may_see_note(self, who: Principal, note_id: str) -> bool:
        """Whether ``who`` may ask who read this note (reads.may_see_note)."""
        return reads.may_see_note(self.db, who, note_id)

    def note_readers(self, note_id: str) -> p.NoteReaders:
        """Who saw a note: user, device, when and how, oldest first."""
        return reads.note_readers(self.db, note_id)

    def reset(self) -> None:
        """Drop and recreate every table (tests: a fresh server per example)."""
        with self.db.lock:
            metadata.drop_all(self.engine)
            metadata.create_all(self.engine)


__all__ = [
    "NO_SUCH_REVISION",
    "READERS_ROLES",
    "Auth",
    "Principal",
    "Storage",
    "StorageError",
    "applied",
    "changes",
    "conflicts",
    "enrolment_failures",
    "metadata",
    "note_reads",
    "records",
    "revisions",
]
