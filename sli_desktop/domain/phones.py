"""Contact phone numbers as they were written, never given a country they did not state.

A number written in UK form (a leading 0, or +44 / 0044) is read as British; one with another
country code is kept in E.164; anything else ("905-777-1234" from an American colleague's phone)
is kept exactly as typed, because guessing its country once turned it into a premium-rate UK
number. Numbers of a valid shape in ranges nobody has been given (07700 900123, the drama range)
are kept: the phone library's list of assigned ranges is not ours to enforce. An extension is
kept after the number, RFC 3966 style ("+441213031111;ext=123"), which the library reads back.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Annotated

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult
from pydantic import AfterValidator

from .fastpaths import quick_phone

#: Longer than any number with an extension: a cell this long is not a phone number.
MAX_TYPED = 60
_DIGIT = re.compile(r"[0-9]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LEAD = re.compile(r"^[\s(\[]*")
#: What a number kept as typed may hold: digits and the punctuation people put between them,
#: and an extension. Letters elsewhere ("0121 zz", "ask reception") are not a number.
_TYPED = re.compile(
    r"^\+?[0-9()\-./\s]+(?:\s*(?:ext\.?|extn\.?|extension|x|#|;ext=)\s*[0-9]+)?$", re.IGNORECASE
)


@dataclass(frozen=True)
class PhoneReading:
    """What a number was read as: ``value`` to store, and whether it is ``as_typed`` (no
    country could be given to it) with a sentence saying why."""

    value: str
    as_typed: bool = False
    why: str = ""


def read_phone(text: str) -> PhoneReading:
    """Raises ValueError (one sentence) only for text that cannot be kept as a number at all."""
    typed = " ".join(text.split())
    if typed.lower().startswith("tel:"):
        typed = typed[4:].strip()
    if not typed:
        raise ValueError("is empty")
    return _read(typed)


@functools.lru_cache(maxsize=8192)
def _read(typed: str) -> PhoneReading:
    """Memoised: an address book repeats its switchboards, and the domain checks again each
    number an import has just read (the library is slow on each: docs/PERFORMANCE.md)."""
    quick = quick_phone(typed, "GB")  # the common GB shapes, same answer (see fastpaths)
    if quick is not None:
        return PhoneReading(quick)
    if len(typed) > MAX_TYPED or _CONTROL.search(typed) or not _DIGIT.search(typed):
        raise ValueError(f"{typed[:40]!r} is not a valid phone number")
    lead = _LEAD.sub("", typed)
    if lead.startswith("+") or lead.startswith("00"):
        region = None
        text = "+" + lead[2:] if lead.startswith("00") else lead
    elif lead.startswith("0"):
        region, text = "GB", typed
    else:
        return _as_typed(typed, "has no country code and is not in UK form")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return _as_typed(typed, "is not a phone number the app can read")
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE or number.italian_leading_zero:
        return _as_typed(typed, "has too many or too few digits for its country")
    extension = number.extension
    number.extension = None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return PhoneReading(f"{e164};ext={extension}" if extension else e164)


def _as_typed(typed: str, why: str) -> PhoneReading:
    if not _TYPED.match(typed):
        raise ValueError(f"{typed[:40]!r} is not a valid phone number")
    return PhoneReading(typed, True, why)


def _phones(values: list[str]) -> list[str]:
    return list(dict.fromkeys(read_phone(v).value for v in values if v.strip()))


#: A contact's phones: E.164 (with any extension), or as typed when no country was written.
ContactPhones = Annotated[list[str], AfterValidator(_phones)]
