"""sli server serve|import-councils|add-user|list-devices|revoke-device|note-readers (all take
--db URL)"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..importers.register import read_release
from ..sync.protocol import ROLES
from .args import Commands, Parser
from .context import Context, UsageError
from .output import emit_json, say, table

if TYPE_CHECKING:  # imported where used (below): other commands never load the server
    from ..server.storage import Storage

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("server", parents=[common], help="the sync server and its users")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    db = Parser(add_help=False)
    db.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="sqlite:///FILE or postgresql://… (default: a SQLite file in the data dir)",
    )

    c = ssub.add_parser("serve", parents=[common, db], help="run the sync server")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=8443)
    c.add_argument("--certfile", metavar="F")
    c.add_argument("--keyfile", metavar="F")
    c.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain HTTP off loopback (only behind a TLS-terminating proxy)",
    )
    c.add_argument(
        "--max-offline-days",
        type=int,
        default=30,
        metavar="N",
        help="a device that has not synced for N days locks until it syncs (0: never; default 30)",
    )
    c.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="one line per request on stderr, as text or JSON (never note text); default text",
    )
    c.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="a reverse proxy (IP address or CIDR network) whose X-Forwarded-For names the "
        "client; repeatable. Without it the header is ignored",
    )
    c.set_defaults(func=serve)

    c = ssub.add_parser(
        "import-councils", parents=[common, db], help="load the council register clients receive"
    )
    c.add_argument("file", metavar="FILE.csv")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=import_councils)

    c = ssub.add_parser("add-user", parents=[common, db], help="add a user; prints a one-time code")
    c.add_argument("name", metavar="NAME")
    c.add_argument("--role", required=True, choices=ROLES)
    c.add_argument("--region", action="append", default=[], metavar="R")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=add_user)

    c = ssub.add_parser("list-devices", parents=[common, db], help="enrolled devices")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_devices)

    c = ssub.add_parser(
        "revoke-device", parents=[common, db], help="revoke a device; it wipes at its next sync"
    )
    c.add_argument("id", metavar="ID")
    c.set_defaults(func=revoke_device)

    c = ssub.add_parser(
        "note-readers", parents=[common, db], help="who saw a note: user, device, when, how"
    )
    c.add_argument("note_id", metavar="NOTE_ID")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=note_readers)


def _storage(ctx: Context) -> Storage:
    from ..server.storage import Storage, StorageError

    url = ctx.args.db or paths.default_server_db()
    try:  # a SQLite file's missing folders are made owner-only there (server/files.py)
        return Storage(url)
    except StorageError as exc:
        raise UsageError(str(exc)) from None


def serve(ctx: Context) -> None:
    from ..server.app import serve as run_server
    from ..server.proxies import trusted_networks

    a = ctx.args
    try:
        trusted = trusted_networks(a.trusted_proxy)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if bool(a.certfile) != bool(a.keyfile):
        raise UsageError("--certfile and --keyfile go together")
    for given in (a.certfile, a.keyfile):
        if given and not Path(given).is_file():
            raise UsageError(f"{given} does not exist")
    if not a.certfile and a.host not in LOOPBACK and not a.insecure_http:
        raise UsageError(
            f"serving on {a.host} needs --certfile and --keyfile (plain HTTP only on loopback)"
        )
    if not 0 < a.port < 65536:
        raise UsageError("--port must be between 1 and 65535")
    if not 0 <= a.max_offline_days <= 3650:
        raise UsageError("--max-offline-days must be between 0 and 3650")
    storage = _storage(ctx)
    try:
        run_server(
            storage,
            a.host,
            a.port,
            a.certfile,
            a.keyfile,
            a.max_offline_days,
            log_format=a.log_format,
            trusted_proxies=trusted,
        )
    finally:
        storage.close()


def import_councils(ctx: Context) -> None:
    path = Path(ctx.args.file)
    if not path.is_file():
        raise UsageError(f"{path} does not exist")
    # Councils that have ended too, so every device learns they are abolished.
    councils = read_release(path).councils
    storage = _storage(ctx)
    try:
        changed = storage.import_councils(c.to_json() for c in councils)
    finally:
        storage.close()
    if ctx.args.json:
        emit_json({"councils": len(councils), "changed": changed})
    else:
        say(f"{len(councils)} councils in the register; {changed} new or changed on the server.")


def add_user(ctx: Context) -> None:
    from ..server.storage import StorageError

    a = ctx.args
    if not a.region and a.role not in ("coordinator", "admin"):
        raise UsageError(f"a {a.role} needs at least one --region")
    storage = _storage(ctx)
    try:
        code = storage.add_user(a.name, a.role, a.region)
    except StorageError as exc:
        raise UsageError(str(exc)) from None
    finally:
        storage.close()
    if a.json:
        emit_json({"user": a.name, "code": code})
    else:
        say(code)


def list_devices(ctx: Context) -> None:
    storage = _storage(ctx)
    try:
        found = storage.list_devices()
    finally:
        storage.close()
    if ctx.args.json:
        emit_json(found)
        return
    table(
        ["id", "user", "role", "name", "enrolled", "revoked"],
        [[d["id"], d["user"], d["role"], d["name"], d["enrolled_at"], d["revoked"]] for d in found],
        empty="no devices enrolled",
    )


def revoke_device(ctx: Context) -> None:
    storage = _storage(ctx)
    try:
        done = storage.revoke_device(ctx.args.id)
    finally:
        storage.close()
    if not done:
        raise UsageError(f"no device {ctx.args.id!r} (see sli server list-devices)")
    say(f"Revoked device {ctx.args.id}; it will wipe its vault at its next sync.")


def note_readers(ctx: Context) -> None:
    """The server operator's answer to "who saw this note" (the HTTP route is for admins and
    coordinators; whoever holds the server database is both)."""
    note_id = ctx.args.note_id.strip().lower()
    if not note_id:
        raise UsageError("give the note's id")
    storage = _storage(ctx)
    try:
        found = storage.note_readers(note_id)
    finally:
        storage.close()
    rows = [r.model_dump(mode="json") for r in found.readers]
    if ctx.args.json:
        emit_json(rows)
        return
    table(
        ["when", "user", "device", "via", "briefing"],
        [
            [r["at"], r["user"], r["device"] or r["device_id"], r["via"], r["briefing"]]
            for r in rows
        ],
        empty=f"no reads of note {note_id} reported to this server",
    )
