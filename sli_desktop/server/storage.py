"""Server storage on SQLAlchemy Core: the same code on SQLite (one file) and PostgreSQL.

Every accepted change gets the next revision of its record and the next sequence number of the
change feed. Writers are serialised (a process lock, and on PostgreSQL a table lock), so the
feed's sequence numbers become visible in order and a cursor never skips a change.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..domain import RECORD_TYPES, Region
from ..domain.records import STORED
from ..sync import protocol as p
from .merge import merge

ENROL_CODE_TTL = 7 * 24 * 3600
KINDS = {cls.kind: cls for cls in RECORD_TYPES}
#: A council's register fields belong to the server (sli server import-councils): clients may
#: track the other fields (political control, improvement board), not rewrite the register.
REGISTER_FIELDS = frozenset(
    {
        "gss_code",
        "name",
        "short_name",
        "la_code",
        "type",
        "nation",
        "region",
        "population",
        "alt_names",
    }
)

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("regions", sa.Text, nullable=False),
)
enrolment_codes = sa.Table(
    "enrolment_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("used", sa.Boolean, nullable=False, default=False),
)
devices = sa.Table(
    "devices",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("enrolled_at", sa.Float, nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
)
records = sa.Table(
    "records",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("record_id", sa.String(64), primary_key=True),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("council", sa.String(20)),
    sa.Column("region", sa.String(40)),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("last_change", sa.String(64), nullable=False),
    sa.Column("last_device", sa.String(36), nullable=False),
)
revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("record_id", sa.String(64), primary_key=True),
    sa.Column("rev", sa.Integer, primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
)
changes = sa.Table(
    "changes",
    metadata,
    # BIGINT on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit (and must be spelt so).
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("item", sa.String(10), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("conflict_id", sa.String(36)),
    sa.Column("region", sa.String(40)),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
)
applied = sa.Table(
    "applied_changes",
    metadata,
    sa.Column("change_id", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    # What the device sent: the base of its next change to the record if the ack was lost.
    sa.Column("sent", sa.Text, nullable=False),
)
conflicts = sa.Table(
    "conflicts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("record_id", sa.String(64), nullable=False),
    sa.Column("rev", sa.Integer, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("resolved", sa.Boolean, nullable=False, default=False),
    sa.Column("region", sa.String(40)),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
)
sa.Index("changes_record", changes.c.kind, changes.c.record_id)


class StorageError(Exception):
    """Something the operator can fix: one line for the command line."""


@dataclass(frozen=True)
class Principal:
    user_id: int
    user: str
    role: str
    regions: frozenset[str]
    device_id: str


@dataclass(frozen=True)
class Auth:
    principal: Principal | None
    revoked: bool = False


class _Batch:
    """Inserts collected during one write transaction and sent with executemany: the feed keeps
    its order. A change touching a record already in the batch flushes it first, so every read
    sees what came before it."""

    def __init__(self) -> None:
        self.rows: dict[sa.Table, list[dict[str, Any]]] = {}
        self.touched: set[tuple[str, str]] = set()
        self.regions: dict[str, str | None] = {}

    def add(self, table: sa.Table, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)
        if table is revisions:
            self.touched.add((row["kind"], row["record_id"]))

    def flush(self, conn: Connection) -> None:
        for table in (revisions, conflicts, applied, changes):
            rows = self.rows.pop(table, None)
            if rows:
                conn.execute(table.insert(), rows)
        self.rows.clear()
        self.touched.clear()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Storage:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = make_engine(url)
            metadata.create_all(self.engine)
        except (sa.exc.SQLAlchemyError, ImportError) as exc:
            raise StorageError(f"cannot open the server database {_safe(url)}: {exc}") from None
        self._lock = threading.Lock()
        self._postgres = self.engine.dialect.name == "postgresql"

    def close(self) -> None:
        self.engine.dispose()

    # -- writers hold the lock: the feed becomes visible in sequence order ----------------
    def _write(self) -> Any:
        store = self

        class _Writer:
            def __enter__(self) -> Connection:
                store._lock.acquire()
                try:
                    self.cm = store.engine.begin()
                    conn = self.cm.__enter__()
                    if store._postgres:
                        conn.execute(sa.text("LOCK TABLE changes IN EXCLUSIVE MODE"))
                except BaseException:
                    store._lock.release()
                    raise
                return conn

            def __exit__(self, *exc: Any) -> None:
                try:
                    self.cm.__exit__(*exc)
                finally:
                    store._lock.release()

        return _Writer()

    # -- users and devices -----------------------------------------------------------------
    def add_user(self, name: str, role: str, regions: Sequence[str]) -> str:
        """Create the user (or give an existing one a new code); returns a one-time code."""
        if role not in p.ROLES:
            raise StorageError(f"unknown role {role!r}; expected one of {', '.join(p.ROLES)}")
        try:
            parsed = sorted({Region.parse(r).value for r in regions})
        except ValueError as exc:
            raise StorageError(str(exc)) from None
        if not name.strip():
            raise StorageError("the user name must not be empty")
        code = "-".join(secrets.token_hex(3).upper() for _ in range(4))
        with self._write() as conn:
            row = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if row is None:
                user_id = conn.execute(
                    users.insert().values(name=name, role=role, regions=_dumps(parsed))
                ).inserted_primary_key[0]
            else:
                user_id = row[0]
                conn.execute(
                    users.update()
                    .where(users.c.id == user_id)
                    .values(role=role, regions=_dumps(parsed))
                )
            conn.execute(
                enrolment_codes.insert().values(
                    code_hash=_hash(code),
                    user_id=user_id,
                    expires_at=time.time() + ENROL_CODE_TTL,
                    used=False,
                )
            )
        return code

    def enroll(self, code: str, device_name: str) -> p.EnrollResponse | None:
        """Spend a one-time code on a new device; None if the code is unknown, used or old."""
        token = secrets.token_urlsafe(32)
        device_id = str(uuid.uuid4())
        with self._write() as conn:
            row = conn.execute(
                sa.select(enrolment_codes, users.c.name, users.c.role, users.c.regions)
                .join(users, users.c.id == enrolment_codes.c.user_id)
                .where(enrolment_codes.c.code_hash == _hash(code.strip().upper()))
            ).first()
            if row is None or row.used or row.expires_at < time.time():
                return None
            conn.execute(
                enrolment_codes.update()
                .where(enrolment_codes.c.code_hash == row.code_hash)
                .values(used=True)
            )
            conn.execute(
                devices.insert().values(
                    id=device_id,
                    user_id=row.user_id,
                    name=device_name or "device",
                    token_hash=_hash(token),
                    enrolled_at=time.time(),
                    revoked=False,
                )
            )
        return p.EnrollResponse(
            device_id=device_id,
            token=token,
            user=row.name,
            role=row.role,
            regions=json.loads(row.regions),
        )

    def authenticate(self, token: str) -> Auth:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    devices.c.id.label("device_id"),
                    devices.c.revoked,
                    users.c.id.label("user_id"),
                    users.c.name,
                    users.c.role,
                    users.c.regions,
                )
                .join(users, users.c.id == devices.c.user_id)
                .where(devices.c.token_hash == _hash(token))
            ).first()
        if row is None:
            return Auth(None)
        principal = Principal(
            row.user_id, row.name, row.role, frozenset(json.loads(row.regions)), row.device_id
        )
        return Auth(principal, revoked=bool(row.revoked))

    def list_devices(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(devices.c.id, devices.c.name, devices.c.enrolled_at, devices.c.revoked)
                .add_columns(users.c.name.label("user"), users.c.role)
                .join(users, users.c.id == devices.c.user_id)
                .order_by(devices.c.enrolled_at)
            ).all()
        return [
            {
                "id": r.id,
                "name": r.name,
                "user": r.user,
                "role": r.role,
                "enrolled_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r.enrolled_at)),
                "revoked": bool(r.revoked),
            }
            for r in rows
        ]

    def revoke_device(self, device_id: str) -> bool:
        with self._write() as conn:
            done = conn.execute(
                devices.update().where(devices.c.id == device_id).values(revoked=True)
            )
            return bool(done.rowcount)

    # -- records -----------------------------------------------------------------------------
    def import_councils(self, councils: Iterable[dict[str, Any]]) -> int:
        """The register every client receives on its first sync; returns how many changed."""
        changed = 0
        batch = _Batch()
        with self._write() as conn:
            for payload in councils:
                current = self._current(conn, "council", payload["id"])
                if current is not None:
                    old = json.loads(current.payload)
                    keep = {"version", "created_at", "updated_at", "author"}
                    if {k: v for k, v in old.items() if k not in keep} == {
                        k: v for k, v in payload.items() if k not in keep
                    }:
                        continue
                rev = 1 if current is None else current.rev + 1
                self._store(
                    conn,
                    "council",
                    payload["id"],
                    rev,
                    {**payload, "version": rev},
                    owner="server",
                    change_id=f"register:{payload['id']}:{rev}",
                    device_id="server",
                    exists=current is not None,
                    batch=batch,
                )
                changed += 1
            batch.flush(conn)
        return changed

    def push(self, who: Principal, request: p.PushRequest) -> p.PushResponse:
        results: list[p.ChangeResult] = []
        batch = _Batch()
        with self._write() as conn:
            for change in request.changes:
                if (change.kind, change.record_id) in batch.touched or any(
                    r.get("change_id") in (change.change_id, *change.covers)
                    for r in batch.rows.get(applied, ())
                ):
                    batch.flush(conn)
                results.append(self._apply(conn, who, change, batch))
            batch.flush(conn)
            for conflict_id in request.resolved:
                self._resolve(conn, who, conflict_id)
        return p.PushResponse(results=results)

    def _apply(
        self, conn: Connection, who: Principal, change: p.Change, batch: _Batch
    ) -> p.ChangeResult:
        ids = list(dict.fromkeys([*change.covers, change.change_id]))
        done = conn.execute(sa.select(applied).where(applied.c.change_id.in_(ids))).all()
        mine_done = [r for r in done if r.device_id == who.device_id]
        if len(done) != len(mine_done):
            return self._reject(conn, who, change, ids, "change id already used by another device")
        by_id = {r.change_id: r for r in done}
        if change.change_id in by_id:
            row = by_id[change.change_id]
            return p.ChangeResult(
                change_id=change.change_id, status=row.status, rev=row.rev, reason=row.reason
            )
        if change.payload.get("id") != change.record_id:
            return self._reject(conn, who, change, ids, "the payload is for another record")
        cls = KINDS.get(change.kind)
        if cls is None:
            return self._reject(conn, who, change, ids, f"unknown kind {change.kind!r}")
        try:
            cls.model_validate(change.payload, context=STORED)
        except pydantic.ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(x) for x in first["loc"])
            return self._reject(conn, who, change, ids, f"invalid record: {where} {first['msg']}")
        current = self._current(conn, change.kind, change.record_id)
        new_region = self._region(conn, change.kind, change.payload, batch)
        private = change.kind == "note" and bool(change.payload.get("private"))
        if not self._may_write(
            who, change.kind, new_region, who.user if current is None else current.owner, current
        ):
            return self._reject(conn, who, change, ids, "not allowed")
        payload = dict(change.payload)
        payload["deleted"] = change.op == "delete" or bool(payload.get("deleted"))
        if current is None:
            rev = 1
            result_payload = {**payload, "version": rev}
            status: p.Status = "applied"
            conflict = None
        else:
            if mine_done:  # an earlier push of this chain landed but its answer was lost
                last = max(mine_done, key=lambda r: r.rev)
                base: dict[str, Any] | None = json.loads(last.sent)
            else:
                base = self._revision(conn, change.kind, change.record_id, change.base_rev)
            theirs = json.loads(current.payload)
            if change.kind == "council":
                payload.update({k: theirs[k] for k in REGISTER_FIELDS if k in theirs})
                if change.base_rev == 0 and not mine_done:
                    base = theirs  # a register imported on the device before it first synced
            outcome = merge(base, theirs, payload, mine_wins=change.change_id > current.last_change)
            rev = current.rev + 1
            result_payload = {**outcome.payload, "version": rev}
            status = "applied" if outcome.fast_forward else "merged"
            conflict = None
            if outcome.conflicts:
                status = "conflict"
                mine_wins = change.change_id > current.last_change
                conflict = p.Conflict(
                    id=str(uuid.uuid4()),
                    kind=change.kind,
                    record_id=change.record_id,
                    rev=rev,
                    fields={
                        k: p.FieldConflict(winner=w, loser=lo)
                        for k, (w, lo) in outcome.conflicts.items()
                    },
                    winner_device=who.device_id if mine_wins else current.last_device,
                    loser_device=current.last_device if mine_wins else who.device_id,
                )
            if change.kind == "note":
                private = bool(result_payload.get("private"))
        owner = who.user if current is None else current.owner
        self._store(
            conn,
            change.kind,
            change.record_id,
            rev,
            result_payload,
            owner=owner,
            change_id=change.change_id,
            device_id=who.device_id,
            exists=current is not None,
            private=private,
            batch=batch,
        )
        if conflict is not None:
            region = self._region(conn, change.kind, result_payload, batch)
            batch.add(
                conflicts,
                {
                    "id": conflict.id,
                    "kind": conflict.kind,
                    "record_id": conflict.record_id,
                    "rev": rev,
                    "detail": conflict.model_dump_json(),
                    "resolved": False,
                    "region": region,
                    "private": private,
                    "owner": owner,
                },
            )
            batch.add(
                changes,
                {
                    "item": "conflict",
                    "kind": change.kind,
                    "record_id": change.record_id,
                    "rev": rev,
                    "conflict_id": conflict.id,
                    "region": region,
                    "private": private,
                    "owner": owner,
                },
            )
        sent = _dumps(payload)
        for cid in ids:
            if cid not in by_id:
                batch.add(
                    applied,
                    {
                        "change_id": cid,
                        "device_id": who.device_id,
                        "kind": change.kind,
                        "record_id": change.record_id,
                        "status": status,
                        "rev": rev,
                        "reason": "",
                        "sent": sent,
                    },
                )
        return p.ChangeResult(change_id=change.change_id, status=status, rev=rev)

    def _reject(
        self, conn: Connection, who: Principal, change: p.Change, ids: list[str], reason: str
    ) -> p.ChangeResult:
        return p.ChangeResult(change_id=change.change_id, status="rejected", reason=reason)

    def _resolve(self, conn: Connection, who: Principal, conflict_id: str) -> None:
        row = conn.execute(sa.select(conflicts).where(conflicts.c.id == conflict_id)).first()
        if row is None or row.resolved or not self._may_see(who, row):
            return
        detail = p.Conflict.model_validate_json(row.detail)
        detail.resolved = True
        conn.execute(
            conflicts.update()
            .where(conflicts.c.id == conflict_id)
            .values(resolved=True, detail=detail.model_dump_json())
        )
        conn.execute(
            changes.insert().values(
                item="conflict",
                kind=row.kind,
                record_id=row.record_id,
                rev=row.rev,
                conflict_id=row.id,
                region=row.region,
                private=row.private,
                owner=row.owner,
            )
        )

    def _store(
        self,
        conn: Connection,
        kind: str,
        record_id: str,
        rev: int,
        payload: dict[str, Any],
        *,
        owner: str,
        change_id: str,
        device_id: str,
        exists: bool,
        batch: _Batch,
        private: bool = False,
    ) -> None:
        text = _dumps(payload)
        region = self._region(conn, kind, payload, batch)
        council = payload.get("gss_code") if kind == "council" else payload.get("council")
        values = {
            "rev": rev,
            "payload": text,
            "deleted": bool(payload.get("deleted")),
            "council": council,
            "region": region,
            "private": private,
            "owner": owner,
            "last_change": change_id,
            "last_device": device_id,
        }
        if exists:
            conn.execute(
                records.update()
                .where(records.c.kind == kind, records.c.record_id == record_id)
                .values(**values)
            )
        else:
            conn.execute(records.insert().values(kind=kind, record_id=record_id, **values))
        batch.add(revisions, {"kind": kind, "record_id": record_id, "rev": rev, "payload": text})
        batch.add(
            changes,
            {
                "item": "record",
                "kind": kind,
                "record_id": record_id,
                "rev": rev,
                "conflict_id": None,
                "region": region,
                "private": private,
                "owner": owner,
            },
        )

    def _current(self, conn: Connection, kind: str, record_id: str) -> Any:
        return conn.execute(
            sa.select(records).where(records.c.kind == kind, records.c.record_id == record_id)
        ).first()

    def _revision(
        self, conn: Connection, kind: str, record_id: str, rev: int
    ) -> dict[str, Any] | None:
        text = conn.execute(
            sa.select(revisions.c.payload).where(
                revisions.c.kind == kind,
                revisions.c.record_id == record_id,
                revisions.c.rev == rev,
            )
        ).scalar()
        return None if text is None else dict(json.loads(text))

    def _region(
        self, conn: Connection, kind: str, payload: dict[str, Any], batch: _Batch
    ) -> str | None:
        if kind == "council":
            region = payload.get("region")
            return str(region) if region else None
        gss = payload.get("council")
        if not gss:
            return None
        if gss not in batch.regions:
            batch.regions[gss] = conn.execute(
                sa.select(records.c.region).where(
                    records.c.kind == "council", records.c.council == gss
                )
            ).scalar()
        return batch.regions[gss]

    @staticmethod
    def _may_write(who: Principal, kind: str, region: str | None, owner: str, current: Any) -> bool:
        if who.role == "admin":
            return True
        if current is not None and not Storage._may_see(who, current):
            return False
        if kind == "council" and current is None:
            return False
        if region is None:
            return owner == who.user
        return region in who.regions or (who.role == "coordinator" and kind == "engagement")

    @staticmethod
    def _may_see(who: Principal, row: Any) -> bool:
        if row.private and row.owner != who.user:
            return False
        if who.role == "admin" or row.kind == "council":
            return True
        if row.region is None:
            return bool(row.owner == who.user)
        return row.region in who.regions or (who.role == "coordinator" and row.kind == "engagement")

    def _visible(self, who: Principal) -> Any:
        c = changes.c
        not_private = sa.or_(c.private.is_(False), c.owner == who.user)
        if who.role == "admin":
            return not_private
        scope = [c.kind == "council", sa.and_(c.region.is_(None), c.owner == who.user)]
        if who.regions:
            scope.append(c.region.in_(sorted(who.regions)))
        if who.role == "coordinator":
            scope.append(c.kind == "engagement")
        return sa.and_(not_private, sa.or_(*scope))

    def pull(self, who: Principal, cursor: int, limit: int) -> p.PullResponse:
        with self.engine.connect() as conn:
            top = conn.execute(sa.select(sa.func.max(changes.c.seq))).scalar() or 0
            rows = conn.execute(
                sa.select(
                    changes.c.seq,
                    changes.c.item,
                    changes.c.kind,
                    changes.c.record_id,
                    changes.c.rev,
                    revisions.c.payload,
                    conflicts.c.detail,
                )
                .select_from(
                    changes.outerjoin(
                        revisions,
                        sa.and_(
                            changes.c.item == "record",
                            revisions.c.kind == changes.c.kind,
                            revisions.c.record_id == changes.c.record_id,
                            revisions.c.rev == changes.c.rev,
                        ),
                    ).outerjoin(conflicts, conflicts.c.id == changes.c.conflict_id)
                )
                .where(changes.c.seq > cursor, changes.c.seq <= top, self._visible(who))
                .order_by(changes.c.seq)
                .limit(limit + 1)
            ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        items = [
            p.FeedItem(
                seq=r.seq,
                type=r.item,
                kind=r.kind,
                record_id=r.record_id,
                rev=r.rev,
                payload=json.loads(r.payload) if r.payload is not None else None,
                conflict=(
                    p.Conflict.model_validate_json(r.detail) if r.detail is not None else None
                ),
            )
            for r in rows
        ]
        new_cursor = rows[-1].seq if more else max(top, cursor)
        return p.PullResponse(items=items, cursor=new_cursor, more=more)

    def reset(self) -> None:
        """Drop and recreate every table (tests: a fresh server per example)."""
        with self._lock:
            metadata.drop_all(self.engine)
            metadata.create_all(self.engine)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparseable URL)"
