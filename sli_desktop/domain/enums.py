"""Closed vocabularies of the domain. Values are what is stored and shown in --json."""

from enum import StrEnum


class Nation(StrEnum):
    ENGLAND = "England"
    WALES = "Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"


class Region(StrEnum):
    """The nine English regions; other nations appear as their own 'region'."""

    NORTH_EAST = "North East"
    NORTH_WEST = "North West"
    YORKSHIRE = "Yorkshire and The Humber"
    EAST_MIDLANDS = "East Midlands"
    WEST_MIDLANDS = "West Midlands"
    EAST = "East of England"
    LONDON = "London"
    SOUTH_EAST = "South East"
    SOUTH_WEST = "South West"
    WALES = "Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"

    @classmethod
    def english(cls) -> list["Region"]:
        return [r for r in cls if r not in (cls.WALES, cls.SCOTLAND, cls.NORTHERN_IRELAND)]

    @classmethod
    def parse(cls, text: str) -> "Region":
        """Accept a region by name, case-insensitively, with '&' or 'the' variations."""
        wanted = _fold(text)
        for region in cls:
            if _fold(region.value) == wanted:
                return region
        raise ValueError(
            f"unknown region {text!r}; expected one of: {', '.join(r.value for r in cls)}"
        )


def _fold(text: str) -> str:
    return " ".join(text.lower().replace("&", "and").split())


class CouncilType(StrEnum):
    """Register types. Only the first six are councils the product supports by default."""

    COUNTY = "county"
    NON_METROPOLITAN_DISTRICT = "non-metropolitan district"
    UNITARY = "unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan district"
    LONDON_BOROUGH = "london borough"
    CITY_CORPORATION = "city corporation"
    WELSH_UNITARY = "welsh unitary authority"
    SCOTTISH_UNITARY = "scottish unitary authority"
    NI_DISTRICT = "northern ireland district"

    @property
    def label(self) -> str:
        """As a person reads it: the stored value is lower case, names of nations included."""
        return _COUNCIL_TYPE_LABELS[self]


_COUNCIL_TYPE_LABELS = {
    CouncilType.COUNTY: "County council",
    CouncilType.NON_METROPOLITAN_DISTRICT: "District council",
    CouncilType.UNITARY: "Unitary authority",
    CouncilType.METROPOLITAN_DISTRICT: "Metropolitan district",
    CouncilType.LONDON_BOROUGH: "London borough",
    CouncilType.CITY_CORPORATION: "City corporation",
    CouncilType.WELSH_UNITARY: "Welsh unitary authority",
    CouncilType.SCOTTISH_UNITARY: "Scottish unitary authority",
    CouncilType.NI_DISTRICT: "Northern Ireland district",
}


class ConcernLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    SERIOUS = "serious"

    @property
    def rank(self) -> int:
        return list(ConcernLevel).index(self)

    @property
    def needs_evidence(self) -> bool:
        """Intelligence must be evidence-based: a concern of medium or higher cites its evidence."""
        return self.rank >= ConcernLevel.MEDIUM.rank


class Marking(StrEnum):
    """Government Security Classification markings used on notes and briefings."""

    OFFICIAL = "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"

    @property
    def rank(self) -> int:
        return 0 if self is Marking.OFFICIAL else 1


class NoteSource(StrEnum):
    MEETING = "meeting"
    PEER_CHALLENGE = "peer challenge"
    PUBLISHED_DATA = "published data"
    GOVERNMENT_DEPARTMENT = "government department"
    INSPECTORATE = "inspectorate"
    MEDIA = "media"
    OTHER = "other"


class ChallengeKind(StrEnum):
    CORPORATE = "corporate"
    CHILDRENS = "childrens"
    SAFEGUARDING = "safeguarding"
    ADULTS = "adults"

    @property
    def label(self) -> str:
        return {
            ChallengeKind.CORPORATE: "Corporate peer challenge",
            ChallengeKind.CHILDRENS: "Children's services peer challenge",
            ChallengeKind.SAFEGUARDING: "Children's safeguarding peer review",
            ChallengeKind.ADULTS: "Adult social care peer challenge",
        }[self]


class ChallengeStatus(StrEnum):
    """The workflow, in order; CANCELLED may end it from any open state."""

    PROPOSED = "proposed"
    DISCUSSED = "discussed"
    BOOKED = "booked"
    ON_SITE = "on site"
    FEEDBACK = "feedback"
    REPORT = "report"
    FOLLOW_UP = "follow-up"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def step(self) -> int:
        return _WORKFLOW.index(self) if self in _WORKFLOW else -1

    @property
    def is_terminal(self) -> bool:
        return self in (ChallengeStatus.CLOSED, ChallengeStatus.CANCELLED)

    @property
    def has_happened(self) -> bool:
        """The team has been on site: the challenge counts as 'had'."""
        return self.step >= ChallengeStatus.ON_SITE.step

    @classmethod
    def parse(cls, text: str) -> "ChallengeStatus":
        wanted = text.strip().lower().replace("_", " ").replace("-", " ")
        for status in cls:
            if status.value.replace("-", " ") == wanted:
                return status
        raise ValueError(
            f"unknown status {text!r}; expected one of: {', '.join(s.value for s in cls)}"
        )


_WORKFLOW = [
    ChallengeStatus.PROPOSED,
    ChallengeStatus.DISCUSSED,
    ChallengeStatus.BOOKED,
    ChallengeStatus.ON_SITE,
    ChallengeStatus.FEEDBACK,
    ChallengeStatus.REPORT,
    ChallengeStatus.FOLLOW_UP,
    ChallengeStatus.CLOSED,
]


class PeerRole(StrEnum):
    LEAD_MEMBER_PEER = "lead member peer"
    MEMBER_PEER = "member peer"
    CHIEF_EXECUTIVE_PEER = "chief executive peer"
    DIRECTOR_PEER = "director peer"
    OFFICER_PEER = "officer peer"
    PEER_CHALLENGE_MANAGER = "peer challenge manager"


class SupportKind(StrEnum):
    LEADERSHIP_PLACE = "leadership programme place"
    MEMBER_PEER_SUPPORT = "member peer support"
    IMPROVEMENT_BOARD = "improvement board"
    TERMS_OF_ENGAGEMENT = "terms of engagement"
    OTHER = "other"


class SupportStatus(StrEnum):
    OFFERED = "offered"
    TAKEN_UP = "taken up"
    DECLINED = "declined"
    COMPLETED = "completed"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class LawfulBasis(StrEnum):
    """UK GDPR Article 6 bases; public task is the usual one for advisers' contacts."""

    PUBLIC_TASK = "public task"
    LEGITIMATE_INTERESTS = "legitimate interests"
    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal obligation"
