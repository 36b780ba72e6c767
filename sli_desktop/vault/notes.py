"""Intelligence notes: capture, edit, list by council or newest first, page by page."""

from __future__ import annotations

from typing import Any

from ..domain import Note
from .councils import Councils
from .errors import NotFound
from .store import Vault


class Notes:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> Note:
        fields["council"] = Councils(self.vault).require(str(fields.get("council", "")))
        return self.vault.save(Note.build(**fields))

    def edit(self, note_id: str, **changes: Any) -> Note:
        note = self.get(note_id)
        if "council" in changes:
            changes["council"] = Councils(self.vault).require(changes["council"])
        return self.vault.save(note.evolve(**changes), audit_detail={"fields": sorted(changes)})

    def delete(self, note_id: str) -> Note:
        return self.vault.delete(self.get(note_id))

    def get(self, note_id: str) -> Note:
        """By full id or by an unambiguous prefix of at least 8 characters, as the CLI shows."""
        text = note_id.strip().lower()
        if len(text) < 8:
            raise NotFound(f"no note {note_id!r}: give at least 8 characters of its id")
        found = self.vault.records(
            Note, "deleted = 0 AND id >= ? AND id < ?", (text, text + "\uffff"), limit=2
        )
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFound(f"no note {note_id!r} in the vault")
        raise NotFound(f"{note_id!r} matches more than one note; give more of its id")

    def list(
        self, council: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Note]:
        """Newest first; ``limit``/``offset`` page through a large vault without loading it."""
        if council:
            gss = Councils(self.vault).require(council)
            return self.vault.records(
                Note,
                "deleted = 0 AND council = ?",
                (gss,),
                order="date DESC, seq DESC",
                limit=limit,
                offset=offset,
            )
        return self.vault.records(
            Note, "deleted = 0", order="date DESC, seq DESC", limit=limit, offset=offset
        )

    def count(self, council: str | None = None) -> int:
        if council:
            return int(
                self.vault.scalar(
                    "SELECT count(*) FROM notes WHERE deleted = 0 AND council = ?", (council,)
                )
            )
        return int(self.vault.scalar("SELECT count(*) FROM notes WHERE deleted = 0"))
