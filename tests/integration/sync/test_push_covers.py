"""The client never sends what the server refuses: a record saved more than MAX_COVERS times
offline still syncs (the change covers its newest MAX_COVERS outbox rows), and a push never
covers more than MAX_PUSH_COVERS change ids in all."""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa

from sli_desktop.server.storage import Storage, applied
from sli_desktop.sync import protocol as p
from sli_desktop.sync import push
from sli_desktop.vault.syncstate import OutboxRow
from tests.background_server import BackgroundServer

from .support import enrolled


def test_a_record_saved_more_than_max_covers_times_offline_still_syncs(
    storage: Storage, server: BackgroundServer, tmp_path: Path
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    a.sync()
    note = a.add_note("Budget gap", body="draft 0")
    for i in range(1, p.MAX_COVERS + 5):
        a.edit(note.id, body=f"draft {i}")
    result = a.sync()
    assert (result.pushed, result.rejected) == (1, 0)
    with storage.engine.connect() as conn:
        rows = conn.execute(
            sa.select(sa.func.count()).select_from(applied).where(applied.c.record_id == note.id)
        ).scalar()
    assert rows == p.MAX_COVERS
    assert a.sync().pushed == 0  # the outbox is empty: every row was acknowledged
    b.sync()
    got = b.note(note.id)
    assert got is not None and got.body == f"draft {p.MAX_COVERS + 4}"


def _group(rows: int) -> list[OutboxRow]:
    record_id = uuid.uuid4().hex
    return [
        OutboxRow(i, str(uuid.uuid4()), "note", record_id, "upsert", {"id": record_id})
        for i in range(rows)
    ]


def test_a_push_covers_at_most_max_push_covers_ids() -> None:
    per_push = p.MAX_PUSH_COVERS // p.MAX_COVERS
    groups = [_group(p.MAX_COVERS + 1) for _ in range(per_push + 3)]
    assert push.push_size(groups, p.MAX_PUSH_CHANGES) == per_push
    assert push.push_size([_group(1)] * 600, p.MAX_PUSH_CHANGES) == p.MAX_PUSH_CHANGES
    covered = [push.covered_ids(g) for g in groups[:per_push]]
    assert all(len(c) == p.MAX_COVERS for c in covered)
    assert covered[0][-1] == groups[0][-1].change_id  # the change id itself is always covered
    assert sum(map(len, covered)) <= p.MAX_PUSH_COVERS


def test_a_merged_push_not_yet_received_is_covered_within_the_limits() -> None:
    """The id of a record's last push that the server merged (SyncState.landed) goes first,
    and still no change covers more than MAX_COVERS ids, nor a push more than
    MAX_PUSH_COVERS."""
    # Eleven groups of 909 rows fit one push (9,999 ids); with the landed id each they do not.
    rows = p.MAX_PUSH_COVERS // 11
    groups = [_group(rows) for _ in range(14)]
    assert push.push_size(groups, p.MAX_PUSH_CHANGES) == 11
    landed = {("note", g[-1].record_id): str(uuid.uuid4()) for g in groups}
    size = push.push_size(groups, p.MAX_PUSH_CHANGES, landed)
    covered = [push.covered_ids(g, landed[("note", g[-1].record_id)]) for g in groups[:size]]
    assert all(len(c) <= p.MAX_COVERS for c in covered)
    assert sum(map(len, covered)) <= p.MAX_PUSH_COVERS
    first = groups[0]
    assert covered[0][0] == landed[("note", first[-1].record_id)]
    assert covered[0][-1] == first[-1].change_id
    small = _group(3)
    assert push.covered_ids(small, "earlier") == ["earlier", *(r.change_id for r in small)]
