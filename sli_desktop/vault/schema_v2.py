"""Schema version 2: what sync keeps on the device. Frozen once released, like version 1.

``sync_records`` holds the server revision each local record was last in step with (the base of
the next push); ``sync_conflicts`` the conflicts the server reported, until the user resolves
them. The cursor, server URL and device id live in ``meta``.
"""

from __future__ import annotations

STATEMENTS: list[str] = [
    """CREATE TABLE sync_records (
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        rev INTEGER NOT NULL,
        PRIMARY KEY (kind, record_id)) WITHOUT ROWID""",
    """CREATE TABLE sync_conflicts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        rev INTEGER NOT NULL,
        detail TEXT NOT NULL,
        resolved INTEGER NOT NULL DEFAULT 0,
        resolution TEXT,
        to_push INTEGER NOT NULL DEFAULT 0,
        received_at TEXT NOT NULL)""",
    "CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved, kind, record_id)",
    "CREATE INDEX outbox_record ON outbox(kind, record_id)",
]
