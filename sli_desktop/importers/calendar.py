"""The peer challenge schedule as an iCalendar file for Outlook and other calendars.

One all-day event per on-site period. The UID is derived from the engagement's id and never
changes, SEQUENCE is the engagement's version and LAST-MODIFIED its last edit, so importing a
later export moves or updates the event rather than adding a second one.

An event must also be able to leave the calendar. A challenge that was cancelled, deleted
(a tombstone: its row keeps its dates) or whose on-site dates were taken away is exported as a
STATUS:CANCELLED event with the same UID and its latest version as SEQUENCE, which is higher
than any SEQUENCE exported before it. Taken-away dates are gone from the record, so each export
remembers the dates it wrote per engagement in the vault's ``meta`` table (encrypted, local to
this vault); the cancellation carries the dates the calendar last saw.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..domain import Challenge, ChallengeStatus, Marking, Region
from ..formats import plural, short_date
from ..vault.challenges import Challenges
from ..vault.councils import Councils
from ..vault.store import Vault
from .contacts import write_export

PRODID = "-//Local Government Association//SLI Desktop//EN"
UID_DOMAIN = "sli-desktop.local.gov.uk"
#: meta key: {engagement id: [start, end]} as last written to a calendar file from this vault.
EXPORTED_DATES = "calendar_exported_dates"

Dates = tuple[date, date]


def event_uid(engagement: Challenge) -> str:
    return f"engagement-{engagement.id}@{UID_DOMAIN}"


def _status(status: ChallengeStatus) -> str:
    if status is ChallengeStatus.CANCELLED:
        return "CANCELLED"
    if status.step >= ChallengeStatus.BOOKED.step:
        return "CONFIRMED"
    return "TENTATIVE"


def on_site(engagement: Challenge, remembered: Mapping[str, Dates]) -> Dates | None:
    """The dates the event shows: the record's own, else the ones a calendar last received."""
    if engagement.start is not None:
        return engagement.start, engagement.end or engagement.start
    return remembered.get(engagement.id)


def withdrawn_reason(engagement: Challenge) -> str | None:
    """Why the event should leave the calendar, or None while it stands."""
    if engagement.deleted:
        return "deleted from the schedule"
    if engagement.status is ChallengeStatus.CANCELLED:
        return "cancelled"
    if engagement.start is None:
        return f"on-site dates withdrawn (now {engagement.status.value})"
    return None


