"""The record base: identity, authorship, version and tombstone shared by every synced record."""

from __future__ import annotations

import os
import re
import threading
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


class _RandomBytes(threading.local):
    """Random bytes read from the system a page at a time, per thread. ``os.urandom`` lets go
    of the interpreter lock for its system call and takes it straight back: called once per
    record in an import on a worker, it kept the window's thread from the lock for a quarter
    of a second at a time. A child process after fork refills rather than repeat its
    parent's bytes."""

    PAGE = 4096

    def __init__(self) -> None:
        self.pid = -1
        self.data = b""
        self.at = 0

    def take(self, count: int) -> bytes:
        if self.pid != os.getpid() or self.at + count > len(self.data):
            self.pid, self.data, self.at = os.getpid(), os.urandom(self.PAGE), 0
        start, self.at = self.at, self.at + count
        return self.data[start : self.at]


_RANDOM = _RandomBytes()


def new_id() -> str:
    """A random (version 4) UUID in canonical form, as ``str(uuid.uuid4())`` makes it.

    Written out from 16 random bytes because an import of 200,000 figures builds 200,000 ids
    and going through a ``uuid.UUID`` object costs several times as much (docs/PERFORMANCE.md)."""
    return _uuid4_text(_RANDOM.take(16).hex())


def new_ids(count: int) -> list[str]:
    """``count`` ids as ``new_id`` makes them, from one read of the system's random source
    rather than one system call each: a bulk import makes hundreds of thousands."""
    hexes = os.urandom(16 * count).hex()
    return [_uuid4_text(hexes[i : i + 32]) for i in range(0, 32 * count, 32)]


def _uuid4_text(h: str) -> str:
    """32 random hex digits as a version 4 UUID's canonical text (version and variant set)."""
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

    #: An unknown field is refused, stored reads included; only a pulled record (a newer
    #: app's fields) is trimmed to the known ones first (domain/forward.py).
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


FRIENDLY_MESSAGES = {
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
        raise domain_error(exc) from None


def domain_error(exc: pydantic.ValidationError) -> ValidationError:
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
        message = FRIENDLY_MESSAGES.get(kind, first["msg"][0].lower() + first["msg"][1:])
    return ValidationError(field, message)
