"""Record ids are written out by hand for speed (domain.records.new_id, new_ids,
canonical_uuid): they must be exactly what the uuid module would make and accept."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sli_desktop.domain import Metric, new_id, new_ids
from sli_desktop.domain.errors import ValidationError
from sli_desktop.domain.records import canonical_uuid

#: One at a time, and many from one read of the random source: the same form either way.
MAKERS = {
    "new_id": lambda count: [new_id() for _ in range(count)],
    "new_ids": new_ids,
}


@pytest.mark.parametrize("make", MAKERS.values(), ids=list(MAKERS))
def test_new_id_is_a_canonical_version_4_uuid(make: Callable[[int], list[str]]) -> None:
    ids = make(2000)
    assert len(ids) == 2000
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == value


@pytest.mark.parametrize("make", MAKERS.values(), ids=list(MAKERS))
def test_new_id_uses_every_variant_digit(make: Callable[[int], list[str]]) -> None:
    """The variant nibble keeps two random bits: 8, 9, a and b all occur."""
    assert {value[19] for value in make(400)} == set("89ab")


def test_new_ids_of_none_is_empty() -> None:
    assert new_ids(0) == []


@given(st.uuids())
def test_canonical_uuid_matches_the_uuid_module_for_every_spelling(value: uuid.UUID) -> None:
    for spelling in (str(value), str(value).upper(), value.hex, f"{{{value}}}", value.urn):
        assert canonical_uuid(spelling) == str(uuid.UUID(spelling))


@given(st.text(max_size=40))
def test_canonical_uuid_refuses_what_the_uuid_module_refuses(value: str) -> None:
    try:
        expected = str(uuid.UUID(value))
    except ValueError:
        with pytest.raises(ValueError):
            canonical_uuid(value)
    else:
        assert canonical_uuid(value) == expected


def test_a_record_id_is_still_checked() -> None:
    fields = {
        "council": "E08000025",
        "period": "2025/26",
        "metric_id": "M1",
        "name": "M",
        "value": 1,
    }
    figure = Metric.build(**fields)
    assert Metric.build(**fields, id=figure.id.upper()).id == figure.id
    with pytest.raises(ValidationError, match="UUID"):
        Metric.build(**fields, id="not-a-uuid")
