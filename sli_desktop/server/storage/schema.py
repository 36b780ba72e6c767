"""The server database's tables, and the one JSON form records are stored in.

Every table the server keeps is declared here; ``add_missing_columns`` upgrades a database an
older server made (create_all only makes missing tables).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .. import awaited, enrolment, ratelimit

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
    # Good practice: seen by every user, whatever their regions (never when private).
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
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
    # Good practice: seen by every user, whatever their regions (never when private).
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
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
    # Good practice: seen by every user, whatever their regions (never when private).
    sa.Column("shared", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
)
sa.Index("changes_record", changes.c.kind, changes.c.record_id)
#: Who opened which note, uploaded by devices (not records: kept once per event id).
note_reads = sa.Table(
    "note_reads",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("note_id", sa.String(64), nullable=False, index=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("via", sa.String(20), nullable=False),
    sa.Column("briefing", sa.String(64), nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
)
#: Failed enrolment attempts, counted per client address and per code (server/ratelimit.py).
enrolment_failures = ratelimit.failures_table(metadata)
#: Spent codes and the device each made, so a lost answer can be asked for again
#: (server/enrolment.py).
enrolments = enrolment.enrolments_table(metadata)
#: Ids pointed at before the server held them, and who may create them (server/awaited.py).
awaited_records = awaited.awaited_table(metadata)


def dumps(data: object) -> str:
    """A payload as stored: compact, sorted JSON (server/followers.py matches this form)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def add_missing_columns(engine: Engine) -> None:
    """Flag columns added to tables an older server database already holds (create_all only
    makes missing tables): each added as false, so old rows keep their meaning."""
    inspector = sa.inspect(engine)
    present = set(inspector.get_table_names())
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name not in present:
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in have or column.server_default is None:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = str(
                    sa.literal(False).compile(
                        dialect=engine.dialect, compile_kwargs={"literal_binds": True}
                    )
                )
                conn.execute(
                    sa.text(
                        f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind} '
                        f"NOT NULL DEFAULT {default}"
                    )
                )
