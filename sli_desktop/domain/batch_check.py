"""Checking many records' fields at once, for imports of hundreds of thousands of rows: each
distinct value of each field is checked once, by the rules ``build`` applies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

import pydantic

from .errors import ValidationError
from .records import FRIENDLY_MESSAGES, Record, domain_error


@dataclass(frozen=True)
class CheckedColumns:
    """Records' own fields as ``FieldsAtOnce.columns`` checked them (for ``cls``): one list per
    field, in the model's field order, each value in JSON form, ``count`` records long. Bulk
    writes take these without checking again; only ``FieldsAtOnce`` makes them."""

    cls: type[Record]
    columns: dict[str, list[Any]]
    count: int


class FieldsAtOnce:
    """Validates many records' own fields (everything but the common Record fields) the way
    ``cls.build`` would, checking each distinct value of each field once.

    An import of 200,000 figures names a few hundred councils, periods and metrics; a record
    type whose rules are all per field (no model validators, no field validators of its own)
    accepts a value in one field regardless of the others, so one check per distinct value is
    the same check. Each field is validated with its own annotation and constraints under the
    record's configuration (whitespace stripped, as ``build`` does), and comes back in the JSON
    form ``model_dump(mode="json")`` gives, in the model's field order. Types with other rules
    are refused at construction, so this cannot be used to skip them."""

    def __init__(self, cls: type[Record]) -> None:
        decorators = cls.__pydantic_decorators__
        own_validators = [
            d
            for d in decorators.field_validators.values()
            if set(d.info.fields) - set(Record.model_fields)
        ]
        if (
            decorators.model_validators
            or own_validators
            or decorators.field_serializers
            or decorators.model_serializers
            or decorators.computed_fields
        ):
            raise TypeError(f"{cls.__name__} has rules across fields: build each record")
        config = pydantic.ConfigDict(
            str_strip_whitespace=bool(cls.model_config.get("str_strip_whitespace"))
        )
        self.cls = cls
        self.fields = {
            name: info for name, info in cls.model_fields.items() if name not in Record.model_fields
        }
        self.adapters = {
            name: pydantic.TypeAdapter(info.rebuild_annotation(), config=config)
            for name, info in self.fields.items()
        }
        # Per field, what each value checked to (or the error it met), keyed as _column says.
        self.seen: dict[str, dict[Any, Any]] = {name: {} for name in self.fields}

    def one(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """One item's fields, validated, in JSON form; ValidationError (naming the field) for
        the first value ``build`` would refuse."""
        checked, bad = self.columns({name: [value] for name, value in item.items()}, 1)
        if bad:  # a fresh error: the remembered one is shared by every item that met it
            raise ValidationError(bad[0].field, bad[0].message)
        return {name: values[0] for name, values in checked.columns.items()}

    def columns(
        self, given: Mapping[str, Sequence[Any]], count: int
    ) -> tuple[CheckedColumns, dict[int, ValidationError]]:
        """``count`` items given field by field (a sequence of ``count`` values per field
        named; a field not named takes its default), checked as ``build`` checks each item.
        Returns the good items' fields, and for each bad item (by its index) the error
        ``build`` gives: the first field, in the model's order, that it refuses.

        Column by column, so an import's Python work per value is a dictionary lookup: a
        column of strings (or of floats) is checked once per distinct value."""
        if any(len(values) != count for values in given.values()):
            raise ValueError(f"every column must hold {count} values")
        bad: dict[int, ValidationError] = {}
        unknown = sorted(set(given) - set(self.fields))
        if unknown:
            error = ValidationError(unknown[0], FRIENDLY_MESSAGES["extra_forbidden"])
            bad = dict.fromkeys(range(count), error)
        checked: dict[str, list[Any]] = {}
        for name in self.fields:
            if name in given:
                checked[name] = self._column(name, given[name], bad)
                continue
            try:
                value = self._default(name)
            except ValidationError as error:
                for index in range(count):
                    bad.setdefault(index, error)
                value = None
            else:
                value = self._column(name, [value], {})[0] if count else None
            checked[name] = [value] * count
        if bad:
            keep = [index not in bad for index in range(count)]
            checked = {name: list(compress(values, keep)) for name, values in checked.items()}
        return CheckedColumns(self.cls, checked, count - len(bad)), bad

    def _column(
        self, name: str, values: Sequence[Any], bad: dict[int, ValidationError]
    ) -> list[Any]:
        """Each value's checked form (None where refused; an item's first refusal goes into
        ``bad``). Keys: a string is its own key, a float too unless it is a zero (-0.0 == 0.0
        as keys, not as values), anything else is keyed by its type as well (True == 1 == 1.0
        as keys); a NaN never equals itself, so each is checked anew."""
        seen = self.seen[name]
        kinds = set(map(type, values))
        if kinds <= {str}:
            keys: Sequence[Any] = values
        elif kinds == {float}:
            keys = [v if v else (float, v.hex()) for v in values]
        else:
            keys = [(type(v), v.hex() if type(v) is float else v) for v in values]
        try:
            new = {key: raw for key, raw in zip(keys, values, strict=True) if key not in seen}
        except TypeError:  # a list or other unhashable value: each checked on its own
            answers = [self._check(name, raw) for raw in values]
        else:
            for key, raw in new.items():
                seen[key] = self._check(name, raw)
            answers = [seen[key] for key in keys]
        if ValidationError in set(map(type, answers)):
            for index, answer in enumerate(answers):
                if type(answer) is ValidationError:
                    bad.setdefault(index, answer)
                    answers[index] = None
        return answers

    def _default(self, name: str) -> Any:
        info = self.fields[name]
        if info.is_required():
            raise ValidationError(name, FRIENDLY_MESSAGES["missing"])
        return info.get_default(call_default_factory=True)

    def _check(self, name: str, raw: Any) -> Any:
        """The value's JSON form once validated, or the ValidationError ``build`` would raise
        for it (returned, to be remembered like an answer)."""
        adapter = self.adapters[name]
        try:
            return adapter.dump_python(adapter.validate_python(raw), mode="json")
        except pydantic.ValidationError as exc:
            error = domain_error(exc)
            return ValidationError(name, error.message)
