"""Schema version 3: guardrails for confidential intelligence and coordination of support.

One migration for the release, assembled from one list per area so the areas can be written
side by side. Frozen once released, like versions 1 and 2: later changes are version 4.
"""

from __future__ import annotations

from .schema_v1 import COMMON_COLUMNS

#: Evidence, provenance, drafts, review and retention (notes, contacts).
PROVENANCE: list[str] = [
    "ALTER TABLE notes ADD COLUMN draft INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE notes ADD COLUMN review_by TEXT",
    "ALTER TABLE notes ADD COLUMN disposed_on TEXT",
    "CREATE INDEX notes_review_by ON notes(review_by) WHERE deleted = 0",
    "CREATE INDEX notes_draft ON notes(draft) WHERE draft = 1 AND deleted = 0",
    "CREATE INDEX notes_serious_unaware ON notes(council, date) "
    "WHERE deleted = 0 AND concern = 'serious' AND council_aware = 0",
]

#: Read events, improvement boards, terms of engagement and encrypted documents.
OVERSIGHT: list[str] = [
    f"""CREATE TABLE documents ({COMMON_COLUMNS},
        owner_kind TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        council TEXT,
        filename TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        parts INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX documents_owner ON documents(owner_kind, owner_id)",
    f"""CREATE TABLE document_parts ({COMMON_COLUMNS},
        document_id TEXT NOT NULL,
        council TEXT,
        number INTEGER NOT NULL,
        data TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX document_parts_document ON document_parts(document_id, number)",
    # Two-tier areas (peer conflicts of interest): a district's county, from the register.
    "ALTER TABLE councils ADD COLUMN county_la TEXT NOT NULL DEFAULT ''",
    f"""CREATE TABLE improvement_boards ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        members TEXT NOT NULL DEFAULT '[]',
        start TEXT,
        "end" TEXT,
        meetings TEXT NOT NULL DEFAULT '[]',
        terms_agreed_on TEXT,
        report_status TEXT NOT NULL,
        report_on TEXT,
        challenge_status TEXT NOT NULL,
        challenge_on TEXT,
        engagement_id TEXT,
        endorsement_status TEXT NOT NULL,
        endorsement_on TEXT,
        peer_director TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX improvement_boards_council ON improvement_boards(council, start)",
    # Read events waiting for the next sync: not records (never merged, never pulled back);
    # a row leaves once the server has acknowledged its id.
    """CREATE TABLE read_queue (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        note_id TEXT NOT NULL,
        at TEXT NOT NULL,
        via TEXT NOT NULL,
        briefing TEXT NOT NULL DEFAULT '')""",
]

#: Who covers what: principal advisers, their areas and the regional leads.
COVERAGE: list[str] = [
    f"""CREATE TABLE coverage ({COMMON_COLUMNS},
        person TEXT NOT NULL,
        role TEXT NOT NULL,
        regions TEXT NOT NULL DEFAULT '[]',
        organisation TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        since TEXT NOT NULL,
        until TEXT,
        details TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX coverage_role ON coverage(role, since)",
    # Refused pushes (a coverage copy the server would not take is flagged from these): a
    # partial index, so it costs nothing on the audit rows every other write appends.
    "CREATE INDEX audit_rejected ON audit(kind, record_id) WHERE action = 'sync-rejected'",
]

#: Self-assessments, local accounts, good practice, changes of control, leadership places.
IMPROVEMENT: list[str] = [
    f"""CREATE TABLE assessments ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        type TEXT NOT NULL,
        year INTEGER NOT NULL,
        date TEXT NOT NULL,
        link TEXT NOT NULL DEFAULT '',
        document_id TEXT,
        summary TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX assessments_council ON assessments(council, type, year)",
    f"""CREATE TABLE control_changes ({COMMON_COLUMNS},
        council TEXT NOT NULL,
        date TEXT NOT NULL,
        from_control TEXT NOT NULL DEFAULT '',
        to_control TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX control_changes_council ON control_changes(council, date)",
    "ALTER TABLE notes ADD COLUMN note_type TEXT NOT NULL DEFAULT 'intelligence'",
    "ALTER TABLE notes ADD COLUMN outcome TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE notes ADD COLUMN contact TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX notes_type_date ON notes(note_type, date DESC)",
]

STATEMENTS: list[str] = [*PROVENANCE, *OVERSIGHT, *COVERAGE, *IMPROVEMENT]
