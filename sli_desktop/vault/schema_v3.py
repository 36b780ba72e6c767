"""Schema version 3: guardrails for confidential intelligence and coordination of support.

One migration for the release, assembled from one list per area so the areas can be written
side by side. Frozen once released, like versions 1 and 2: later changes are version 4.
"""

from __future__ import annotations

#: Evidence, provenance, drafts, review and retention (notes, contacts).
PROVENANCE: list[str] = []

#: Read events, improvement boards, terms of engagement and encrypted documents.
OVERSIGHT: list[str] = []

#: Who covers what: principal advisers, their areas and the regional leads.
COVERAGE: list[str] = []

#: Self-assessments, local accounts, good practice, changes of control, leadership places.
IMPROVEMENT: list[str] = []

STATEMENTS: list[str] = [*PROVENANCE, *OVERSIGHT, *COVERAGE, *IMPROVEMENT]
