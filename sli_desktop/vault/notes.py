"""Intelligence notes: capture, edit, list by council or newest first, page by page; drafts,
review dates and disposal at the end of retention."""

from __future__ import annotations

import builtins
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ..domain import ConcernLevel, Marking, Note
from . import index_merge
from .councils import Councils
from .errors import NotFound
from .preferences import Preferences, add_months
from .store import Vault

#: What a disposed or discarded note keeps: enough to route its tombstone (council, date,
#: marking), nothing readable about what it said.
SCRUBBED_TITLE = "Disposed note"


class Notes:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> Note:
        """A new note. Without ``review_by`` it gets the default for its marking (Settings).
        A note that breaks a rule (a medium or higher concern without evidence) is refused
        unless ``draft=True``: drafts stay on this device until complete."""
        fields["council"] = Councils(self.vault).require(str(fields.get("council", "")))
        note = Note.build(**fields)
        if note.review_by is None:
            note = note.evolve(review_by=Preferences(self.vault).review_by(note.date, note.marking))
        return self.vault.save(note)

    def edit(self, note_id: str, **changes: Any) -> Note:
        """Change a note. A draft whose changes complete it stops being a draft (and so goes
        to the server at the next sync) unless ``draft`` is given."""
        note = self.get(note_id)
        if "council" in changes:
            changes["council"] = Councils(self.vault).require(changes["council"])
        if note.draft and "draft" not in changes and not note.evolve(**changes).missing:
            changes["draft"] = False
        return self.vault.save(note.evolve(**changes), audit_detail={"fields": sorted(changes)})

    def delete(self, note_id: str) -> Note:
        """Tombstone the note. A draft is discarded scrubbed: its text never leaves the device,
        not even in the tombstone that tells other devices it is gone."""
        note = self.get(note_id)
        if not note.draft:
            return self.vault.delete(note)
        with self.vault.transaction():
            self._forget_unsent(note.id)
            return self.vault.save(_scrubbed(note), audit_detail={"draft": True})

    def dispose(self, note_id: str, today: date | None = None) -> Note:
        """End of retention: delete the note everywhere and leave nothing readable behind.

        The row becomes a scrubbed tombstone (title replaced, body, themes and evidence
        emptied), earlier unsent versions leave the outbox, conflict copies of it leave the
        vault, and the tombstone carries ``disposed_on`` so the server scrubs its history too
        and every device overwrites its copy. The audit says 'dispose', with no note text."""
        note = self.get(note_id)
        on = today or self.vault.now().date()
        with self.vault.transaction():
            self._forget_unsent(note.id)
            saved = self.vault.save(_scrubbed(note, disposed_on=on), audit_detail={"dispose": True})
            self.vault.set_meta(index_merge.PURGE_PENDING, "1")  # paid by _purge_index
            self.vault.audit(
                "dispose",
                note.kind,
                note.id,
                {
                    "version": saved.version,
                    "council": note.council,
                    "marking": note.marking.value,
                    "review_by": self.review_date(note).isoformat(),
                },
            )
        self._purge_index()
        return saved

    def _purge_index(self) -> None:
        """Full-text search keeps a deleted note's words in its older index segments until
        they are merged, and SQLite keeps old page images in the write-ahead log until a
        checkpoint. Merging the index into one segment (freed pages are zeroed: the vault runs
        with secure_delete) and folding the log into the file leaves the disposed words nowhere
        in the vault. Too slow for the window's thread on a large vault, so there it is owed
        (index_merge.PURGE_PENDING), and the desktop's worker merges it in steps, resuming
        after a lock; elsewhere (the CLI) it is done here and now."""
        if self.vault.window_thread is threading.current_thread():
            return
        self.vault.conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('optimize')")
        index_merge.finish_purge(self.vault)

    def _forget_unsent(self, note_id: str) -> None:
        """Earlier versions still waiting in the outbox carry the text: only the scrubbed
        tombstone may go. Conflict copies the server sent keep old values: they go too."""
        conn = self.vault.conn
        conn.execute("DELETE FROM outbox WHERE kind = 'note' AND record_id = ?", (note_id,))
        conn.execute("DELETE FROM sync_conflicts WHERE kind = 'note' AND record_id = ?", (note_id,))

    def get(self, note_id: str) -> Note:
        """By full id or by an unambiguous prefix of at least 8 characters, as the CLI shows."""
        text = note_id.strip().lower()
        if len(text) < 8:
            raise NotFound(f"no note {note_id!r}: give at least 8 characters of its id")
        found = self.vault.matching_id(Note, text)
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

    # -- drafts and review -------------------------------------------------------------------
    def drafts(self) -> builtins.list[Note]:
        """Notes saved incomplete, most recently changed first: neither synced nor briefed."""
        return self.vault.records(
            Note, "deleted = 0 AND draft = 1", order="updated_at DESC, seq DESC"
        )

    def review_date(self, note: Note, months: dict[Marking, int] | None = None) -> date:
        """The note's review-by date; a note stored before review dates existed gets the
        default for its marking, counted from its date (``months``: the periods, if the
        caller already has them)."""
        if note.review_by is not None:
            return note.review_by
        if months is None:
            return Preferences(self.vault).review_by(note.date, note.marking)
        return add_months(note.date, months[note.marking])

    def due_for_review(
        self, on: date | None = None, limit: int | None = None
    ) -> builtins.list[Note]:
        """Notes whose review date is on or before ``on`` (default today), oldest due first;
        at most ``limit`` of them. Filtered, ordered and cut in SQL: only what is shown is
        read (a vault of 100,000 old notes answers in a fraction of a second)."""
        where, params = self.due_where(on)
        months = self._months()
        # Ordering only: SQLite's '+N months' can land up to three days after the clamped
        # date for a note made on the 29th-31st; which notes are due is exact (``due_where``).
        cases = " ".join(f"WHEN '{m.value}' THEN '+{int(n)} months'" for m, n in months.items())
        order = f'coalesce(review_by, date("date", CASE marking {cases} END)), date, seq'
        return self.vault.records(Note, where, params, order=order, limit=limit)

    def count_due(self, on: date | None = None) -> int:
        where, params = self.due_where(on)
        return int(self.vault.scalar(f"SELECT count(*) FROM notes WHERE {where}", params))

    def due_where(self, on: date | None) -> tuple[str, builtins.list[Any]]:
        """A note without its own review date is due when its date is on or before the last
        date that, plus its marking's months, still falls on or before ``on``."""
        day = on or self.vault.now().date()
        clauses, params = [], [day.isoformat()]
        for marking, months in self._months().items():
            clauses.append("(marking = ? AND date <= ?)")
            params += [marking.value, _latest_due(day, months).isoformat()]
        undated = " OR ".join(clauses)
        return f"deleted = 0 AND (review_by <= ? OR (review_by IS NULL AND ({undated})))", params

    def _months(self) -> dict[Marking, int]:
        prefs = Preferences(self.vault)
        return {m: prefs.retention_months(m) for m in Marking}

    def serious_unaware(self, councils: Sequence[str] | None = None) -> builtins.list[Note]:
        """Serious concerns the council has not been told are being shared: the principal
        adviser should contact the leader or chief executive. Drafts included (they are the
        adviser's own knowledge); oldest first."""
        # Literal, not a parameter, so that the partial index notes_serious_unaware serves it.
        where = "deleted = 0 AND concern = 'serious' AND council_aware = 0"
        params: builtins.list[Any] = []
        if councils is not None:
            if not councils:
                return []
            where += f" AND council IN ({','.join('?' * len(councils))})"
            params.extend(councils)
        return self.vault.records(Note, where, params, order="date, seq")


#: Free-text fields other areas add to notes (good practice): emptied by a scrub too.
_MORE_TEXT = ("outcome", "contact")


def _scrubbed(note: Note, disposed_on: date | None = None) -> Note:
    """The tombstone: every free-text field emptied (title replaced, as it may not be empty)."""
    extra = {name: "" for name in _MORE_TEXT if name in Note.model_fields}
    return note.model_copy(
        update={
            "title": SCRUBBED_TITLE if disposed_on else "Discarded draft",
            "body": "",
            "themes": [],
            "evidence": [],
            "concern": ConcernLevel.NONE,
            "council_aware": False,
            "council_aware_on": None,
            "draft": False,
            "deleted": True,
            "disposed_on": disposed_on,
            **extra,
        }
    )


def _latest_due(day: date, months: int) -> date:
    """The latest note date ``d`` with add_months(d, months) <= ``day`` (add_months is
    monotonic, and clamping at month ends can let a few later dates in)."""
    found = add_months(day, -months)
    while add_months(found + timedelta(days=1), months) <= day:
        found += timedelta(days=1)
    return found
