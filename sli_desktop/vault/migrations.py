"""Linear, numbered, atomic schema migrations (``PRAGMA user_version``).

Before upgrading an existing vault the file is copied beside it (still encrypted), and a vault
whose schema is newer than this app is refused rather than guessed at.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from . import schema_v1, schema_v2, schema_v3, schema_v4, schema_v5
from .errors import VaultTooNew

#: version -> statements that take the schema from version-1 to version.
MIGRATIONS: dict[int, Sequence[str]] = {
    1: schema_v1.STATEMENTS,
    2: schema_v2.STATEMENTS,
    3: schema_v3.STATEMENTS,
    4: schema_v4.STATEMENTS,
    5: schema_v5.STATEMENTS,
}
LATEST = max(MIGRATIONS)


class _Conn(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...


def schema_version(conn: _Conn) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.schema-v{version}.bak")


def migrate(conn: _Conn, path: Path | None = None) -> int:
    """Bring the schema to LATEST; returns the version found. Works on any DB-API connection
    in autocommit mode, so benchmarks can build the identical schema on plain sqlite3."""
    found = schema_version(conn)
    if found > LATEST:
        raise VaultTooNew(found, LATEST)
    if found == LATEST:
        return found
    if found > 0 and path is not None and path.exists():
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, backup_path(path, found))
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(found + 1, LATEST + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
