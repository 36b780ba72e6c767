"""What the CLI prints: one JSON document for --json, aligned plain tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence


def emit_json(document: object) -> None:
    """UTF-8 with non-ASCII characters as themselves, whatever the locale says."""
    data = json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
    sys.stdout.buffer.write(data.encode("utf-8"))
    sys.stdout.flush()


def say(text: str = "") -> None:
    sys.stdout.buffer.write((text + "\n").encode("utf-8"))
    sys.stdout.flush()


def warn(text: str) -> None:
    """A warning on stderr: the command still does what was asked."""
    sys.stderr.write(f"sli: warning: {' '.join(text.split())}\n")
    sys.stderr.flush()


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str = "nothing") -> None:
    if not rows:
        say(f"({empty})")
        return
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    widths = [min(w, 60) for w in widths]
    say("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        say("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return " ".join(str(value).split())


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
