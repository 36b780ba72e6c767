"""Schema version 4: the council register over time and coordinators' corrections.

Assembled from one list per area, like version 3, so areas of one release can be written side
by side. Frozen once released: later changes are version 5.
"""

from __future__ import annotations

#: Abolished councils and their successors, combined authorities (peer conflicts of interest)
#: and the register fields a coordinator corrected.
REGISTER: list[str] = [
    "ALTER TABLE councils ADD COLUMN combined_authority TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE councils ADD COLUMN ended_on TEXT",
    "ALTER TABLE councils ADD COLUMN replaced_by TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE councils ADD COLUMN corrected TEXT NOT NULL DEFAULT '[]'",
    "CREATE INDEX councils_combined_authority ON councils(combined_authority) "
    "WHERE combined_authority != ''",
]

STATEMENTS: list[str] = [*REGISTER]
