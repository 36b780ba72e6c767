"""A contact as one file described it, before the vault is asked about it: what every reader
(CSV layouts, vCard versions) fills in, and the one place that turns it into a Contact.

Nothing is lost silently. A value the app cannot use is listed, with the field it came from and
why, as "kept as typed" (a phone with no country) or "not imported" (a photo, an address, an
e-mail address that is not one). Only what makes the whole contact unusable (no name, a lawful
basis or date that cannot be read, a council code that is not one) refuses the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain import Contact, LawfulBasis, ValidationError
from ..domain.fields import normalise_email
from ..domain.phones import read_phone

GSS = re.compile(r"^[ENSWK][0-9]{8}$")
#: Separators between an organisation and its department, as people type them.
DEPARTMENT = re.compile(r"\s+[-–—]\s+|\s*,\s+")


class RowError(ValueError):
    """Why a row cannot be imported; ``line`` where the file says so (a vCard property)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


@dataclass(frozen=True)
class ContactRow:
    """A contact as read. ``council`` is what the file said (a GSS code or a council's name, or
    "": then the organisation is tried); ``notices`` what was kept as typed or not imported;
    ``uid`` the id this app gave the contact when it exported it, if the file carries one."""

    contact: Contact
    council: str = ""
    notices: tuple[str, ...] = ()
    uid: str = ""


@dataclass
class ContactDraft:
    """Fields as found; ``label`` names in messages are the file's own (a column or property)."""

    name: str = ""
    parts: list[str] = field(default_factory=list)  # prefix, given, middle, family, suffix
    role: str = ""
    organisation: str = ""
    department: str = ""
    emails: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    phones: list[tuple[str, str]] = field(default_factory=list)
    council: tuple[str, str] = ("", "")  # (label, text)
    lawful_basis: tuple[str, str] = ("", "")
    last_contacted: tuple[str, str] = ("", "")
    uid: str = ""
    notices: list[str] = field(default_factory=list)
    #: What to fill in when there is no name, in the file's own terms.
    name_hint: str = "a name"

    def not_imported(self, label: str, why: str) -> None:
        self.notices.append(f"not imported: {label} ({why})")

    def finish(self) -> ContactRow:
        name = " ".join(self.name.split()) or " ".join(" ".join(self.parts).split())
        if not name:
            raise RowError(f"the contact has no name; fill in {self.name_hint} and import again")
        if len(name) > 500:
            raise RowError("the name is longer than 500 characters; shorten it and import again")
        emails: list[str] = []
        for label, text in self.emails:
            try:
                email = normalise_email(text)
            except ValueError:
                self.not_imported(f"{label} {text[:80]!r}", "not an e-mail address")
                continue
            if email.lower() not in (e.lower() for e in emails):
                emails.append(email)
        phones: list[str] = []
        for label, text in self.phones:
            try:
                reading = read_phone(text)
            except ValueError:
                self.not_imported(f"{label} {text[:80]!r}", "not a phone number")
                continue
            if reading.as_typed:
                self.notices.append(f"kept as typed: {label} {text!r} {reading.why}")
            if reading.value not in phones:
                phones.append(reading.value)
        organisation = " ".join(self.organisation.split())
        department = " ".join(self.department.split())
        if department and department.lower() not in organisation.lower():
            organisation = f"{organisation} - {department}" if organisation else department
        role = " ".join(self.role.split())
        for label, text in (("job title", role), ("organisation", organisation)):
            if len(text) > 300:
                self.notices.append(f"shortened: the {label} to its first 300 characters")
        extra: dict[str, object] = {}
        if self.lawful_basis[1]:
            extra["lawful_basis"] = lawful_basis(*self.lawful_basis)
        if self.last_contacted[1]:
            extra["last_contacted"] = read_date(*self.last_contacted)
        council = self.council[1].strip()
        if (
            council
            and council[:1].isalpha()
            and council[1:].isdigit()
            and not GSS.match(council.upper())
        ):
            raise RowError(
                f"{self.council[0]}: {council!r} is not a GSS code such as E08000025; "
                "correct it or leave it empty"
            )
        try:
            contact = Contact.build(
                name=name,
                role=role[:300],
                organisation=organisation[:300],
                emails=emails,
                phones=phones,
                **extra,
            )
        except ValidationError as exc:  # every field was checked above: a safety net
            raise RowError(f"the contact cannot be stored ({exc})") from None
        return ContactRow(contact, council, tuple(self.notices), self.uid)


def lawful_basis(label: str, text: str) -> LawfulBasis:
    wanted = " ".join(text.lower().replace("_", " ").split())
    for basis in LawfulBasis:
        if basis.value == wanted or basis.name.lower().replace("_", " ") == wanted:
            return basis
    choices = ", ".join(b.value for b in LawfulBasis)
    raise RowError(f"{label}: {text!r} is not a lawful basis; use one of {choices}")


_DATES = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d")


def read_date(label: str, text: str) -> date:
    value = text.strip()
    for fmt in _DATES:
        try:
            return datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    raise RowError(f"{label}: {text!r} is not a date; write it as YYYY-MM-DD or DD/MM/YYYY")


def organisation_and_department(text: str) -> tuple[str, str]:
    """ "Birmingham City Council - Adult Social Care" -> (the council's name, the department);
    text with no separator -> (text, "")."""
    parts = DEPARTMENT.split(text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, "")
