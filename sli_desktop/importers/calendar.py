"""The peer challenge schedule as an iCalendar file for Outlook and other calendars.

One all-day event per on-site period. The UID is derived from the engagement's id and never
changes, SEQUENCE is the engagement's version and LAST-MODIFIED its last edit, so importing a
later export moves or updates the event rather than adding a second one; a cancelled challenge
is exported as a cancelled event so the calendar drops it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import icalendar

from ..domain import Engagement, EngagementStatus, Marking

PRODID = "-//Local Government Association//SLI Desktop//EN"
UID_DOMAIN = "sli-desktop.local.gov.uk"


def event_uid(engagement: Engagement) -> str:
    return f"engagement-{engagement.id}@{UID_DOMAIN}"


def _status(status: EngagementStatus) -> str:
    if status is EngagementStatus.CANCELLED:
        return "CANCELLED"
    if status.step >= EngagementStatus.BOOKED.step:
        return "CONFIRMED"
    return "TENTATIVE"


def schedule_ics(
    engagements: Sequence[Engagement],
    council_names: Mapping[str, str],
    marking: Marking = Marking.OFFICIAL,
    name: str = "Peer challenge schedule",
) -> bytes:
    """Engagements without on-site dates have no event (nothing to put in a calendar)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for e in engagements:
        if e.start is None or e.deleted:
            continue
        council = council_names.get(e.council, e.council)
        event = icalendar.Event()
        event.add("uid", event_uid(e))
        event.add("dtstamp", e.updated_at)
        event.add("last-modified", e.updated_at)
        event.add("created", e.created_at)
        event.add("sequence", e.version)
        event.add("summary", f"{e.type.label}: {council}")
        event.add("dtstart", e.start)
        event.add("dtend", (e.end or e.start) + timedelta(days=1))  # all-day: end is exclusive
        event.add("status", _status(e.status))
        event.add("transp", "OPAQUE")
        event.add("class", "CONFIDENTIAL" if marking is Marking.OFFICIAL_SENSITIVE else "PRIVATE")
        event.add("categories", ["Peer challenge", marking.value])
        event.add("description", _description(e, council, marking))
        cal.add_component(event)
    return bytes(cal.to_ical())


def _description(e: Engagement, council: str, marking: Marking) -> str:
    lines = [marking.value, "", f"{e.type.label} — {council} ({e.council})"]
    lines.append(f"Status: {e.status.value}")
    if e.team:
        lines.append("Team:")
        lines += [
            f"  {p.name} ({p.role.value}{', ' + p.organisation if p.organisation else ''})"
            for p in e.team
        ]
    if e.scope:
        lines += ["", f"Scope: {e.scope}"]
    lines += ["", marking.value]
    return "\n".join(lines)
