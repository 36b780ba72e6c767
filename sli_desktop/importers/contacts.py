"""Contacts in and out: Outlook/Excel CSV and vCard 3.0/4.0.

Reading gives contacts with the line each came from, and the reason for each bad row. The
preview sets them against the vault: which are new, which match a contact already there (same
email, or same name at the same council) and would be merged into it, and which change nothing.
Applying writes the preview in one transaction, or nothing at all if any row was bad and the
user did not ask to import only the good rows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import phonenumbers
import vobject
from vobject.icalendar import stringToTextValues

from ..domain import Contact, LawfulBasis, ValidationError
from ..domain.fields import normalise_email, normalise_phone
from ..gcpause import collector_paused
from ..private_file import write_private
from ..vault.bulk import save_many
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from ..vault.store import Vault
from .councilmatch import CouncilMatcher, full_key
from .csv_injection import NeutralisingWriter, restore
from .problems import ImportProblem
from .tabular import Parsed, open_table
from .textfile import read_text

#: Twenty thousand contacts are a few megabytes; a file this large is not an address book.
MAX_BYTES = 25 * 1024 * 1024
_GSS = re.compile(r"^[ENSWK][0-9]{8}$")

SPELLINGS: dict[str, tuple[str, ...]] = {
    "first": ("First Name", "Given Name", "Forename", "Firstname"),
    "middle": ("Middle Name",),
    "last": ("Last Name", "Surname", "Family Name", "Lastname"),
    "name": ("Name", "Full Name", "Display Name"),
    "role": ("Job Title", "Role", "Position"),
    "organisation": ("Company", "Organisation", "Organization", "Company Name"),
    "gss": ("GSS code", "Council code", "GSS", "Council GSS code"),
    "council": ("Council",),
    "email1": ("E-mail Address", "Email", "Email Address", "E-mail"),
    "email2": ("E-mail 2 Address", "Email 2", "Email 2 Address"),
    "email3": ("E-mail 3 Address", "Email 3", "Email 3 Address"),
    "business": ("Business Phone", "Work Phone", "Phone", "Telephone"),
    "business2": ("Business Phone 2",),
    "mobile": ("Mobile Phone", "Mobile", "Cell Phone"),
    "main": ("Company Main Phone", "Primary Phone"),
    "home": ("Home Phone",),
    "other": ("Other Phone",),
    "last_contacted": ("Last contacted", "Last contacted on"),
    "lawful_basis": ("Lawful basis",),
}
EMAIL_FIELDS = ("email1", "email2", "email3")
PHONE_FIELDS = ("business", "business2", "mobile", "main", "home", "other")
REQUIRED = (("name", "first", "last"),)


@dataclass(frozen=True)
class ContactRow:
    """A contact as read, before its council is looked up in the vault. ``council`` is what
    the file said: a GSS code or a council's name, or "" (then the organisation is tried)."""

    contact: Contact
    council: str = ""


# -- reading ---------------------------------------------------------------------------------


@collector_paused()
def read_contacts(path: Path) -> Parsed[ContactRow]:
    """Contacts from a .vcf/.vcard file or a CSV file. A problem with the whole file (empty,
    binary, too large, no name column) raises ImportProblem; a bad row is listed in
    ``problems`` with its line."""
    text = read_text(path, MAX_BYTES)
    if path.suffix.lower() in (".vcf", ".vcard") or text.lstrip().upper().startswith("BEGIN:VCARD"):
        return read_vcards(path, text)
    return read_csv(path, text)


def read_csv(path: Path, text: str) -> Parsed[ContactRow]:
    table = open_table(path, text, SPELLINGS, REQUIRED)
    parsed: Parsed[ContactRow] = Parsed(path)
    for line, row in table.rows():
        if isinstance(row, ImportProblem):
            parsed.problems.append(row)
            continue
        try:
            parsed.rows.append((line, _from_csv(row, table.header, table.columns)))
        except ValueError as exc:
            parsed.problems.append(ImportProblem(path, str(exc), line))
    if not parsed.rows and not parsed.problems:
        raise ImportProblem(path, "holds no contacts")
    return parsed


