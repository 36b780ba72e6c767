"""sli action add|list|done"""

from __future__ import annotations

from datetime import date

from ..vault.actions import Actions
from .args import Commands, Parser, date_arg
from .context import Context
from .output import emit_json, say, table


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("action", parents=[common], help="follow-up actions")
    asub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = asub.add_parser("add", parents=[common], help="add an action")
    c.add_argument("--title", required=True)
    c.add_argument("--owner", default="")
    c.add_argument("--due", type=date_arg)
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--note", metavar="ID", help="the note it follows from")
    c.add_argument("--challenge", metavar="ID", help="the peer challenge it follows from")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)
    c = asub.add_parser("list", parents=[common], help="list actions")
    c.add_argument("--status", choices=["open", "overdue", "done", "cancelled"])
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_actions)
    c = asub.add_parser("done", parents=[common], help="mark an action done")
    c.add_argument("id", metavar="ID")
    c.add_argument("--on", type=date_arg)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=done)


def add(ctx: Context) -> None:
    a = ctx.args
    action = Actions(ctx.vault()).add(
        title=a.title,
        owner=a.owner,
        due=a.due,
        council=a.council,
        note_id=a.note,
        engagement_id=a.challenge,
    )
    if a.json:
        emit_json(action.to_json())
    else:
        say(f"Added action {action.id[:8]}.")


def list_actions(ctx: Context) -> None:
    actions = Actions(ctx.vault()).list(ctx.args.status, ctx.args.council)
    if ctx.args.json:
        emit_json([a.to_json() for a in actions])
        return
    today = date.today()
    table(
        ["id", "due", "status", "owner", "council", "title"],
        [
            (
                a.id[:8],
                a.due,
                "overdue" if a.is_overdue(today) else a.status.value,
                a.owner,
                a.council,
                a.title,
            )
            for a in actions
        ],
        empty="no actions",
    )


def done(ctx: Context) -> None:
    action = Actions(ctx.vault()).done(ctx.args.id, ctx.args.on)
    if ctx.args.json:
        emit_json(action.to_json())
    else:
        say(f"Action {action.id[:8]} done.")
