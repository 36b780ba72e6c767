"""Contacts from CSV files as address books write them: Outlook (desktop and web), Google
Contacts (the old "Given Name … E-mail 1 - Value" layout and the new "First Name … E-mail 1 -
Label"), Thunderbird, Windows Live Mail, Apple exporters, Excel sheets typed by hand, and the
same with German headers (Outlook's "Vorname", "Nachname", "E-Mail-Adresse", …).

Every column is classified by its header, through one table (``COLUMNS`` and the patterns below
it): what it holds (name part, job title, organisation, department, e-mail, phone…), or why the
app does not keep it (an address, a birthday). A cell in a column the app does not keep is listed
against its contact as "not imported", never dropped without a word. Producers' own quirks stay
here: Google's " ::: " between several values in a cell, Outlook's honorific "Title" beside "Job
Title", and this app's own export, which writes values beyond Outlook's columns into Notes as
"E-mail 4: …" and "Phone 7: …" lines and reads them back.
"""

from __future__ import annotations

import re
from pathlib import Path

from .contactrow import ContactDraft, ContactRow, RowError
from .csv_injection import restore
from .problems import ImportProblem
from .tabular import Parsed, header_key, open_table

#: What a column holds, by its header; header_key ignores case, spaces and punctuation.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Full Name", "Display Name", "Anzeigename", "Vollständiger Name"),
    "first": ("First Name", "Given Name", "Forename", "Firstname", "Vorname"),
    "middle": ("Middle Name", "Additional Name", "Weitere Vornamen", "Zweiter Vorname"),
    "last": ("Last Name", "Surname", "Family Name", "Lastname", "Nachname"),
    "prefix": ("Name Prefix", "Prefix", "Honorific", "Anrede"),
    "suffix": ("Suffix", "Name Suffix", "Namenszusatz"),
    "role": (
        "Job Title",
        "Role",
        "Position",
        "Organization Title",
        "Organisation Title",
        "Jobtitel",
    ),
    "organisation": (
        "Company",
        "Organisation",
        "Organization",
        "Company Name",
        "Organization Name",
        "Organisation Name",
        "Firma",
        "Unternehmen",
    ),
    "department": (
        "Department",
        "Organization Department",
        "Organisation Department",
        "Abteilung",
    ),
    "gss": ("GSS code", "Council code", "GSS", "Council GSS code"),
    "council": ("Council",),
    "lawful_basis": ("Lawful basis",),
    "last_contacted": ("Last contacted", "Last contacted on"),
    "notes": ("Notes", "Note", "Notizen"),
}
#: E-mail columns beyond the ones a pattern finds ("…e-mail…address", "Email 2").
EMAILS = (
    "Primary Email",
    "Secondary Email",
    "E-Mail-Adresse",
    "E-Mail 2: Adresse",
    "E-Mail 3: Adresse",
    "Work Email",
    "Home Email",
    "Other Email",
)
#: Columns that describe a value or the entry rather than the person (an e-mail's type or
#: display name, Google's labels and groups, Japanese readings): nothing to keep or report.
QUIET = re.compile(r"(type|typ|label|labels|displayname|angezeigtername|yomi)$|^phonetic")
QUIET_KEYS = frozenset(
    header_key(h)
    for h in (
        "File As",
        "Group Membership",
        "Sensitivity",
        "Priority",
        "Private",
        "Initials",
        "Account",
        "Mileage",
        "Billing Information",
        "Directory Server",
        "Internet Free Busy",
        "Speichern unter",
        "Vertraulichkeit",
        "Priorität",
        "Privat",
        "Kennzeichen",
    )
)
#: How Outlook writes an empty date or gender: nothing to report.
EMPTY = frozenset(
    {"0/0/00", "0/0/0000", "00/00/00", "0.0.00", "0.0.0000", "unspecified", "nicht angegeben"}
)
#: Google's numbered groups of columns: "E-mail 1 - Value", "Organization 1 - Name".
GOOGLE = re.compile(r"^\s*([A-Za-z -]+?)\s*(\d+)\s*-\s*(.+?)\s*$")
#: Why a column the app does not keep is not imported, by a word its header holds.
NOT_KEPT: tuple[tuple[tuple[str, ...], str], ...] = (
    (("assistant",), "the app keeps no assistants' details"),
    (("screenname", "imaddress", "messenger"), "the app keeps no messaging addresses"),
    (
        (
            "street",
            "city",
            "state",
            "postal",
            "zip",
            "country",
            "address",
            "pobox",
            "county",
            "postcode",
            "region",
            "strae",
            "postleitzahl",
            "formatted",
        ),
        "the app keeps no postal addresses",
    ),
    (("webpage", "website", "url", "homepage", "webseite"), "the app keeps no web addresses"),
    (("birth", "anniversary", "geburtstag", "jahrestag", "event"), "the app keeps no dates"),
    (("photo", "picture", "foto"), "the app keeps no photos"),
    (("nickname", "spitzname"), "the app keeps no nicknames"),
    (("categor", "kategorie", "group"), "the app keeps no categories"),
)
#: What this app's export writes into Notes beyond Outlook's columns.
NOTE_LINE = re.compile(r"^(E-mail|Phone) (\d+): (.+)$")
#: Google's separator between several values in one cell.
GOOGLE_SEPARATOR = " ::: "


def _keys(spellings: tuple[str, ...]) -> set[str]:
    return {header_key(s) for s in spellings}


_BY_KEY = {key: kind for kind, spellings in COLUMNS.items() for key in _keys(spellings)}
_EMAIL_KEYS = _keys(EMAILS)


