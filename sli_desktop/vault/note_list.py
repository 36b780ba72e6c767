"""The Notes view's list: every note a page at a time in the order the adviser chose (newest,
most concerning, or by council A to Z), or the notes matching words she types.

Sorting happens in SQL so a 100,000-note vault is never read whole: by council name through
the councils' order passed as one string (``instr``), since notes hold only the GSS code and
no table of names may be written for the join (nothing about a note leaves the vault file).
"""

from __future__ import annotations

from enum import StrEnum

from ..domain import ConcernLevel, Note
from .councils import Councils
from .search import Search
from .store import Vault

#: At most this many notes match a typed filter (the newest matches, as search ranks them).
MATCHES = 500


class NoteOrder(StrEnum):
    DATE = "date"
    CONCERN = "concern"
    COUNCIL = "council"

    @property
    def label(self) -> str:
        return {
            NoteOrder.DATE: "Newest first",
            NoteOrder.CONCERN: "Highest concern first",
            NoteOrder.COUNCIL: "Council, A to Z",
        }[self]


def _concern_rank() -> str:
    cases = " ".join(f"WHEN '{level.value}' THEN {level.rank}" for level in ConcernLevel)
    return f"CASE concern {cases} ELSE 0 END"


class NoteList:
    """Pages of notes in one order; ``count`` says how many there are to page through."""

    def __init__(self, vault: Vault, order: NoteOrder = NoteOrder.DATE) -> None:
        self.vault = vault
        self.order = order
        self._councils = ""
        if order is NoteOrder.COUNCIL:
            names = Councils(vault).names()
            ordered = sorted(names, key=lambda gss: (names[gss].casefold(), gss))
            self._councils = "|" + "|".join(ordered) + "|"

    def count(self) -> int:
        return int(self.vault.scalar("SELECT count(*) FROM notes WHERE deleted = 0"))

    def page(self, limit: int, offset: int = 0) -> list[Note]:
        if self.order is NoteOrder.DATE:
            return self.vault.records(
                Note, "deleted = 0", order="date DESC, seq DESC", limit=limit, offset=offset
            )
        if self.order is NoteOrder.CONCERN:
            order = f"{_concern_rank()} DESC, date DESC, seq DESC"
            return self.vault.records(Note, "deleted = 0", order=order, limit=limit, offset=offset)
        # A code not in the register (instr 0) sorts first; such notes are rare and visible.
        return self.vault.records(
            Note,
            "deleted = 0",
            (self._councils,),  # bound in the ORDER BY: the only parameter
            order="instr(?, '|' || council || '|'), date DESC, seq DESC",
            limit=limit,
            offset=offset,
        )


def matching(vault: Vault, text: str, order: NoteOrder = NoteOrder.DATE) -> list[Note]:
    """Notes whose words match ``text`` (as global search reads it), in ``order``."""
    hits = Search(vault).search(text, limit=MATCHES, kinds=("note",))
    if not hits:
        return []
    marks = ",".join("?" * len(hits))
    notes = vault.records(Note, f"deleted = 0 AND id IN ({marks})", [h.id for h in hits])
    return sort_notes(vault, notes, order)


def sort_notes(vault: Vault, notes: list[Note], order: NoteOrder) -> list[Note]:
    """Already-loaded notes (drafts, due for review, matches) in ``order``."""
    newest = sorted(notes, key=lambda n: n.date, reverse=True)
    if order is NoteOrder.CONCERN:
        return sorted(newest, key=lambda n: -n.concern.rank)
    if order is NoteOrder.COUNCIL:
        names = Councils(vault).names()
        return sorted(newest, key=lambda n: names.get(n.council, n.council).casefold())
    return newest
