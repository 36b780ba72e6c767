"""Conflicts the server kept: listing them from this device's point of view and resolving them.

The server decided the winner once, so every vault holds the same record and the same kept
conflict. "mine" is the side this device pushed (the winner's values if it pushed neither);
"theirs" is the other side; "merged" joins both texts (free text only: not a date, a choice
from a list or a GSS code) and both lists, and keeps the winner for anything else; the merged
texts may be edited before they are kept, from the window or from
``sli conflicts resolve --edited``. Resolving saves the record like any edit (so it syncs) and
tells the server the conflict is settled at the next sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from annotated_types import MaxLen, MinLen

from ..domain import Record
from ..vault import codec
from ..vault.errors import VaultError
from ..vault.store import Vault
from ..vault.syncstate import StoredConflict, SyncState

Keep = Literal["mine", "theirs", "merged"]


class ConflictNotFound(VaultError):
    def __init__(self, wanted: str) -> None:
        super().__init__(f"no open conflict {wanted!r} (see sli conflicts list)")


class EditRefused(VaultError):
    """Edited text that cannot be kept: the field is not in the conflict, or is not text."""


def sides(conflict: StoredConflict, device_id: str | None) -> dict[str, dict[str, Any]]:
    """field -> {"mine", "theirs", "winner", "loser", "text"} as this device sees it; "text":
    whether the field is free text (``free_text``), which "merged" joins."""
    i_lost = bool(device_id) and conflict.detail.get("loser_device") == device_id
    cls = codec.TYPES_BY_KIND.get(conflict.kind)
    text = free_text(cls) if cls is not None else frozenset()
    out: dict[str, dict[str, Any]] = {}
    for name, pair in dict(conflict.detail.get("fields", {})).items():
        winner, loser = pair.get("winner"), pair.get("loser")
        mine, theirs = (loser, winner) if i_lost else (winner, loser)
        out[name] = {
            "mine": mine,
            "theirs": theirs,
            "winner": winner,
            "loser": loser,
            "text": name in text,
        }
    return out


@cache
def free_text(cls: type[Record]) -> frozenset[str]:
    """The fields of ``cls`` a person writes freely: plain strings with at most a length
    limit. A date, a choice from a list, a GSS code or an id is a string in JSON too, but two
    of them joined is no value at all, so "merged" keeps the winner's."""
    return frozenset(
        name
        for name, info in cls.model_fields.items()
        if info.annotation is str
        and name not in Record.model_fields
        and all(isinstance(m, MinLen | MaxLen) for m in info.metadata)
    )


def describe(conflict: StoredConflict, device_id: str | None) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "kind": conflict.kind,
        "record_id": conflict.record_id,
        "rev": conflict.rev,
        "fields": sides(conflict, device_id),
        "resolved": conflict.resolved,
        "resolution": conflict.resolution,
        "received_at": conflict.received_at,
    }


def find(vault: Vault, wanted: str) -> StoredConflict:
    """An open conflict by id or by an unambiguous prefix of at least 8 characters."""
    found = [
        c
        for c in SyncState(vault).conflicts()
        if c.id == wanted or (len(wanted) >= 8 and c.id.startswith(wanted))
    ]
    if len(found) != 1:
        raise ConflictNotFound(wanted)
    return found[0]


def merged_value(winner: Any, loser: Any, text: bool) -> Any:
    """What "merged" keeps of a field: both texts joined when it is free text (``text``), both
    lists' items, else the winner's value."""
    if text and isinstance(winner, str) and isinstance(loser, str):
        if not winner or not loser or loser in winner:
            return winner or loser
        return f"{winner}\n\n---\n\n{loser}"
    if isinstance(winner, list) and isinstance(loser, list):
        return winner + [v for v in loser if v not in winner]
    return winner


def editable(fields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The fields of ``sides`` that are free text, so a person may edit the merged text first."""
    return sorted(
        name
        for name, side in fields.items()
        if side["text"] and isinstance(merged_value(side["winner"], side["loser"], True), str)
    )


def resolve(
    vault: Vault, wanted: str, keep: Keep, edited: Mapping[str, str] | None = None
) -> Record | None:
    """Settle a conflict; returns the record as saved (None if it no longer exists here).

    ``edited`` (only with "merged") gives text to keep instead of the joined texts, by field:
    both front ends settle through here, so an edit made in the window or given to the CLI is
    saved the same way, once, and syncs like any other."""
    state = SyncState(vault)
    conflict = find(vault, wanted)
    fields = sides(conflict, state.get("device_id"))
    edits = _checked_edits(fields, keep, edited or {})
    cls = codec.TYPES_BY_KIND.get(conflict.kind)
    current = vault.get(cls, conflict.record_id) if cls else None
    with vault.transaction():
        saved: Record | None = current
        if current is not None:
            values: dict[str, Any] = {}
            known = type(current).model_fields
            for name, side in fields.items():
                if name not in known:
                    continue  # a field of a newer app's: this app keeps no value of it
                if keep == "merged":
                    merged = merged_value(side["winner"], side["loser"], side["text"])
                    values[name] = edits.get(name, merged)
                else:
                    values[name] = side[keep]
            now = current.to_json()
            if any(now.get(k) != v for k, v in values.items()):
                saved = vault.save(current.evolve(**values), audit_detail={"conflict": keep})
        state.mark_resolved(conflict.id, keep)
    return saved


def _checked_edits(
    fields: Mapping[str, Mapping[str, Any]], keep: Keep, edited: Mapping[str, str]
) -> dict[str, str]:
    if not edited:
        return {}
    if keep != "merged":
        raise EditRefused("edited text is kept only with the merged version; nothing was changed")
    text = editable(fields)
    for name in edited:
        if name not in fields:
            raise EditRefused(
                f"{name!r} is not a field of this conflict (it has {', '.join(sorted(fields))}); "
                "nothing was changed"
            )
        if name not in text:
            raise EditRefused(
                f"{name!r} is not text, so it cannot be edited; keep mine, theirs or merged"
            )
    return dict(edited)
