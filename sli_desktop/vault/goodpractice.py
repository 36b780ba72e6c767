"""Good practice: what a council did, the outcome and whom to ask, shared with every region.

Good-practice notes are notes (``note_type = good practice``) so they are captured, searched,
edited and synced like any note; the sync server sends them to every user, not only those of
the council's region. A council page suggests good practice from other councils that shares a
theme with one of the council's open concerns.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain import ConcernLevel, Note, NoteType, ValidationError
from .councils import Councils
from .errors import NotFound
from .notes import Notes
from .search import fts_query
from .store import Vault

#: An open concern: an intelligence note of at least this level from the last year.
OPEN_CONCERN = ConcernLevel.MEDIUM
CONCERN_WINDOW = dt.timedelta(days=365)
_HAS_THEME = "EXISTS (SELECT 1 FROM json_each(notes.themes) WHERE json_each.value = ?)"


@dataclass(frozen=True)
class Suggestion:
    """Good practice from another council, and the themes it shares with open concerns."""

    note: Note
    shared_themes: list[str]

    def to_json(self) -> dict[str, Any]:
        return {**self.note.to_json(), "shared_themes": self.shared_themes}


class GoodPractice:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> Note:
        """A good-practice note: needs a council, date, title and at least one theme."""
        fields["note_type"] = NoteType.GOOD_PRACTICE
        return Notes(self.vault).add(**fields)

    def edit(self, note_id: str, **changes: Any) -> Note:
        note = self.get(note_id)
        if "note_type" in changes and NoteType(changes["note_type"]) is not note.note_type:
            raise ValidationError(
                "note_type",
                "to turn good practice back into intelligence, take it back "
                "(sli goodpractice take-back, or Take back in the window)",
            )
        return Notes(self.vault).edit(note.id, **changes)

    def take_back(self, note_id: str) -> Note:
        """Turn the author's good practice back into an intelligence note of their region.

        Only its author may: other regions then keep a blank "withdrawn" record and nothing
        more (the server decides; docs/SYNC.md). Outcome and contact belong to good practice
        only, so they move into the body rather than being dropped."""
        note = self.get(note_id)
        if note.author and note.author != self.vault.actor:
            raise ValidationError(
                "author", f"only its author, {note.author}, may take this good practice back"
            )
        extra = [
            f"{label}: {value}"
            for label, value in (("Outcome", note.outcome), ("Contact", note.contact))
            if value
        ]
        body = "\n\n".join(part for part in (note.body, *extra) if part)
        return Notes(self.vault).edit(
            note.id, note_type=NoteType.INTELLIGENCE, body=body, outcome="", contact=""
        )

    def get(self, note_id: str) -> Note:
        note = Notes(self.vault).get(note_id)
        if not note.is_good_practice:
            raise NotFound(f"note {note_id!r} is intelligence, not good practice")
        return note

    def list(
        self,
        theme: str | None = None,
        text: str | None = None,
        council: str | None = None,
        limit: int | None = None,
    ) -> list[Note]:
        """Newest first; ``theme`` matches one theme exactly (case-insensitive), ``text`` is
        searched in title, body, themes and evidence as the global search does."""
        where = "notes.deleted = 0 AND notes.note_type = ?"
        params: list[Any] = [NoteType.GOOD_PRACTICE.value]
        if theme:
            where += f" AND {_HAS_THEME}"
            params.append(" ".join(theme.split()).lower())
        if council:
            where += " AND notes.council = ?"
            params.append(Councils(self.vault).require(council))
        if text:
            query = fts_query(text)
            if query is None:
                return []
            where += " AND notes.seq IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?)"
            params.append(query)
        return self.vault.records(
            Note, where, params, order="notes.date DESC, notes.seq DESC", limit=limit
        )

    def themes(self) -> builtins.list[tuple[str, int]]:
        """Every theme used on good practice, with how many notes carry it, commonest first."""
        rows = self.vault.query(
            "SELECT json_each.value, count(*) FROM notes, json_each(notes.themes) "
            "WHERE notes.deleted = 0 AND notes.note_type = ? "
            "GROUP BY json_each.value ORDER BY count(*) DESC, json_each.value",
            (NoteType.GOOD_PRACTICE.value,),
        )
        return [(str(theme), int(count)) for theme, count in rows]

    def open_concerns(self, council: str, today: dt.date) -> builtins.list[Note]:
        """The council's recent intelligence notes of medium concern or higher."""
        gss = Councils(self.vault).require(council)
        levels = [c.value for c in ConcernLevel if c.rank >= OPEN_CONCERN.rank]
        marks = ",".join("?" * len(levels))
        return self.vault.records(
            Note,
            f"deleted = 0 AND council = ? AND note_type = ? AND date >= ? AND concern IN ({marks})",
            (gss, NoteType.INTELLIGENCE.value, (today - CONCERN_WINDOW).isoformat(), *levels),
            order="date DESC, seq DESC",
        )

    def suggestions(
        self, council: str, today: dt.date, limit: int = 10
    ) -> builtins.list[Suggestion]:
        """Good practice from other councils sharing a theme with an open concern here: most
        shared themes first, then newest."""
        gss = Councils(self.vault).require(council)
        wanted: dict[str, None] = {}
        for note in self.open_concerns(gss, today):
            for theme in note.themes:
                wanted.setdefault(theme, None)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        candidates = self.vault.records(
            Note,
            "deleted = 0 AND note_type = ? AND council != ? AND EXISTS (SELECT 1 FROM "
            f"json_each(notes.themes) WHERE json_each.value IN ({marks}))",
            (NoteType.GOOD_PRACTICE.value, gss, *wanted),
            order="date DESC, seq DESC",
        )
        found = [Suggestion(n, [t for t in n.themes if t in wanted]) for n in candidates]
        found.sort(key=lambda s: -len(s.shared_themes))  # stable: newest first within a count
        return found[:limit]
