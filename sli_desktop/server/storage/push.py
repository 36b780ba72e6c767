"""The push: each change a device sends, checked, merged with what the server holds, and
stored, as a sequence of named steps over one ``Write``.

Every accepted change gets the next revision of its record and the next sequence number of the
change feed. A step that refuses returns the reason the device shows its user; the steps run in
the order ``apply_change`` lists, and each reads what the earlier ones put on the ``Write``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pydantic
import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.engine import Connection

from ...domain import RECORD_TYPES
from ...domain.errors import ValidationError as DomainError
from ...domain.records import STORED, Record
from ...sync import protocol as p
from .. import awaited, corrections, derived_ids, followers
from ..merge import field_defaults, merge
from . import access, write_rules
from .access import GOOD_PRACTICE, NO_SUCH_REVISION, Principal
from .batch import Batch, prefetch
from .database import Database
from .records import current_row, feed_again, region_of, revision_of, scrub_history, store
from .schema import applied, awaited_records, changes, conflicts, dumps
from .visibility import follow, followers_of, is_private, visibility_changed

KINDS = {cls.kind: cls for cls in RECORD_TYPES}


@dataclass
class Write:
    """One change on its way to being stored: what each step of ``apply_change`` has learnt."""

    change: p.Change
    cls: type[Record]
    typed: Record
    #: the change as sent met the full rules for new writes (not only those for stored records)
    meets_rules: bool
    #: the change's ids (its own and those it covers) and those already applied, by id
    ids: list[str]
    by_id: dict[str, Row[Any]]
    #: this device's earlier changes of the same chain that landed (their answers were lost)
    mine_done: list[Row[Any]]
    known: bool = True
    current: Row[Any] | None = None
    owner: str = ""
    author: bool = False
    private: bool = False
    expected_by: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    disposal: bool = False
    base: dict[str, Any] | None = None
    theirs: dict[str, Any] = field(default_factory=dict)
    rev: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    status: p.Status = "applied"
    conflict: p.Conflict | None = None
    sides_shared: bool = False

    @property
    def existing(self) -> Row[Any]:
        """``current`` where the steps have established that the record exists (a merge, its
        conflict, a withdrawal of good practice)."""
        assert self.current is not None, "asked only once the record is known to exist"
        return self.current


def push_changes(db: Database, who: Principal, request: p.PushRequest) -> list[p.ChangeResult]:
    """Apply a push's changes in order, then the conflicts it marks resolved, in one write."""
    results: list[p.ChangeResult] = []
    batch = Batch()
    with db.write() as conn:
        prefetch(conn, request, batch)
        for change in request.changes:
            if (change.kind, change.record_id) in batch.touched or not batch.change_ids.isdisjoint(
                (change.change_id, *change.covers)
            ):
                batch.flush(conn)
            results.append(apply_change(conn, who, change, batch))
        batch.flush(conn)
        for conflict_id in request.resolved:
            resolve(conn, who, conflict_id)
    return results


def apply_change(
    conn: Connection, who: Principal, change: p.Change, batch: Batch
) -> p.ChangeResult:
    """One change of a push: the answer given before if it landed already, else its checks,
    its result (as sent, or merged with the server's revision), and the rows it stores."""
    ids = list(dict.fromkeys([*change.covers, change.change_id]))
    done = (
        conn.execute(sa.select(applied).where(applied.c.change_id.in_(ids))).all()
        if batch.may_be_applied(ids)
        else []
    )
    mine_done = [r for r in done if r.device_id == who.device_id]
    if len(done) != len(mine_done):
        return _rejected(change, "change id already used by another device")
    by_id = {r.change_id: r for r in done}
    if change.change_id in by_id:
        row = by_id[change.change_id]
        return p.ChangeResult(
            change_id=change.change_id, status=row.status, rev=row.rev, reason=row.reason
        )
    typed = _typed(change)
    if isinstance(typed, str):
        return _rejected(change, typed)
    w = Write(*typed, ids=ids, by_id=by_id, mine_done=mine_done)
    for step in (
        _check_derived_id,
        _find_current,
        _check_writer,
        _check_what_it_does,
        _decide_result,
        _check_full_rules,
    ):
        refusal = step(conn, who, w, batch)
        if refusal:
            return _rejected(change, refusal)
    _store_result(conn, who, w, batch)
    _record_conflict(conn, w, batch)
    _record_applied(who, w, batch)
    return p.ChangeResult(change_id=change.change_id, status=w.status, rev=w.rev)


def _rejected(change: p.Change, reason: str) -> p.ChangeResult:
    return p.ChangeResult(change_id=change.change_id, status="rejected", reason=reason)


