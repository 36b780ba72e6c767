"""Reading a record a newer app wrote (domain/forward.py): unknown fields are left out, at
the top and in nested models; everything else still forbids them."""

from __future__ import annotations

from datetime import date

import pydantic
import pytest

from sli_desktop.domain import Challenge
from sli_desktop.domain.board import ImprovementBoard
from sli_desktop.domain.forward import known_only
from sli_desktop.domain.records import STORED
from sli_desktop.vault import codec

COUNCIL = "E09000033"


def _challenge() -> Challenge:
    return Challenge.build(
        council=COUNCIL,
        type="corporate",
        start=date(2026, 3, 10),
        end=date(2026, 3, 12),
        timetable=[{"day": "2026-03-10", "what": "Arrival"}],
        team=[{"name": "Ann Peer", "role": "member peer"}],
        history=[{"status": "proposed", "on": "2026-01-05"}],
    )


def test_a_payload_of_known_fields_reads_as_before() -> None:
    e = _challenge()
    assert codec.from_payload(Challenge, e.to_json()) == e


def test_unknown_fields_are_left_out_at_every_level() -> None:
    e = _challenge()
    newer = e.to_json() | {"mood": "calm"}
    newer["timetable"][0]["room"] = "4"
    newer["team"][0]["pronouns"] = "she/her"
    newer["history"][0]["by"] = "someone"
    assert codec.from_payload(Challenge, newer) == e
    board = ImprovementBoard.build(council=COUNCIL, members=[{"name": "Bea Chair"}])
    data = board.to_json() | {"chair": "Bea"}
    data["members"][0]["since"] = "2020"
    assert codec.from_payload(ImprovementBoard, data) == board


def test_what_is_not_a_mapping_is_left_for_validation_to_judge() -> None:
    data = _challenge().to_json() | {"timetable": ["not an entry"]}
    assert known_only(Challenge, data)["timetable"] == ["not an entry"]
    with pytest.raises(pydantic.ValidationError):
        codec.from_payload(Challenge, data)


def test_new_writes_and_stored_reads_still_refuse_unknown_fields() -> None:
    data = _challenge().to_json() | {"mood": "calm"}
    for context in (None, STORED):
        with pytest.raises(pydantic.ValidationError, match="mood"):
            Challenge.model_validate(data, context=context)
