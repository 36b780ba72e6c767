"""Records to rows and back: columns are the domain's field names, and nothing is lost."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import (
    RECORD_TYPES,
    Challenge,
    ConcernLevel,
    Contact,
    Note,
    Record,
    ValidationError,
)
from sli_desktop.vault import codec
from sli_desktop.vault.store import Vault
from tests import strategies as gen


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_record_type_has_a_table_and_its_fields_as_columns(cls: type[Record]) -> None:
    assert codec.table(cls)
    assert codec.columns(cls) == tuple(cls.model_fields)
    assert codec.TYPES_BY_KIND[cls.kind] is cls


def test_encode_makes_sql_ready_values() -> None:
    note = Note.build(
        council="E08000025",
        date="2024-05-01",
        title="Budget gap",
        body="Siân said the gap is £87m",
        themes=["Finance", "Leadership"],
        council_aware=True,
        private=False,
    )
    row = codec.encode(note)
    assert set(row) == set(Note.model_fields)
    # Lists are compact JSON with non-ASCII characters as themselves; booleans are 0/1.
    assert row["themes"] == '["finance","leadership"]'
    assert row["evidence"] == "[]"
    assert row["council_aware"] == 1
    assert row["private"] == 0
    assert row["date"] == "2024-05-01"
    assert row["body"] == "Siân said the gap is £87m"
    contact = Contact.build(name="Siân Ŵyn Llŷr", phones=["0121 303 1111"])
    row = codec.encode(contact)
    assert row["phones"] == '["+441213031111"]'
    assert json.loads(row["phones"]) == ["+441213031111"]
    assert codec.encode(Contact.build(name="x", role="Prif Weithredwr – Môn"))["role"] == (
        "Prif Weithredwr – Môn"
    )


def test_json_list_fields_keep_non_ascii_as_themselves() -> None:
    note = Note.build(council="W06000001", date=date(2024, 1, 1), title="t", themes=["Ynys Môn"])
    assert codec.encode(note)["themes"] == '["ynys môn"]'


def test_decode_loads_a_stored_record_that_a_newer_rule_would_refuse() -> None:
    """Business rules guard new writes; yesterday's stored notes must stay readable."""
    row = codec.encode(Note.build(council="E08000025", date="2024-05-01", title="t"))
    row["concern"] = ConcernLevel.SERIOUS.value  # no evidence: refused for a new note
    loaded = codec.decode(Note, row)
    assert loaded.concern is ConcernLevel.SERIOUS
    with pytest.raises(ValidationError) as caught:
        loaded.evolve(title="changed")
    assert caught.value.field == "evidence"


def test_decode_still_checks_types_and_formats() -> None:
    row = codec.encode(Note.build(council="E08000025", date="2024-05-01", title="t"))
    row["council"] = "not a code"
    with pytest.raises(ValueError, match="GSS"):
        codec.decode(Note, row)


def test_decode_ignores_columns_that_are_not_fields() -> None:
    row = codec.encode(Contact.build(name="Jo"))
    row["seq"] = 42
    assert codec.decode(Contact, row).name == "Jo"


@settings(max_examples=100, deadline=None)
@given(gen.records)
def test_every_generated_record_round_trips_through_a_row(record: Record) -> None:
    assert codec.decode(type(record), codec.encode(record)) == record


@settings(max_examples=40, deadline=None)
@given(st.one_of(gen.notes(), gen.contacts(), gen.engagements()))
def test_a_record_round_trips_through_its_json_payload(record: Record) -> None:
    payload = json.loads(json.dumps(record.to_json(), ensure_ascii=False))
    assert codec.from_payload(type(record), payload) == record


def test_engagement_team_and_history_survive_a_row() -> None:
    engagement = Challenge.build(
        council="E08000025",
        type="corporate",
        status="booked",
        start="2025-03-03",
        end="2025-03-06",
        team=[{"name": "Cllr Siân Jones", "role": "lead member peer", "council": "w06000001"}],
        history=[{"status": "proposed", "on": "2024-11-01"}],
    )
    back = codec.decode(Challenge, codec.encode(engagement))
    assert back == engagement
    assert back.team[0].council == "W06000001"
    assert back.history[0].on == date(2024, 11, 1)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(gen.records)
def test_json_form_of_a_stored_row_is_what_decoding_it_gives(vault: Vault, record: Record) -> None:
    """``json_form`` reads a row without validating it (the outbox's entries that stand for
    their rows): for every record type it must give what ``decode(...).to_json()`` gives for
    the same row, as SQLite hands it back (REAL, INTEGER and TEXT columns, lists as JSON,
    booleans as 0/1, absent values as NULL)."""
    cls = type(record)
    names = codec.columns(cls)
    cols = ", ".join(codec.quoted(n) for n in names)
    data = codec.encode(record)
    vault.conn.execute("PRAGMA foreign_keys = OFF")  # a note's council need not be held here
    marks = ", ".join("?" * len(names))
    vault.conn.execute(
        f"INSERT OR REPLACE INTO {codec.table(cls)} ({cols}) VALUES ({marks})",
        [data[n] for n in names],
    )
    (row,) = vault.query(f"SELECT {cols} FROM {codec.table(cls)} WHERE id = ?", (record.id,))
    form = codec.json_form(cls, row)
    assert form == codec.decode(cls, dict(zip(names, row, strict=True))).to_json()
    assert json.dumps(form, sort_keys=True) == json.dumps(
        codec.decode(cls, dict(zip(names, row, strict=True))).to_json(), sort_keys=True
    )
