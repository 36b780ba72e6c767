"""A published calendar's DTSTAMP is when the file was made (RFC 5545 3.8.7.2); when the
engagement last changed is LAST-MODIFIED. Calendars that compare DTSTAMPs took an old one for
an old copy of the event."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar

from sli_desktop.domain import Challenge, ChallengeKind, ChallengeStatus
from sli_desktop.importers.calendar import schedule_ics


def test_dtstamp_is_the_export_time_and_last_modified_the_change() -> None:
    changed = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    engagement = Challenge.build(
        council="E08000025",
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=date(2027, 3, 4),
        end=date(2027, 3, 7),
        updated_at=changed,
    )
    now = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)
    [event] = icalendar.Calendar.from_ical(
        schedule_ics([engagement], {"E08000025": "Birmingham"}, now=now)
    ).walk("VEVENT")
    assert event.decoded("dtstamp") == now
    assert event.decoded("last-modified") == changed
    before = datetime.now(UTC).replace(microsecond=0)
    [default] = icalendar.Calendar.from_ical(
        schedule_ics([engagement], {"E08000025": "Birmingham"})
    ).walk("VEVENT")
    assert default.decoded("dtstamp") >= before
