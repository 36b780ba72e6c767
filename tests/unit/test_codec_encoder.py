"""codec.encode writes list and dict fields with one shared JSON encoder (faster than
``json.dumps`` with options, which builds an encoder per call): the text must be exactly what
``json.dumps`` with the same options writes, for any JSON value."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sli_desktop.domain import Note
from sli_desktop.vault import codec

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@given(_JSON)
def test_shared_encoder_writes_what_json_dumps_writes(value: Any) -> None:
    assert codec._ENCODER.encode(value) == _dumps(value)


@given(_JSON | st.lists(st.text(), max_size=6))
def test_lists_of_strings_joined_directly_are_the_same_text(value: Any) -> None:
    """The shortcut for lists of plain strings (and the encoder for anything else)."""
    assert codec.json_text(value) == _dumps(value)


@given(st.lists(st.text(), max_size=6))
def test_encoded_note_lists_are_json_dumps_text(themes: list[str]) -> None:
    note = Note.build(
        council="E09000033", date="2026-01-05", title="A visit", body="", themes=themes
    )
    data = note.model_dump(mode="json")
    row = codec.encode(note)
    for name in codec.json_fields(Note):
        assert row[name] == _dumps(data[name])
