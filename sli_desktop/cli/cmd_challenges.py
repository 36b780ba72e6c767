"""sli challenge add|list|move|coverage|export"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from ..domain import EngagementKind, EngagementStatus, Marking, PeerRole
from ..importers.calendar import schedule_ics
from ..importers.contacts import write_export
from ..vault.councils import Councils
from ..vault.engagements import PROGRAMME_START, Engagements
from .cmd_councils import region_arg
from .context import Context
from .output import emit_json, say, table


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def status_arg(text: str) -> EngagementStatus:
    try:
        return EngagementStatus.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def peer_arg(text: str) -> dict[str, str]:
    """NAME|ROLE[|ORGANISATION[|GSS]]"""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 2 or not parts[0]:
        raise argparse.ArgumentTypeError(
            f"--peer takes NAME|ROLE[|ORGANISATION[|GSS]], not {text!r}"
        )
    roles = {r.value: r for r in PeerRole}
    if parts[1].lower() not in roles:
        raise argparse.ArgumentTypeError(
            f"unknown peer role {parts[1]!r}; expected one of: {', '.join(roles)}"
        )
    peer = {"name": parts[0], "role": parts[1].lower()}
    if len(parts) > 2 and parts[2]:
        peer["organisation"] = parts[2]
    if len(parts) > 3 and parts[3]:
        peer["council"] = parts[3]
    return peer


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("challenge", parents=[common], help="peer challenges and reviews")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("add", parents=[common], help="record a peer challenge or review")
    c.add_argument("--council", required=True, metavar="GSS")
    c.add_argument("--kind", required=True, choices=[k.value for k in EngagementKind])
    c.add_argument("--status", required=True, type=status_arg)
    c.add_argument("--start", type=date_arg)
    c.add_argument("--end", type=date_arg)
    c.add_argument("--scope", default="")
    c.add_argument(
        "--peer", action="append", type=peer_arg, default=[], metavar="NAME|ROLE[|ORG[|GSS]]"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)
    c = csub.add_parser("move", parents=[common], help="move a challenge along its workflow")
    c.add_argument("id", metavar="ID")
    c.add_argument("status", type=status_arg)
    c.add_argument("--start", type=date_arg)
    c.add_argument("--end", type=date_arg)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=move)
    c = csub.add_parser("list", parents=[common], help="the schedule")
    c.add_argument("--region", type=region_arg)
    c.add_argument("--council", metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_challenges)
    c = csub.add_parser(
        "coverage", parents=[common], help="corporate peer challenge coverage by region"
    )
    c.add_argument("--since", type=date_arg, default=PROGRAMME_START)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=coverage)
    c = csub.add_parser("export", parents=[common], help="the schedule as an iCalendar file")
    c.add_argument("--ics", type=Path, required=True, metavar="FILE")
    c.add_argument("--region", type=region_arg)
    c.add_argument("--marking", choices=[m.value for m in Marking], default=Marking.OFFICIAL.value)
    c.set_defaults(func=export_ics)


def add(ctx: Context) -> None:
    a = ctx.args
    engagement = Engagements(ctx.vault()).add(
        council=a.council,
        type=a.kind,
        status=a.status,
        start=a.start,
        end=a.end,
        scope=a.scope,
        team=a.peer,
    )
    if a.json:
        emit_json(engagement.to_json())
    else:
        say(
            f"Recorded {engagement.type.label.lower()} {engagement.id[:8]} "
            f"for {engagement.council} ({engagement.status.value})."
        )


def move(ctx: Context) -> None:
    a = ctx.args
    changes = {k: v for k, v in (("start", a.start), ("end", a.end)) if v is not None}
    engagement = Engagements(ctx.vault()).move(a.id, a.status, **changes)
    if a.json:
        emit_json(engagement.to_json())
    else:
        say(f"{engagement.id[:8]} is now {engagement.status.value}.")


def list_challenges(ctx: Context) -> None:
    vault = ctx.vault()
    engagements = Engagements(vault).list(ctx.args.region, ctx.args.council)
    if ctx.args.json:
        emit_json([e.to_json() for e in engagements])
        return
    names = Councils(vault).names()
    table(
        ["id", "council", "kind", "status", "start", "end", "team"],
        [
            (
                e.id[:8],
                names.get(e.council, e.council),
                e.type.value,
                e.status.value,
                e.start,
                e.end,
                len(e.team),
            )
            for e in engagements
        ],
        empty="no peer challenges recorded",
    )


def coverage(ctx: Context) -> None:
    rows = Engagements(ctx.vault()).coverage(ctx.args.since)
    if ctx.args.json:
        emit_json(
            {
                "since": ctx.args.since.isoformat(),
                "regions": [
                    {
                        "region": r.region,
                        "councils": r.councils,
                        "had": r.had,
                        "booked": r.booked,
                        "discussing": r.discussing,
                        "none": r.none,
                    }
                    for r in rows
                ],
                "total": {
                    k: sum(getattr(r, k) for r in rows)
                    for k in ("councils", "had", "booked", "discussing", "none")
                },
            }
        )
        return
    say(f"Corporate peer challenges since {ctx.args.since}:")
    totals = [
        sum(getattr(r, k) for r in rows)
        for k in ("councils", "had", "booked", "discussing", "none")
    ]
    table(
        ["region", "councils", "had", "booked", "discussing", "none yet"],
        [(r.region, r.councils, r.had, r.booked, r.discussing, r.none) for r in rows]
        + [("All England", *totals)],
        empty="no councils; import the register first",
    )


def export_ics(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    engagements = Engagements(vault).list(a.region)
    marking = Marking(a.marking)
    title = f"Peer challenges — {a.region.value}" if a.region else "Peer challenges"
    data = schedule_ics(engagements, Councils(vault).names(), marking, title)
    write_export(a.ics, data.decode("utf-8"))
    events = sum(e.start is not None for e in engagements)
    vault.audit("export", "engagement", "", {"format": "ics", "events": events})
    say(f"Wrote {events} event(s) to {a.ics}.")
