"""The pull page's JSON is built from stored texts (server/storage/feed.py ``pull_json``); ids,
kinds and item types are quoted by a fast path that must write exactly what ``json.dumps``
writes, for any text."""

from __future__ import annotations

import json
import uuid

from hypothesis import given
from hypothesis import strategies as st

from sli_desktop.server.storage.feed import json_name, json_text


@given(st.text() | st.from_regex(r"[0-9A-Za-z_.:-]*", fullmatch=True))
def test_ids_are_quoted_as_json_dumps_quotes_them(text: str) -> None:
    assert json_text(text) == json.dumps(text)
    assert json_name(text) == json.dumps(text)


def test_real_ids_take_the_plain_path_and_stay_exact() -> None:
    for value in [str(uuid.uuid4()), "note", "record", "register:abc:2", "x\\y", 'a"b', "é"]:
        assert json_text(value) == json.dumps(value)
