"""PostgreSQL plans the push's lookups from its statistics, and a fresh server has none until
autovacuum gets to its tables (up to a minute later, or never where it is turned off). The
server analyses the sync tables itself after a large push once they have grown past what their
statistics say (``Statistics.refresh`` in server/storage/upkeep.py). These tests hold autovacuum
off on the tables so that only the server can have analysed them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from sli_desktop.server.storage import Principal, Storage
from sli_desktop.sync import protocol as p

from .support import database_url, new_note_changes, register_payloads

TABLES = ("records", "revisions", "changes", "applied_changes")


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(database_url("postgresql", tmp_path))
    store.reset()
    store.import_councils(register_payloads())
    with store.engine.begin() as conn:
        for table in TABLES:
            conn.execute(sa.text(f"ALTER TABLE {table} SET (autovacuum_enabled = false)"))
    yield store
    store.close()


def _seeder(storage: Storage) -> Principal:
    enrolment = storage.enroll(storage.add_user("seeder", "admin", ["London"]), "laptop")
    assert enrolment is not None
    who = storage.authenticate(enrolment.token).principal
    assert who is not None
    return who


def _push_notes(storage: Storage, who: Principal, count: int, per_push: int) -> None:
    for first in range(0, count, per_push):
        changes = new_note_changes(min(per_push, count - first), "seeder", start=first)
        results = storage.push(who, p.PushRequest(changes=changes)).results
        assert all(r.status == "applied" for r in results)


def _analysed(storage: Storage) -> dict[str, float]:
    """Each sync table's row count as its statistics have it (-1: never analysed)."""
    with storage.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT relname, reltuples FROM pg_class WHERE relname IN :names").bindparams(
                sa.bindparam("names", expanding=True)
            ),
            {"names": list(TABLES)},
        ).all()
    return {str(name): float(count) for name, count in rows}


def test_large_pushes_leave_the_tables_analysed(postgres: Storage) -> None:
    assert set(_analysed(postgres).values()) == {-1.0}  # a fresh server: no statistics
    _push_notes(postgres, _seeder(postgres), 1_500, per_push=500)
    counts = _analysed(postgres)
    assert counts["records"] >= 1_000, counts
    assert counts["revisions"] >= 1_000 and counts["changes"] >= 1_000, counts


def test_small_pushes_never_pay_for_a_look(postgres: Storage) -> None:
    _push_notes(postgres, _seeder(postgres), 1_500, per_push=50)
    assert set(_analysed(postgres).values()) == {-1.0}


def test_a_push_succeeds_when_the_analysis_fails(
    postgres: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upkeep after the push has committed: its failure is not the push's."""

    def broken(_grown: int) -> tuple[bool, float]:
        raise sa.exc.OperationalError("ANALYZE", {}, Exception("the server went away"))

    monkeypatch.setattr(postgres.statistics, "analyse_if_outgrown", broken)
    who = _seeder(postgres)
    _push_notes(postgres, who, 1_200, per_push=400)
    with postgres.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM records WHERE kind = 'note'")).scalar()
    assert stored == 1_200
