"""sli enroll · sli sync · sli conflicts list|resolve (keeping a side, or merged with edits)"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from ..formats import plural
from ..importers.textfile import read_text
from ..sync import conflicts as conflict_service
from ..vault.syncstate import SyncState
from .args import Commands, Parser
from .context import Context, UsageError
from .output import emit_json, say, table


def register(sub: Commands, common: Parser) -> None:
    c = sub.add_parser("enroll", parents=[common], help="enrol this vault with a sync server")
    c.add_argument("--server", required=True, metavar="URL")
    c.add_argument("--code", required=True, metavar="CODE")
    c.add_argument("--name", default="", metavar="DEVICE", help="this device's name")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=enroll)

    c = sub.add_parser("sync", parents=[common], help="push local changes, pull colleagues'")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=sync)

    p = sub.add_parser("conflicts", parents=[common], help="edits that met on the server")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = csub.add_parser("list", parents=[common], help="open conflicts")
    c.add_argument("--all", action="store_true", help="include resolved ones")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_conflicts)
    c = csub.add_parser("resolve", parents=[common], help="settle a conflict")
    c.add_argument("id", metavar="ID")
    c.add_argument("--keep", required=True, choices=["mine", "theirs", "merged"])
    c.add_argument(
        "--edited",
        nargs=2,
        action="append",
        metavar=("FIELD", "F"),
        help="with --keep merged: keep the text in file F for FIELD instead of both texts "
        "joined (repeat for more fields)",
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=resolve)


def enroll(ctx: Context) -> None:
    from ..sync.client import SyncClient

    a = ctx.args
    done = SyncClient(ctx.vault(), ctx.keystore).enroll(a.server, a.code, a.name)
    if a.json:
        emit_json(
            {
                "device_id": done.device_id,
                "user": done.user,
                "role": done.role,
                "regions": done.regions,
            }
        )
    else:
        regions = ", ".join(done.regions) or "all regions"
        say(f"Enrolled this device ({done.device_id[:8]}) as {done.user}, {done.role}: {regions}.")


def sync(ctx: Context) -> None:
    from ..sync.client import SyncClient

    vault = ctx.vault()
    line = ProgressLine(sys.stderr, enabled=not ctx.args.json and sys.stderr.isatty())
    with line:  # cleared however the sync ends, so an error starts on a clean line
        result = SyncClient(vault, ctx.keystore, progress=line.show).sync()
    if ctx.args.json:
        document: dict[str, Any] = {
            "pushed": result.pushed,
            "pulled": result.pulled,
            "conflicts": result.conflicts,
        }
        if result.held:  # draft notes kept on this device until complete
            document["drafts_held"] = result.held
        if result.refusals:  # what the server refused, each kept unchanged in this vault
            document["rejected"] = [
                {"kind": r.kind, "record_id": r.record_id, "reason": r.reason}
                for r in result.refusals
            ]
        emit_json(document)
        return
    text = f"Pushed {result.pushed}, pulled {result.pulled}."
    if result.refusals:
        text += f" {result.refused_text()}."
    if result.conflicts:
        text += f" {plural(result.conflicts, 'new conflict')}: see sli conflicts list."
    if result.held:
        text += (
            f" {plural(result.held, 'draft note')} {'stays' if result.held == 1 else 'stay'}"
            " on this device until complete (sli note drafts)."
        )
    say(text)


class ProgressLine:
    """ "push: 3/10" rewritten in place on a terminal, and wiped when the work ends, whether it
    succeeded or failed: a message that follows never shares the line with it."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.width = 0

    def show(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        text = f"{phase}: {done}/{total or '?'}"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def list_conflicts(ctx: Context) -> None:
    vault = ctx.vault()
    state = SyncState(vault)
    device = state.get("device_id")
    found = [conflict_service.describe(c, device) for c in state.conflicts(ctx.args.all)]
    if ctx.args.json:
        emit_json(found)
        return
    table(
        ["id", "kind", "record", "fields", "resolved"],
        [
            [c["id"][:8], c["kind"], c["record_id"][:8], sorted(c["fields"]), c["resolved"]]
            for c in found
        ],
        empty="no conflicts",
    )


def resolve(ctx: Context) -> None:
    edited = _edited(ctx)  # before unlocking: a mistake here needs no passphrase
    record = conflict_service.resolve(ctx.vault(), ctx.args.id, ctx.args.keep, edited)
    if ctx.args.json:
        emit_json(record.to_json() if record else None)
    else:
        say(f"Resolved: kept {ctx.args.keep}. The choice goes to the server at the next sync.")


def _edited(ctx: Context) -> dict[str, str]:
    """--edited FIELD F, read before the vault changes, so a missing file changes nothing."""
    given: list[list[str]] = ctx.args.edited or []
    if given and ctx.args.keep != "merged":
        raise UsageError("--edited goes with --keep merged: it edits the merged version")
    edited: dict[str, str] = {}
    for name, path in given:
        if name in edited:
            raise UsageError(f"--edited names {name} twice; give each field once")
        edited[name] = read_text(Path(path)).rstrip("\r\n")  # an editor's last newline
    return edited
