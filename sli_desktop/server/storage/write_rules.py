"""What a change may make of a record: good practice, publishing a private note, disposal, and
the full rules on the merged result. Pure functions: the push asks them about what it has read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from ...domain.errors import ValidationError as DomainError
from ...domain.records import Record, validated
from ...sync import protocol as p
from .access import GOOD_PRACTICE


def disposed(payload: dict[str, Any]) -> bool:
    """A note disposed of at the end of retention (vault/notes.py): final, and scrubbed."""
    return bool(payload.get("deleted")) and bool(payload.get("disposed_on"))


AUTHOR_PRIVACY = "only the note's author may change whether it is private"
_AUTHOR_PUBLISHES = "only the note's author may make it good practice"
AUTHOR_REVERTS = "only the note's author may turn good practice back into intelligence"
_STALE_GOOD_PRACTICE = (
    "the note changed on the server since this device last synced: sync, check it, "
    "then make it good practice again"
)
_BECAME_GOOD_PRACTICE = (
    "the note became good practice on the server since this device last synced: sync, "
    "then edit it again"
)
_GOOD_PRACTICE_EVIDENCE = (
    "good practice carries no evidence (every region sees it); keep evidence on intelligence"
)


def good_practice_refusal(
    change: p.Change,
    payload: dict[str, Any],
    base: dict[str, Any] | None,
    theirs: dict[str, Any],
    current: Row[Any],
    mine_done: Sequence[Row[Any]],
    author: bool,
) -> str | None:
    """Why a change to an existing note crosses the good-practice line unsafely, or None.

    Good practice reaches every region, so only the note's author may make it (publishing
    someone else's intelligence is not theirs to do) or take it back to intelligence. Making a
    note good practice shares every field: it must be done on the current revision, or a merge
    could carry intelligence (a concern, evidence, a body) someone added meanwhile into every
    region; and an edit of the note's intelligence version cannot touch it once it is good
    practice. A payload without ``note_type`` (an older client) keeps the type the device last
    saw, so leaving the field out cannot flip the note either way."""
    if "note_type" not in payload:
        payload["note_type"] = (base or theirs).get("note_type", "intelligence")
    wanted = payload["note_type"]
    seen = base if base is not None else theirs
    if theirs.get("note_type") == GOOD_PRACTICE and wanted != GOOD_PRACTICE:
        if payload.get("deleted"):
            return None
        if seen.get("note_type") != GOOD_PRACTICE:
            return _BECAME_GOOD_PRACTICE
        return None if author else AUTHOR_REVERTS
    turning = wanted == GOOD_PRACTICE and (
        theirs.get("note_type") != GOOD_PRACTICE or seen.get("note_type") != GOOD_PRACTICE
    )
    if turning and not author:
        return _AUTHOR_PUBLISHES
    if turning and agreed_rev(change, mine_done) != current.rev:
        return _STALE_GOOD_PRACTICE
    return None


def agreed_rev(change: p.Change, mine_done: Sequence[Row[Any]]) -> int:
    """The revision this device last agreed with the server: its base, or what an earlier push
    of the same chain made if that push landed and its answer was lost."""
    return max(r.rev for r in mine_done) if mine_done else change.base_rev


_STALE_PUBLIC = (
    "the note changed on the server since this device last synced: sync, check it, "
    "then make it public again"
)
_MADE_PUBLIC = (
    "the note was made public on the server since this device last synced: sync, check it, "
    "then edit it again"
)


def publishing_refusal(
    change: p.Change,
    payload: dict[str, Any],
    base: dict[str, Any] | None,
    theirs: dict[str, Any],
    current: Row[Any],
    mine_done: Sequence[Row[Any]],
    result: dict[str, Any],
) -> str | None:
    """Why a change would make public text written while the note was private, or None.

    Making a private note public shares every field, so, as for good practice, it must be done
    on the revision the server holds now: merged against an older base, text another device
    wrote while the note was private would go public with it. And an edit made while the
    device saw the note private cannot land on a note made public meanwhile."""
    seen = base if base is not None else theirs
    if result.get("private") or not seen.get("private"):
        return None
    if payload.get("private"):
        return _MADE_PUBLIC
    return None if agreed_rev(change, mine_done) == current.rev else _STALE_PUBLIC


def reverts(payload: dict[str, Any], base: dict[str, Any] | None, theirs: dict[str, Any]) -> bool:
    """The device saw the note as good practice and sends it back as intelligence."""
    return (
        payload.get("note_type") != GOOD_PRACTICE
        and (base or theirs).get("note_type") == GOOD_PRACTICE
    )


def leaves_good_practice(theirs: dict[str, Any], result: dict[str, Any]) -> bool:
    """The merged result would take a good-practice note back to intelligence (e.g. a delete
    merged against an edit keeps the edit, with the deleting side's note type)."""
    return (
        theirs.get("note_type") == GOOD_PRACTICE
        and result.get("note_type") != GOOD_PRACTICE
        and not result.get("deleted")
    )


def full_rules_refusal(
    cls: type[Record],
    kind: str,
    result: dict[str, Any],
    checked: dict[str, Any] | None = None,
) -> str | None:
    """Why what would be stored breaks the rules for new writes (a medium concern without
    evidence, a done date on an open action...), or None. Checked on the merged result: two
    changes each valid alone can merge into one that is not. ``checked``: the payload as sent,
    already found to meet the rules; a result that differs from it only in its version (a
    create, a fast-forward) is not validated again."""
    if (
        kind == "note"
        and result.get("note_type") == GOOD_PRACTICE
        and not result.get("deleted")
        and result.get("evidence")
    ):
        return _GOOD_PRACTICE_EVIDENCE
    if checked is not None and _same_but_version(result, checked):
        return None
    try:
        validated(cls, result)
    except DomainError as exc:
        return f"invalid record: {exc.field} {exc.message}"
    return None


def _same_but_version(result: dict[str, Any], sent: dict[str, Any]) -> bool:
    return result.keys() == sent.keys() | {"version"} and all(
        result[k] == sent[k] for k in sent if k != "version"
    )


#: What the server itself blanks in a disposal tombstone, whatever the device sent: nothing
#: readable of a disposed note stays on the server (the device's vault/notes.py does the same).
DISPOSED_BLANK: dict[str, Any] = {
    "title": "Disposed note",
    "body": "",
    "themes": [],
    "evidence": [],
    "outcome": "",
    "contact": "",
    "concern": "none",
    "council_aware": False,
    "council_aware_on": None,
}


#: What the tombstone of withdrawn good practice blanks (``push.py``): the regions that held the
#: note as good practice keep none of its text once its author takes it back.
WITHDRAWN_BLANK: dict[str, Any] = {
    **DISPOSED_BLANK,
    "title": "Good practice withdrawn by its author",
}
