"""sli contact add|list|import|export"""

from __future__ import annotations

from pathlib import Path

from ..domain import LawfulBasis
from ..formats import plural
from ..importers import contacts as contact_files
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from .args import Commands, Parser
from .context import Context
from .output import emit_json, say, table

#: Rows of an import listed by name; --json lists them all.
LISTED = 50


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("contact", parents=[common], help="contacts")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("add", parents=[common], help="add a contact")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--name", required=True)
    c.add_argument("--role", default="")
    c.add_argument("--organisation", default="")
    c.add_argument("--email", action="append", default=[])
    c.add_argument("--phone", action="append", default=[])
    c.add_argument(
        "--lawful-basis",
        default="public task",
        choices=[b.value for b in LawfulBasis],
        help="UK GDPR Article 6 basis for holding their details (default: public task)",
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)
    c = csub.add_parser("list", parents=[common], help="list contacts")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_contacts)
    c = csub.add_parser(
        "import",
        parents=[common],
        help="import contacts from a CSV file (Outlook, Google, Thunderbird, Excel…) or vCard",
    )
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    c.add_argument("--skip-bad", action="store_true", help="import the good rows, skip bad ones")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=import_contacts)
    c = csub.add_parser("export", parents=[common], help="export contacts as CSV or vCard")
    c.add_argument("--format", choices=["csv", "vcf"], default=None)
    c.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    c.add_argument("--council", metavar="GSS")
    c.set_defaults(func=export_contacts)


def add(ctx: Context) -> None:
    a = ctx.args
    contact = Contacts(ctx.vault()).add(
        council=a.council,
        name=a.name,
        role=a.role,
        organisation=a.organisation,
        emails=a.email,
        phones=a.phone,
        lawful_basis=a.lawful_basis,
    )
    if a.json:
        emit_json(contact.to_json())
    else:
        say(f"Added {contact.name} ({contact.id[:8]}).")


def list_contacts(ctx: Context) -> None:
    contacts = Contacts(ctx.vault()).list(ctx.args.council)
    if ctx.args.json:
        emit_json([c.to_json() for c in contacts])
        return
    table(
        ["name", "role", "council", "phone", "email", "lawful basis"],
        [
            (c.name, c.role, c.council, c.phones[:1], c.emails[:1], c.lawful_basis.value)
            for c in contacts
        ],
        empty="no contacts",
    )


def import_contacts(ctx: Context) -> int:
    a = ctx.args
    parsed = contact_files.read_contacts(a.file)
    vault = ctx.vault()
    if a.dry_run:
        preview = contact_files.preview_contacts(vault, parsed)
    else:
        preview = contact_files.import_contacts(vault, parsed, skip_bad=a.skip_bad)
    if a.json:
        emit_json(preview.to_json())
        return 0
    verb = "Imported" if preview.written else "Would import (dry run; nothing written)"
    say(f"{verb} from {a.file.name}: {preview.summary}.")
    notes = []
    for c in preview.changes:
        if c.action != "add":
            notes.append(f"  line {c.line}: {c.action} {c.contact.name}: {c.reason}")
        notes += [f"  line {c.line}: {c.contact.name}: {notice}" for notice in c.notices]
    notes += [f"  {p} ({'skipped' if preview.written else 'bad row'})" for p in preview.problems]
    for note in notes[:LISTED]:
        say(note)
    if len(notes) > LISTED:
        say(f"  … and {len(notes) - LISTED} more (--json lists every row)")
    return 0


def export_contacts(ctx: Context) -> None:
    a = ctx.args
    fmt = a.format or ("vcf" if a.output.suffix.lower() in (".vcf", ".vcard") else "csv")
    vault = ctx.vault()
    contacts = Contacts(vault).list(a.council)
    if fmt == "vcf":
        contact_files.write_export(a.output, contact_files.contacts_vcf(contacts))
    else:
        names = Councils(vault).names()
        contact_files.write_export(a.output, contact_files.contacts_csv(contacts, names), bom=True)
    vault.audit("export", "contact", "", {"format": fmt, "count": len(contacts)})
    say(f"Exported {plural(len(contacts), 'contact')} to {a.output}.")
