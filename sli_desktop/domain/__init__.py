"""The domain: plain validated records and vocabularies. No Qt, no SQL."""

from .action import Action
from .board import BoardMember, ImprovementBoard, Readiness, SignOffElement, SignOffStatus
from .challenge import Challenge, Peer, StatusChange
from .contact import Contact
from .council import Council, council_id
from .coverage import Coverage, CoverageRole
from .document import Document, DocumentPart
from .enums import (
    ActionStatus,
    ChallengeKind,
    ChallengeStatus,
    ConcernLevel,
    CouncilType,
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
from .improvement import Assessment, AssessmentKind, ControlChange
from .metric import Metric
from .note import Note, NoteType
from .records import Record, new_id, new_ids, utcnow
from .support import SupportOffer

RECORD_TYPES: tuple[type[Record], ...] = (
    Council,
    Contact,
    Note,
    Challenge,
    SupportOffer,
    Action,
    Metric,
    Coverage,
    Document,
    DocumentPart,
    ImprovementBoard,
    Assessment,
    ControlChange,
)

__all__ = [
    "RECORD_TYPES",
    "Action",
    "ActionStatus",
    "Assessment",
    "AssessmentKind",
    "BoardMember",
    "Challenge",
    "ChallengeKind",
    "ChallengeStatus",
    "ConcernLevel",
    "Contact",
    "ControlChange",
    "Council",
    "CouncilType",
    "Coverage",
    "CoverageRole",
    "Document",
    "DocumentPart",
    "ImprovementBoard",
    "LawfulBasis",
    "Marking",
    "Metric",
    "Nation",
    "Note",
    "NoteSource",
    "NoteType",
    "Peer",
    "PeerRole",
    "Readiness",
    "Record",
    "Region",
    "SignOffElement",
    "SignOffStatus",
    "StatusChange",
    "SupportKind",
    "SupportOffer",
    "SupportStatus",
    "ValidationError",
    "council_id",
    "new_id",
    "new_ids",
    "utcnow",
]
