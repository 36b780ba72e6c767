"""Contacts out, in forms other programs read back faithfully, and this app reads back whole.

- Outlook CSV: one value per column, as Outlook's own export has them (E-mail Address, E-mail 2
  Address, E-mail 3 Address; Business Phone, Business Phone 2, Mobile Phone, Other Phone);
  values beyond those go into Notes, one "E-mail 4: …" or "Phone 5: …" line each, which this
  app's reader turns back into e-mail addresses and phones. UK numbers are written as dialled
  at home (Excel would turn "+44…" into a number), others internationally, numbers kept as
  typed as typed. Every cell is safe to open in a spreadsheet (``csv_injection``).
- vCard 3.0 (RFC 2426): UID (the contact's id, so a re-import finds the same contact), REV,
  PRODID, the council and lawful basis and last contact in X-SLI- properties; lines folded at
  75 octets of UTF-8 without splitting a character.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import phonenumbers

from .. import formats
from ..domain import Contact
from ..domain.phones import read_phone
from ..private_file import write_private
from .csv_injection import NeutralisingWriter
from .problems import ImportProblem

PRODID = "-//Local Government Association//SLI Desktop//EN"
EMAIL_COLUMNS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
#: Phone columns filled in this order with numbers that are not mobiles.
PHONE_COLUMNS = ("Business Phone", "Business Phone 2", "Other Phone")
CSV_COLUMNS = (
    "First Name",
    "Last Name",
    "Job Title",
    "Company",
    *EMAIL_COLUMNS,
    "Business Phone",
    "Business Phone 2",
    "Mobile Phone",
    "Other Phone",
    "Notes",
    "GSS code",
    "Council",
    "Lawful basis",
    "Last contacted",
)
#: RFC 2426 section 2.6: lines longer than 75 octets are folded.
FOLD = 75


def split_name(name: str) -> tuple[str, str]:
    parts = name.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (name, "")


def _parsed(value: str) -> phonenumbers.PhoneNumber | None:
    if not value.startswith("+"):
        return None  # kept as typed: no country to format it for
    try:
        return phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None


def is_mobile(value: str) -> bool:
    number = _parsed(value)
    return (
        number is not None
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def phone_cell(value: str) -> str:
    """As a person dials it, if that reads back as the same number; else as stored."""
    cell = formats.phone(value)
    if cell == value:
        return value
    try:
        same = read_phone(cell).value == value
    except ValueError:
        same = False
    return cell if same else value


def contacts_csv(contacts: Sequence[Contact], council_names: dict[str, str]) -> str:
    out = io.StringIO(newline="")
    writer = NeutralisingWriter(out)
    writer.writerow(CSV_COLUMNS)
    for c in contacts:
        first, last = split_name(c.name)
        emails = [*c.emails[:3], *[""] * (3 - min(3, len(c.emails)))]
        notes = [f"E-mail {n}: {e}" for n, e in enumerate(c.emails[3:], start=4)]
        mobiles = [p for p in c.phones if is_mobile(p)]
        others = [p for p in c.phones if not is_mobile(p)]
        mobile = mobiles[:1]
        rest = [*others, *mobiles[1:]]
        placed = rest[: len(PHONE_COLUMNS)]
        cells = [phone_cell(p) for p in placed] + [""] * (len(PHONE_COLUMNS) - len(placed))
        notes += [
            f"Phone {n}: {phone_cell(p)}"
            for n, p in enumerate(rest[len(PHONE_COLUMNS) :], start=len(PHONE_COLUMNS) + 2)
        ]
        writer.writerow(
            [
                first,
                last,
                c.role,
                c.organisation,
                *emails,
                cells[0],
                cells[1],
                phone_cell(mobile[0]) if mobile else "",
                cells[2],
                "\r\n".join(notes),
                c.council or "",
                council_names.get(c.council or "", ""),
                c.lawful_basis.value,
                c.last_contacted.isoformat() if c.last_contacted else "",
            ]
        )
    return out.getvalue()


def escape(text: str) -> str:
    """RFC 2426 text value escapes."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """``line`` with CRLF and a space inserted so that no line is longer than 75 octets of
    UTF-8, never inside a character (an emoji is four octets, a combining accent two)."""
    if len(line) * 4 <= FOLD:
        return line + "\r\n"
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, FOLD
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, FOLD - 1  # the leading space is an octet
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def contacts_vcf(contacts: Sequence[Contact]) -> str:
    lines: list[str] = []
    for c in contacts:
        first, last = split_name(c.name)
        props = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"PRODID:{PRODID}",
            f"UID:{escape(c.id)}",
            f"REV:{c.updated_at.strftime('%Y-%m-%dT%H:%M:%SZ')}",
            f"FN:{escape(c.name)}",
            f"N:{escape(last)};{escape(first)};;;",
        ]
        if c.organisation:
            props.append(f"ORG:{escape(c.organisation)}")
        if c.role:
            props.append(f"TITLE:{escape(c.role)}")
        props += [f"EMAIL;TYPE=INTERNET:{escape(e)}" for e in c.emails]
        props += [
            f"TEL;TYPE={'CELL' if is_mobile(p) else 'WORK'}:{p.replace(chr(92), chr(92) * 2)}"
            for p in c.phones
        ]
        if c.council:
            props.append(f"X-SLI-COUNCIL:{c.council}")
        props.append(f"X-SLI-LAWFUL-BASIS:{escape(c.lawful_basis.value)}")
        if c.last_contacted:
            props.append(f"X-SLI-LAST-CONTACTED:{c.last_contacted.isoformat()}")
        props.append("END:VCARD")
        lines.extend(fold(p) for p in props)
    return "".join(lines)


def write_export(path: Path, text: str, bom: bool = False) -> None:
    """The user asked for this file (contacts, a calendar, a JSON export): write it whole and
    owner-only, since it holds in clear what the vault keeps encrypted."""
    try:
        write_private(path, text.encode("utf-8-sig" if bom else "utf-8"))
    except OSError as exc:
        raise ImportProblem(path, f"cannot be written ({exc.strerror or exc})") from None
