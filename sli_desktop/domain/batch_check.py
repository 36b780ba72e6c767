"""Checking many records' fields at once, for imports of hundreds of thousands of rows: each
distinct value of each field is checked once, by the rules ``build`` applies."""

from __future__ import annotations

from typing import Any

import pydantic

from .errors import ValidationError
from .records import _FRIENDLY, Record, _domain_error


class CheckedFields(dict[str, Any]):
    """A record's own fields as ``FieldsAtOnce.one`` checked them (for ``cls``), in JSON form:
    bulk writes take these without checking again. Read-only by convention. Each
    ``FieldsAtOnce`` makes its own subclass naming the record type, so making one per row is a
    plain dict's construction."""

    cls: type[Record]


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
        self.checked: type[CheckedFields] = type(
            f"Checked{cls.__name__}", (CheckedFields,), {"cls": cls}
        )
        # Per field, what each value checked to: strings (the usual value) keyed by
        # themselves, floats by their exact bits (-0.0 == 0.0 as keys, not as values; NaN
        # never equals itself), anything else by type and value (True == 1 == 1.0 as keys).
        self.seen: list[tuple[str, dict[str, Any], dict[str, Any], dict[Any, Any]]] = [
            (name, {}, {}, {}) for name in self.fields
        ]

    def one(self, item: dict[str, Any]) -> CheckedFields:
        """The item's fields, validated, in JSON form; ValidationError (naming the field) for
        the first value ``build`` would refuse."""
        if not item.keys() <= self.fields.keys():
            unknown = sorted(set(item) - set(self.fields))[0]
            raise ValidationError(unknown, _FRIENDLY["extra_forbidden"])
        out = self.checked()
        for name, strings, floats, others in self.seen:
            raw = item[name] if name in item else self._default(name)
            kind = type(raw)
            seen: dict[Any, Any]
            if kind is str:
                seen, key = strings, raw
            elif kind is float:
                seen, key = floats, raw.hex()
            else:
                seen, key = others, (kind, raw)
            try:
                out[name] = seen[key]
            except KeyError:
                out[name] = seen[key] = self._check(name, raw)
            except TypeError:  # a list or other unhashable value: checked every time
                out[name] = self._check(name, raw)
        return out

    def _default(self, name: str) -> Any:
        info = self.fields[name]
        if info.is_required():
            raise ValidationError(name, _FRIENDLY["missing"])
        return info.get_default(call_default_factory=True)

    def _check(self, name: str, raw: Any) -> Any:
        adapter = self.adapters[name]
        try:
            return adapter.dump_python(adapter.validate_python(raw), mode="json")
        except pydantic.ValidationError as exc:
            error = _domain_error(exc)
            raise ValidationError(name, error.message) from None
