"""sli coverage list|assign|edit|end|remove|gaps: who covers what (coordinators maintain it)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..domain import Coverage, CoverageRole
from ..vault.councils import Councils
from ..vault.coverage import Assignments, Handover
from .args import Commands, Parser, date_arg, region_arg
from .context import Context, UsageError
from .output import emit_json, say, table


def role_arg(text: str) -> CoverageRole:
    try:
        return CoverageRole.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


ROLES_HELP = ", ".join(f"{r.short} ({r.value})" for r in CoverageRole)


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser(
        "coverage",
        parents=[common],
        help="who covers what: principal advisers and regional leads",
    )
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    c = csub.add_parser("list", parents=[common], help="assignments, or who covers a council")
    c.add_argument("--region", type=region_arg)
    c.add_argument("--council", metavar="GSS", help="who covers this council (on --on, or today)")
    c.add_argument("--role", type=role_arg, help=ROLES_HELP)
    c.add_argument("--on", type=date_arg, help="only assignments current on this day")
    c.add_argument("--current", action="store_true", help="only assignments current today")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_coverage)

    c = csub.add_parser("assign", parents=[common], help="give someone a role (coordinators)")
    c.add_argument("--person", required=True)
    c.add_argument("--role", required=True, type=role_arg, help=ROLES_HELP)
    c.add_argument(
        "--region",
        dest="regions",
        action="append",
        required=True,
        type=region_arg,
        help="a region covered (repeat for a principal adviser's area)",
    )
    c.add_argument("--from", dest="since", type=date_arg, help="first day (default today)")
    c.add_argument("--until", type=date_arg, help="last day, if already known")
    c.add_argument("--organisation", default="")
    c.add_argument("--email", default="")
    c.add_argument("--phone", default="")
    c.add_argument("--details", default="")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=assign)

    c = csub.add_parser("edit", parents=[common], help="correct an assignment (coordinators)")
    c.add_argument("id", metavar="ID")
    c.add_argument("--person")
    c.add_argument("--role", type=role_arg, help=ROLES_HELP)
    c.add_argument("--region", dest="regions", action="append", type=region_arg)
    c.add_argument("--from", dest="since", type=date_arg)
    c.add_argument("--until", type=date_arg)
    c.add_argument("--organisation")
    c.add_argument("--email")
    c.add_argument("--phone")
    c.add_argument("--details")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=edit)

    c = csub.add_parser("end", parents=[common], help="end an assignment, keeping its history")
    c.add_argument("id", metavar="ID")
    c.add_argument("--on", type=date_arg, help="the last day covered (default today)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=end)

    c = csub.add_parser("remove", parents=[common], help="delete an assignment made by mistake")
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=remove)

    c = csub.add_parser("gaps", parents=[common], help="roles nobody holds, by region")
    c.add_argument("--on", type=date_arg, help="the day (default today)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=gaps)


def describe(c: Coverage, today: date, refused: dict[str, str]) -> dict[str, Any]:
    """An assignment for --json: the record, whether it is current, and whether the server
    refused this device's copy of it."""
    return {**c.to_json(), "current": c.is_current(today), "refused": refused.get(c.id)}


def list_coverage(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    service = Assignments(vault)
    today = date.today()
    if a.council:
        council = Councils(vault).get(a.council)
        cover = service.for_region(council.region, a.on or today)
        if a.json:
            emit_json({"council": council.gss_code, "name": council.name, **cover.to_json()})
            return
        say(f"{council.name} ({council.gss_code}), {council.region.value}")
        rows = [(c.role.value, c.person, c.organisation, c.contact, c.since) for c in cover.all]
        table(["role", "person", "organisation", "contact", "since"], rows, empty="nobody")
        return
    on = a.on or (today if a.current else None)
    found = service.list(region=a.region, on=on, role=a.role)
    refused = service.refused()
    if a.json:
        emit_json([describe(c, today, refused) for c in found])
        return
    table(
        ["id", "role", "person", "regions", "since", "until", "contact", ""],
        [
            (
                c.id[:8],
                c.role.value,
                c.person,
                c.area,
                c.since,
                c.until,
                c.contact,
                "REFUSED BY SERVER" if c.id in refused else "",
            )
            for c in found
        ],
        empty="no coverage recorded; a coordinator adds it with 'sli coverage assign'",
    )


def _handover(ctx: Context, done: Handover) -> None:
    if ctx.args.json:
        emit_json(
            {
                "assignment": done.assignment.to_json(),
                "ended": [c.to_json() for c in done.ended],
                "continued": [c.to_json() for c in done.continued],
            }
        )
        return
    new = done.assignment
    say(f"{new.person} is {new.role.value} for {new.area} from {new.since} ({new.id[:8]}).")
    for old in done.ended:
        say(f"  {old.person}'s assignment for {old.area} ends on {old.until}.")
    for kept in done.continued:
        say(f"  {kept.person} continues for {kept.area} ({kept.id[:8]}).")


def assign(ctx: Context) -> None:
    a = ctx.args
    done = Assignments(ctx.vault()).assign(
        person=a.person,
        role=a.role,
        regions=a.regions,
        since=a.since or date.today(),
        until=a.until,
        organisation=a.organisation,
        email=a.email,
        phone=a.phone,
        details=a.details,
    )
    _handover(ctx, done)


def _saved(ctx: Context, record: Coverage, verb: str) -> None:
    if ctx.args.json:
        emit_json(record.to_json())
    else:
        say(f"{verb} {record.role.value} {record.person} for {record.area} ({record.id[:8]}).")


def edit(ctx: Context) -> None:
    a = ctx.args
    names = ("person", "role", "regions", "since", "until", "organisation", "email", "phone")
    changes = {n: getattr(a, n) for n in (*names, "details") if getattr(a, n) is not None}
    if not changes:
        raise UsageError("nothing to change: give --person, --role, --region, --from, --until…")
    _saved(ctx, Assignments(ctx.vault()).edit(a.id, **changes), "Updated")


def end(ctx: Context) -> None:
    record = Assignments(ctx.vault()).end(ctx.args.id, ctx.args.on or date.today())
    _saved(ctx, record, f"Ended on {record.until}:")


def remove(ctx: Context) -> None:
    record = Assignments(ctx.vault()).remove(ctx.args.id)
    _saved(ctx, record, "Removed")


def gaps(ctx: Context) -> None:
    found = Assignments(ctx.vault()).gaps(ctx.args.on or date.today())
    if ctx.args.json:
        emit_json({region.value: roles for region, roles in found.items()})
        return
    table(
        ["region", "roles nobody holds"],
        [(region.value, roles) for region, roles in found.items()],
        empty="every role is held in every region",
    )
