"""sli council import|list|show|correct"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from pathlib import Path

from ..domain import CouncilType
from ..domain.improvement import year_label
from ..importers.register import read_release
from ..vault.actions import Actions
from ..vault.assessments import Assessments
from ..vault.challenges import Challenges
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from ..vault.coverage import Assignments
from ..vault.goodpractice import GoodPractice
from ..vault.notes import Notes
from ..vault.overview import CONTACT_LEADER
from ..vault.support_in_place import support_in_place
from .args import Commands, Parser, region_arg
from .context import Context, UsageError
from .output import emit_json, say, table


def type_arg(text: str) -> CouncilType:
    wanted = " ".join(text.lower().replace("-", " ").split())
    for kind in CouncilType:
        if kind.value.replace("-", " ") == wanted:
            return kind
    raise argparse.ArgumentTypeError(
        f"unknown council type {text!r}; expected one of: {', '.join(t.value for t in CouncilType)}"
    )


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("council", parents=[common], help="the council register")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("import", parents=[common], help="import the UK local authority register")
    c.add_argument("file", metavar="FILE.csv")
    c.add_argument(
        "--all-nations",
        action="store_true",
        help="also Welsh, Scottish and Northern Ireland councils",
    )
    c.add_argument(
        "--dry-run", action="store_true", help="say what the import would change; change nothing"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=import_register)
    c = csub.add_parser("list", parents=[common], help="list councils")
    c.add_argument("--region", type=region_arg)
    c.add_argument("--abolished", action="store_true", help="include councils that have ended")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_councils)
    c = csub.add_parser(
        "correct",
        parents=[common],
        help="correct a council's region or type where the register is wrong (coordinators)",
    )
    c.add_argument("gss", metavar="COUNCIL", help="GSS code or name")
    c.add_argument("--region", type=region_arg)
    c.add_argument("--type", type=type_arg)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=correct)
    c = csub.add_parser("show", parents=[common], help="one council and what is known of it")
    c.add_argument("gss", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=show)


def import_register(ctx: Context) -> None:
    release = read_release(Path(ctx.args.file), all_nations=ctx.args.all_nations)
    vault = ctx.vault()
    councils = Councils(vault)
    plan = councils.plan_register(release.councils, release.as_of)
    if not ctx.args.dry_run:
        with vault.transaction():
            result = councils.apply(plan)
            vault.audit(
                "import",
                "council",
                detail={
                    "file": Path(ctx.args.file).name,
                    "as_of": str(release.as_of) if release.as_of else None,
                    **asdict(result),
                },
            )
    if ctx.args.json:
        emit_json(
            {
                **asdict(plan.result()),
                "dry_run": ctx.args.dry_run,
                "file_as_of": release.as_of.isoformat() if release.as_of else None,
                "older": plan.older,
                "abolished_councils": [c.gss_code for c in plan.abolished],
                "held_back_councils": [
                    {"gss": h.council.gss_code, "reason": h.reason} for h in plan.held_back
                ],
                "kept_corrections": [
                    {"gss": c.gss_code, "field": f, "register": v}
                    for c, f, v in plan.corrections_kept
                ],
            }
        )
        return
    say(
        f"{len(release.current)} current and {len(release.ended)} abolished councils read"
        + (" (nothing changed: --dry-run)." if ctx.args.dry_run else ".")
    )
    for line in plan.lines():
        say(line)


def correct(ctx: Context) -> None:
    a = ctx.args
    if a.region is None and a.type is None:
        raise UsageError("say what to correct: --region, --type or both")
    council = Councils(ctx.vault()).correct(a.gss, region=a.region, type=a.type)
    if a.json:
        emit_json(council.to_json())
    else:
        say(
            f"{council.name}: {council.type.value}, {council.region.value} "
            "(corrected; a register import keeps it)."
        )


def list_councils(ctx: Context) -> None:
    councils = Councils(ctx.vault()).list(ctx.args.region, abolished=ctx.args.abolished)
    if ctx.args.json:
        emit_json([c.to_json() for c in councils])
        return
    rows = [(c.gss_code, c.display_name, c.type.value, c.region.value) for c in councils]
    if ctx.args.abolished:  # when they are asked for, say which have ended
        table(
            ["gss", "name", "type", "region", "ended"],
            [(*row, c.ended_on or "") for row, c in zip(rows, councils, strict=True)],
        )
        return
    table(
        ["gss", "name", "type", "region"],
        rows,
        empty="no councils; import the register with 'sli council import FILE.csv'",
    )


def show(ctx: Context) -> None:
    vault = ctx.vault()
    council = Councils(vault).get(ctx.args.gss)
    if not council:
        raise UsageError(f"no council {ctx.args.gss}")
    gss = council.gss_code
    contacts = Contacts(vault).list(gss)
    notes = Notes(vault).list(gss, limit=5)
    engagements = Challenges(vault).list(council=gss)
    actions = Actions(vault).list("open", gss)
    today = date.today()
    cover = Assignments(vault).for_region(council.region, today)
    support = support_in_place(vault, council, today, cover.principal_adviser)
    assessments = Assessments(vault)
    latest = [assessments.view(a) for a in assessments.latest(gss).values()]
    suggestions = GoodPractice(vault).suggestions(gss, today)
    unaware = Notes(vault).serious_unaware([gss])  # contact the leader or chief executive
    if ctx.args.json:
        emit_json(
            {
                **council.to_json(),
                "contacts": [c.to_json() for c in contacts],
                "recent_notes": [n.to_json() for n in notes],
                "engagements": [e.to_json() for e in engagements],
                "open_actions": [a.to_json() for a in actions],
                "coverage": cover.to_json(),
                "support_in_place": [s.to_json() for s in support],
                "latest_assessments": [a.to_json() for a in latest],
                "good_practice_suggestions": [s.to_json() for s in suggestions],
                "serious_unaware": [n.to_json() for n in unaware],
            }
        )
        return
    say(f"{council.name} ({gss})")
    say(f"  {council.type.value}, {council.region.value}")
    if council.corrected:
        say(f"  Corrected by a coordinator: {', '.join(council.corrected)}")
    if council.abolished:
        after = ", ".join(c.name for c in Councils(vault).successors(council))
        say(
            f"  Abolished on {council.ended_on}"
            + (f"; replaced by {after}" if after else "")
            + ". Its history is kept."
        )
    if council.political_control:
        say(
            f"  Political control: {council.political_control}"
            + (f" (changed {council.control_changed_on})" if council.control_changed_on else "")
        )
    if council.improvement_board:
        say(f"  Improvement Board since {council.improvement_board_since or 'unknown date'}")
    for note in unaware:
        say(
            f"  ACTION: {CONTACT_LEADER} — the council is not yet aware that a serious concern "
            f"is being shared: {note.title} ({note.date}, {note.id[:8]})"
        )
    say("")
    say("Who covers it")
    table(
        ["role", "person", "contact"],
        [(c.role.value, c.person, c.contact) for c in cover.all],
        empty="nobody recorded; see sli coverage",
    )
    say("")
    say("Support in place")
    table(
        ["source", "what", "provider", "status"],
        [(s.source, s.what, s.provider, s.status) for s in support],
        empty="none",
    )
    say("")
    say("Self-assessment and local account (latest)")
    table(
        ["kind", "year", "dated", "link / document", "summary"],
        [
            (
                a.assessment.type.value,
                year_label(a.assessment.year),
                a.assessment.date,
                a.assessment.link or (a.document.filename if a.document else ""),
                a.assessment.summary,
            )
            for a in latest
        ],
        empty="none recorded",
    )
    if suggestions:
        say("")
        say("Good practice elsewhere on the themes of open concerns")
        table(
            ["council", "shared themes", "title", "contact"],
            [(s.note.council, s.shared_themes, s.note.title, s.note.contact) for s in suggestions],
        )
    say("")
    say("Contacts")
    table(
        ["name", "role", "phone", "email"],
        [(c.name, c.role, c.phones[:1], c.emails[:1]) for c in contacts],
        empty="none",
    )
    say("")
    say("Recent notes")
    table(
        ["date", "concern", "title", "id"],
        [(n.date, n.concern.value, n.title, n.id[:8]) for n in notes],
        empty="none",
    )
    say("")
    say("Peer challenges")
    table(
        ["kind", "status", "start", "end"],
        [(e.type.label, e.status.value, e.start, e.end) for e in engagements],
        empty="none",
    )
    say("")
    say("Open actions")
    table(
        ["due", "title", "owner", ""],
        [(a.due, a.title, a.owner, "OVERDUE" if a.is_overdue(today) else "") for a in actions],
        empty="none",
    )
