"""What sync keeps in the vault: the outbox to push, the server revision of each record, the
feed cursor, the device's enrolment and the conflicts the server reported. SQL lives here so the
sync client stays plain Python."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import Record
from . import codec
from .errors import VaultDamaged
from .header import header_path, read_header
from .keystore import KeyStore
from .store import ROW_PAYLOAD, Vault


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    change_id: str
    kind: str
    record_id: str
    op: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class StoredConflict:
    id: str
    kind: str
    record_id: str
    rev: int
    detail: dict[str, Any]
    resolved: bool
    resolution: str | None
    received_at: str


#: Key prefix (in ``meta``) of the pushes answered by a merge the vault has not received yet.
LANDED = "sync_landed:"
#: Every key that starts with LANDED sorts between these (":" is followed by ";"): the
#: primary key's range, with no LIKE and its wildcard "_" to escape.
_LANDED_RANGE = (LANDED, LANDED[:-1] + ";")

#: Write-ahead log pages a pull lets build up before SQLite copies them into the database
#: (its default is 1,000 pages): a pulled page writes far more than that, so each page's
#: commit copied the whole log back, rewriting the same index pages once per page. With this
#: the log is copied back every few pages; the usual limit returns afterwards.
PULL_CHECKPOINT_PAGES = 25_000


class SyncState:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    @contextmanager
    def receiving(self) -> Iterator[None]:
        """A pull: the write-ahead log is copied back into the database less often while the
        pages are written (PULL_CHECKPOINT_PAGES), then the connection's own limit returns.
        Every page still commits on its own: nothing about durability changes."""
        conn = self.vault.conn
        before = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        conn.execute(f"PRAGMA wal_autocheckpoint = {max(before, PULL_CHECKPOINT_PAGES)}")
        try:
            yield
        finally:
            if self.vault.is_open:  # a revoked device's vault is wiped during the pull
                self.vault.conn.execute(f"PRAGMA wal_autocheckpoint = {before}")

    # -- enrolment ---------------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        return self.vault.meta(f"sync_{key}")

    def put(self, key: str, value: str) -> None:
        self.vault.set_meta(f"sync_{key}", value)

    def forget(self, key: str) -> None:
        with self.vault.transaction():
            self.vault.conn.execute("DELETE FROM meta WHERE key = ?", (f"sync_{key}",))

    def restart(self) -> None:
        """Forget the server revisions and the cursor (a device moving to another server)."""
        with self.vault.transaction():
            self.vault.conn.execute("DELETE FROM sync_records")
            self.vault.conn.execute("DELETE FROM meta WHERE key > ? AND key < ?", _LANDED_RANGE)
            self.set_cursor(0)

    # -- outbox ------------------------------------------------------------------------------
    def outbox(self) -> list[OutboxRow]:
        """The unsent changes in the order they were made, each with the state a push sends.
        An entry written as ``ROW_PAYLOAD`` (a batch of new records) takes its record's row,
        read here: every later write of the record journals an entry of its own, and a push
        sends only a record's newest entry, so the row is the state that goes up."""
        # One transaction for both reads: another window's sync or edit in between could
        # otherwise acknowledge an entry, or move its row on, between them.
        with self.vault.transaction():
            rows = self.vault.query(
                "SELECT seq, change_id, kind, record_id, op, payload, version FROM outbox "
                "ORDER BY seq"
            )
            held = self._rows_of({r[2] for r in rows if r[5] == ROW_PAYLOAD})
        found = []
        for seq, change_id, kind, record_id, op, payload, version in rows:
            if payload != ROW_PAYLOAD:
                found.append(OutboxRow(seq, change_id, kind, record_id, op, json.loads(payload)))
                continue
            state = held.get((kind, record_id))
            if state is None or state["version"] < version:
                raise VaultDamaged(
                    self.vault.path,
                    f"an unsent change names {kind} {record_id}, which it no longer holds",
                )
            found.append(OutboxRow(seq, change_id, kind, record_id, op, state))
        return found

    def _rows_of(self, kinds: set[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """The JSON form of each record of ``kinds`` that an entry without a payload names,
        read from its row (``codec.json_form``)."""
        held: dict[tuple[str, str], dict[str, Any]] = {}
        for kind in sorted(kinds):
            cls = codec.TYPES_BY_KIND[kind]
            for row in self.vault.query(
                f"SELECT {codec.column_list(cls)} FROM {codec.table(cls)} WHERE id IN "
                "(SELECT record_id FROM outbox WHERE kind = ? AND payload = ?)",
                (kind, ROW_PAYLOAD),
            ):
                state = codec.json_form(cls, row)
                held[(kind, state["id"])] = state
        return held

    def acknowledge(self, seqs: Sequence[int]) -> None:
        with self.vault.transaction(savepoint=False):
            self.vault.conn.executemany("DELETE FROM outbox WHERE seq = ?", [(s,) for s in seqs])

    def scrub(self, kind: str, record_id: str) -> None:
        """Forget a record's unsent changes and conflict copies: a disposal overrides them."""
        with self.vault.transaction():
            for table in ("outbox", "sync_conflicts"):
                self.vault.conn.execute(
                    f"DELETE FROM {table} WHERE kind = ? AND record_id = ?", (kind, record_id)
                )

    def has_pending(self, kind: str, record_id: str) -> bool:
        return bool(
            self.vault.scalar(
                "SELECT 1 FROM outbox WHERE kind = ? AND record_id = ? LIMIT 1", (kind, record_id)
            )
        )

    # -- revisions and cursor ----------------------------------------------------------------
    def rev(self, kind: str, record_id: str) -> int:
        value = self.vault.scalar(
            "SELECT rev FROM sync_records WHERE kind = ? AND record_id = ?", (kind, record_id)
        )
        return int(value or 0)

    def set_rev(self, kind: str, record_id: str, rev: int) -> None:
        with self.vault.transaction():
            self.vault.conn.execute(
                "INSERT INTO sync_records(kind, record_id, rev) VALUES (?, ?, ?) "
                "ON CONFLICT(kind, record_id) DO UPDATE SET rev = excluded.rev",
                (kind, record_id, rev),
            )

    def set_revs(self, revs: Sequence[tuple[str, str, int]]) -> None:
        """In key order (a stable sort: a record named twice still ends with its last rev):
        the table is keyed by random ids, and sorted rows fill one leaf after another instead
        of touching a different page for every row. A batch joins the caller's transaction
        (a pull page's) rather than opening a savepoint: see Vault.transaction."""
        with self.vault.transaction(savepoint=False):
            self.vault.conn.executemany(
                "INSERT INTO sync_records(kind, record_id, rev) VALUES (?, ?, ?) "
                "ON CONFLICT(kind, record_id) DO UPDATE SET rev = excluded.rev",
                sorted(revs, key=lambda r: (r[0], r[1])),
            )

    # -- pushes that landed as a merge or a conflict ----------------------------------------
    def landed(self) -> dict[tuple[str, str], str]:
        """Records whose last push the server merged (or kept a conflict of) while this vault
        still holds them as it sent them, not as the server made them: (kind, id) -> that
        push's change id. The next push of such a record names the id among the changes it
        covers, so the server merges against what this device sent then (its copy), not
        against the revision it answered, which this device never received. A pulled
        revision of the record ends it."""
        rows = self.vault.query(
            "SELECT key, value FROM meta WHERE key > ? AND key < ?", _LANDED_RANGE
        )
        found: dict[tuple[str, str], str] = {}
        for key, value in rows:
            kind, _, record_id = str(key)[len(LANDED) :].partition(":")
            found[(kind, record_id)] = str(value)
        return found

    def set_landed(self, changes: Sequence[tuple[str, str, str]]) -> None:
        """(kind, record_id, change_id) of pushes answered "merged" or "conflict"."""
        with self.vault.transaction(savepoint=False):
            self.vault.conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(f"{LANDED}{kind}:{rid}", cid) for kind, rid, cid in changes],
            )

    def clear_landed(self, records: Sequence[tuple[str, str]]) -> None:
        """The vault now holds a revision of each of these as the server has it."""
        with self.vault.transaction(savepoint=False):
            self.vault.conn.executemany(
                "DELETE FROM meta WHERE key = ?", [(f"{LANDED}{k}:{r}",) for k, r in records]
            )

    def pending(self) -> set[tuple[str, str]]:
        """Records with local edits waiting to be pushed."""
        return {
            (r[0], r[1]) for r in self.vault.query("SELECT DISTINCT kind, record_id FROM outbox")
        }

    def held_as_sent(self, records: Sequence[Record]) -> set[tuple[str, str]]:
        """(kind, id) of the ``records`` whose rows already hold exactly the values writing them
        would store: rewriting those changes nothing (a device's own pushed changes coming back
        in the feed), so the pull leaves them, their full-text entries and the pages they sit on
        alone. A row that differs in any column, or is missing, is not held."""
        by_type: dict[type[Record], dict[str, Record]] = {}
        for record in records:
            by_type.setdefault(type(record), {})[record.id] = record
        held: set[tuple[str, str]] = set()
        for cls, wanted in by_type.items():
            names = codec.columns(cls)
            at = names.index("id")
            ids = list(wanted)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = self.vault.query(
                    f"SELECT {codec.column_list(cls)} FROM {codec.table(cls)} "
                    f"WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                for row in rows:
                    record = wanted[row[at]]
                    data = codec.encode(record)
                    if tuple(row) == tuple(data[n] for n in names):
                        held.add((record.kind, record.id))
        return held

    @property
    def cursor(self) -> int:
        return int(self.get("cursor") or 0)

    def set_cursor(self, cursor: int) -> None:
        self.put("cursor", str(cursor))

    # -- conflicts ---------------------------------------------------------------------------
    def put_conflict(
        self,
        conflict_id: str,
        kind: str,
        record_id: str,
        rev: int,
        detail: dict[str, Any],
        resolved: bool,
    ) -> bool:
        """Store a conflict the server reported; True if it is new to this vault."""
        with self.vault.transaction():
            known = self.vault.scalar(
                "SELECT resolved FROM sync_conflicts WHERE id = ?", (conflict_id,)
            )
            if known is None:
                self.vault.conn.execute(
                    "INSERT INTO sync_conflicts(id, kind, record_id, rev, detail, resolved, "
                    "received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        conflict_id,
                        kind,
                        record_id,
                        rev,
                        json.dumps(detail, ensure_ascii=False),
                        int(resolved),
                        self.vault.now().isoformat(),
                    ),
                )
                self.vault.audit("sync-conflict", kind, record_id, {"conflict": conflict_id})
                return True
            if resolved and not known:
                self.vault.conn.execute(
                    "UPDATE sync_conflicts SET resolved = 1, resolution = 'elsewhere' WHERE id = ?",
                    (conflict_id,),
                )
            return False

    def conflicts(self, include_resolved: bool = False) -> list[StoredConflict]:
        where = "1" if include_resolved else "resolved = 0"
        rows = self.vault.query(
            "SELECT id, kind, record_id, rev, detail, resolved, resolution, received_at "
            f"FROM sync_conflicts WHERE {where} ORDER BY received_at, id"
        )
        return [
            StoredConflict(r[0], r[1], r[2], int(r[3]), json.loads(r[4]), bool(r[5]), r[6], r[7])
            for r in rows
        ]

    def mark_resolved(self, conflict_id: str, resolution: str) -> None:
        with self.vault.transaction():
            self.vault.conn.execute(
                "UPDATE sync_conflicts SET resolved = 1, resolution = ?, to_push = 1 WHERE id = ?",
                (resolution, conflict_id),
            )
            self.vault.audit(
                "conflict-resolved", detail={"conflict": conflict_id, "keep": resolution}
            )

    def resolutions_to_push(self) -> list[str]:
        return [
            str(r[0])
            for r in self.vault.query("SELECT id FROM sync_conflicts WHERE to_push = 1 ORDER BY id")
        ]

    def resolutions_pushed(self, ids: Sequence[str]) -> None:
        with self.vault.transaction():
            self.vault.conn.executemany(
                "UPDATE sync_conflicts SET to_push = 0 WHERE id = ?", [(i,) for i in ids]
            )


def wipe(vault: Vault, keystore: KeyStore | None, token_name: str | None = None) -> list[Path]:
    """Destroy this device's vault: the database, its -wal/-shm, the header and any key or token
    remembered for it. Returns the files removed."""
    path = vault.path
    try:
        vault_id: str | None = read_header(path).vault_id
    except Exception:  # noqa: BLE001 - a damaged header must not stop the wipe
        vault_id = None
    vault.close()
    removed: list[Path] = []
    for target in (
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        path.with_name(path.name + "-journal"),
        header_path(path),
    ):
        if target.exists():
            target.unlink()
            removed.append(target)
    if keystore is not None:
        if vault_id:
            keystore.delete(vault_id)
        if token_name:
            keystore.delete(token_name)
    return removed
