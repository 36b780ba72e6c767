"""Confidential briefings as PDF: council visit briefings, regional briefings and peer challenge
team packs. Plain Python over reportlab; no Qt and no SQL (the vault gives what may be shown)."""

from .build import (
    Draft,
    brief_challenge,
    brief_council,
    brief_region,
    prepare_challenge,
    prepare_council,
    prepare_region,
    record,
    render_draft,
)
from .options import Briefing, BriefingOptions
from .output import write_pdf
from .protect import encrypt

__all__ = [
    "Briefing",
    "BriefingOptions",
    "Draft",
    "brief_challenge",
    "brief_council",
    "brief_region",
    "encrypt",
    "prepare_challenge",
    "prepare_council",
    "prepare_region",
    "record",
    "render_draft",
    "write_pdf",
]
