"""Contacts in and out: which reader a file needs, and the names the CLI and the window use.

Each format lives in its own module, so one producer's quirks never spread to the others:
``contact_csv`` (Outlook, Google, Thunderbird, Windows Live Mail, Apple, Excel layouts),
``vcard`` (vCard 2.1, 3.0 and 4.0), ``contactrow`` (what both fill in, and the one place a
Contact is made from it), ``contact_plan`` (the preview set against the vault, and applying
it) and ``contact_export`` (Outlook CSV and vCard 3.0 out).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..gcpause import collector_paused
from .contact_csv import read_csv
from .contact_export import (
    CSV_COLUMNS,
    contacts_csv,
    contacts_vcf,
    split_name,
    write_export,
)
from .contact_plan import ContactChange, ContactPreview, import_contacts, preview_contacts
from .contactrow import ContactRow
from .problems import ImportProblem
from .tabular import Parsed
from .textfile import read_text
from .vcard import read_vcards

__all__ = [
    "CSV_COLUMNS",
    "ContactChange",
    "ContactPreview",
    "ContactRow",
    "contacts_csv",
    "contacts_vcf",
    "import_contacts",
    "preview_contacts",
    "read_contacts",
    "split_name",
    "write_export",
]

#: Twenty thousand contacts are a few megabytes; a file this large is not an address book.
MAX_BYTES = 25 * 1024 * 1024
_VCARD = re.compile(r"\s*BEGIN:VCARD", re.IGNORECASE)


@collector_paused()
def read_contacts(path: Path) -> Parsed[ContactRow]:
    """Contacts from a .vcf/.vcard file or a CSV file. A problem with the whole file (empty,
    binary, too large, no name column) raises ImportProblem; a bad row is listed in
    ``problems`` with its line."""
    text = read_text(path, MAX_BYTES)
    # The start only: upper-casing a whole 20,000-contact file held the interpreter lock for
    # tens of milliseconds on the worker, and the window with it (issue 25).
    if path.suffix.lower() in (".vcf", ".vcard") or _VCARD.match(text):
        return read_vcards(path, text)
    if path.suffix.lower() == ".ldif":
        raise ImportProblem(path, "is an LDIF file; export the address book as CSV or vCard")
    return read_csv(path, text)
