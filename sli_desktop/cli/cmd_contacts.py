"""sli contact add|list"""

from __future__ import annotations

import argparse
from typing import Any

from ..vault.contacts import Contacts
from .context import Context
from .output import emit_json, say, table


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("contact", parents=[common], help="contacts")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("add", parents=[common], help="add a contact")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--name", required=True)
    c.add_argument("--role", default="")
    c.add_argument("--organisation", default="")
    c.add_argument("--email", action="append", default=[])
    c.add_argument("--phone", action="append", default=[])
    c.add_argument("--lawful-basis", default="public task")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)
    c = csub.add_parser("list", parents=[common], help="list contacts")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_contacts)


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
        ["name", "role", "council", "phone", "email"],
        [(c.name, c.role, c.council, c.phones[:1], c.emails[:1]) for c in contacts],
        empty="no contacts",
    )
