"""People advisers deal with, with the lawful basis for holding their details."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from .enums import LawfulBasis
from .fields import Emails, GssCode, Text
from .phones import ContactPhones
from .records import Record


class Contact(Record):
    kind: ClassVar[str] = "contact"

    name: Text
    role: str = Field(default="", max_length=300)
    council: GssCode | None = None
    organisation: str = Field(default="", max_length=300)
    emails: Emails = Field(default_factory=list)
    #: E.164 (extension kept), or exactly as typed when no country was written: see phones.py.
    phones: ContactPhones = Field(default_factory=list)
    lawful_basis: LawfulBasis = LawfulBasis.PUBLIC_TASK
    last_contacted: date | None = None