def _from_csv(row: dict[str, str], header: list[str], columns: dict[str, int]) -> ContactRow:
    def label(name: str) -> str:
        return header[columns[name]].strip()

    row = {key: restore(value) for key, value in row.items()}
    name = row.get("name", "") or " ".join(
        row[k] for k in ("first", "middle", "last") if row.get(k)
    )
    # Raw values: the domain normalises each once as it builds the contact; only if it refuses
    # one are the columns checked one by one, to name the column in the reason.
    emails = [v.strip() for k in EMAIL_FIELDS for v in (row.get(k) or "").split(";") if v.strip()]
    phones = [v.strip() for k in PHONE_FIELDS for v in (row.get(k) or "").split(";") if v.strip()]
    extra: dict[str, Any] = {}
    if row.get("last_contacted"):
        extra["last_contacted"] = _date(row["last_contacted"], label("last_contacted"))
    if row.get("lawful_basis"):
        try:
            extra["lawful_basis"] = LawfulBasis(row["lawful_basis"].lower())
        except ValueError:
            choices = ", ".join(b.value for b in LawfulBasis)
            raise ValueError(
                f"{label('lawful_basis')}: {row['lawful_basis']!r} is not one of {choices}"
            ) from None
    council = row.get("gss", "") or row.get("council", "")
    if row.get("gss") and not _GSS.match(row["gss"].upper()):
        raise ValueError(f"{label('gss')}: {row['gss']!r} is not a GSS code such as E08000025")
    try:
        contact = _build(
            name=name,
            role=row.get("role", ""),
            organisation=row.get("organisation", ""),
            emails=emails,
            phones=phones,
            **extra,
        )
    except ValueError:
        for key in EMAIL_FIELDS:
            _checked(row, key, label, normalise_email)
        for key in PHONE_FIELDS:
            _checked(row, key, label, normalise_phone)
        raise
    return ContactRow(contact, council)


def _checked(row: dict[str, str], key: str, label: Any, check: Any) -> list[str]:
    """A cell may hold several values separated by ';' (how the export writes extras)."""
    found = []
    for value in (row.get(key) or "").split(";"):
        if value.strip():
            try:
                found.append(check(value.strip()))
            except ValueError as exc:
                raise ValueError(f"{label(key)}: {exc}") from None
    return found