def schedule_ics(
    engagements: Sequence[Challenge],
    council_names: Mapping[str, str],
    marking: Marking = Marking.OFFICIAL,
    name: str = "Peer challenge schedule",
    remembered: Mapping[str, Dates] | None = None,
    now: datetime | None = None,
) -> bytes:
    """Challenges with no dates, now or remembered, have no event (nothing to place).
    DTSTAMP is when this file was made (RFC 5545 for a published calendar), ``now`` by
    default; when the engagement last changed is LAST-MODIFIED."""
    import icalendar  # on first export: the window's start need not load it (PERFORMANCE.md)

    known = remembered or {}
    stamp = now or datetime.now(UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for e in engagements:
        dates = on_site(e, known)
        if dates is None:
            continue
        start, end = dates
        reason = withdrawn_reason(e)
        council = council_names.get(e.council, e.council)
        event = icalendar.Event()
        event.add("uid", event_uid(e))
        event.add("dtstamp", stamp)
        event.add("last-modified", e.updated_at)
        event.add("created", e.created_at)
        event.add("sequence", e.version)
        summary = f"{e.type.label}: {council}"
        event.add("summary", f"Cancelled: {summary}" if reason else summary)
        event.add("dtstart", start)
        event.add("dtend", end + timedelta(days=1))  # all-day: the end is exclusive
        event.add("status", "CANCELLED" if reason else _status(e.status))
        event.add("transp", "TRANSPARENT" if reason else "OPAQUE")
        event.add("class", "CONFIDENTIAL" if marking is Marking.OFFICIAL_SENSITIVE else "PRIVATE")
        event.add("categories", ["Peer challenge", marking.value])
        event.add("description", _description(e, council, marking, reason))
        if e.venue and not e.deleted:  # calendars show LOCATION on one line
            event.add("location", ", ".join(e.venue.splitlines()))
        cal.add_component(event)
    return bytes(cal.to_ical())


def _description(e: Challenge, council: str, marking: Marking, reason: str | None) -> str:
    lines = [marking.value, "", f"{e.type.label} — {council} ({e.council})"]
    if reason:
        lines.append(f"Withdrawn: {reason}.")
    lines.append(f"Status: {e.status.value}")
    if e.team and not e.deleted:
        lines.append("Team:")
        lines += [
            f"  {p.name} ({p.role.value}{', ' + p.organisation if p.organisation else ''})"
            for p in e.team
        ]
    if e.timetable and not e.deleted:
        lines.append("Timetable:")
        lines += [f"  {t.line(short_date)}" for t in e.timetable]
    if e.scope and not e.deleted:
        lines += ["", f"Scope: {e.scope}"]
    lines += ["", marking.value]
    return "\n".join(lines)


# -- the export service: the CLI, File ▸ Export… and the schedule view all call this ---------
@dataclass(frozen=True)
class ScheduleExport:
    path: Path
    events: int
    cancelled: int
    marking: Marking
    region: Region | None

    @property
    def summary(self) -> str:
        extra = f" ({self.cancelled} cancelled)" if self.cancelled else ""
        return f"Wrote {plural(self.events, 'event')} to {self.path}{extra}"


def calendar_title(region: Region | None) -> str:
    return f"Peer challenges — {region.value}" if region else "Peer challenges"


def remembered_dates(vault: Vault) -> dict[str, Dates]:
    raw = vault.meta(EXPORTED_DATES)
    try:
        data = json.loads(raw) if raw else {}
        return {
            str(k): (date.fromisoformat(v[0]), date.fromisoformat(v[1])) for k, v in data.items()
        }
    except (ValueError, TypeError, IndexError, AttributeError):
        return {}  # a damaged memory only costs the cancellation of taken-away dates


def _tombstones(vault: Vault, region: Region | None) -> list[Challenge]:
    where, params = "deleted = 1", []
    if region is not None:
        where += " AND council IN (SELECT gss_code FROM councils WHERE region = ?)"
        params.append(region.value)
    return vault.records(Challenge, where, params)


def export_schedule(
    vault: Vault,
    dest: Path,
    region: Region | None = None,
    marking: Marking = Marking.OFFICIAL,
) -> ScheduleExport:
    """Write the schedule of ``region`` (all regions when None) to ``dest``, whole or not at
    all; remember the dates written and audit the export."""
    remembered = remembered_dates(vault)
    live = Challenges(vault).list(region)
    gone = [
        (dates, e.id, e)
        for e in _tombstones(vault, region)
        if (dates := on_site(e, remembered)) is not None
    ]
    engagements = [*live, *(e for *_, e in sorted(gone, key=lambda g: g[:2]))]
    data = schedule_ics(
        engagements, Councils(vault).names(), marking, calendar_title(region), remembered
    )
    write_export(dest, data.decode("utf-8"))
    placed = {e.id: dates for e in engagements if (dates := on_site(e, remembered)) is not None}
    cancelled = sum(withdrawn_reason(e) is not None for e in engagements if e.id in placed)
    with vault.transaction():
        memory = {**remembered, **placed}
        vault.set_meta(
            EXPORTED_DATES,
            json.dumps(
                {k: [s.isoformat(), e.isoformat()] for k, (s, e) in sorted(memory.items())},
                separators=(",", ":"),
            ),
        )
        vault.audit(
            "export",
            "engagement",
            "",
            {
                "format": "ics",
                "events": len(placed),
                "cancelled": cancelled,
                "marking": marking.value,
                "region": region.value if region else "all",
                "file": dest.name,
            },
        )
    return ScheduleExport(dest, len(placed), cancelled, marking, region)
