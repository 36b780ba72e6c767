"""How an importer reports a bad file: which file, which line, and why, in one sentence."""

from __future__ import annotations

from pathlib import Path


class ImportProblem(Exception):
    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        where = f"{path.name}, line {line}" if line is not None else path.name
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


def missing_columns(path: Path, names: list[str]) -> ImportProblem:
    """The problem of a file whose header lacks required columns, as every importer says it."""
    columns = "column" if len(names) == 1 else "columns"
    return ImportProblem(path, f"missing required {columns}: {', '.join(names)}", 1)
