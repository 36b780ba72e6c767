"""sli note add|list|show|edit|delete · sli search"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ..importers.textfile import read_text
from ..vault.notes import Notes
from ..vault.search import Search
from .context import Context, UsageError
from .output import emit_json, say, table

CONCERNS = ["none", "low", "medium", "high", "serious"]
MARKINGS = ["OFFICIAL", "OFFICIAL-SENSITIVE"]


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("note", parents=[common], help="intelligence notes")
    nsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    c = nsub.add_parser("add", parents=[common], help="capture a note")
    c.add_argument("--council", required=True, metavar="GSS")
    c.add_argument("--title", required=True)
    body = c.add_mutually_exclusive_group(required=True)
    body.add_argument("--body")
    body.add_argument("--body-file", metavar="F")
    _note_options(c)
    c.add_argument(
        "--private", action="store_true", help="never leaves your devices and the server"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)

    c = nsub.add_parser("edit", parents=[common], help="change a note")
    c.add_argument("id", metavar="ID")
    c.add_argument("--title")
    body = c.add_mutually_exclusive_group()
    body.add_argument("--body")
    body.add_argument("--body-file", metavar="F")
    _note_options(c, defaults=False)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=edit)

    c = nsub.add_parser("list", parents=[common], help="notes, newest first")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--limit", type=int)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_notes)

    c = nsub.add_parser("show", parents=[common], help="one note in full")
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=show)

    c = nsub.add_parser("delete", parents=[common], help="delete a note (everywhere, by sync)")
    c.add_argument("id", metavar="ID")
    c.set_defaults(func=delete)

    p = sub.add_parser("search", parents=[common], help="search notes, contacts and councils")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=search)


def _note_options(c: argparse.ArgumentParser, defaults: bool = True) -> None:
    c.add_argument("--date", help="when the information was gathered (default: today)")
    c.add_argument("--theme", action="append", default=[] if defaults else None)
    c.add_argument("--concern", choices=CONCERNS, default="none" if defaults else None)
    c.add_argument("--evidence", action="append", default=[] if defaults else None, metavar="TEXT")
    c.add_argument("--source")
    c.add_argument("--council-aware", action="store_true", default=None)
    c.add_argument("--council-aware-on", metavar="DATE")
    c.add_argument("--marking", choices=MARKINGS, default="OFFICIAL" if defaults else None)


def _body(args: argparse.Namespace) -> str | None:
    if args.body_file:
        return (
            read_text(Path(args.body_file))
            if Path(args.body_file).exists()
            else _missing(args.body_file)
        )
    return str(args.body) if args.body is not None else None


def _missing(path: str) -> str:
    raise UsageError(f"body file {path} does not exist")


def add(ctx: Context) -> None:
    a = ctx.args
    fields: dict[str, Any] = {
        "council": a.council,
        "title": a.title,
        "body": _body(a) or "",
        "date": a.date or date.today().isoformat(),
        "themes": a.theme,
        "concern": a.concern,
        "evidence": a.evidence,
        "council_aware": bool(a.council_aware),
        "council_aware_on": a.council_aware_on,
        "marking": a.marking,
        "private": a.private,
    }
    if a.source:
        fields["source"] = a.source
    note = Notes(ctx.vault()).add(**fields)
    if a.json:
        emit_json(note.to_json())
    else:
        say(f"Saved note {note.id[:8]} for {note.council}.")


def edit(ctx: Context) -> None:
    a = ctx.args
    changes: dict[str, Any] = {}
    for name, value in (
        ("title", a.title),
        ("body", _body(a)),
        ("date", a.date),
        ("themes", a.theme),
        ("concern", a.concern),
        ("evidence", a.evidence),
        ("source", a.source),
        ("council_aware", a.council_aware),
        ("council_aware_on", a.council_aware_on),
        ("marking", a.marking),
    ):
        if value is not None:
            changes[name] = value
    if not changes:
        raise UsageError("nothing to change: give at least one of --title, --body, …")
    note = Notes(ctx.vault()).edit(a.id, **changes)
    if a.json:
        emit_json(note.to_json())
    else:
        say(f"Saved note {note.id[:8]} (version {note.version}).")


def list_notes(ctx: Context) -> None:
    notes = Notes(ctx.vault()).list(ctx.args.council, limit=ctx.args.limit)
    if ctx.args.json:
        emit_json([n.to_json() for n in notes])
        return
    table(
        ["id", "date", "council", "concern", "marking", "title"],
        [(n.id[:8], n.date, n.council, n.concern.value, n.marking.value, n.title) for n in notes],
        empty="no notes",
    )


def show(ctx: Context) -> None:
    vault = ctx.vault()
    note = Notes(vault).get(ctx.args.id)
    vault.audit("read", note.kind, note.id)
    if ctx.args.json:
        emit_json(note.to_json())
        return
    say(f"{note.marking.value}")
    say(f"{note.title}")
    say(
        f"{note.council} · {note.date} · concern {note.concern.value} · source {note.source.value}"
        + (" · PRIVATE" if note.private else "")
    )
    if note.themes:
        say(f"Themes: {', '.join(note.themes)}")
    for item in note.evidence:
        say(f"Evidence: {item}")
    aware = (
        f"yes ({note.council_aware_on})"
        if note.council_aware_on
        else ("yes" if note.council_aware else "not yet")
    )
    say(f"Council aware: {aware}")
    say("")
    say(note.body)
    say("")
    say(
        f"id {note.id} · version {note.version} · by {note.author} · updated "
        f"{note.updated_at:%Y-%m-%d %H:%M}"
    )


def delete(ctx: Context) -> None:
    note = Notes(ctx.vault()).delete(ctx.args.id)
    say(f"Deleted note {note.id[:8]}; the deletion reaches other devices at the next sync.")


def search(ctx: Context) -> None:
    hits = Search(ctx.vault()).search(ctx.args.query, limit=ctx.args.limit)
    if ctx.args.json:
        emit_json([h.to_json() for h in hits])
        return
    table(
        ["kind", "title", "detail", "council", "id"],
        [(h.kind, h.title, h.detail, h.council, h.id[:8]) for h in hits],
        empty="no matches",
    )
