"""``FieldsAtOnce`` checks many records' fields the way ``build`` does, each distinct value once
(the figures importer relies on it for 200,000 rows). It must accept exactly what ``build``
accepts, give exactly its values, refuse with the same field and message, and refuse record
types whose rules span fields."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sli_desktop.domain import Action, Contact, Metric, Note, ValidationError
from sli_desktop.domain.batch_check import FieldsAtOnce
from sli_desktop.domain.records import Record

OWN = [n for n in Metric.model_fields if n not in Record.model_fields]
#: One checker for every example: answers it remembers from one example serve the next,
#: which is exactly what must stay correct.
CHECK = FieldsAtOnce(Metric)

texts = st.one_of(
    st.sampled_from(["E08000025", "e08000025 ", " 2024/25", "M1", "%", "", " ", "\x1f", "£"]),
    st.text(max_size=8),
    st.text(alphabet=" \t\n\x1c\x1f\x85\xa0\u2003abcE0123456789", max_size=12),
    st.text(min_size=495, max_size=505, alphabet="ab "),
)
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1, True, False, "1.5", " 2 ", "nan", "1e400", None]),
    st.integers(min_value=-(10**20), max_value=10**20),
)
codes = st.one_of(
    st.sampled_from(["E08000025", "e08000025", " E09000033 ", "W06000015", "E0800002", "X"]), texts
)
optional = {"unit": st.one_of(texts, st.text(min_size=49, max_size=52, alphabet="u"))}
items = st.one_of(
    # every required field there, mostly plausible: the accepting path
    st.fixed_dictionaries(
        {
            "council": codes,
            "period": texts,
            "metric_id": texts,
            "name": texts,
            "value": values,
        },
        optional={**optional, "source": texts},
    ),
    # anything missing or extra: the refusing path
    st.fixed_dictionaries(
        {},
        optional={
            "council": codes,
            "period": texts,
            "metric_id": texts,
            "name": texts,
            "value": values,
            **optional,
            "source": texts,
            "colour": st.just("blue"),
        },
    ),
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


@settings(max_examples=600, deadline=None)
@given(items)
def test_accepts_and_refuses_exactly_as_build(item: dict[str, Any]) -> None:
    try:
        built = Metric.build(**item).model_dump(mode="json")
    except ValidationError as refused:
        with pytest.raises(ValidationError) as caught:
            CHECK.one(item)
        # the same message for the same field (build may meet another bad field first)
        assert caught.value.field in [*OWN, "colour"]
        if caught.value.field == refused.field:
            assert caught.value.message == refused.message
        return
    checked = CHECK.one(item)
    assert list(checked) == OWN, "the model's field order, for the same payload text"
    for name in OWN:
        assert _same(checked[name], built[name]), name


def test_remembered_answers_keep_types_and_signs_apart() -> None:
    check = FieldsAtOnce(Metric)
    base = {"council": "E08000025", "period": "2024/25", "metric_id": "M1", "name": "M"}
    assert math.copysign(1, check.one({**base, "value": 0.0})["value"]) == 1
    assert math.copysign(1, check.one({**base, "value": -0.0})["value"]) == -1
    assert check.one({**base, "value": True})["value"] == 1.0
    with pytest.raises(ValidationError, match="metric_id"):
        check.one({**base, "metric_id": 1})  # 1 == True, but a number is not text
    assert check.one({**base, "value": 1, "council": " e08000025 "})["council"] == "E08000025"


@pytest.mark.parametrize("cls", [Metric, Note, Action, Contact], ids=lambda c: c.__name__)
def test_only_types_whose_rules_are_all_per_field_are_taken(cls: type[Record]) -> None:
    decorators = cls.__pydantic_decorators__
    own = decorators.field_validators.keys() - {"_uuid", "_aware"}
    if decorators.model_validators or own:
        with pytest.raises(TypeError, match="rules across fields"):
            FieldsAtOnce(cls)
    else:
        assert set(FieldsAtOnce(cls).fields) == set(cls.model_fields) - set(Record.model_fields)


@settings(max_examples=300, deadline=None)
@given(st.lists(items, min_size=1, max_size=6), st.data())
def test_columns_check_each_item_as_build_does(
    drawn: list[dict[str, Any]], data: st.DataObject
) -> None:
    """A batch given column by column (every item naming the same fields, as an importer's
    columns do): each good item comes back with build's values, in order, and each bad one
    is reported by its index with a refusal build would make."""
    names = data.draw(st.sampled_from([sorted(d) for d in drawn]))
    batch = [d for d in drawn if sorted(d) == names]
    checked, bad = CHECK.columns({n: [d[n] for d in batch] for n in names}, len(batch))
    assert list(checked.columns) == OWN
    assert checked.count == len(batch) - len(bad)
    assert all(len(values) == checked.count for values in checked.columns.values())
    good = iter(range(checked.count))
    for index, item in enumerate(batch):
        try:
            built = Metric.build(**item).model_dump(mode="json")
        except ValidationError as refused:
            assert index in bad
            assert bad[index].field in [*OWN, "colour"]
            if bad[index].field == refused.field:
                assert bad[index].message == refused.message
            continue
        assert index not in bad
        row = next(good)
        for name in OWN:
            assert _same(checked.columns[name][row], built[name]), name


def test_a_column_of_one_type_keeps_signs_and_refusals_apart() -> None:
    check = FieldsAtOnce(Metric)
    base = {"council": "E08000025", "period": "2024/25", "metric_id": "M1", "name": "M"}
    values = [0.0, -0.0, float("nan"), 2.5, float("inf"), -0.0]
    checked, bad = check.columns({**{k: [v] * 6 for k, v in base.items()}, "value": values}, 6)
    assert sorted(bad) == [2, 4] and {e.field for e in bad.values()} == {"value"}
    assert [math.copysign(1, v) for v in checked.columns["value"]] == [1, -1, 1, -1]
    with pytest.raises(ValueError, match="6 values"):
        check.columns({"council": ["E08000025"]}, 6)
