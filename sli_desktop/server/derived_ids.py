"""Records whose id is derived from public facts, and the id the server expects for each.

Assessments, changes of political control, leadership places and member peer support have the
same id on every device (domain/improvement.py), so two devices recording the same fact merge
instead of making twins. The id is therefore guessable: without a check, anyone could create
the id another region's record will need (squatting it) or store a record under an id its
facts do not give. The server recomputes the id from the payload and refuses a mismatch.
"""

from __future__ import annotations

from ..domain.enums import SupportKind
from ..domain.improvement import Assessment, ControlChange, leadership_place_id
from ..domain.records import Record
from ..domain.support import SupportOffer

#: The one answer for a derived id that does not match its facts *and* for one whose council is
#: outside the writer's regions: telling them apart would say whether the record exists.
DERIVED_REFUSAL = (
    "this record's id is not the one its council and facts give, "
    "or its council is not in your regions"
)


def expected_id(record: Record) -> str | None:
    """The id ``record``'s facts give, or None when its id is not derived (a random UUID).

    A support offer's id is derived for a leadership place (council and year) and for member
    peer support (the change of control it follows: council and the day it was offered)."""
    if isinstance(record, Assessment):
        return Assessment.id_for(record.council, record.type, record.year)
    if isinstance(record, ControlChange):
        return ControlChange.id_for(record.council, record.date)
    if isinstance(record, SupportOffer):
        if record.type is SupportKind.LEADERSHIP_PLACE:
            # no year, no fact to derive it from: "" matches no id
            return "" if record.year is None else leadership_place_id(record.council, record.year)
        if record.type is SupportKind.MEMBER_PEER_SUPPORT:
            if record.offered_on is None:
                return ""
            change_id = ControlChange.id_for(record.council, record.offered_on)
            return ControlChange.offer_id_for(change_id)
    return None
