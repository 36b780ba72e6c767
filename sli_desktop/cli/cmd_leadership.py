"""sli leadership record|list|takeup — leadership programme places"""

from __future__ import annotations

from datetime import date

from ..domain import SupportStatus
from ..domain.improvement import year_label
from ..vault.councils import Councils
from ..vault.leadership import Leadership, programme
from .args import Commands, Parser, date_arg
from .context import Context
from .output import emit_json, say, table


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser(
        "leadership",
        parents=[common],
        help="leadership programme places (one subsidised place a year for three years)",
    )
    lsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = lsub.add_parser("record", parents=[common], help="a council's place for a year")
    c.add_argument("council", metavar="GSS")
    c.add_argument("--year", required=True, type=int, help="e.g. 2025 for 2025/26")
    c.add_argument("--status", default="offered", choices=[s.value for s in SupportStatus])
    c.add_argument("--details", help="who took the place, the cohort…")
    c.add_argument("--offered-on", type=date_arg)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=record)

    c = lsub.add_parser("list", parents=[common], help="places recorded")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--year", type=int)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_places)

    c = lsub.add_parser("takeup", parents=[common], help="take-up by region over three years")
    c.add_argument(
        "--first-year", type=int, help="the programme's first year (default: three to this one)"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=takeup)


def record(ctx: Context) -> None:
    a = ctx.args
    place = Leadership(ctx.vault()).record(
        a.council, a.year, SupportStatus(a.status), a.details, a.offered_on
    )
    if a.json:
        emit_json(place.to_json())
    else:
        say(f"Leadership place {year_label(a.year)} for {place.council}: {place.status.value}.")


def list_places(ctx: Context) -> None:
    vault = ctx.vault()
    places = Leadership(vault).list(ctx.args.council, ctx.args.year)
    if ctx.args.json:
        emit_json([p.to_json() for p in places])
        return
    names = Councils(vault).names()
    table(
        ["year", "council", "status", "details"],
        [
            (year_label(p.year or 0), names.get(p.council, p.council), p.status.value, p.details)
            for p in places
        ],
        empty="no leadership places recorded",
    )


def takeup(ctx: Context) -> None:
    years = programme(ctx.args.first_year, date.today())
    rows = Leadership(ctx.vault()).takeup(years)
    if ctx.args.json:
        emit_json({"years": years, "regions": [r.to_json() for r in rows]})
        return
    table(
        ["region", "councils", *(year_label(y) for y in years)],
        [
            (
                r.region.value,
                r.councils,
                *(f"{r.taken[y]} taken up, {r.declined.get(y, 0)} declined" for y in years),
            )
            for r in rows
        ],
        empty="no councils in the vault",
    )
