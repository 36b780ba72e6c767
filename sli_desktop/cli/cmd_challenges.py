"""sli challenge add|edit|show|list|move|delete|coverage|export
sli challenge team add|list|remove"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from .. import formats
from ..domain import Challenge, ChallengeKind, ChallengeStatus, Marking, Peer, PeerRole
from ..domain.records import validated
from ..domain.timetable import EXAMPLE, TimetableEntry, parse_line, parse_lines
from ..importers.calendar import export_schedule
from ..importers.councilmatch import CouncilMatcher
from ..importers.textfile import read_stream, read_text
from ..vault.challenges import PROGRAMME_START, Challenges
from ..vault.councils import Councils
from ..vault.errors import NotFound
from ..vault.interests import PeerConflict, PeerInterests
from ..vault.store import Vault
from .args import Commands, Parser, date_arg, region_arg
from .context import Context, UsageError
from .output import emit_json, say, table, warn


def status_arg(text: str) -> ChallengeStatus:
    try:
        return ChallengeStatus.parse(text)
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


def day_arg(text: str) -> TimetableEntry:
    """--day "YYYY-MM-DD [HH:MM] WHAT": one entry of the timetable on site."""
    try:
        return parse_line(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


#: A timetable of the most entries a challenge holds is a few kilobytes.
_TIMETABLE_BYTES = 1024 * 1024
_VENUE_HELP = "where the team meets; an address may take several lines (one argument)"
_DAY_HELP = (
    f"one entry of the timetable on site, e.g. {EXAMPLE!r} (repeat for each; the time is optional)"
)
_TIMETABLE_HELP = "the timetable from a file, one entry a line as --day takes it ('-': stdin)"


def _timetable_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--venue", help=_VENUE_HELP)
    days = c.add_mutually_exclusive_group()
    days.add_argument(
        "--day", action="append", type=day_arg, dest="days", metavar="DAY", help=_DAY_HELP
    )
    days.add_argument("--timetable", type=Path, metavar="FILE", help=_TIMETABLE_HELP)


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("challenge", parents=[common], help="peer challenges and reviews")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("add", parents=[common], help="record a peer challenge or review")
    c.add_argument("--council", required=True, metavar="GSS")
    c.add_argument("--kind", required=True, choices=[k.value for k in ChallengeKind])
    c.add_argument("--status", required=True, type=status_arg)
    c.add_argument("--start", type=date_arg)
    c.add_argument("--end", type=date_arg)
    c.add_argument("--scope", default="")
    _timetable_options(c)
    c.add_argument(
        "--peer", action="append", type=peer_arg, default=[], metavar="NAME|ROLE[|ORG[|GSS]]"
    )
    c.add_argument("--strict", action="store_true", help=_STRICT_HELP)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add)
    c = csub.add_parser(
        "edit",
        parents=[common],
        help="change a challenge's kind, dates, venue, timetable or scope (status: move)",
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("--kind", choices=[k.value for k in ChallengeKind])
    c.add_argument("--start", type=date_arg)
    c.add_argument("--end", type=date_arg)
    c.add_argument("--scope")
    _timetable_options(c)
    c.add_argument(
        "--no-timetable", action="store_true", help="remove the timetable (--day replaces it)"
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=edit)
    c = csub.add_parser(
        "show", parents=[common], help="one challenge: dates, venue, timetable, scope and team"
    )
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=show)
    _register_team(csub, common)
    c = csub.add_parser("move", parents=[common], help="move a challenge along its workflow")
    c.add_argument("id", metavar="ID")
    c.add_argument("status", type=status_arg)
    c.add_argument("--start", type=date_arg)
    c.add_argument("--end", type=date_arg)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=move)
    c = csub.add_parser(
        "delete", parents=[common], help="delete a challenge recorded by mistake (everywhere)"
    )
    c.add_argument("id", metavar="ID")
    c.set_defaults(func=delete)
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
    vault = ctx.vault()
    council = Councils(vault).require(a.council)
    peers = [_peer(vault, p) for p in a.peer]
    _check_interests(PeerInterests(vault).conflicts(council, _as_checked(vault, peers)), a.strict)
    engagement = Challenges(vault).add(
        council=a.council,
        type=a.kind,
        status=a.status,
        start=a.start,
        end=a.end,
        scope=a.scope,
        venue=a.venue or "",
        timetable=_timetable(a) or [],
        team=peers,
    )
    if a.json:
        emit_json(engagement.to_json())
    else:
        say(
            f"Recorded {engagement.type.label.lower()} {engagement.id[:8]} "
            f"for {engagement.council} ({engagement.status.value})."
        )


def _timetable(a: argparse.Namespace) -> list[TimetableEntry] | None:
    """The entries --day or --timetable gave, or None when neither was given."""
    if a.days:
        return list(a.days)
    if a.timetable is None:
        return None
    if str(a.timetable) == "-":
        return parse_lines(read_stream(sys.stdin, max_bytes=_TIMETABLE_BYTES))
    # As any file an adviser's tools wrote: UTF-8, UTF-16 or Windows-1252 (docs/DATA.md).
    return parse_lines(read_text(a.timetable, max_bytes=_TIMETABLE_BYTES))


def edit(ctx: Context) -> None:
    a = ctx.args
    changes: dict[str, Any] = {
        k: v
        for k, v in (
            ("type", a.kind),
            ("start", a.start),
            ("end", a.end),
            ("scope", a.scope),
            ("venue", a.venue),
        )
        if v is not None
    }
    timetable = _timetable(a)
    if a.no_timetable and timetable is not None:
        raise UsageError("--no-timetable removes the timetable; leave out --day and --timetable")
    if a.no_timetable:
        timetable = []
    if timetable is not None:
        changes["timetable"] = timetable
    if not changes:
        raise UsageError(
            "say what to change: --kind, --start, --end, --scope, --venue, --day, --timetable "
            "or --no-timetable"
        )
    engagements = Challenges(ctx.vault())
    before = engagements.get(a.id)
    engagement = engagements.edit(before.id, **changes)
    if a.json:
        emit_json(engagement.to_json())
    elif engagement.version == before.version:
        say(f"Nothing changed: {engagement.id[:8]} already reads so.")
    else:
        say(f"Changed {engagement.type.label.lower()} {engagement.id[:8]}.")


def show(ctx: Context) -> None:
    vault = ctx.vault()
    e = Challenges(vault).get(ctx.args.id)
    if ctx.args.json:
        emit_json(e.to_json())
        return
    council = Councils(vault).names().get(e.council, e.council)
    say(f"{e.type.label} at {council} ({e.status.value})")
    say(f"On site: {_on_site(e)}")
    venue = e.venue.splitlines() or ["not recorded yet"]
    say(f"Venue: {venue[0]}")
    for line in venue[1:]:
        say(f"       {line}")
    say("Timetable:" if e.timetable else "Timetable: not recorded yet")
    for entry in e.timetable:
        at = formats.NONE if entry.at is None else f"{entry.at:%H:%M}"
        say(f"  {formats.heading_date(entry.day)}  {at:>5}  {entry.what}")
    say(f"Team: {formats.plural(len(e.team), 'peer')}")
    for peer in e.team:
        organisation = f", {peer.organisation}" if peer.organisation else ""
        say(f"  {peer.name} ({peer.role.value}{organisation})")
    if e.scope:
        say("")
        say(e.scope)
    say("")
    say(f"id {e.id} · version {e.version} · updated {e.updated_at:%Y-%m-%d %H:%M}")


def _on_site(e: Challenge) -> str:
    if not e.start:
        return "dates to be agreed"
    if not e.end or e.end == e.start:
        return formats.heading_date(e.start)
    return f"{formats.heading_date(e.start)} to {formats.heading_date(e.end)}"


def move(ctx: Context) -> None:
    a = ctx.args
    changes = {k: v for k, v in (("start", a.start), ("end", a.end)) if v is not None}
    engagement = Challenges(ctx.vault()).move(a.id, a.status, **changes)
    if a.json:
        emit_json(engagement.to_json())
    else:
        say(f"{engagement.id[:8]} is now {engagement.status.value}.")


def delete(ctx: Context) -> None:
    """A tombstone: sync carries it, and the next calendar export cancels the event."""
    engagement = Challenges(ctx.vault()).delete(ctx.args.id)
    say(f"Deleted {engagement.id[:8]}; the next calendar export cancels its event.")


def list_challenges(ctx: Context) -> None:
    vault = ctx.vault()
    engagements = Challenges(vault).list(ctx.args.region, ctx.args.council)
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
    rows = Challenges(ctx.vault()).coverage(ctx.args.since)
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
    done = export_schedule(ctx.vault(), a.ics, a.region, Marking(a.marking))
    say(f"{done.summary}.")


# -- the team, and peers' conflicts of interest ------------------------------------------------

_GSS = re.compile(r"^[ENSWK][0-9]{8}$")
_STRICT_HELP = (
    "refuse (exit 2) a peer who works for or serves on the challenged council or a neighbour "
    "in the same county area, instead of warning"
)


def _register_team(csub: Commands, common: Parser) -> None:
    t = csub.add_parser("team", parents=[common], help="the peer team of a challenge")
    tsub = t.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    c = tsub.add_parser(
        "add",
        parents=[common],
        help="add peers; warns of a conflict of interest (own or neighbouring council)",
    )
    c.add_argument("id", metavar="ID")
    c.add_argument(
        "--peer",
        action="append",
        type=peer_arg,
        required=True,
        metavar="NAME|ROLE[|ORG[|GSS]]",
        help="GSS (or council name): the council the peer works for or serves on",
    )
    c.add_argument("--strict", action="store_true", help=_STRICT_HELP)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=team_add)
    c = tsub.add_parser("list", parents=[common], help="the team, with any conflicts of interest")
    c.add_argument("id", metavar="ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=team_list)
    c = tsub.add_parser("remove", parents=[common], help="take a peer off the team, by name")
    c.add_argument("id", metavar="ID")
    c.add_argument("name", metavar="NAME")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=team_remove)


def _peer(vault: Vault, data: dict[str, str]) -> Peer:
    """A peer from --peer, its council given by GSS code or by name. A GSS code the vault does
    not hold (a Welsh council, say) is kept as given: only names need the register."""
    text = data.get("council", "")
    if text:
        try:
            data = {**data, "council": Councils(vault).require(text)}
        except NotFound:
            if not _GSS.match(text.strip().upper()):
                raise
    return validated(Peer, data)


def _as_checked(vault: Vault, peers: list[Peer]) -> list[Peer]:
    """For the conflict check only: a peer given without a council but whose organisation names
    exactly one council ("East Staffordshire Borough Council") is checked as working there."""
    if all(p.council or not p.organisation for p in peers):
        return peers
    matcher = CouncilMatcher(Councils(vault).list())
    checked = []
    for peer in peers:
        guess = not peer.council and peer.organisation
        found = matcher.by_name(peer.organisation) if guess else None
        checked.append(peer.model_copy(update={"council": found.gss_code}) if found else peer)
    return checked


def _check_interests(conflicts: list[PeerConflict], strict: bool) -> None:
    """Warn on stderr for each conflict, or, under --strict, refuse before anything is written."""
    if not conflicts:
        return
    if strict:
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise UsageError(
            f"conflict of interest: {conflicts[0].message}{more}; nothing was added "
            "(leave out --strict to add with a warning)"
        )
    for conflict in conflicts:
        warn(f"conflict of interest: {conflict.message}")


def _team_json(vault: Any, engagement: Any) -> dict[str, Any]:
    checked = _as_checked(vault, engagement.team)
    conflicts = PeerInterests(vault).conflicts(engagement.council, checked)
    return {
        "id": engagement.id,
        "council": engagement.council,
        "team": [p.model_dump(mode="json") for p in engagement.team],
        "conflicts": [c.to_json() for c in conflicts],
    }


def team_add(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    engagements = Challenges(vault)
    engagement = engagements.get(a.id)
    peers = [_peer(vault, p) for p in a.peer]
    checked = _as_checked(vault, peers)
    _check_interests(PeerInterests(vault).conflicts(engagement.council, checked), a.strict)
    engagement = engagements.set_team(engagement.id, [*engagement.team, *peers])
    if a.json:
        emit_json(_team_json(vault, engagement))
    else:
        team = formats.plural(len(engagement.team), "peer")
        say(f"The team of {engagement.id[:8]} now has {team}.")


def team_list(ctx: Context) -> None:
    vault = ctx.vault()
    engagement = Challenges(vault).get(ctx.args.id)
    data = _team_json(vault, engagement)
    if ctx.args.json:
        emit_json(data)
        return
    names = Councils(vault).names()
    flagged = {c["peer"] for c in data["conflicts"]}
    table(
        ["name", "role", "organisation", "council", "conflict"],
        [
            (
                p.name,
                p.role.value,
                p.organisation,
                names.get(p.council, p.council) if p.council else "",
                "CONFLICT" if p.name in flagged else "",
            )
            for p in engagement.team
        ],
        empty="no peers on this team yet",
    )
    for conflict in data["conflicts"]:
        say(f"Conflict of interest: {conflict['message']}.")


def team_remove(ctx: Context) -> None:
    a = ctx.args
    vault = ctx.vault()
    engagements = Challenges(vault)
    engagement = engagements.get(a.id)
    wanted = " ".join(a.name.split()).lower()
    keep = [p for p in engagement.team if p.name.lower() != wanted]
    if len(keep) == len(engagement.team):
        raise UsageError(f"no peer called {a.name!r} on the team of {engagement.id[:8]}")
    engagement = engagements.set_team(engagement.id, keep)
    if a.json:
        emit_json(_team_json(vault, engagement))
    else:
        say(f"Removed {a.name} from the team of {engagement.id[:8]}.")
