"""sli brief council|region|challenge: confidential briefings as PDF."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..briefing import (
    Briefing,
    BriefingOptions,
    brief_challenge,
    brief_council,
    brief_region,
    write_pdf,
)
from ..briefing.protect import MIN_PASSPHRASE
from ..domain import Marking
from ..formats import plural
from ..vault.store import Vault
from .args import Commands, Parser, date_arg, english_region_arg
from .context import Context, UsageError
from .output import emit_json, say

PDF_PASSPHRASE_ENV = "SLI_PDF_PASSPHRASE"


def marking_arg(text: str) -> Marking:
    wanted = text.strip().upper().replace("_", "-").replace(" ", "-")
    for marking in Marking:
        if marking.value == wanted:
            return marking
    raise argparse.ArgumentTypeError(
        f"unknown marking {text!r}; expected one of: {', '.join(m.value for m in Marking)}"
    )


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("brief", parents=[common], help="confidential briefings as PDF")
    bsub = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, target, help_text, func in (
        ("council", "GSS", "a council visit briefing", council),
        ("region", "REGION", "a regional briefing, serious concerns first", region),
        ("challenge", "ID", "a peer challenge team pack", challenge),
    ):
        c = bsub.add_parser(kind, parents=[common], help=help_text)
        # Regional briefings cover England's nine regions (Wales is a nation, not a region).
        read = english_region_arg if kind == "region" else str
        c.add_argument("target", metavar=target, type=read)
        c.add_argument("-o", "--output", required=True, metavar="FILE.pdf", type=Path)
        c.add_argument("--since", type=date_arg, metavar="DATE", help="intelligence from DATE")
        c.add_argument("--recipient", default="", metavar="NAME", help="named on every page")
        c.add_argument(
            "--marking",
            type=marking_arg,
            metavar="MARKING",
            help="OFFICIAL or OFFICIAL-SENSITIVE (default: the highest of what is included; "
            "an OFFICIAL briefing leaves out OFFICIAL-SENSITIVE notes)",
        )
        c.add_argument("--large-print", action="store_true", help="body text at 16 pt")
        c.add_argument(
            "--encrypt",
            action="store_true",
            help=f"AES-256; passphrase from {PDF_PASSPHRASE_ENV} or a prompt",
        )
        c.add_argument("--json", action="store_true")
        c.set_defaults(func=func)


def _pdf_passphrase(ctx: Context) -> str:
    value = os.environ.get(PDF_PASSPHRASE_ENV)
    if not value:
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError(
                f"--encrypt needs a passphrase: set {PDF_PASSPHRASE_ENV} or run in a terminal"
            )
        value = ctx.prompt("Passphrase for the PDF")
        if ctx.prompt("Repeat the passphrase for the PDF") != value:
            raise UsageError("the two PDF passphrases differ")
    if len(value) < MIN_PASSPHRASE:
        raise UsageError(f"the PDF passphrase must be at least {MIN_PASSPHRASE} characters")
    return value


def _run(ctx: Context, build: Callable[..., Briefing]) -> None:
    a = ctx.args
    output: Path = a.output.expanduser()
    if output.is_dir():
        raise UsageError(f"{output} is a folder; give the PDF's file name")
    if not output.parent.is_dir():
        raise UsageError(f"folder {output.parent} does not exist")
    passphrase = _pdf_passphrase(ctx) if a.encrypt else None
    vault: Vault = ctx.vault()
    options = BriefingOptions(
        prepared_by="",  # the vault's identity: the adviser's name and role
        recipient=a.recipient,
        marking=a.marking,
        since=a.since,
        large_print=a.large_print,
    )
    briefing = build(vault, a.target, options, passphrase=passphrase)
    try:
        write_pdf(output, briefing.pdf)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    if a.json:
        emit_json(
            {
                "file": str(output),
                "kind": briefing.kind,
                "title": briefing.title,
                "marking": briefing.marking.value,
                "pages": briefing.pages,
                "notes": briefing.notes,
                "withheld": briefing.withheld,
                "encrypted": passphrase is not None,
                "audit_id": briefing.audit_id,
            }
        )
        return
    withheld = plural(briefing.withheld, "note")
    extra = f"; {withheld} withheld by the marking" if briefing.withheld else ""
    lock = ", encrypted" if passphrase is not None else ""
    say(
        f"Wrote {output}: {briefing.title}, {plural(briefing.pages, 'page')}, "
        f"{briefing.marking.value}{lock}, {plural(briefing.notes, 'note')}{extra}."
    )


def council(ctx: Context) -> None:
    _run(ctx, brief_council)


def region(ctx: Context) -> None:
    _run(ctx, brief_region)


def challenge(ctx: Context) -> None:
    _run(ctx, brief_challenge)
