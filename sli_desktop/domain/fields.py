"""Field types shared by several records: GSS codes, short text, tags, phones and emails."""

from __future__ import annotations

import re
from typing import Annotated

import email_validator
import phonenumbers
from pydantic import AfterValidator, Field

from .fastpaths import quick_email, quick_phone

_GSS = re.compile(r"^[ENSWK][0-9]{8}$")


def _gss(value: str) -> str:
    code = value.strip().upper()
    if not _GSS.match(code):
        raise ValueError("must be a GSS code such as E08000025")
    return code


def _tags(values: list[str]) -> list[str]:
    """Themes are case-insensitive labels: trimmed, lower-cased, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        tag = " ".join(value.split()).lower()
        if tag:
            seen.setdefault(tag, None)
    return list(seen)


def _texts(values: list[str]) -> list[str]:
    return [" ".join(v.split()) for v in values if v.strip()]


def normalise_phone(value: str, region: str = "GB") -> str:
    """Phones are stored in E.164 so the same number typed two ways is one number."""
    quick = quick_phone(value, region)  # the common GB shapes, same answer (see fastpaths)
    if quick is not None:
        return quick
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{value!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{value!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    """Syntax only, offline: an adviser on a train must still be able to add a contact."""
    quick = quick_email(value)  # the common shape, same answer (see fastpaths)
    if quick is not None:
        return quick
    try:
        info = email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise ValueError(f"{value!r} is not a valid email address: {exc}") from None
    return info.normalized


def _phones(values: list[str]) -> list[str]:
    return list(dict.fromkeys(normalise_phone(v) for v in values if v.strip()))


def _emails(values: list[str]) -> list[str]:
    return list(dict.fromkeys(normalise_email(v) for v in values if v.strip()))


GssCode = Annotated[str, AfterValidator(_gss)]
Text = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(max_length=200_000)]
Tags = Annotated[list[str], AfterValidator(_tags)]
Texts = Annotated[list[str], AfterValidator(_texts)]
Phones = Annotated[list[str], AfterValidator(_phones)]
Emails = Annotated[list[str], AfterValidator(_emails)]
