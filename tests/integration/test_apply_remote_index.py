"""Records arriving from the server in a batch (``Vault.apply_remote``) keep the full-text
index exactly in step with the rows: new rows indexed, edited rows re-indexed under their new
words and not their old ones, deleted rows out, undeleted rows back in. The batch path updates
the index itself (its triggers are set aside), so FTS5's own integrity check and searches for
old and new words are held against the rows."""

from __future__ import annotations

import json

from sli_desktop.domain import Note
from sli_desktop.sync.turns import Turns
from sli_desktop.vault import codec
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.search import Search
from sli_desktop.vault.store import Vault

BHAM = "E08000025"


def _found(vault: Vault, word: str) -> set[str]:
    return {h.id for h in Search(vault).search(word, limit=100, kinds=("note",))}


def test_a_mixed_batch_leaves_the_index_matching_the_rows(councils_vault: Vault) -> None:
    vault = councils_vault
    notes = Notes(vault)
    held = [
        notes.add(council=BHAM, date="2026-01-05", title=f"Heron {i}", body="Kestrel plan")
        for i in range(30)
    ]
    for note in held[25:]:
        notes.delete(note.id)
    held = [vault.get(Note, n.id) for n in held]  # current versions, tombstones included
    arriving = [
        *(
            Note.build(council=BHAM, date="2026-02-01", title=f"Osprey {i}", body="new")
            for i in range(10)
        ),
        *(n.evolve(title=f"Plover {i}", version=n.version + 1) for i, n in enumerate(held[:10])),
        *(n.evolve(deleted=True, version=n.version + 1) for n in held[10:15]),
        *(
            n.evolve(deleted=False, title="Lapwing back", version=n.version + 1)
            for n in held[25:30]
        ),
    ]
    assert len(arriving) >= 20  # the batch path, not one row at a time
    vault.apply_remote(arriving)

    vault.conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
    # the batch's own settings are gone: the index's usual in-memory limit, its triggers back
    limit = vault.query("SELECT v FROM notes_fts_config WHERE k = 'hashsize'")
    assert limit in ([], [(1024 * 1024,)])
    triggers = vault.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    assert {"notes_fts_insert", "notes_fts_delete", "notes_fts_update"} <= {t[0] for t in triggers}
    ids = {n.id for n in held}
    assert len(_found(vault, "osprey")) == 10
    assert _found(vault, "plover") == {n.id for n in held[:10]}
    assert _found(vault, "heron") == {n.id for n in held[15:25]}, "old titles gone, deletes out"
    assert _found(vault, "lapwing") == {n.id for n in held[25:30]}, "undeleted rows back in"
    assert _found(vault, "kestrel") == {n.id for n in held[:10]} | {n.id for n in held[15:30]}
    assert _found(vault, "kestrel") <= ids
    rows = vault.scalar("SELECT count(*) FROM notes WHERE deleted = 0")
    indexed = vault.scalar("SELECT count(*) FROM notes_fts_docsize")
    assert rows == indexed == 10 + 10 + 10 + 5


def test_records_encoded_ahead_are_written_as_records_are(councils_vault: Vault) -> None:
    """The pull encodes a page on its reader thread (``codec.Encoded``): the rows, their
    index and the audit entry are what the same records given as they are would make."""
    vault = councils_vault
    arriving = [
        Note.build(council=BHAM, date="2026-02-01", title=f"Osprey {i}", body="Tern")
        for i in range(25)
    ]
    vault.apply_remote([*(codec.encoded(n) for n in arriving[:20]), *arriving[20:]])
    vault.conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
    assert [vault.get(Note, n.id) for n in arriving] == arriving
    assert len(_found(vault, "tern")) == 25
    detail = vault.scalar("SELECT detail FROM audit WHERE action = 'sync-received'")
    assert json.loads(detail) == {"records": 25, "kinds": ["note"]}


def test_the_writer_says_when_it_can_spare_the_interpreter(councils_vault: Vault) -> None:
    """The pull's ``Turns.engine_only`` wraps each statement a batch runs in the full-text
    index (long statements SQLite runs without Python), and only those: the pull's reader
    thread works in those moments and leaves the row-by-row inserts alone. The vault carries
    no such state of its own."""
    vault = councils_vault
    turns = Turns()
    seen: list[tuple[str, bool]] = []
    vault.conn.set_trace_callback(
        lambda sql: seen.append((" ".join(sql.split()[:3]), turns.spare.is_set()))
    )
    try:
        vault.apply_remote(
            [Note.build(council=BHAM, date="2026-02-01", title=f"Osprey {i}") for i in range(25)],
            engine_only=turns.engine_only,
        )
    finally:
        vault.conn.set_trace_callback(None)
    spare = {statement for statement, is_set in seen if is_set}
    assert "INSERT INTO notes_fts(rowid," in spare  # the batch's new rows into the index
    assert "INSERT INTO notes_fts(notes_fts," in spare  # its entries written out
    assert ("INSERT INTO notes", False) in seen  # the rows themselves
    assert "INSERT INTO notes" not in spare and "BEGIN IMMEDIATE" not in spare
    assert not turns.spare.is_set()
    assert not hasattr(vault, "interpreter_spare")
