"""Dates, times and phone numbers as a British reader expects them, in the window and in
briefings alike.

Written out by hand rather than with strftime: Qt sets the process locale from the desktop,
which would change month names, and Windows has no ``%-d``. Only what a person reads goes
through here; stored data, ``--json`` and files keep ISO 8601 and E.164.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import phonenumbers

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: What a missing date or time reads as.
NONE = "—"

DateLike = date | str | None


def as_date(value: DateLike) -> date | None:
    """A date from a date, a datetime (in local time) or an ISO 8601 string; None if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed: date = (
                datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
            )
        except ValueError:
            return None
        value = parsed
    if isinstance(value, datetime):
        return local(value).date()
    return value


def as_datetime(value: datetime | str | None) -> datetime | None:
    """A datetime in local time; ISO strings accepted; a naive value is taken to be UTC, which
    is how the vault and the server store time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return local(value)


def local(value: datetime) -> datetime:
    """The same instant on this computer's clock."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


def short_date(value: DateLike) -> str:
    """'5 Dec 2026': for tables and lists."""
    day = as_date(value)
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}" if day else NONE


def long_date(value: DateLike) -> str:
    """'5 December 2026': for sentences."""
    day = as_date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else NONE


def heading_date(value: DateLike) -> str:
    """'Saturday 5 December 2026': for headings."""
    day = as_date(value)
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}" if day else NONE


def time_of_day(value: datetime | str | None) -> str:
    """'20:30' in local time (the 24-hour clock GOV.UK's style avoids; here it is unambiguous
    in a table and matches Outlook's British default)."""
    moment = as_datetime(value)
    return f"{moment.hour:02d}:{moment.minute:02d}" if moment else NONE


def date_time(value: datetime | str | None) -> str:
    """'5 Dec 2026, 20:30' in local time."""
    moment = as_datetime(value)
    return f"{short_date(moment)}, {time_of_day(moment)}" if moment else NONE


def phone(value: str | None) -> str:
    """A stored number as a person dials it: UK numbers grouped nationally ('0121 303 1111'),
    others internationally ('+1 905-777-1234'); anything unreadable exactly as typed."""
    if not value:
        return ""
    if not value.startswith("+"):
        return value  # kept as typed, with no country (domain/phones.py): never made British
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if parsed.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    extension = parsed.extension
    parsed.extension = None
    text = phonenumbers.format_number(parsed, style)
    return f"{text} ext. {extension}" if extension else text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 draft', '2 drafts', '50 roles', '1 child' with the plural given when it is not +s."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {word}"
