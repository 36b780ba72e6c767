"""The sync wire format, shared by the client and the server (the only client code the server
imports besides ``domain``).

Versions never depend on clocks: the server gives each accepted change the next revision
(``rev``) of its record, and a client says which revision its edit started from (``base_rev``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

API = "/v1"
#: Upper bounds the server enforces (and the client respects) per request.
MAX_PUSH_CHANGES = 500
MAX_PAGE = 10_000
#: A pull page as JSON lines (a client asks for it in ``Accept``; a server older than it
#: answers plain JSON): the head (cursor, more, max_offline_days) and then one feed item a
#: line, so a device reads a page a slice at a time (docs/SYNC.md, "Reading a page in slices").
FEED_LINES = "application/x-ndjson"
MAX_READS = 1000
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Change ids one change may cover, and all the changes of one push together: the server keeps
#: a row for each, so one push cannot add hundreds of thousands (the client splits to fit).
MAX_COVERS = 1000
MAX_PUSH_COVERS = 10_000
#: Ids (records, changes, conflicts, read events) and kinds, in characters.
MAX_ID = 64
MAX_KIND = 40
#: How deeply a record's payload may nest lists and objects (records nest two or three deep).
MAX_DEPTH = 32
#: Revisions are 32-bit on the server; feed cursors 64-bit.
MAX_REV = 2**31 - 1
MAX_CURSOR = 2**62

Role = Literal["adviser", "regional-lead", "coordinator", "admin"]
ROLES: tuple[str, ...] = ("adviser", "regional-lead", "coordinator", "admin")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _storable(text: str) -> str:
    """Text the server keeps in a column of its own: neither database takes a lone surrogate
    (UTF-8 cannot encode one; JSON's "\\ud800" escape makes one), and PostgreSQL takes no NUL."""
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    return _encodable(text)


def _encodable(text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must not contain a lone surrogate (invalid Unicode)") from None
    return text


def _payload(data: dict[str, Any]) -> dict[str, Any]:
    """A record's payload is stored as JSON text, where a NUL is written as an escape and kept;
    a lone surrogate cannot be written at all, in a key or a value however deep. Walked without
    recursion, to a bounded depth."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _encodable(value)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise ValueError(f"must not nest more than {MAX_DEPTH} deep")
            if isinstance(value, dict):
                for key in value:
                    _encodable(key)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)
    return data


#: An id the server stores and looks up: a change, record, conflict, read event or note.
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID), AfterValidator(_storable)]
Payload = Annotated[dict[str, Any], AfterValidator(_payload)]


class EnrollRequest(_Model):
    code: Annotated[str, Field(min_length=8, max_length=128), AfterValidator(_storable)]
    device_name: Annotated[str, Field(max_length=200), AfterValidator(_storable)] = ""
    #: A secret the device draws once and keeps until it is enrolled: the same code sent again
    #: with it (an answer lost on the way) gets the same device and token back (docs/SYNC.md).
    enrolment_id: (
        Annotated[
            str,
            Field(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_-]+$"),
        ]
        | None
    ) = None


class EnrollResponse(_Model):
    device_id: str
    token: str
    user: str
    role: str
    regions: list[str]


class Change(_Model):
    """The latest local state of one record, standing for one or more outbox rows.

    ``change_id`` is the newest of ``covers`` (every outbox row it stands for); the server
    applies a change id once, so a retried push changes nothing.
    """

    change_id: Id
    covers: list[Id] = Field(default_factory=list, max_length=MAX_COVERS)
    kind: Annotated[str, Field(min_length=1, max_length=MAX_KIND), AfterValidator(_storable)]
    record_id: Id
    base_rev: int = Field(ge=0, le=MAX_REV)
    op: Literal["upsert", "delete"]
    payload: Payload


class PushRequest(_Model):
    changes: list[Change] = Field(default_factory=list, max_length=MAX_PUSH_CHANGES)
    resolved: list[Id] = Field(default_factory=list, max_length=MAX_PUSH_CHANGES)

    @model_validator(mode="after")
    def _bounded(self) -> PushRequest:
        if sum(len(c.covers) for c in self.changes) > MAX_PUSH_COVERS:
            raise ValueError(f"covers: at most {MAX_PUSH_COVERS} change ids in one push")
        return self


Status = Literal["applied", "merged", "conflict", "rejected"]


class ChangeResult(_Model):
    change_id: str
    status: Status
    rev: int = 0
    reason: str = ""


class PushResponse(_Model):
    results: list[ChangeResult]


class FieldConflict(_Model):
    """One field changed on both sides: the value kept in the record and the one set aside."""

    winner: Any
    loser: Any


class Conflict(_Model):
    id: str
    kind: str
    record_id: str
    rev: int
    fields: dict[str, FieldConflict]
    winner_device: str
    loser_device: str
    resolved: bool = False


class FeedItem(_Model):
    seq: int
    type: Literal["record", "conflict"]
    kind: str
    record_id: str
    rev: int
    payload: dict[str, Any] | None = None
    conflict: Conflict | None = None


class PullResponse(_Model):
    items: list[FeedItem]
    cursor: int
    more: bool
    #: The operator's limit: a device that has not synced for this many days locks until it
    #: syncs (0: never). Absent from older servers; the device then keeps its default.
    max_offline_days: int | None = Field(default=None, ge=0, le=3650)


class PullHead(_Model):
    """The first line of a pull page sent as ``FEED_LINES``: a PullResponse but its items,
    which follow one a line."""

    cursor: int
    more: bool
    max_offline_days: int | None = Field(default=None, ge=0, le=3650)
    #: The items that follow: a body cut at a line's end still reads as lines, and only the
    #: count tells it from the whole page. Absent from older servers' heads (not checked).
    count: int | None = Field(default=None, ge=0)


class Me(_Model):
    user: str
    role: str
    regions: list[str]
    device_id: str


class ErrorBody(_Model):
    detail: str
    wipe: bool = False


ReadVia = Literal["window", "cli", "briefing"]


class ReadEvent(_Model):
    """One opening of a note on a device. Not a record: never merged; the server keeps an
    event id once, so a retried upload stores nothing twice."""

    id: Id
    note_id: Id
    at: datetime
    via: ReadVia
    briefing: Annotated[str, Field(max_length=MAX_ID), AfterValidator(_storable)] = ""


class ReadsRequest(_Model):
    events: list[ReadEvent] = Field(default_factory=list, max_length=MAX_READS)


class ReadsResponse(_Model):
    #: Every id of the request the server now holds (new or seen before): safe to forget.
    stored: list[str]
    new: int


class NoteReader(_Model):
    user: str
    device_id: str
    device: str
    at: datetime
    via: str
    briefing: str = ""


class NoteReaders(_Model):
    note_id: str
    readers: list[NoteReader]
