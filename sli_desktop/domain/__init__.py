"""The domain: plain validated records and vocabularies. No Qt, no SQL."""

from .action import Action
from .contact import Contact
from .council import Council, council_id
from .engagement import Engagement, Peer, StatusChange
from .enums import (
    ActionStatus,
    ConcernLevel,
    CouncilType,
    EngagementKind,
    EngagementStatus,
    LawfulBasis,
    Marking,
    Nation,
    NoteSource,
    PeerRole,
    Region,
    SupportKind,
    SupportStatus,
)
from .errors import ValidationError
from .metric import Metric
from .note import Note
from .records import Record, new_id, utcnow
from .support import SupportOffer

RECORD_TYPES: tuple[type[Record], ...] = (
    Council,
    Contact,
    Note,
    Engagement,
    SupportOffer,
    Action,
    Metric,
)

__all__ = [
    "RECORD_TYPES",
    "Action",
    "ActionStatus",
    "ConcernLevel",
    "Contact",
    "Council",
    "CouncilType",
    "Engagement",
    "EngagementKind",
    "EngagementStatus",
    "LawfulBasis",
    "Marking",
    "Metric",
    "Nation",
    "Note",
    "NoteSource",
    "Peer",
    "PeerRole",
    "Record",
    "Region",
    "StatusChange",
    "SupportKind",
    "SupportOffer",
    "SupportStatus",
    "ValidationError",
    "council_id",
    "new_id",
    "utcnow",
]
