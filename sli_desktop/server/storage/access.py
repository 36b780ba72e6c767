"""Who may see and write what on the server: pure functions of a user and a record's row.

No database here: the push, the feed and the read audit ask these rules about rows they have
read (any object with ``kind``, ``region``, ``private``, ``owner`` and ``shared``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

#: Kinds every user receives whatever their regions (the register, who covers what).
SHARED_KINDS = frozenset({"council", "coverage"})
#: A note of this type is shared with every user (the ``shared`` flag on records and changes).
GOOD_PRACTICE = "good practice"
#: Kinds only these roles may write: coverage is maintained by coordinators (and admins).
MAINTAINED_KINDS: dict[str, frozenset[str]] = {"coverage": frozenset({"coordinator", "admin"})}

#: Roles that may ask who read a note.
READERS_ROLES = frozenset({"admin", "coordinator"})


@dataclass(frozen=True)
class Principal:
    """The user and device a request comes from (its token, authenticated)."""

    user_id: int
    user: str
    role: str
    regions: frozenset[str]
    device_id: str


@dataclass(frozen=True)
class Auth:
    """What a token names: a principal (None: unknown token), and whether its device is revoked."""

    principal: Principal | None
    revoked: bool = False


class Placed(Protocol):
    """What the rules read of a stored record, feed item or conflict (a database row)."""

    @property
    def kind(self) -> str: ...

    @property
    def region(self) -> str | None: ...

    @property
    def owner(self) -> str: ...

    @property
    def private(self) -> bool: ...


#: The one answer for a change the server cannot place: a base revision it never issued, a
#: record it does not hold (other than a create), or a record the writer may not see (another's
#: private note, whatever the writer's role). Telling them apart would say what exists.
NO_SUCH_REVISION = "the server holds no such revision of this record: sync, then try again"


def may_write(
    who: Principal, kind: str, region: str | None, owner: str, current: Placed | None
) -> bool:
    """Whether ``who`` may write a record of ``kind`` to ``region`` (``current``: its row as
    stored, or None for a create)."""
    # A private record is its owner's alone: no role overrides that.
    if current is not None and current.private and current.owner != who.user:
        return False
    if who.role == "admin":
        return True
    if kind in MAINTAINED_KINDS:
        return who.role in MAINTAINED_KINDS[kind]
    if current is not None and not may_see(who, current):
        return False
    # An existing record is written by whoever may write it where it is now (its STORED
    # region: good practice is seen everywhere but written only by its council's region);
    # a move must also be allowed where it goes.
    if current is not None and not may_write_in(who, kind, current.region, owner):
        return False
    if kind == "council" and current is None:
        return False
    return may_write_in(who, kind, region, owner)


def may_write_in(who: Principal, kind: str, region: str | None, owner: str) -> bool:
    """Whether ``who`` may write there: a record with no region is its owner's alone."""
    if region is None:
        return owner == who.user
    # Coordinators book challenges and correct the register (server/corrections.py).
    return region in who.regions or (
        who.role == "coordinator" and kind in ("engagement", "council")
    )


def may_see(who: Principal, row: Placed) -> bool:
    """Whether ``who`` may see a stored record, feed item or conflict."""
    if row.private and row.owner != who.user:
        return False
    if who.role == "admin" or row.kind in SHARED_KINDS or getattr(row, "shared", False):
        return True
    if row.region is None:
        return bool(row.owner == who.user)
    return row.region in who.regions or (who.role == "coordinator" and row.kind == "engagement")


def write_refusal(kind: str) -> str:
    """Why a write was refused, in words the device can show its user."""
    if kind == "coverage":
        return "only a coordinator or an admin may change who covers what"
    return "not allowed"


def shared(kind: str, payload: dict[str, Any], private: bool) -> bool:
    """Good-practice notes go to every user (docs/SYNC.md); a private one stays private."""
    return kind == "note" and payload.get("note_type") == GOOD_PRACTICE and not private
