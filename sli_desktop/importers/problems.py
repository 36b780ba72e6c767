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
