"""sli note add|list|show|edit|delete|drafts|due-review|dispose|retention · sli search"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ..domain import ConcernLevel, Marking, NoteSource
from ..importers.textfile import read_text
from ..vault.notes import Notes
from ..vault.preferences import Preferences
from ..vault.reads import Reads
from ..vault.search import Search
from .args import Commands, Parser
from .context import Context, UsageError
from .output import emit_json, say, table

CONCERNS = [c.value for c in ConcernLevel]
MARKINGS = [m.value for m in Marking]
SOURCES = [s.value for s in NoteSource]


def register(sub: Commands, common: Parser) -> None:
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
    c.add_argument(
        "--draft",
        action="store_true",
        help="save it incomplete: kept on this device, not synced or briefed until complete",
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
    state = c.add_mutually_exclusive_group()
    state.add_argument(
        "--draft", action="store_true", default=None, help="keep it as a draft on this device"
    )
    state.add_argument(
        "--complete",
        dest="draft",
        action="store_false",
        help="finish a draft (refused while something is missing)",
    )
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

    c = nsub.add_parser(
        "drafts", parents=[common], help="notes saved incomplete (not synced or briefed)"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=drafts)

    c = nsub.add_parser("due-review", parents=[common], help="notes due for retention review")
    c.add_argument("--on", metavar="DATE", help="due on or before this date (default: today)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=due_review)

    c = nsub.add_parser(
        "dispose",
        parents=[common],
        help="end of retention: delete the note everywhere, leaving nothing readable",
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=dispose)

    c = nsub.add_parser(
        "retention", parents=[common], help="months from a note's date to its review, by marking"
    )
    c.add_argument("--marking", choices=MARKINGS, help="the marking to change")
    c.add_argument("--months", type=int, help="the new review period in months")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=retention)

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
    c.add_argument("--source", choices=SOURCES, help="where the information came from")
    c.add_argument("--council-aware", action="store_true", default=None)
    c.add_argument("--council-aware-on", metavar="DATE")
    c.add_argument("--marking", choices=MARKINGS, default="OFFICIAL" if defaults else None)
    c.add_argument(
        "--review-by", metavar="DATE", help="when to review it (default: by marking, see retention)"
    )


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
        "draft": a.draft,
    }
    if a.review_by:
        fields["review_by"] = a.review_by
    if a.source:
        fields["source"] = a.source
    note = Notes(ctx.vault()).add(**fields)
    if a.json:
        emit_json(note.to_json())
    elif note.draft:
        say(f"Saved draft {note.id[:8]} for {note.council}; {_draft_line(note.missing)}")
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
        ("review_by", a.review_by),
        ("draft", a.draft),
    ):
        if value is not None:
            changes[name] = value
    if not changes:
        raise UsageError("nothing to change: give at least one of --title, --body, …")
    note = Notes(ctx.vault()).edit(a.id, **changes)
    if a.json:
        emit_json(note.to_json())
    elif note.draft:
        say(f"Saved draft {note.id[:8]} (version {note.version}); {_draft_line(note.missing)}")
    else:
        say(f"Saved note {note.id[:8]} (version {note.version}).")


def list_notes(ctx: Context) -> None:
    notes = Notes(ctx.vault()).list(ctx.args.council, limit=ctx.args.limit)
    if ctx.args.json:
        emit_json([n.to_json() for n in notes])
        return
    table(
        ["id", "date", "council", "concern", "marking", "title"],
        [
            (
                n.id[:8],
                n.date,
                n.council,
                n.concern.value,
                n.marking.value,
                f"[draft] {n.title}" if n.draft else n.title,
            )
            for n in notes
        ],
        empty="no notes",
    )


def show(ctx: Context) -> None:
    vault = ctx.vault()
    note = Notes(vault).get(ctx.args.id)
    Reads(vault).record(note, via="cli")
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
    say(f"Review by: {Notes(vault).review_date(note)}")
    if note.draft:
        say(f"DRAFT: {_draft_line(note.missing)}")
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


def _draft_line(missing: list[str]) -> str:
    if missing:
        return f"missing {', '.join(missing)}; it stays on this device until complete."
    return "it stays on this device until you finish it (sli note edit ID --complete)."


def drafts(ctx: Context) -> None:
    found = Notes(ctx.vault()).drafts()
    if ctx.args.json:
        emit_json([{**n.to_json(), "missing": n.missing} for n in found])
        return
    table(
        ["id", "date", "council", "concern", "missing", "title"],
        [(n.id[:8], n.date, n.council, n.concern.value, n.missing, n.title) for n in found],
        empty="no drafts",
    )


def due_review(ctx: Context) -> None:
    vault = ctx.vault()
    notes = Notes(vault)
    on = _date(ctx.args.on, "--on") if ctx.args.on else None
    found = notes.due_for_review(on)
    if ctx.args.json:
        emit_json([{**n.to_json(), "review_due": notes.review_date(n).isoformat()} for n in found])
        return
    table(
        ["id", "review by", "date", "council", "marking", "title"],
        [
            (n.id[:8], notes.review_date(n), n.date, n.council, n.marking.value, n.title)
            for n in found
        ],
        empty="no notes due for review",
    )


def dispose(ctx: Context) -> None:
    note = Notes(ctx.vault()).dispose(ctx.args.id)
    if ctx.args.json:
        emit_json({"id": note.id, "disposed_on": str(note.disposed_on), "version": note.version})
        return
    say(
        f"Disposed of note {note.id[:8]}: its text is gone from this vault, and the next sync "
        "removes it from the server and every other device."
    )


def retention(ctx: Context) -> None:
    prefs = Preferences(ctx.vault())
    a = ctx.args
    if (a.marking is None) != (a.months is None):
        raise UsageError("give --marking and --months together to change a review period")
    if a.marking is not None:
        try:
            prefs.set_retention_months(a.marking, a.months)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    periods = {m.value: prefs.retention_months(m) for m in Marking}
    if a.json:
        emit_json(periods)
        return
    table(["marking", "review after (months)"], sorted(periods.items()))


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a valid date (use YYYY-MM-DD)") from None


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
