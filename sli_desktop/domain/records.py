"""The record base: identity, authorship, version and tombstone shared by every synced record."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo

from .errors import ValidationError

STORED = {"stored": True}


def is_stored(info: ValidationInfo) -> bool:
    """True when loading a stored record: business rules guard new writes, and a rule added
    later must not make yesterday's notes unreadable. Types and formats are still checked."""
    return bool(info.context and info.context.get("stored"))


def utcnow() -> datetime:
    return datetime.now(UTC)


#: The variant nibble of a version 4 UUID ("10xx"), from any random hex digit: as uuid4 sets it.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}
#: The form ``str(uuid.UUID(...))`` writes: a value already in it needs no parsing.
_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def new_id() -> str:
    """A random (version 4) UUID in canonical form, as ``str(uuid.uuid4())`` makes it.

    Written out from 16 random bytes because an import of 200,000 figures builds 200,000 ids
    and going through a ``uuid.UUID`` object costs three times as much (6.0 against 2.0 µs)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


def canonical_uuid(value: str) -> str:
    """``value`` as ``str(uuid.UUID(value))`` writes it; ValueError when it is not a UUID."""
    if _CANONICAL.fullmatch(value):
        return value
    return str(uuid.UUID(value))


class Record(BaseModel):
    """Every record: UUID id, timestamps, author, version and a ``deleted`` tombstone.

    Records are immutable values; ``evolve`` returns a validated copy. Nothing is hard-deleted
    before sync has propagated the deletion, so deleting sets ``deleted``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    kind: ClassVar[str] = "record"

    id: str = Field(default_factory=new_id)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    author: str = ""
    version: int = Field(default=0, ge=0)
    deleted: bool = False

    @pydantic.field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        try:
            return canonical_uuid(value)
        except ValueError:
            raise ValueError("must be a UUID") from None

    @pydantic.field_validator("created_at", "updated_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @classmethod
    def build(cls, **data: Any) -> Self:
        """Construct with validation errors turned into the domain's one-field errors."""
        return validated(cls, data)

    def evolve(self, **changes: Any) -> Self:
        """A validated copy with ``changes`` applied (pydantic's model_copy does not validate)."""
        data = self.model_dump()
        data.update(changes)
        return validated(type(self), data)

    def to_json(self) -> dict[str, Any]:
        """The record as JSON-ready data keyed by the domain's field names."""
        return self.model_dump(mode="json")


_FRIENDLY = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "date_from_datetime_parsing": "is not a valid date (use YYYY-MM-DD)",
    "date_parsing": "is not a valid date (use YYYY-MM-DD)",
    "date_type": "is not a valid date (use YYYY-MM-DD)",
    "extra_forbidden": "is not a field of this record",
    "bool_parsing": "must be true or false",
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
}


R = TypeVar("R", bound=BaseModel)


def validated(cls: type[R], data: dict[str, Any]) -> R:
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _domain_error(exc) from None


def _domain_error(exc: pydantic.ValidationError) -> ValidationError:
    first = exc.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or exc.title.lower()
    kind = first["type"]
    if kind == "enum":
        expected = first.get("ctx", {}).get("expected", "")
        message = f"must be one of {expected}"
    elif kind == "value_error":
        error = first.get("ctx", {}).get("error")
        if isinstance(error, ValidationError):  # a model rule that already names its field
            return error
        message = str(error) if error is not None else first["msg"]
    else:
        message = _FRIENDLY.get(kind, first["msg"][0].lower() + first["msg"][1:])
    return ValidationError(field, message)


class CheckedFields(dict[str, Any]):
    """A record's own fields as ``FieldsAtOnce.one`` checked them (for ``cls``), in JSON form:
    bulk writes take these without checking again. Read-only by convention."""

    def __init__(self, cls: type[Record]) -> None:
        super().__init__()
        self.cls = cls


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
        self.seen: dict[str, dict[Any, Any]] = {name: {} for name in self.fields}

    def one(self, item: dict[str, Any]) -> CheckedFields:
        """The item's fields, validated, in JSON form; ValidationError (naming the field) for
        the first value ``build`` would refuse."""
        if not item.keys() <= self.fields.keys():
            unknown = sorted(set(item) - set(self.fields))[0]
            raise ValidationError(unknown, _FRIENDLY["extra_forbidden"])
        out = CheckedFields(self.cls)
        for name, seen in self.seen.items():
            raw = item[name] if name in item else self._default(name)
            # Keyed by type as well (True == 1 == 1.0 as dict keys), and floats by their exact
            # bits (-0.0 == 0.0); NaN never equals itself, so it is simply checked each time.
            key = (float, raw.hex()) if type(raw) is float else (type(raw), raw)
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