def classify(header: str, has_job_title: bool) -> tuple[str, str]:
    """(kind, why-not-kept): kind is a field of ContactDraft, "email", "phone", "notes", "quiet", or
    "other" (then why-not-kept says why)."""
    key = header_key(header)
    if not key:
        return "quiet", ""
    if key == "title":  # Outlook's honorific, beside its "Job Title"; else a job title
        return ("prefix" if has_job_title else "role"), ""
    google = GOOGLE.match(header)
    group = header_key(google.group(1)) if google else ""
    if google and group in ("email", "phone", "organization", "organisation"):
        number, part = google.group(2), header_key(google.group(3))
        if part in ("type", "label"):
            return "quiet", ""
        if group in ("email", "phone"):
            return (group if part == "value" else "other"), "not a field the app keeps"
        extra = "" if number == "1" else "second_"
        kind = {"name": "organisation", "title": "role", "department": "department"}.get(part)
        if kind and not extra:
            return kind, ""
        if part in ("yominame", "phoneticname", "symbol", "location", "jobdescription", "type"):
            return "quiet", ""
        return "other", "one organisation and job title kept"
    if key in _BY_KEY:
        return _BY_KEY[key], ""
    if key in QUIET_KEYS or QUIET.search(key):
        return "quiet", ""
    if key in _EMAIL_KEYS or (("email" in key or "mail" in key) and "address" in key):
        return "email", ""
    if re.fullmatch(r"e?mail\d*(address)?\d*", key) or key.startswith("email"):
        return "email", ""  # "Email (work)", "Email 2", as exporters of Apple's contacts write
    if "assistant" in key:
        return "other", "the app keeps no assistants' details"
    if any(
        w in key
        for w in (
            "phone",
            "fax",
            "telefon",
            "mobil",
            "pager",
            "isdn",
            "telex",
            "callback",
            "cell",
            "ttytdd",
        )
    ):
        return "phone", ""
    for words, why in NOT_KEPT:
        if any(w in key for w in words):
            return "other", why
    return "other", "not a field the app keeps"


def _emails(cell: str) -> list[str]:
    return [v.strip() for v in re.split(r"\s*:::\s*|[;,]", cell) if v.strip()]


def _phones(cell: str) -> list[str]:
    return [v.strip() for v in re.split(r"\s*:::\s*|;\s+", cell) if v.strip()]


def read_csv(path: Path, text: str) -> Parsed[ContactRow]:
    table = open_table(path, text, {}, ())
    header = [h.strip() for h in table.header]
    has_job_title = any(header_key(h) == "jobtitle" for h in header)
    kinds = [classify(h, has_job_title) for h in header]
    if not any(kind in ("name", "first", "last") for kind, _ in kinds):
        raise ImportProblem(
            path,
            "has no name column; its first line must name the columns, with First Name and "
            "Last Name (Outlook, Google), Name or Display Name (Thunderbird)",
            1,
        )
    used = [(i, header[i], kind, why) for i, (kind, why) in enumerate(kinds) if kind != "quiet"]
    parsed: Parsed[ContactRow] = Parsed(path)
    for line, cells in table.cells():
        if isinstance(cells, ImportProblem):
            parsed.problems.append(cells)
            continue
        try:
            parsed.rows.append((line, _row(cells, used)))
        except RowError as exc:
            parsed.problems.append(ImportProblem(path, str(exc), line))
    if not parsed.rows and not parsed.problems:
        raise ImportProblem(path, "holds no contacts (only its header line)")
    return parsed


_PARTS = {"prefix": 0, "first": 1, "middle": 2, "last": 3, "suffix": 4}


def _row(cells: list[str], used: list[tuple[int, str, str, str]]) -> ContactRow:
    draft = ContactDraft(name_hint="First Name and Last Name, or Name")
    parts = ["", "", "", "", ""]
    skipped: dict[str, list[str]] = {}
    for index, label, kind, why in used:
        value = cells[index].strip()
        if not value:
            continue
        value = restore(value)
        if kind == "email":
            draft.emails.extend((label, v) for v in _emails(value))
        elif kind == "phone":
            draft.phones.extend((label, v) for v in _phones(value))
            if "fax" in label.lower():
                draft.notices.append(f"kept as a phone: {label} {value!r} is a fax number")
        elif kind in _PARTS:
            parts[_PARTS[kind]] = value
        elif kind == "name":
            draft.name = value
        elif kind == "role":
            draft.role = draft.role or value
        elif kind == "organisation":
            draft.organisation = draft.organisation or value
        elif kind == "department":
            draft.department = draft.department or value
        elif kind in ("gss", "council"):
            if not draft.council[1] or kind == "gss":
                draft.council = (label, value)
        elif kind == "lawful_basis":
            draft.lawful_basis = (label, value)
        elif kind == "last_contacted":
            draft.last_contacted = (label, value)
        elif kind == "notes":
            _notes(draft, label, value, skipped)
        elif value.lower() not in EMPTY:
            skipped.setdefault(why, []).append(f"{label} {value[:60]!r}")
    draft.parts = parts
    for why, labels in skipped.items():
        draft.not_imported(", ".join(labels), why)
    return draft.finish()


def _notes(draft: ContactDraft, label: str, value: str, skipped: dict[str, list[str]]) -> None:
    """Lines this app's export wrote are e-mail addresses and phones; the rest is not kept."""
    rest = []
    for text in value.splitlines():
        found = NOTE_LINE.match(text.strip())
        if found is None:
            if text.strip():
                rest.append(text.strip())
        elif found.group(1) == "E-mail":
            draft.emails.append((f"{label} ({found.group(1)} {found.group(2)})", found.group(3)))
        else:
            draft.phones.append((f"{label} ({found.group(1)} {found.group(2)})", found.group(3)))
    if rest:
        text = " ".join(rest)
        skipped.setdefault("the app keeps no notes on contacts", []).append(
            f"{label} {text[:60]!r}"
        )
