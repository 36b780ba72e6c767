"""Schema version 5: where a peer challenge's team meets and its timetable on site.

Assembled from one list per area, like versions 3 and 4, so areas of one release can be written
side by side. Frozen once released: later changes are version 6.
"""

from __future__ import annotations

#: A peer challenge's venue (text, lines joined by newlines) and timetable (JSON entries,
#: domain/timetable.py). Columns with defaults: every stored challenge reads as having none.
CHALLENGES: list[str] = [
    "ALTER TABLE engagements ADD COLUMN venue TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE engagements ADD COLUMN timetable TEXT NOT NULL DEFAULT '[]'",
]

STATEMENTS: list[str] = [*CHALLENGES]