def _typed(change: p.Change) -> tuple[p.Change, type[Record], Record, bool] | str:
    """The change with its payload as the typed record reads it, the record's class, the typed
    record and whether it met the full rules for new writes; or why it cannot be read."""
    if change.payload.get("id") != change.record_id:
        return "the payload is for another record"
    cls = KINDS.get(change.kind)
    if cls is None:
        return f"unknown kind {change.kind!r}"
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
            return f"invalid record: {where} {first['msg']}"
    # Devices read the typed record (an id as its canonical UUID, text stripped, "no" as
    # false), so the server judges and stores the same values: a record must not be one
    # thing here and another in the vaults that pull it (a note id spelt in capitals would
    # land on the author's own note on her devices). Only the fields sent are kept: a
    # field left out (an older client) still means "as it was".
    normal = typed.to_json()
    if normal["id"] != change.record_id:
        return "the payload is for another record"
    change = change.model_copy(update={"payload": {k: normal[k] for k in change.payload}})
    return change, cls, typed, meets_rules


def _check_derived_id(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """An id derived from public facts is checked on the payload alone, before anything the
    server holds is looked at: one answer whether or not the record exists, and nobody
    creates the id of a record another region's council will need."""
    expected = derived_ids.expected_id(w.typed)
    if expected is None:
        return None
    if expected == w.change.record_id and (
        who.role == "admin"
        or access.may_write_in(
            who, w.change.kind, region_of(conn, w.change.kind, w.change.payload, batch), ""
        )
    ):
        return None
    return derived_ids.DERIVED_REFUSAL


def _find_current(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """The record as the server holds it. A change starts from a revision the server issued,
    of a record it holds (base 0: a create, or two devices deriving the same id), and only
    someone who may see the record learns that it exists: the same answer for a record hidden
    from the writer (another's private note, whatever the writer's role), a base never issued,
    a record not held."""
    change = w.change
    w.known, w.current = batch.current(change.kind, change.record_id)
    if not w.known:
        w.current = current_row(conn, change.kind, change.record_id)
    current = w.current
    if (
        (current is None and change.base_rev > 0 and not w.mine_done)
        or (current is not None and not access.may_see(who, current))
        or (current is not None and not w.mine_done and change.base_rev > current.rev)
    ):
        return NO_SUCH_REVISION
    return None


def _check_writer(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """Whether ``who`` may write the record where it is and where the change takes it."""
    change, current = w.change, w.current
    if change.kind == "council":  # the register's region, never the one a device sends
        new_region = None if current is None else current.region
    else:
        new_region = region_of(conn, change.kind, change.payload, batch)
    w.private = change.kind == "note" and bool(change.payload.get("private"))
    w.owner = who.user if current is None else current.owner
    w.author = w.owner == who.user
    if not access.may_write(who, change.kind, new_region, w.owner, current):
        return access.write_refusal(change.kind)
    w.expected_by = batch.awaited.get((change.kind, change.record_id))
    if current is None and w.expected_by not in (None, who.user):
        # Another user's records pointed at this id first (an action raised from their
        # draft note): whoever creates it owns it, so only they may.
        return awaited.AWAITED_REFUSAL
    return None


def _check_what_it_does(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """Deletes of the register, drafts, disposed notes and privacy: what only some may do."""
    change, current = w.change, w.current
    w.payload = dict(change.payload)
    w.payload["deleted"] = change.op == "delete" or bool(w.payload.get("deleted"))
    if change.kind == "council" and w.payload["deleted"] and who.role != "admin":
        return "only an admin may remove a council from the register"
    if change.kind == "note":
        if change.payload.get("draft") is True:
            return "a draft note is not shared"
        if current is not None and write_rules.disposed(json.loads(current.payload)):
            return "the note has been disposed of"
        if current is not None and not w.author and w.private != bool(current.private):
            return write_rules.AUTHOR_PRIVACY
    w.disposal = change.kind == "note" and write_rules.disposed(w.payload)
    return None


def _decide_result(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """What would be stored: the change as sent for a create or a disposal (final: it
    overrides, it never merges), otherwise the change merged with the server's revision."""
    if w.current is not None and not w.disposal:
        return _merge_with_current(conn, who, w, batch)
    w.rev = 1 if w.current is None else w.current.rev + 1
    w.result = {**w.payload, "version": w.rev}
    if w.disposal:  # never trust the device to have scrubbed its tombstone
        w.result.update(write_rules.DISPOSED_BLANK)
    return None


def _merge_with_current(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """Merge the change with the revision the server holds, from the base the device
    started from; a field both sides changed becomes a conflict the winner's way."""
    refusal = _find_base(conn, w, batch)
    if refusal:
        return refusal
    change, current = w.change, w.existing
    w.theirs = json.loads(current.payload)
    if change.kind == "note":
        refusal = write_rules.good_practice_refusal(
            change, w.payload, w.base, w.theirs, current, w.mine_done, w.author
        )
        if refusal:
            return refusal
    if change.kind == "council":
        _keep_register_fields(who, w)
    mine_wins = change.change_id > current.last_change
    outcome = merge(w.base, w.theirs, w.payload, mine_wins, field_defaults(w.cls))
    w.rev = current.rev + 1
    w.result = {**outcome.payload, "version": w.rev}
    if change.kind == "note":
        refusal = _merged_note_refusal(w)
        if refusal:
            return refusal
    # Both sides of a conflict must have been good practice for it to go everywhere.
    w.sides_shared = w.theirs.get("note_type") == w.payload.get("note_type") == GOOD_PRACTICE
    w.status = "applied" if outcome.fast_forward else "merged"
    if outcome.conflicts:
        w.status = "conflict"
        w.conflict = _conflict_of(who, w, outcome.conflicts, mine_wins)
    if change.kind == "note":
        w.private = bool(w.result.get("private"))
    return None


def _find_base(conn: Connection, w: Write, batch: Batch) -> str | None:
    """The revision the device's change started from (None: no common base)."""
    change = w.change
    if w.mine_done:  # an earlier push of this chain landed but its answer was lost
        last = max(w.mine_done, key=lambda r: r.rev)
        w.base = (
            json.loads(last.sent)
            if last.sent  # an applied change's sent fields are its revision's
            else revision_of(conn, change.kind, change.record_id, last.rev)
        )
    elif change.base_rev == 0:
        w.base = None  # two devices created the same record: no common base
    elif w.known and (change.kind, change.record_id, change.base_rev) in batch.bases:
        # read with the push's records (a revision, once written, only changes when a
        # disposal scrubs it, and a disposed note takes no further change)
        w.base = json.loads(batch.bases[(change.kind, change.record_id, change.base_rev)])
    else:
        w.base = revision_of(conn, change.kind, change.record_id, change.base_rev)
        if w.base is None:  # every issued revision is kept: never issued
            return NO_SUCH_REVISION
    return None


def _keep_register_fields(who: Principal, w: Write) -> None:
    """A council's register fields stay the server's (a coordinator may correct some)."""
    held = corrections.protected(who.role, w.payload)
    w.payload.update({k: w.theirs[k] for k in held if k in w.theirs})
    if w.change.base_rev == 0 and not w.mine_done:
        w.base = w.theirs  # a register imported on the device before it first synced


def _merged_note_refusal(w: Write) -> str | None:
    """Why the merged note crosses the good-practice or the private line unsafely, or None."""
    if write_rules.leaves_good_practice(w.theirs, w.result) and not (
        w.author and write_rules.reverts(w.payload, w.base, w.theirs)
    ):
        return write_rules.AUTHOR_REVERTS
    return write_rules.publishing_refusal(
        w.change, w.payload, w.base, w.theirs, w.existing, w.mine_done, w.result
    )


def _conflict_of(
    who: Principal, w: Write, fields: dict[str, tuple[Any, Any]], mine_wins: bool
) -> p.Conflict:
    """The conflict a merge left: each field both sides changed, and whose device won."""
    theirs_device = w.existing.last_device
    return p.Conflict(
        id=str(uuid.uuid4()),
        kind=w.change.kind,
        record_id=w.change.record_id,
        rev=w.rev,
        fields={k: p.FieldConflict(winner=win, loser=lose) for k, (win, lose) in fields.items()},
        winner_device=who.device_id if mine_wins else theirs_device,
        loser_device=theirs_device if mine_wins else who.device_id,
    )


def _check_full_rules(conn: Connection, who: Principal, w: Write, batch: Batch) -> str | None:
    """The full rules for new writes, on what would be stored: the relaxed rules for stored
    records (STORED) only keep yesterday's records readable."""
    return write_rules.full_rules_refusal(
        w.cls, w.change.kind, w.result, w.change.payload if w.meets_rules else None
    )


def _store_result(conn: Connection, who: Principal, w: Write, batch: Batch) -> None:
    """Store the result, and make the record's history and followers as private as it is."""
    change = w.change
    if w.disposal:
        w.private = bool(w.payload.get("private"))
        scrub_history(conn, change.kind, change.record_id, w.result)
    lead = followers.leader(change.kind, w.result)
    if lead is not None:  # an action or a document of a private note stays private too
        w.private = is_private(conn, lead, batch, who.user)
    shared = access.shared(change.kind, w.result, w.private)
    if w.current is not None and w.current.shared and not shared:
        _withdraw_good_practice(conn, who, w, batch)
    store(
        conn,
        change.kind,
        change.record_id,
        w.rev,
        w.result,
        owner=w.owner,
        change_id=change.change_id,
        device_id=who.device_id,
        exists=w.current is not None,
        private=w.private,
        batch=batch,
    )
    if w.current is not None:
        visibility_changed(conn, w.current, private=w.private, shared=shared, batch=batch)
    else:
        _arrived(conn, w, batch)


def _withdraw_good_practice(conn: Connection, who: Principal, w: Write, batch: Batch) -> None:
    """Good practice taken back (to intelligence, or made private): every region holds a copy,
    and the new version is no longer theirs to receive. A blank tombstone, shared like the
    copies, goes first; its region and author then get the real revision after it, the other
    regions nothing more. Deleted (or disposed of) in the same change, too: the other regions
    would otherwise keep live copies."""
    stored = w.theirs or json.loads(w.existing.payload)  # a disposal merges nothing
    withdrawn = {**stored, **write_rules.WITHDRAWN_BLANK, "deleted": True, "version": w.rev}
    store(
        conn,
        w.change.kind,
        w.change.record_id,
        w.rev,
        withdrawn,
        owner=w.owner,
        change_id=w.change.change_id,
        device_id=who.device_id,
        exists=True,
        batch=batch,
    )
    w.rev += 1
    w.result["version"] = w.rev
    if w.conflict is not None:
        w.conflict.rev = w.rev


def _arrived(conn: Connection, w: Write, batch: Batch) -> None:
    """A new record: what awaited it has it now, and what already points at it follows it."""
    kind, record_id = w.change.kind, w.change.record_id
    if w.expected_by is not None:  # what was pointed at has arrived
        awaited.arrived(conn, awaited_records, kind, record_id)
        del batch.awaited[(kind, record_id)]
    if w.private and kind in followers.FOLLOWERS:
        # What points at a record can arrive first (an action raised from a draft
        # note, which waits on the device until complete): it turns private with it.
        batch.flush(conn)
        for row in followers_of(conn, kind, record_id):
            follow(conn, row, True, batch)


def _record_conflict(conn: Connection, w: Write, batch: Batch) -> None:
    """The merge's conflict, and its feed item, for those who may see it."""
    if w.conflict is None:
        return
    region = region_of(conn, w.change.kind, w.result, batch)
    # A conflict carries both sides: private if any version it stems from was, so a
    # private version never reaches anyone but the note's author.
    private = w.private or any(
        bool(side.get("private")) for side in (w.base or {}, w.theirs, w.payload)
    )
    shared = w.sides_shared and access.shared(w.change.kind, w.result, private)
    common = {"region": region, "private": private, "owner": w.owner, "shared": shared}
    batch.add(
        conflicts,
        {
            "id": w.conflict.id,
            "kind": w.conflict.kind,
            "record_id": w.conflict.record_id,
            "rev": w.rev,
            "detail": w.conflict.model_dump_json(),
            "resolved": False,
            **common,
        },
    )
    batch.add(
        changes,
        {
            "item": "conflict",
            "kind": w.change.kind,
            "record_id": w.change.record_id,
            "rev": w.rev,
            "conflict_id": w.conflict.id,
            **common,
        },
    )


def _record_applied(who: Principal, w: Write, batch: Batch) -> None:
    """Remember the change's ids as applied, with the answer a retry gets. What the device
    sent is kept only when it differs from the revision it made: an applied change (no merge)
    stored exactly its fields as revision ``rev`` (merge ignores the bookkeeping fields), so a
    retry's base is read from there. Saves a full copy of most payloads on the server."""
    sent = "" if w.status == "applied" else dumps(w.payload)
    for cid in w.ids:
        if cid not in w.by_id:
            batch.add(
                applied,
                {
                    "change_id": cid,
                    "device_id": who.device_id,
                    "kind": w.change.kind,
                    "record_id": w.change.record_id,
                    "status": w.status,
                    "rev": w.rev,
                    "reason": "",
                    "sent": sent,
                },
            )


def resolve(conn: Connection, who: Principal, conflict_id: str) -> None:
    """Mark a conflict resolved, and feed it again so every device learns it is."""
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
    feed_again(conn, row, item="conflict", conflict_id=row.id, private=bool(row.private))
