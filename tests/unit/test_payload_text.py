"""The figures import writes its outbox payloads from pieces of text, column by column
(``bulk._pairs``): each must be exactly the text the encoder writes for the same object, or a
payload's bytes would depend on how it was saved."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sli_desktop.vault.bulk import _dumps, _pairs

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
names = st.text(max_size=6)


@settings(max_examples=500, deadline=None)
@given(
    names,
    st.lists(values, max_size=8),
    st.lists(st.text(max_size=3), max_size=8),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=8),
)
def test_pairs_are_the_encoders_text(
    name: str, mixed: list[Any], strings: list[str], floats: list[float]
) -> None:
    """Columns of any values, of strings only (each distinct string encoded once) and of
    floats only."""
    for column in (mixed, strings, floats):
        assert _pairs(name, column) == [_dumps({name: v})[1:-1] for v in column]


def test_a_string_and_a_number_that_look_alike_stay_apart() -> None:
    assert _pairs("v", ["1.5", "1.5"]) == ['"v":"1.5"', '"v":"1.5"']
    assert _pairs("v", [1.5, -0.0, 0.0, float("nan")]) == [
        '"v":1.5',
        '"v":-0.0',
        '"v":0.0',
        '"v":NaN',
    ]
