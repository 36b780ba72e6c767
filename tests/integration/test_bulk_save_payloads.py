"""``save_many`` serialises each record once and derives both the stored row and the outbox
payload from it: both must be exactly what ``save`` would have written, for every field type
(lists, booleans, floats, dates, timestamps, the author filled in)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sli_desktop.domain import (
    Contact,
    Metric,
    Note,
    Record,
)
from sli_desktop.domain.batch_check import FieldsAtOnce
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.bulk import insert_new, save_many
from sli_desktop.vault.errors import VaultDamaged
from sli_desktop.vault.store import ROW_PAYLOAD, Vault
from sli_desktop.vault.syncstate import SyncState

GSS = "E09000033"


def _outbox(vault: Vault) -> dict[str, dict[str, Any]]:
    rows = vault.query("SELECT record_id, payload FROM outbox ORDER BY seq")
    return {str(r[0]): json.loads(r[1]) for r in rows}


def _check(vault: Vault, records: list[Record]) -> None:
    saved = save_many(vault, records)
    outbox = _outbox(vault)
    for record in saved:
        stored = vault.get(type(record), record.id)
        assert stored == record  # the row decodes to the record save_many returned
        assert outbox[record.id] == record.to_json()  # and the payload is its JSON form
        assert record.author == vault.actor and record.version == 1


def test_rows_and_payloads_match_the_records(councils_vault: Vault) -> None:
    vault = councils_vault  # its register holds Westminster, the council the records name
    _check(
        vault,
        [
            Contact.build(
                name=f"Chloé Brontë {i}",
                role="Officer",
                emails=[f"c{i}@example.org"],
                phones=["0121 303 0001"],
            )
            for i in range(30)
        ],
    )
    _check(
        vault,
        [
            Note.build(
                council=GSS,
                date="2026-01-05",
                title=f"Note {i} — ünïcode",
                body="Body\nwith lines",
                themes=["finance", "Governance"],
                council_aware=bool(i % 2),
                private=i == 3,
            )
            for i in range(25)
        ],
    )
    _check(
        vault,
        [
            Metric.build(
                council=GSS, period="2024/25", metric_id=f"M{i}", name="A rate", value=i / 3
            )
            for i in range(40)
        ],
    )


def test_returning_false_writes_the_same_and_returns_nothing(vault: Vault) -> None:
    records = [Contact.build(name=f"Person {i}") for i in range(25)]
    assert save_many(vault, records, returning=False) == []
    stored = {c.id: c for c in vault.records(Contact)}
    assert set(stored) == {r.id for r in records}
    outbox = _outbox(vault)
    assert all(outbox[i] == c.to_json() for i, c in stored.items())


def test_insert_new_writes_what_saving_built_records_writes(councils_vault: Vault) -> None:
    """``insert_new`` (fields checked column by column, no records built) leaves the same
    rows as ``save_many(new=True)`` of the records ``build`` makes, and outbox entries that
    stand for their rows: the outbox gives the same state for both."""
    vault = councils_vault
    fields = [
        {
            "council": " e09000033",
            "period": f" 2024/{i % 3} ",
            "metric_id": f"M{i % 4}",
            "name": "A rate — ünïcode",
            "value": [i / 3, -0.0, 1e-05, 10**20][i % 4],
            "unit": "%" if i % 2 else "",
            "source": "figures.csv",
        }
        for i in range(20)
    ]
    columns = {name: [f[name] for f in fields] for name in fields[0]}
    checked, bad = FieldsAtOnce(Metric).columns(columns, len(fields))
    assert not bad
    assert insert_new(vault, checked) == 20
    save_many(vault, [Metric.build(**f) for f in fields], new=True)
    assert AuditLog(vault).verify() is None
    volatile = ("id", "created_at", "updated_at")

    def stable(payload: dict[str, Any]) -> list[tuple[str, Any]]:
        # compared as values: a row holds -0.0 as 0.0, which is what a push of it then sends
        return [(k, v) for k, v in payload.items() if k not in volatile]

    # the first 20 entries stand for their rows; the next 20 hold copies
    query = "SELECT payload FROM outbox WHERE kind = 'metric' ORDER BY seq"
    stored = [str(p) for (p,) in vault.query(query)]
    assert stored[:20] == [ROW_PAYLOAD] * 20 and ROW_PAYLOAD not in stored[20:]
    outbox = [e for e in SyncState(vault).outbox() if e.kind == "metric"]
    assert [e.op for e in outbox] == ["upsert"] * 40
    payloads = [e.payload for e in outbox]
    assert [stable(p) for p in payloads[:20]] == [stable(p) for p in payloads[20:]]
    assert all(p["version"] == 1 for p in payloads)
    by_row = {m.id: m for m in vault.records(Metric)}  # every row reads back as a Metric
    for entry in outbox:
        assert entry.payload["id"] == entry.record_id
        assert by_row[entry.record_id].to_json() == entry.payload
    cols = "council, period, metric_id, name, value, unit, source, author, version, deleted"
    rows = vault.query(f"SELECT {cols} FROM metrics ORDER BY seq")
    assert sorted(rows[:20], key=repr) == sorted(rows[20:], key=repr)


def _add_one_figure(vault: Vault) -> None:
    """One figure added as the figures import adds them (an outbox entry without a copy)."""
    columns = {
        "council": [GSS],
        "period": ["2024/25"],
        "metric_id": ["M1"],
        "name": ["Rate"],
        "value": [1.5],
        "unit": ["%"],
        "source": ["f.csv"],
    }
    checked, _ = FieldsAtOnce(Metric).columns(columns, 1)
    insert_new(vault, checked)


def test_an_entry_without_a_payload_sends_the_records_newest_state(
    councils_vault: Vault,
) -> None:
    """A figure added by insert_new and edited before any sync: the edit journals an entry of
    its own, and the outbox gives the edited state (the one a push sends) for both."""
    vault = councils_vault
    _add_one_figure(vault)
    (figure,) = vault.records(Metric)
    edited = vault.save(figure.evolve(value=2.5))
    outbox = [e for e in SyncState(vault).outbox() if e.kind == "metric"]
    assert [e.record_id for e in outbox] == [figure.id, figure.id]
    assert [e.payload for e in outbox] == [edited.to_json(), edited.to_json()]
    assert edited.version == 2


def test_an_entry_whose_row_is_gone_is_reported_not_sent(councils_vault: Vault) -> None:
    """The row an entry stands for is missing (damage: nothing removes a record with unsent
    changes): the outbox says so in one sentence rather than sending something else."""
    vault = councils_vault
    _add_one_figure(vault)
    with vault.transaction():
        vault.conn.execute("DELETE FROM metrics")
    with pytest.raises(VaultDamaged, match="which it no longer holds"):
        SyncState(vault).outbox()


def test_insert_new_refuses_types_it_cannot_write_plainly(vault: Vault) -> None:
    """Contacts hold lists (stored as JSON text): checked column by column they may be, but
    insert_new writes only plain columns, and refuses before writing anything."""
    columns = {"name": ["Person"], "emails": [["p@example.org"]]}
    checked, bad = FieldsAtOnce(Contact).columns(columns, 1)
    assert not bad and checked.count == 1
    with pytest.raises(TypeError, match="plain columns only"):
        insert_new(vault, checked)
    assert vault.records(Contact) == []
    assert vault.query("SELECT count(*) FROM outbox") == [(0,)]
