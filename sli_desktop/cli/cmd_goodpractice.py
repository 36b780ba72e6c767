"""sli goodpractice add|list|edit|themes|suggest — good practice shared with every region"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..importers.textfile import read_text
from ..vault.councils import Councils
from ..vault.goodpractice import GoodPractice
from .args import Commands, Parser, date_arg
from .context import Context, UsageError
from .output import emit_json, say, table

MARKINGS = ["OFFICIAL", "OFFICIAL-SENSITIVE"]


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser(
        "goodpractice",
        parents=[common],
        help="good practice: what a council did, the outcome, whom to ask (seen in every region)",
    )
    gsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = gsub.add_parser("add", parents=[common], help="record good practice")
    c.add_argument("--council", required=True, metavar="GSS", help="the council that did it")
    c.add_argument("--title", required=True, help="what the council did, in a line")
    body = c.add_mutually_exclusive_group()
    body.add_argument("--body", default="", help="how they did it")
    body.add_argument("--body-file", metavar="F")
    c.add_argument("--theme", action="append", required=True, help="at least one; repeatable")
    c.add_argument("--outcome", default="", help="what it achieved")
    c.add_argument("--contact", default="", help="whom to ask about it")
    c.add_argument("--date", type=date_arg, help="default: today")
    c.add_argument("--marking", choices=MARKINGS, default="OFFICIAL")
    c.add_argument("--private", action="store_true", help="keep it to your own devices")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)

    c = gsub.add_parser("edit", parents=[common], help="change good practice")
    c.add_argument("id", metavar="ID")
    c.add_argument("--title")
    c.add_argument("--body")
    c.add_argument("--theme", action="append")
    c.add_argument("--outcome")
    c.add_argument("--contact")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=edit)

    c = gsub.add_parser(
        "take-back",
        parents=[common],
        help="turn your good practice back into intelligence (other regions keep a blank record)",
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=take_back)

    c = gsub.add_parser("list", parents=[common], help="good practice, newest first")
    c.add_argument("--theme", help="only this theme")
    c.add_argument("--search", metavar="TEXT", help="words in the title, body or themes")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--limit", type=int)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_good_practice)

    c = gsub.add_parser("themes", parents=[common], help="themes used, with counts")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=themes)

    c = gsub.add_parser(
        "suggest",
        parents=[common],
        help="good practice elsewhere that shares a theme with a council's open concerns",
    )
    c.add_argument("council", metavar="GSS")
    c.add_argument("--limit", type=int, default=10)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=suggest)


def add(ctx: Context) -> None:
    a = ctx.args
    body = a.body
    if a.body_file:
        if not Path(a.body_file).exists():
            raise UsageError(f"body file {a.body_file} does not exist")
        body = read_text(Path(a.body_file))
    note = GoodPractice(ctx.vault()).add(
        council=a.council,
        title=a.title,
        body=body,
        themes=a.theme,
        outcome=a.outcome,
        contact=a.contact,
        date=a.date or date.today(),
        marking=a.marking,
        private=a.private,
    )
    if a.json:
        emit_json(note.to_json())
    else:
        say(f"Saved good practice {note.id[:8]}; it reaches every region at the next sync.")


def edit(ctx: Context) -> None:
    a = ctx.args
    changes = {
        k: v
        for k, v in (
            ("title", a.title),
            ("body", a.body),
            ("themes", a.theme),
            ("outcome", a.outcome),
            ("contact", a.contact),
        )
        if v is not None
    }
    if not changes:
        raise UsageError("nothing to change: give at least one of --title, --body, --theme, …")
    note = GoodPractice(ctx.vault()).edit(a.id, **changes)
    if a.json:
        emit_json(note.to_json())
    else:
        say(f"Saved good practice {note.id[:8]} (version {note.version}).")


def take_back(ctx: Context) -> None:
    note = GoodPractice(ctx.vault()).take_back(ctx.args.id)
    if ctx.args.json:
        emit_json(note.to_json())
    else:
        say(
            f"Note {note.id[:8]} is intelligence again (version {note.version}); at the next "
            "sync other regions keep only a blank record that says it was withdrawn."
        )


def list_good_practice(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    notes = GoodPractice(vault).list(a.theme, a.search, a.council, a.limit)
    if a.json:
        emit_json([n.to_json() for n in notes])
        return
    names = Councils(vault).names()
    table(
        ["id", "date", "council", "themes", "title", "outcome", "contact"],
        [
            (
                n.id[:8],
                n.date,
                names.get(n.council, n.council),
                n.themes,
                n.title,
                n.outcome,
                n.contact,
            )
            for n in notes
        ],
        empty="no good practice found",
    )


def themes(ctx: Context) -> None:
    found = GoodPractice(ctx.vault()).themes()
    if ctx.args.json:
        emit_json([{"theme": t, "notes": n} for t, n in found])
        return
    table(["theme", "notes"], found, empty="no good practice yet")


def suggest(ctx: Context) -> None:
    vault = ctx.vault()
    found = GoodPractice(vault).suggestions(ctx.args.council, date.today(), ctx.args.limit)
    if ctx.args.json:
        emit_json([s.to_json() for s in found])
        return
    names = Councils(vault).names()
    table(
        ["id", "council", "shared themes", "title", "outcome", "contact"],
        [
            (
                s.note.id[:8],
                names.get(s.note.council, s.note.council),
                s.shared_themes,
                s.note.title,
                s.note.outcome,
                s.note.contact,
            )
            for s in found
        ],
        empty="no suggestions: no open concern here shares a theme with good practice elsewhere",
    )
