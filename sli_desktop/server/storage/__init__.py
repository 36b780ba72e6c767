"""Server storage on SQLAlchemy Core: the same code on SQLite (one file) and PostgreSQL.

Every accepted change gets the next revision of its record and the next sequence number of the
change feed. Writers are serialised (a process lock, and on PostgreSQL a table lock), so the
feed's sequence numbers become visible in order and a cursor never skips a change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import pydantic
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...domain import RECORD_TYPES
from ...domain.errors import ValidationError as DomainError
from ...domain.records import STORED
from ...sync import protocol as p
from .. import awaited, corrections, derived_ids, followers
from ..merge import merge
from . import access, accounts, feed, reads, upkeep, write_rules
from .access import GOOD_PRACTICE, NO_SUCH_REVISION, READERS_ROLES, Auth, Principal
from .batch import Batch, prefetch
from .database import Database, StorageError
from .records import current_row, region_of, revision_of, scrub_history, store
from .schema import (
    applied,
    awaited_records,
    changes,
    conflicts,
    dumps,
    enrolment_failures,
    metadata,
    note_reads,
    records,
    revisions,
)
from .visibility import follow, followers_of, is_private, visibility_changed

KINDS = {cls.kind: cls for cls in RECORD_TYPES}


class Storage:
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
        self,
        code: str,
        device_name: str,
        address: str | None = None,
        now: float | None = None,
        enrolment_id: str | None = None,
    ) -> p.EnrollResponse | None:
        """Spend a one-time code on a new device (accounts.enroll)."""
        return accounts.enroll(self.db, code, device_name, address, now, enrolment_id)

    def authenticate(self, token: str) -> Auth:
        return accounts.authenticate(self.db, token)

    def list_devices(self) -> list[dict[str, Any]]:
        return accounts.list_devices(self.db)

    def revoke_device(self, device_id: str) -> bool:
        return accounts.revoke_device(self.db, device_id)

    # -- records -----------------------------------------------------------------------------
    def import_councils(self, councils: Iterable[dict[str, Any]]) -> int:
        """The register every client receives on its first sync; returns how many changed."""
        changed = 0
        batch = Batch()
        with self.db.write() as conn:
            for payload in councils:
                if ("council", payload["id"]) in batch.touched:
                    batch.flush(conn)  # the same council twice: the second sees the first
                current = current_row(conn, "council", payload["id"])
                if current is not None:
                    old = json.loads(current.payload)
                    payload = corrections.register_payload(payload, old)
                    keep = {"version", "created_at", "updated_at", "author"}
                    if {k: v for k, v in old.items() if k not in keep} == {
                        k: v for k, v in payload.items() if k not in keep
                    }:
                        continue
                rev = 1 if current is None else current.rev + 1
                store(
                    conn,
                    "council",
                    payload["id"],
                    rev,
                    {**payload, "version": rev},
                    owner="server",
                    change_id=f"register:{payload['id']}:{rev}",
                    device_id="server",
                    exists=current is not None,
                    batch=batch,
                )
                changed += 1
            batch.flush(conn)
        return changed

    def push(self, who: Principal, request: p.PushRequest) -> p.PushResponse:
        results: list[p.ChangeResult] = []
        batch = Batch()
        with self.db.write() as conn:
            prefetch(conn, request, batch)
            for change in request.changes:
                if (
                    change.kind,
                    change.record_id,
                ) in batch.touched or not batch.change_ids.isdisjoint(
                    (change.change_id, *change.covers)
                ):
                    batch.flush(conn)
                results.append(self._apply(conn, who, change, batch))
            batch.flush(conn)
            for conflict_id in request.resolved:
                self._resolve(conn, who, conflict_id)
        if any(c.kind == "note" and write_rules.disposed(c.payload) for c in request.changes):
            upkeep.checkpoint(self.db)
        if self.db.postgres:
            self.statistics.refresh(len(request.changes))
        return p.PushResponse(results=results)

    def _apply(
        self, conn: Connection, who: Principal, change: p.Change, batch: Batch
    ) -> p.ChangeResult:
        ids = list(dict.fromkeys([*change.covers, change.change_id]))
        done = (
            conn.execute(sa.select(applied).where(applied.c.change_id.in_(ids))).all()
            if batch.may_be_applied(ids)
            else []
        )
        mine_done = [r for r in done if r.device_id == who.device_id]
        if len(done) != len(mine_done):
            return self._reject(conn, who, change, ids, "change id already used by another device")
        by_id = {r.change_id: r for r in done}
        if change.change_id in by_id:
            row = by_id[change.change_id]
            return p.ChangeResult(
                change_id=change.change_id, status=row.status, rev=row.rev, reason=row.reason
            )
        if change.payload.get("id") != change.record_id:
            return self._reject(conn, who, change, ids, "the payload is for another record")
        cls = KINDS.get(change.kind)
        if cls is None:
            return self._reject(conn, who, change, ids, f"unknown kind {change.kind!r}")
        # Most changes meet the full rules for new writes as sent; then, if what is stored is
        # what was sent (a create, or a fast-forward of every field), it needs no second check
        # below. Otherwise the relaxed rules for stored records decide whether it can be read.
        meets_rules = True
        try:
            typed = cls.model_validate(change.payload)
        except (pydantic.ValidationError, DomainError):
            meets_rules = False
            try:
                typed = cls.model_validate(change.payload, context=STORED)
            except pydantic.ValidationError as exc:
                first = exc.errors(include_url=False, include_input=False)[0]
                where = ".".join(str(x) for x in first["loc"])
                return self._reject(
                    conn, who, change, ids, f"invalid record: {where} {first['msg']}"
                )
        # Devices read the typed record (an id as its canonical UUID, text stripped, "no" as
        # false), so the server judges and stores the same values: a record must not be one
        # thing here and another in the vaults that pull it (a note id spelt in capitals would
        # land on the author's own note on her devices). Only the fields sent are kept: a
        # field left out (an older client) still means "as it was".
        normal = typed.to_json()
        if normal["id"] != change.record_id:
            return self._reject(conn, who, change, ids, "the payload is for another record")
        change = change.model_copy(update={"payload": {k: normal[k] for k in change.payload}})
        # An id derived from public facts is checked on the payload alone, before anything the
        # server holds is looked at: one answer whether or not the record exists, and nobody
        # creates the id of a record another region's council will need.
        expected = derived_ids.expected_id(typed)
        if expected is not None and (
            expected != change.record_id
            or not (
                who.role == "admin"
                or access.may_write_in(
                    who, change.kind, region_of(conn, change.kind, change.payload, batch), ""
                )
            )
        ):
            return self._reject(conn, who, change, ids, derived_ids.DERIVED_REFUSAL)
        known, current = batch.current(change.kind, change.record_id)
        if not known:
            current = current_row(conn, change.kind, change.record_id)
        # A change starts from a revision the server issued, of a record it holds (base 0: a
        # create, or two devices deriving the same id), and only someone who may see the record
        # learns that it exists: the same answer for a record hidden from the writer (another's
        # private note, whatever the writer's role), a base never issued, a record not held.
        if (
            (current is None and change.base_rev > 0 and not mine_done)
            or (current is not None and not access.may_see(who, current))
            or (current is not None and not mine_done and change.base_rev > current.rev)
        ):
            return self._reject(conn, who, change, ids, NO_SUCH_REVISION)
        if change.kind == "council":  # the register's region, never the one a device sends
            new_region = None if current is None else current.region
        else:
            new_region = region_of(conn, change.kind, change.payload, batch)
        private = change.kind == "note" and bool(change.payload.get("private"))
        owner = who.user if current is None else current.owner
        author = owner == who.user
        if not access.may_write(who, change.kind, new_region, owner, current):
            return self._reject(conn, who, change, ids, access.write_refusal(change.kind))
        expected_by = batch.awaited.get((change.kind, change.record_id))
        if current is None and expected_by not in (None, who.user):
            # Another user's records pointed at this id first (an action raised from their
            # draft note): whoever creates it owns it, so only they may.
            return self._reject(conn, who, change, ids, awaited.AWAITED_REFUSAL)
        payload = dict(change.payload)
        payload["deleted"] = change.op == "delete" or bool(payload.get("deleted"))
        if change.kind == "council" and payload["deleted"] and who.role != "admin":
            return self._reject(
                conn, who, change, ids, "only an admin may remove a council from the register"
            )
        if change.kind == "note":
            if change.payload.get("draft") is True:
                return self._reject(conn, who, change, ids, "a draft note is not shared")
            if current is not None and write_rules.disposed(json.loads(current.payload)):
                return self._reject(conn, who, change, ids, "the note has been disposed of")
            if current is not None and not author and private != bool(current.private):
                return self._reject(conn, who, change, ids, write_rules.AUTHOR_PRIVACY)
        disposal = change.kind == "note" and write_rules.disposed(payload)
        base: dict[str, Any] | None = None
        theirs: dict[str, Any] = {}
        if current is None or disposal:  # a disposal is final: it overrides, it never merges
            rev = 1 if current is None else current.rev + 1
            result_payload = {**payload, "version": rev}
            if disposal:  # never trust the device to have scrubbed its tombstone
                result_payload.update(write_rules.DISPOSED_BLANK)
            status: p.Status = "applied"
            conflict = None
            sides_shared = False
        else:
            if mine_done:  # an earlier push of this chain landed but its answer was lost
                last = max(mine_done, key=lambda r: r.rev)
                base = (
                    json.loads(last.sent)
                    if last.sent  # an applied change's sent fields are its revision's
                    else revision_of(conn, change.kind, change.record_id, last.rev)
                )
            elif change.base_rev == 0:
                base = None  # two devices created the same record: no common base
            elif known and (change.kind, change.record_id, change.base_rev) in batch.bases:
                # read with the push's records (a revision, once written, only changes when a
                # disposal scrubs it, and a disposed note takes no further change)
                base = json.loads(batch.bases[(change.kind, change.record_id, change.base_rev)])
            else:
                base = revision_of(conn, change.kind, change.record_id, change.base_rev)
                if base is None:  # every issued revision is kept: never issued
                    return self._reject(conn, who, change, ids, NO_SUCH_REVISION)
            theirs = json.loads(current.payload)
            if change.kind == "note":
                refusal = write_rules.good_practice_refusal(
                    change, payload, base, theirs, current, mine_done, author
                )
                if refusal:
                    return self._reject(conn, who, change, ids, refusal)
            if change.kind == "council":
                held = corrections.protected(who.role, payload)  # a coordinator may correct
                payload.update({k: theirs[k] for k in held if k in theirs})
                if change.base_rev == 0 and not mine_done:
                    base = theirs  # a register imported on the device before it first synced
            outcome = merge(base, theirs, payload, mine_wins=change.change_id > current.last_change)
            rev = current.rev + 1
            result_payload = {**outcome.payload, "version": rev}
            if (
                change.kind == "note"
                and write_rules.leaves_good_practice(theirs, result_payload)
                and not (author and write_rules.reverts(payload, base, theirs))
            ):
                return self._reject(conn, who, change, ids, write_rules.AUTHOR_REVERTS)
            if change.kind == "note":
                refusal = write_rules.publishing_refusal(
                    change, payload, base, theirs, current, mine_done, result_payload
                )
                if refusal:
                    return self._reject(conn, who, change, ids, refusal)
            # Both sides of a conflict must have been good practice for it to go everywhere.
            sides_shared = theirs.get("note_type") == payload.get("note_type") == GOOD_PRACTICE
            status = "applied" if outcome.fast_forward else "merged"
            conflict = None
            if outcome.conflicts:
                status = "conflict"
                mine_wins = change.change_id > current.last_change
                conflict = p.Conflict(
                    id=str(uuid.uuid4()),
                    kind=change.kind,
                    record_id=change.record_id,
                    rev=rev,
                    fields={
                        k: p.FieldConflict(winner=w, loser=lo)
                        for k, (w, lo) in outcome.conflicts.items()
                    },
                    winner_device=who.device_id if mine_wins else current.last_device,
                    loser_device=current.last_device if mine_wins else who.device_id,
                )
            if change.kind == "note":
                private = bool(result_payload.get("private"))
        # The full rules for new writes, on what would be stored: the relaxed rules for stored
        # records (STORED) only keep yesterday's records readable.
        refusal = write_rules.full_rules_refusal(
            cls, change.kind, result_payload, change.payload if meets_rules else None
        )
        if refusal:
            return self._reject(conn, who, change, ids, refusal)
        if disposal:
            private = bool(payload.get("private"))
            scrub_history(conn, change.kind, change.record_id, result_payload)
        lead = followers.leader(change.kind, result_payload)
        if lead is not None:  # an action or a document of a private note stays private too
            private = is_private(conn, lead, batch, who.user)
        if (
            current is not None
            and current.shared
            and not access.shared(change.kind, result_payload, private)
        ):
            # Good practice taken back (to intelligence, or made private): every region holds
            # a copy, and the new version is no longer theirs to receive. A blank tombstone,
            # shared like the copies, goes first; its region and author then get the real
            # revision after it, the other regions nothing more. Deleted (or disposed of) in
            # the same change, too: the other regions would otherwise keep live copies.
            stored = theirs or json.loads(current.payload)  # a disposal merges nothing
            withdrawn = {**stored, **write_rules.WITHDRAWN_BLANK, "deleted": True, "version": rev}
            store(
                conn,
                change.kind,
                change.record_id,
                rev,
                withdrawn,
                owner=owner,
                change_id=change.change_id,
                device_id=who.device_id,
                exists=True,
                batch=batch,
            )
            rev += 1
            result_payload["version"] = rev
            if conflict is not None:
                conflict.rev = rev
        store(
            conn,
            change.kind,
            change.record_id,
            rev,
            result_payload,
            owner=owner,
            change_id=change.change_id,
            device_id=who.device_id,
            exists=current is not None,
            private=private,
            batch=batch,
        )
        if current is not None:
            visibility_changed(
                conn,
                current,
                private=private,
                shared=access.shared(change.kind, result_payload, private),
                batch=batch,
            )
        else:
            if expected_by is not None:  # what was pointed at has arrived
                awaited.arrived(conn, awaited_records, change.kind, change.record_id)
                del batch.awaited[(change.kind, change.record_id)]
            if private and change.kind in followers.FOLLOWERS:
                # What points at a record can arrive first (an action raised from a draft
                # note, which waits on the device until complete): it turns private with it.
                batch.flush(conn)
                for row in followers_of(conn, change.kind, change.record_id):
                    follow(conn, row, True, batch)
        if conflict is not None:
            region = region_of(conn, change.kind, result_payload, batch)
            # A conflict carries both sides: private if any version it stems from was, so a
            # private version never reaches anyone but the note's author.
            conflict_private = private or any(
                bool(side.get("private")) for side in (base or {}, theirs, payload)
            )
            batch.add(
                conflicts,
                {
                    "id": conflict.id,
                    "kind": conflict.kind,
                    "record_id": conflict.record_id,
                    "rev": rev,
                    "detail": conflict.model_dump_json(),
                    "resolved": False,
                    "region": region,
                    "private": conflict_private,
                    "owner": owner,
                    "shared": sides_shared
                    and access.shared(change.kind, result_payload, conflict_private),
                },
            )
            batch.add(
                changes,
                {
                    "item": "conflict",
                    "kind": change.kind,
                    "record_id": change.record_id,
                    "rev": rev,
                    "conflict_id": conflict.id,
                    "region": region,
                    "private": conflict_private,
                    "owner": owner,
                    "shared": sides_shared
                    and access.shared(change.kind, result_payload, conflict_private),
                },
            )
        # What the device sent is kept only when it differs from the revision it made: an
        # applied change (no merge) stored exactly its fields as revision ``rev`` (merge ignores
        # the bookkeeping fields), so a retry's base is read from there. Saves a full copy of
        # most payloads on the server.
        sent = "" if status == "applied" else dumps(payload)
        for cid in ids:
            if cid not in by_id:
                batch.add(
                    applied,
                    {
                        "change_id": cid,
                        "device_id": who.device_id,
                        "kind": change.kind,
                        "record_id": change.record_id,
                        "status": status,
                        "rev": rev,
                        "reason": "",
                        "sent": sent,
                    },
                )
        return p.ChangeResult(change_id=change.change_id, status=status, rev=rev)

    def _reject(
        self, conn: Connection, who: Principal, change: p.Change, ids: list[str], reason: str
    ) -> p.ChangeResult:
        return p.ChangeResult(change_id=change.change_id, status="rejected", reason=reason)

    def _resolve(self, conn: Connection, who: Principal, conflict_id: str) -> None:
        row = conn.execute(sa.select(conflicts).where(conflicts.c.id == conflict_id)).first()
        if row is None or row.resolved or not access.may_see(who, row):
            return
        # Resolving decides the record's value: only someone who may write the record may
        # (coverage: coordinators and admins; good practice: its council's region).
        current = current_row(conn, row.kind, row.record_id)
        if current is None or not access.may_write(
            who, row.kind, current.region, current.owner, current
        ):
            return
        detail = p.Conflict.model_validate_json(row.detail)
        detail.resolved = True
        conn.execute(
            conflicts.update()
            .where(conflicts.c.id == conflict_id)
            .values(resolved=True, detail=detail.model_dump_json())
        )
        conn.execute(
            changes.insert().values(
                item="conflict",
                kind=row.kind,
                record_id=row.record_id,
                rev=row.rev,
                conflict_id=row.id,
                region=row.region,
                private=row.private,
                owner=row.owner,
                shared=row.shared,
            )
        )

    # -- the feed: feed.py ------------------------------------------------------------------
    def pull(self, who: Principal, cursor: int, limit: int) -> p.PullResponse:
        return feed.pull(self.db, who, cursor, limit)

    def pull_json(self, who: Principal, cursor: int, limit: int, **extra: Any) -> bytes:
        """``pull`` as the JSON body of a PullResponse (feed.pull_json)."""
        return feed.pull_json(self.db, who, cursor, limit, **extra)

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
