"""Schema version 1. Frozen: later versions add migrations, they never edit this file.

Every record table has an explicit ``seq INTEGER PRIMARY KEY`` so the external-content FTS5
indexes keep stable rowids across VACUUM, and a UUID ``id`` that sync uses.
"""

from __future__ import annotations

COMMON_COLUMNS = """
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
"""

_FTS_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"


def _fts(table: str, columns: list[str]) -> list[str]:
    """An external-content index over live (not deleted) rows, kept current by triggers."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='seq', {_FTS_OPTIONS})",
        f"""CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} WHEN new.deleted = 0 BEGIN
              INSERT INTO {fts}(rowid, {cols}) VALUES (new.seq, {new});
            END""",
        f"""CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} WHEN old.deleted = 0 BEGIN
              INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.seq, {old});
            END""",
        # One update trigger, so the old entry is always removed before the new one is added.
        f"""CREATE TRIGGER {table}_fts_update AFTER UPDATE ON {table} BEGIN
              INSERT INTO {fts}({fts}, rowid, {cols})
                SELECT 'delete', old.seq, {old} WHERE old.deleted = 0;
              INSERT INTO {fts}(rowid, {cols}) SELECT new.seq, {new} WHERE new.deleted = 0;
            END""",
    ]


STATEMENTS: list[str] = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"""CREATE TABLE councils ({COMMON_COLUMNS},
        gss_code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        short_name TEXT NOT NULL DEFAULT '',
        la_code TEXT NOT NULL DEFAULT '',
        type TEXT NOT NULL,
        nation TEXT NOT NULL,
        region TEXT NOT NULL,
        political_control TEXT NOT NULL DEFAULT '',
        control_changed_on TEXT,
        improvement_board INTEGER NOT NULL DEFAULT 0,
        improvement_board_since TEXT,
        population INTEGER,
        alt_names TEXT NOT NULL DEFAULT '[]')""",
    "CREATE INDEX councils_region ON councils(region, name)",
    f"""CREATE TABLE contacts ({COMMON_COLUMNS},
        name TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT '',
        council TEXT,
        organisation TEXT NOT NULL DEFAULT '',
        emails TEXT NOT NULL DEFAULT '[]',
        phones TEXT NOT NULL DEFAULT '[]',
        lawful_basis TEXT NOT NULL,
        last_contacted TEXT)""",
    "CREATE INDEX contacts_council ON contacts(council, name)",
    f"""CREATE TABLE notes ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        date TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        themes TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        concern TEXT NOT NULL,
        council_aware INTEGER NOT NULL DEFAULT 0,
        council_aware_on TEXT,
        marking TEXT NOT NULL,
        private INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX notes_council_date ON notes(council, date DESC)",
    "CREATE INDEX notes_date ON notes(date DESC, seq DESC)",
    f"""CREATE TABLE engagements ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        start TEXT,
        "end" TEXT,
        scope TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '[]',
        report_date TEXT,
        recommendations TEXT NOT NULL DEFAULT '[]',
        history TEXT NOT NULL DEFAULT '[]')""",
    "CREATE INDEX engagements_council ON engagements(council, start)",
    f"""CREATE TABLE support_offers ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        offered_on TEXT,
        year INTEGER,
        days_offered REAL NOT NULL DEFAULT 0,
        days_used REAL NOT NULL DEFAULT 0,
        details TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX support_offers_council ON support_offers(council)",
    f"""CREATE TABLE actions ({COMMON_COLUMNS},
        title TEXT NOT NULL,
        owner TEXT NOT NULL DEFAULT '',
        due TEXT,
        status TEXT NOT NULL,
        done_on TEXT,
        council TEXT,
        note_id TEXT,
        engagement_id TEXT)""",
    "CREATE INDEX actions_status_due ON actions(status, due)",
    "CREATE INDEX actions_council ON actions(council)",
    f"""CREATE TABLE metrics ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        period TEXT NOT NULL,
        metric_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX metrics_council ON metrics(council, metric_id, period)",
    # The change journal: one row per local write, in the same transaction as the write.
    """CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        change_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        base_version INTEGER NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL)""",
    # Append-only, hash-chained: rows cannot be updated or deleted, and a gap shows.
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT '',
        record_id TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL)""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
         SELECT RAISE(ABORT, 'the audit log is append-only');
       END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
         SELECT RAISE(ABORT, 'the audit log is append-only');
       END""",
    *_fts("notes", ["title", "body", "themes", "evidence"]),
    *_fts("contacts", ["name", "role", "organisation", "emails"]),
    *_fts("councils", ["name", "short_name", "alt_names", "gss_code"]),
]
