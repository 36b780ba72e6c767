"""Records that point at a note, and so must stay as private as the note they point at.

An action raised from a note carries its ``note_id``; a document attached to a note carries it
as ``owner_id``; each part of that document carries the document's id. Were those records fed
to the region while the note is private, they would reveal the private note's id (and the
document its content). The server keeps each such record private to its own owner while what
it points at is private, and recomputes that when the note's privacy changes.
"""

from __future__ import annotations

from typing import Any

from ..domain import Action, Document, DocumentPart, Note

#: kind -> the kinds whose records may point at one of its records, with the field that does
#: and, for a document, the kind it must name as its owner. Kinds are the domain's own
#: (``document-part``, not a spelling of it): a misspelt kind matches no record, and the parts
#: holding a private note's document would go to the whole region.
FOLLOWERS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    Note.kind: ((Action.kind, "note_id", None), (Document.kind, "owner_id", Note.kind)),
    Document.kind: ((DocumentPart.kind, "document_id", None),),
}


def leader(kind: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """The (kind, id) of the record whose privacy this record follows, or None."""
    for lead, followers in FOLLOWERS.items():
        for follower, field, owner_kind in followers:
            if follower != kind:
                continue
            if owner_kind is not None and payload.get("owner_kind") != owner_kind:
                continue
            target = payload.get(field)
            if isinstance(target, str) and target:
                return lead, target
    return None


def points_at(kind: str, payload: dict[str, Any], lead: str, lead_id: str) -> bool:
    """Whether this record (``kind``, ``payload``) points at record ``lead_id`` of ``lead``."""
    return leader(kind, payload) == (lead, lead_id)


def pattern(field: str, target: str) -> str:
    """A LIKE pattern finding ``"field":"target"`` in a payload as the server stores it
    (compact JSON, storage/schema.py ``dumps``); ``%`` and ``_`` in the target are escaped
    with ``\\``."""
    escaped = target.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f'%"{field}":"{escaped}"%'
