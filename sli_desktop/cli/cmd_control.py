"""sli control record|list|days — changes of political control and member peer support"""

from __future__ import annotations

from ..domain import SupportStatus
from ..vault.control import PoliticalControl
from ..vault.councils import Councils
from .args import Commands, Parser, date_arg
from .context import Context
from .output import emit_json, say, table


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser(
        "control",
        parents=[common],
        help="changes of political control and the member peer support they open",
    )
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser(
        "record", parents=[common], help="record a change (offers 5 days of member peer support)"
    )
    c.add_argument("council", metavar="GSS")
    c.add_argument("--date", required=True, type=date_arg)
    c.add_argument("--to", required=True, dest="to_control", help="who holds control now")
    c.add_argument("--from", dest="from_control", help="who held it before (default: as recorded)")
    c.add_argument("--details", default="")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=record)

    c = csub.add_parser("list", parents=[common], help="changes, newest first, with their offer")
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_changes)

    c = csub.add_parser("delete", parents=[common], help="remove a change recorded by mistake")
    c.add_argument("id", metavar="ID")
    c.set_defaults(func=delete)

    c = csub.add_parser("days", parents=[common], help="days of member peer support used")
    c.add_argument("offer", metavar="OFFER", help="the offer's id (as 'sli control list' shows)")
    c.add_argument("--used", required=True, type=float)
    c.add_argument("--status", choices=[s.value for s in SupportStatus])
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=days)


def record(ctx: Context) -> None:
    a = ctx.args
    done = PoliticalControl(ctx.vault()).record(
        a.council, a.date, a.to_control, a.from_control, a.details
    )
    if a.json:
        emit_json(done.to_json())
        return
    change = done.change
    say(
        f"Recorded the change of control on {change.date}: "
        f"{change.from_control or 'unknown'} to {change.to_control}."
    )
    if done.offer_made:
        say(
            f"Offered {done.offer.days_offered:g} days of member peer support "
            f"({done.offer.id[:8]})."
        )
    else:
        say(
            f"Member peer support already offered ({done.offer.id[:8]}): "
            f"{done.offer.days_used:g} of {done.offer.days_offered:g} days used."
        )


def list_changes(ctx: Context) -> None:
    vault = ctx.vault()
    control = PoliticalControl(vault)
    rows = [(change, control.offer_for(change)) for change in control.history(ctx.args.council)]
    if ctx.args.json:
        emit_json(
            [
                {**change.to_json(), "offer": offer.to_json() if offer else None}
                for change, offer in rows
            ]
        )
        return
    names = Councils(vault).names()
    table(
        ["id", "date", "council", "from", "to", "offer", "days used", "status"],
        [
            (
                change.id[:8],
                change.date,
                names.get(change.council, change.council),
                change.from_control,
                change.to_control,
                offer.id[:8] if offer else "",
                f"{offer.days_used:g} of {offer.days_offered:g}" if offer else "",
                offer.status.value if offer else "",
            )
            for change, offer in rows
        ],
        empty="no changes of political control recorded",
    )


def delete(ctx: Context) -> None:
    change, kept = PoliticalControl(ctx.vault()).delete(ctx.args.id)
    say(f"Removed the change of control on {change.date}.")
    if kept is not None:
        say(f"Its member peer support offer stays on record: {kept.days_used:g} days were used.")
    else:
        say("Its unused member peer support offer was removed too.")


def days(ctx: Context) -> None:
    a = ctx.args
    offer = PoliticalControl(ctx.vault()).use_days(
        a.offer, a.used, SupportStatus(a.status) if a.status else None
    )
    if a.json:
        emit_json(offer.to_json())
    else:
        say(
            f"Member peer support {offer.id[:8]}: {offer.days_used:g} of "
            f"{offer.days_offered:g} days used ({offer.status.value})."
        )
