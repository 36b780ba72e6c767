"""Counts said the way a person says them: "1 draft", "2 drafts", never "draft(s)"."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count with its noun in the right number (``many`` for irregular plurals)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
