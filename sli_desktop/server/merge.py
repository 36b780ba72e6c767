"""Three-way, per-field merge of record payloads. Pure functions, decided once by the server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

#: Bookkeeping fields, never merged field by field.
META = frozenset({"id", "version", "created_at", "updated_at", "author"})
_MISSING = object()


@dataclass
class Merged:
    payload: dict[str, Any]
    #: field -> (value kept, value set aside)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: True when the incoming side's values are the result as they stand (a fast-forward).
    fast_forward: bool = False


@cache
def field_defaults(cls: type[BaseModel]) -> Mapping[str, Any]:
    """Each optional field's default in JSON form (as ``to_json`` writes it), bookkeeping
    fields aside: what a revision stored before the field existed means by leaving it out."""
    fields = cls.model_fields
    names = {n for n, f in fields.items() if not f.is_required() and n not in META}
    values = {n: fields[n].get_default(call_default_factory=True) for n in names}
    dumped = cls.model_construct(**values).model_dump(mode="json", include=names)
    return MappingProxyType(dumped)


def merge(
    base: dict[str, Any] | None,
    theirs: dict[str, Any],
    mine: dict[str, Any],
    mine_wins: bool,
    defaults: Mapping[str, Any] | None = None,
) -> Merged:
    """Merge ``mine`` (the incoming change) into ``theirs`` (the server's current state), both
    derived from ``base``. A field changed on one side only takes that side's value; a field
    changed on both sides to different values takes the winner's and keeps the other as a
    conflict. Deleting a record that the other side edited keeps the edit (and says so).

    ``defaults`` (``field_defaults`` of the record's class): a field ``mine`` sends that the
    base or ``theirs`` lacks (stored by an app from before the field) reads there as its
    default, so a default the sender never touched is no change. A field ``mine`` leaves out
    (an older app) is still "as it was"."""
    if defaults:
        fill = {k: defaults[k] for k in mine if k in defaults}
        theirs = {**fill, **theirs}
        base = None if base is None else {**fill, **base}
    old = base or {}
    names = [n for n in dict.fromkeys([*theirs, *mine]) if n not in META]
    out: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for name in names:
        b = old.get(name, _MISSING)
        t = theirs.get(name, _MISSING)
        m = mine.get(name, _MISSING)
        if m is _MISSING and t is not _MISSING:
            value = t  # a field the sender's app does not have yet (an older app): as it was
        elif (
            t is not _MISSING
            and m != t
            and (_seen_without_newer(m, t) or _seen_without_newer(m, b))
        ):
            value = t  # nested fields the sender's app does not have: as it was, likewise
        elif m == t or t == b:
            value = m
        elif m == b:
            value = t
        else:
            winner, loser = (m, t) if mine_wins else (t, m)
            conflicts[name] = (winner, loser)
            value = winner
        if value is not _MISSING:
            out[name] = value
    if out.get("deleted"):
        edited = [
            side
            for side in (theirs, mine)
            if not side.get("deleted")
            and any(side.get(n) != old.get(n) for n in side if n not in META and n != "deleted")
        ]
        if edited:
            out["deleted"] = False
            conflicts["deleted"] = (False, True)
    out["id"] = theirs.get("id", mine.get("id"))
    out["created_at"] = theirs.get("created_at", mine.get("created_at"))
    out["author"] = theirs.get("author", mine.get("author", ""))
    out["updated_at"] = max(str(theirs.get("updated_at", "")), str(mine.get("updated_at", "")))
    fast_forward = not conflicts and all(
        out.get(n, _MISSING) == mine.get(n, _MISSING) for n in names
    )
    return Merged(out, conflicts, fast_forward)


def _seen_without_newer(mine: Any, held: Any) -> bool:
    """Whether ``mine`` is ``held`` as an app that knows fewer nested fields sends it back: the
    same entries with some keys left out, every other value equal (an older app's pull leaves
    out what it does not know: domain/forward.py). Such a side changed nothing; an app that
    knows a nested field always sends it, so leaving keys out means no more than that."""
    if isinstance(mine, dict) and isinstance(held, dict):
        return mine.keys() <= held.keys() and all(
            _seen_without_newer(v, held[k]) for k, v in mine.items()
        )
    if isinstance(mine, list) and isinstance(held, list):
        return len(mine) == len(held) and all(
            _seen_without_newer(a, b) for a, b in zip(mine, held, strict=True)
        )
    return bool(mine == held)
