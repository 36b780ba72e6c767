"""The figures import writes its outbox payloads from pieces of text (``bulk._PairsText``):
each must be exactly the text the encoder writes for the same object, or a payload's bytes
would depend on how it was saved."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sli_desktop.vault.bulk import _dumps, _PairsText

values = st.one_of(
    st.text(),
    st.sampled_from(["", "£", "é", '"', "\\", "\x00", "\u2028", "\U0001f600", "E08000025"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-05, 1e20, 1e16, 0.1, 5e-324]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
)
objects = st.dictionaries(st.text(max_size=6), values, max_size=6)

#: One writer for every example, as one import uses one: what it remembers must stay right.
PAIRS = _PairsText()


@settings(max_examples=500, deadline=None)
@given(st.lists(objects, min_size=1, max_size=4))
def test_pairs_are_the_encoders_text(batch: list[dict[str, Any]]) -> None:
    for fields in batch:
        assert f"{{{PAIRS.of(fields)}}}" == _dumps(fields)


def test_a_string_and_a_number_that_look_alike_stay_apart() -> None:
    pairs = _PairsText()
    assert pairs.of({"v": "1.5"}) == '"v":"1.5"'
    assert pairs.of({"v": 1.5}) == '"v":1.5'
    assert pairs.of({"v": -0.0}) == '"v":-0.0'
    assert pairs.of({"v": 0.0}) == '"v":0.0'
