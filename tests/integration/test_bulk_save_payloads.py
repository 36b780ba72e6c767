"""``save_many`` serialises each record once and derives both the stored row and the outbox
payload from it: both must be exactly what ``save`` would have written, for every field type
(lists, booleans, floats, dates, timestamps, the author filled in)."""

from __future__ import annotations

import json
from typing import Any

from sli_desktop.domain import (
    Contact,
    Council,
    CouncilType,
    Metric,
    Note,
    Record,
    Region,
    council_id,
)
from sli_desktop.vault.bulk import save_many
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.store import Vault

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


def test_rows_and_payloads_match_the_records(vault: Vault, councils: Any = None) -> None:
    Councils(vault).upsert_register(
        [
            Council.build(
                id=council_id(GSS),
                gss_code=GSS,
                name="Westminster City Council",
                type=CouncilType.LONDON_BOROUGH,
                region=Region.LONDON,
            )
        ]
    )
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