def _date(text: str, label: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{label}: {text!r} is not a valid date (use YYYY-MM-DD or DD/MM/YYYY)")


def _build(**fields: Any) -> Contact:
    if not str(fields.get("name", "")).strip():
        raise ValueError("the contact has no name")
    try:
        return Contact.build(**fields)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


_BEGIN = re.compile(r"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)


def read_vcards(path: Path, text: str) -> Parsed[ContactRow]:
    """Each card is parsed on its own, so one broken card is one bad row with its line."""
    parsed: Parsed[ContactRow] = Parsed(path)
    start: int | None = None
    block: list[str] = []
    lines = text.splitlines()
    for number, raw in enumerate(lines, start=1):
        if start is None:
            if _BEGIN.match(raw):
                start, block = number, [raw]
            elif raw.strip() and not parsed.rows and not parsed.problems and number == 1:
                raise ImportProblem(path, "is not a vCard file (no BEGIN:VCARD)", 1)
            continue
        block.append(raw)
        if _END.match(raw):
            _card(parsed, path, start, block)
            start = None
    if start is not None:
        parsed.problems.append(ImportProblem(path, "the vCard has no END:VCARD", start))
    if not parsed.rows and not parsed.problems:
        raise ImportProblem(path, "holds no vCards")
    return parsed


def _card(parsed: Parsed[ContactRow], path: Path, line: int, lines: list[str]) -> None:
    """``lines`` come from str.splitlines, so none holds a line break: they are the lines of
    the block they join into, which is what simple_card would split that block into."""
    try:
        card = _simple_lines(lines) or vobject.readOne("\r\n".join(lines) + "\r\n", validate=False)
    except Exception as exc:  # noqa: BLE001 - vobject raises many types on malformed input
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        parsed.problems.append(ImportProblem(path, f"the vCard cannot be read ({reason})", line))
        return
    try:
        parsed.rows.append((line, _from_card(card)))
    except ValueError as exc:
        parsed.problems.append(ImportProblem(path, str(exc), line))
    except Exception as exc:  # noqa: BLE001 - odd property shapes surface as odd errors
        reason = type(exc).__name__
        parsed.problems.append(ImportProblem(path, f"the vCard cannot be read ({reason})", line))


# -- the fast path for simple cards ----------------------------------------------------------
# vobject spends ~1 ms on a card; most exports are plain vCard 3.0/4.0 lines that need none of
# its machinery. ``simple_card`` reads exactly those and gives what vobject would give for the
# properties this importer uses (backslash escapes are undone by vobject's own functions);
# anything else (vCard 2.1, groups, quoted or encoding parameters, binary or nested properties,
# a malformed line) returns None and
# vobject reads the card, errors and all. tests/unit/test_vcard_fast_path.py checks the two
# agree on a varied sample.

_PROPERTY = re.compile(r"^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+(?:=[^;:\"]*)?)*):(.*)$", re.DOTALL)
_UNSAFE_PARAMS = re.compile(r";\s*(?:ENCODING|CHARSET)\b", re.IGNORECASE)
_NOT_SIMPLE = frozenset({"photo", "logo", "sound", "key", "agent", "begin", "end"})


@dataclass(slots=True)
class _Line:
    value: Any


@dataclass(frozen=True)
class _SimpleCard:
    contents: dict[str, list[_Line]]


def _split(text: str, separator: str) -> list[str]:
    """vobject's stringToTextValues for text without backslashes: a trailing empty is dropped."""
    parts = text.split(separator)
    if len(parts) > 1 and not parts[-1]:
        parts.pop()
    return parts


def _list_or_string(text: str) -> str | list[str]:
    parts = _split(text, ",")
    return parts[0] if len(parts) == 1 else parts


def simple_card(block: str) -> _SimpleCard | None:
    """The card, if it is one of the plain shapes read without vobject; else None."""
    lines = block.split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    return _simple_lines(lines)


def _simple_lines(lines: list[str]) -> _SimpleCard | None:
    if len(lines) < 3 or not _BEGIN.match(lines[0]) or not _END.match(lines[-1]):
        return None
    unfolded: list[str] = []
    for raw in lines[1:-1]:
        first = raw[:1]
        if first == " " or first == "\t":
            if not unfolded:
                return None
            unfolded[-1] += raw[1:]
        elif not raw.strip():
            return None
        else:
            unfolded.append(raw)
    contents: dict[str, list[_Line]] = {}
    version = None
    for text in unfolded:
        found = _PROPERTY.match(text)
        if found is None:
            return None
        name, params, value = found.groups()
        if params and _UNSAFE_PARAMS.search(params):
            return None
        name = name.lower()
        if name in _NOT_SIMPLE:
            return None
        if name == "version":
            if version is not None or value.strip() not in ("3.0", "4.0"):
                return None
            version = value.strip()
            item: Any = value
        elif name == "n" or name == "org":
            fields = (
                vobject.vcard.splitFields(value)  # escapes: vobject's own unescaping
                if "\\" in value
                else [_list_or_string(part) for part in _split(value, ";")]
            )
            item = (
                vobject.vcard.Name(**dict(zip(vobject.vcard.NAME_ORDER, fields, strict=False)))
                if name == "n"
                else fields
            )
        elif "\\" in value:
            item = stringToTextValues(value)[0]
        else:
            item = value.partition(",")[0]  # what _split(value, ",")[0] gives
        if name in contents:
            contents[name].append(_Line(item))
        else:
            contents[name] = [_Line(item)]
    return _SimpleCard(contents) if version else None


def _values(card: Any, name: str) -> list[Any]:
    return [item.value for item in card.contents.get(name, [])]


def _text(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list | tuple):
        return " ".join(t for v in value if (t := _text(v)))
    return " ".join(str(value).split()) if value is not None else ""


def _from_card(card: Any) -> ContactRow:
    name = next((t for v in _values(card, "fn") if (t := _text(v))), "")
    if not name:
        for n in _values(card, "n"):
            if isinstance(n, vobject.vcard.Name):
                name = _text([n.prefix, n.given, n.additional, n.family, n.suffix])
            else:
                parts = str(n).split(";")
                name = _text([*parts[1:3], parts[0]])
    emails = [t for v in _values(card, "email") if (t := _text(v).removeprefix("mailto:"))]
    phones = [t for v in _values(card, "tel") if (t := _text(v).removeprefix("tel:"))]
    orgs = _values(card, "org")
    organisation = _text(orgs[0][0] if orgs and isinstance(orgs[0], list) and orgs[0] else "")
    if not organisation and orgs:
        organisation = _text(orgs[0])
    role = next((_text(v) for v in (*_values(card, "title"), *_values(card, "role"))), "")
    council = next((t for v in _values(card, "x-sli-council") if (t := _text(v))), "")
    if council and not _GSS.match(council.upper()):
        raise ValueError(f"X-SLI-COUNCIL: {council!r} is not a GSS code such as E08000025")
    try:
        contact = _build(
            name=name,
            role=role[:300],
            organisation=organisation[:300],
            emails=emails,
            phones=phones,
        )
    except ValueError:
        for label, values, check in (
            ("EMAIL", emails, normalise_email),
            ("TEL", phones, normalise_phone),
        ):
            for value in values:
                try:
                    check(value)
                except ValueError as exc:
                    raise ValueError(f"{label}: {exc}") from None
        raise
    return ContactRow(contact, council)


# -- preview and apply -----------------------------------------------------------------------

Action = Literal["add", "update", "skip"]


@dataclass(frozen=True)
class Change:
    line: int
    action: Action
    contact: Contact
    reason: str
    existing: Contact | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "name": self.contact.name,
            "council": self.contact.council,
            "reason": self.reason,
            "existing_id": self.existing.id if self.existing else None,
        }


@dataclass
class ContactPreview:
    """What importing a file would do, row by row, and which rows are bad and why."""

    path: Path
    changes: list[Change] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    written: bool = False

    def count(self, action: Action) -> int:
        return sum(c.action == action for c in self.changes)

    @property
    def summary(self) -> str:
        bad = f", {len(self.problems)} bad" if self.problems else ""
        verbs = ("added", "updated") if self.written else ("to add", "to update")
        return (
            f"{self.count('add')} {verbs[0]}, {self.count('update')} {verbs[1]}, "
            f"{self.count('skip')} unchanged{bad}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "written": self.written,
            "added": self.count("add"),
            "updated": self.count("update"),
            "skipped": self.count("skip"),
            "bad": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "changes": [c.to_json() for c in self.changes],
        }


def preview_contacts(vault: Vault, parsed: Parsed[ContactRow]) -> ContactPreview:
    """Set the file's contacts against the vault without writing anything."""
    matcher = CouncilMatcher(Councils(vault).list())
    existing = Contacts(vault).list()
    return _plan(parsed, matcher, existing)


@collector_paused()
def import_contacts(
    vault: Vault, parsed: Parsed[ContactRow], *, skip_bad: bool = False
) -> ContactPreview:
    """Write the preview in one transaction; with any bad row and no ``skip_bad``, raise the
    first problem (naming how many more) and write nothing."""
    with vault.transaction():
        preview = preview_contacts(vault, parsed)
        if preview.problems and not skip_bad:
            raise Parsed(parsed.path, [], preview.problems).first_problem()
        writes = [c.contact for c in preview.changes if c.action != "skip"]
        save_many(vault, writes, audit_detail={"source": "import"}, returning=False)
        if preview.changes:
            vault.audit(
                "import",
                "contact",
                "",
                {
                    "file": parsed.path.name,
                    "added": preview.count("add"),
                    "updated": preview.count("update"),
                    "skipped_bad": len(preview.problems),
                },
            )
    preview.written = True
    return preview


def _plan(
    parsed: Parsed[ContactRow], matcher: CouncilMatcher, existing: Iterable[Contact]
) -> ContactPreview:
    preview = ContactPreview(parsed.path, problems=list(parsed.problems))
    index = _Index(existing)
    written: dict[str, int] = {}  # contact id -> its add or update in ``changes``
    for line, row in parsed.rows:
        incoming = row.contact
        council = _council(row, matcher)
        if isinstance(council, str) and council.startswith("!"):
            preview.problems.append(ImportProblem(parsed.path, council[1:], line))
            continue
        if council:
            incoming = incoming.model_copy(update={"council": council})
        found, why = index.find(incoming)
        if found is None:
            written[incoming.id] = len(preview.changes)
            preview.changes.append(Change(line, "add", incoming, "new contact"))
            index.put(incoming)
            continue
        merged = _merge(found, incoming)
        if merged == found:
            preview.changes.append(Change(line, "skip", found, f"{why}; nothing new", found))
            continue
        earlier = written.get(found.id)
        if earlier is not None:  # a repeat within the file: fold it into the earlier change
            first = preview.changes[earlier]
            preview.changes[earlier] = Change(
                first.line,
                first.action,
                merged,
                f"{first.reason}; merged with line {line}",
                first.existing,
            )
            preview.changes.append(Change(line, "skip", merged, f"merged into line {first.line}"))
        else:
            written[found.id] = len(preview.changes)
            preview.changes.append(Change(line, "update", merged, f"{why}; merged", found))
        index.put(merged)
    preview.problems.sort(key=lambda p: p.line or 0)
    return preview


def _council(row: ContactRow, matcher: CouncilMatcher) -> str | None:
    """The GSS code, None for no council, or "!reason" for a council the vault does not know."""
    given = row.council.strip()
    if given:
        if _GSS.match(given.upper()):
            found = matcher.by_code(given)
            if found is None:
                return f"!council {given.upper()} is not in the vault; import the register first"
            return found.gss_code
        found = matcher.by_name(given)
        if found is None:
            return f"!no single council in the vault is called {given!r}"
        return found.gss_code
    if row.contact.organisation:
        found = matcher.by_name(row.contact.organisation)
        return found.gss_code if found else None
    return None


class _Index:
    """Contacts by email and by name + council (or organisation); keys lead to an id, and the
    id to the latest version, so a contact merged twice in one file keeps both merges."""

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.latest: dict[str, Contact] = {}
        self.by_email: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        self._keys: dict[str, str] = {}  # full_key of each name seen: find, then put, asks twice
        for contact in contacts:
            self.put(contact)

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = full_key(text)
        return key

    def _name_key(self, contact: Contact) -> tuple[str, str]:
        return self._key(contact.name), contact.council or "org:" + self._key(contact.organisation)

    def put(self, contact: Contact) -> None:
        self.latest[contact.id] = contact
        for email in contact.emails:
            self.by_email[email.lower()] = contact.id
        self.by_name[self._name_key(contact)] = contact.id

    def find(self, contact: Contact) -> tuple[Contact | None, str]:
        for email in contact.emails:
            found = self.by_email.get(email.lower())
            if found is not None:
                return self.latest[found], f"same email as {self.latest[found].name}"
        by_name = self.by_name.get(self._name_key(contact))
        if by_name is not None:
            where = "council" if contact.council else "organisation"
            return self.latest[by_name], f"same name and {where} as an existing contact"
        return None, ""


def _merge(current: Contact, incoming: Contact) -> Contact:
    """Nothing already known is lost: emails and phones are added, empty fields filled."""
    changes: dict[str, Any] = {}
    known = {e.lower(): e for e in current.emails}
    emails = [*current.emails, *(e for e in incoming.emails if e.lower() not in known)]
    emails = list({e.lower(): e for e in reversed(emails)}.values())[::-1]
    phones = list(dict.fromkeys([*current.phones, *incoming.phones]))
    if emails != current.emails:
        changes["emails"] = emails
    if phones != current.phones:
        changes["phones"] = phones
    for name in ("role", "organisation", "council", "last_contacted"):
        if not getattr(current, name) and getattr(incoming, name):
            changes[name] = getattr(incoming, name)
    if (
        incoming.last_contacted
        and current.last_contacted
        and incoming.last_contacted > current.last_contacted
    ):
        changes["last_contacted"] = incoming.last_contacted
    return current.model_copy(update=changes) if changes else current


# -- export ----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "First Name",
    "Last Name",
    "Job Title",
    "Company",
    "E-mail Address",
    "E-mail 2 Address",
    "E-mail 3 Address",
    "Business Phone",
    "Business Phone 2",
    "Mobile Phone",
    "Other Phone",
    "GSS code",
    "Council",
    "Lawful basis",
    "Last contacted",
)


