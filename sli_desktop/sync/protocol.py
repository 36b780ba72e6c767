"""The sync wire format, shared by the client and the server (the only client code the server
imports besides ``domain``).

Versions never depend on clocks: the server gives each accepted change the next revision
(``rev``) of its record, and a client says which revision its edit started from (``base_rev``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

API = "/v1"
#: Upper bounds the server enforces (and the client respects) per request.
MAX_PUSH_CHANGES = 500
MAX_PAGE = 10_000
MAX_READS = 1000
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Revisions are 32-bit on the server; feed cursors 64-bit.
MAX_REV = 2**31 - 1
MAX_CURSOR = 2**62

Role = Literal["adviser", "regional-lead", "coordinator", "admin"]
ROLES: tuple[str, ...] = ("adviser", "regional-lead", "coordinator", "admin")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrollRequest(_Model):
    code: str = Field(min_length=8, max_length=128)
    device_name: str = Field(default="", max_length=200)


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

    change_id: str = Field(min_length=1, max_length=64)
    covers: list[str] = Field(default_factory=list, max_length=10_000)
    kind: str = Field(min_length=1, max_length=40)
    record_id: str = Field(min_length=1, max_length=64)
    base_rev: int = Field(ge=0, le=MAX_REV)
    op: Literal["upsert", "delete"]
    payload: dict[str, Any]


class PushRequest(_Model):
    changes: list[Change] = Field(default_factory=list, max_length=MAX_PUSH_CHANGES)
    resolved: list[str] = Field(default_factory=list, max_length=MAX_PUSH_CHANGES)


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

    id: str = Field(min_length=1, max_length=64)
    note_id: str = Field(min_length=1, max_length=64)
    at: datetime
    via: ReadVia
    briefing: str = Field(default="", max_length=64)


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
