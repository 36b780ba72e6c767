"""sli assessment add|list|show|attach|save-copy|delete — self-assessments and local accounts"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..domain import AssessmentKind
from ..domain.improvement import year_label
from ..importers.textfile import read_text
from ..vault.assessments import Assessments
from ..vault.councils import Councils
from .args import Commands, Parser, date_arg
from .context import Context
from .output import emit_json, say, table


def kind_arg(text: str) -> AssessmentKind:
    try:
        return AssessmentKind.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser(
        "assessment",
        parents=[common],
        help="self-assessments (children's services) and local accounts (adult social care)",
    )
    asub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = asub.add_parser("add", parents=[common], help="record (or update) one year's")
    c.add_argument("--council", required=True, metavar="GSS")
    c.add_argument(
        "--kind", required=True, type=kind_arg, help="self-assessment or 'local account'"
    )
    c.add_argument("--date", required=True, type=date_arg, help="its date (YYYY-MM-DD)")
    c.add_argument("--year", type=int, help="the year it covers (default: that of --date)")
    c.add_argument("--link", help="where it is published (https://…)")
    summary = c.add_mutually_exclusive_group()
    summary.add_argument("--summary", help="your summary")
    summary.add_argument("--summary-file", metavar="F")
    c.add_argument("--document", metavar="FILE", help="attach a copy, held encrypted")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)

    c = asub.add_parser("list", parents=[common], help="newest year first")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--kind", type=kind_arg)
    c.add_argument("--latest", action="store_true", help="only the latest of each kind")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_assessments)

    c = asub.add_parser("show", parents=[common], help="one in full")
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=show)

    c = asub.add_parser("attach", parents=[common], help="attach (or replace) its document")
    c.add_argument("id", metavar="ID")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=attach)

    c = asub.add_parser("save-copy", parents=[common], help="save its document to a file")
    c.add_argument("id", metavar="ID")
    c.add_argument("target", metavar="PATH", help="a file, or a folder to keep its name")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=save_copy)

    c = asub.add_parser("delete", parents=[common], help="delete it and its document")
    c.add_argument("id", metavar="ID")
    c.set_defaults(func=delete)


def add(ctx: Context) -> None:
    a = ctx.args
    summary = a.summary
    if a.summary_file:
        summary = read_text(Path(a.summary_file))
    service = Assessments(ctx.vault())
    saved = service.record(
        a.council,
        a.kind,
        date=a.date,
        year=a.year,
        link=a.link,
        summary=summary,
        document=Path(a.document) if a.document else None,
    )
    if a.json:
        emit_json(service.view(saved).to_json())
    else:
        say(f"Recorded the {saved.type.value} {year_label(saved.year)} ({saved.id[:8]}).")


def list_assessments(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    service = Assessments(vault)
    found = service.list(a.council, a.kind)
    if a.latest:
        seen: set[tuple[str, AssessmentKind]] = set()
        latest = []
        for item in found:
            if (item.council, item.type) not in seen:
                seen.add((item.council, item.type))
                latest.append(item)
        found = latest
    views = [service.view(x) for x in found]
    if a.json:
        emit_json([v.to_json() for v in views])
        return
    names = Councils(vault).names()
    table(
        ["id", "council", "kind", "year", "date", "link / document", "summary"],
        [
            (
                v.assessment.id[:8],
                names.get(v.assessment.council, v.assessment.council),
                v.assessment.type.value,
                year_label(v.assessment.year),
                v.assessment.date,
                v.assessment.link or (v.document.filename if v.document else ""),
                v.assessment.summary,
            )
            for v in views
        ],
        empty="no self-assessments or local accounts recorded",
    )


def show(ctx: Context) -> None:
    service = Assessments(ctx.vault())
    view = service.view(service.get(ctx.args.id))
    if ctx.args.json:
        emit_json(view.to_json())
        return
    item = view.assessment
    say(f"{item.type.label} {year_label(item.year)} — {item.council}, dated {item.date}")
    if item.link:
        say(f"Link: {item.link}")
    if view.document:
        say(f"Document: {view.document.filename} ({view.document.size} bytes, encrypted)")
    elif item.document_id:
        say("Document: not yet arrived on this device; sync again")
    if item.summary:
        say("")
        say(item.summary)


def attach(ctx: Context) -> None:
    service = Assessments(ctx.vault())
    saved = service.attach(service.get(ctx.args.id).id, Path(ctx.args.file))
    view = service.view(saved)
    if ctx.args.json:
        emit_json(view.to_json())
    else:
        name = view.document.filename if view.document else ""
        say(f"Attached {name} to the {saved.type.value} {year_label(saved.year)}.")


def save_copy(ctx: Context) -> None:
    path = Assessments(ctx.vault()).save_copy(ctx.args.id, Path(ctx.args.target))
    if ctx.args.json:
        emit_json({"saved": str(path)})
    else:
        say(f"Saved {path}")


def delete(ctx: Context) -> None:
    gone = Assessments(ctx.vault()).delete(ctx.args.id)
    say(f"Deleted the {gone.type.value} {year_label(gone.year)}.")