def split_name(name: str) -> tuple[str, str]:
    parts = name.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (name, "")


def _spread(values: Sequence[str], slots: int) -> list[str]:
    """Values into ``slots`` cells; extras share the last cell separated by '; '."""
    cells = [*values[: slots - 1], "; ".join(values[slots - 1 :])]
    return cells + [""] * (slots - len(cells))


def _is_mobile(e164: str) -> bool:
    try:
        number = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def _phone_cell(e164: str) -> str:
    """GB numbers as dialled at home (Excel would turn "+44…" into a number); others in
    international format. Either reads back to the same E.164 number."""
    try:
        number = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def contacts_csv(contacts: Sequence[Contact], council_names: dict[str, str]) -> str:
    """Outlook's columns; every cell safe to open in a spreadsheet (``csv_injection``)."""
    out = io.StringIO(newline="")
    writer = NeutralisingWriter(out)
    writer.writerow(CSV_COLUMNS)
    for c in contacts:
        first, last = split_name(c.name)
        mobiles = [_phone_cell(p) for p in c.phones if _is_mobile(p)]
        others = [_phone_cell(p) for p in c.phones if not _is_mobile(p)]
        business = others[:2]
        rest = [*mobiles[1:], *others[2:]]
        writer.writerow(
            [
                first,
                last,
                c.role,
                c.organisation,
                *_spread(c.emails, 3),
                *(business + [""] * (2 - len(business))),
                mobiles[0] if mobiles else "",
                "; ".join(rest),
                c.council or "",
                council_names.get(c.council or "", ""),
                c.lawful_basis.value,
                c.last_contacted.isoformat() if c.last_contacted else "",
            ]
        )
    return out.getvalue()


def contacts_vcf(contacts: Sequence[Contact]) -> str:
    cards = []
    for c in contacts:
        card = vobject.vCard()
        card.add("fn").value = c.name
        first, last = split_name(c.name)
        card.add("n").value = vobject.vcard.Name(family=last, given=first)
        if c.organisation:
            card.add("org").value = [c.organisation]
        if c.role:
            card.add("title").value = c.role
        for email in c.emails:
            item = card.add("email")
            item.value = email
            item.type_param = "INTERNET"
        for phone in c.phones:
            item = card.add("tel")
            item.value = phone
            item.type_param = "CELL" if _is_mobile(phone) else "WORK"
        if c.council:
            card.add("x-sli-council").value = c.council
        cards.append(card.serialize())
    return "".join(cards)


def write_export(path: Path, text: str, bom: bool = False) -> None:
    """The user asked for this file (contacts, a calendar, a JSON export): write it whole and
    owner-only, since it holds in clear what the vault keeps encrypted."""
    try:
        write_private(path, text.encode("utf-8-sig" if bom else "utf-8"))
    except OSError as exc:
        raise ImportProblem(path, f"cannot be written ({exc.strerror or exc})") from None
