"""sli init · sli passphrase change · sli vault info|check|remember|forget|recover · sli audit"""

from __future__ import annotations

import sys

from ..formats import plural
from ..platform.keyring_store import store_name
from ..vault import identity, inspection, keys, session
from ..vault.audit import AuditLog
from ..vault.errors import WrongRecoveryKey
from ..vault.header import read_header
from .args import Commands, Parser, add_recovery_key_arguments
from .context import Context, UsageError
from .output import emit_json, say, table

STORE = store_name()  # "Windows Credential Manager", "the macOS keychain"…


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("init", parents=[common], help="create a new encrypted vault")
    p.add_argument(
        "--remember", action="store_true", help=f"keep the key on this device, in {STORE}"
    )
    p.add_argument(
        "--name",
        "--owner",
        dest="name",
        help="your name as colleagues know it: it signs what you write and your briefings "
        "(asked for when not given)",
    )
    p.add_argument("--role", default="", help="your role, e.g. 'Principal Adviser'")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=init)

    p = sub.add_parser("passphrase", parents=[common], help="change the vault passphrase")
    psub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = psub.add_parser("change", parents=[common], help="re-wrap the key under a new passphrase")
    c.add_argument("--new-passphrase-file", metavar="F")
    c.add_argument(
        "--rotate-key",
        action="store_true",
        help="also re-encrypt the vault under a new key, so a copy of the old key header no "
        "longer opens it (use if the passphrase may have been seen; earlier backups keep "
        "their old key)",
    )
    c.set_defaults(func=change_passphrase)

    p = sub.add_parser("vault", parents=[common], help="vault information and maintenance")
    vsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = vsub.add_parser("info", parents=[common], help="where the vault is and what it holds")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=info)
    c = vsub.add_parser(
        "identity", parents=[common], help="show or change the name and role you sign with"
    )
    c.add_argument("--name", help="your name, as colleagues know it")
    c.add_argument("--role", help="your role, e.g. 'Principal Adviser'")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=show_identity)
    c = vsub.add_parser("check", parents=[common], help="verify every page and the audit chain")
    c.set_defaults(func=check)
    c = vsub.add_parser("remember", parents=[common], help=f"keep the key in {STORE}")
    c.set_defaults(func=remember)
    c = vsub.add_parser("forget", parents=[common], help=f"remove the key from {STORE}")
    c.set_defaults(func=forget)
    c = vsub.add_parser(
        "recover", parents=[common], help="set a new passphrase with the recovery key"
    )
    add_recovery_key_arguments(c)
    c.add_argument("--new-passphrase-file", metavar="F")
    c.set_defaults(func=recover)

    p = sub.add_parser("audit", parents=[common], help="the audit log")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--verify", action="store_true", help="check the hash chain")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=audit)


def init(ctx: Context) -> None:
    path = ctx.vault_path
    name, role = _adviser(ctx)
    passphrase = ctx.given_passphrase()
    if passphrase is None:
        passphrase = ctx.new_passphrase(env="SLI_PASSPHRASE")
    keystore = ctx.keystore if ctx.args.remember else None
    if ctx.args.remember and (keystore is None or not keystore.available):
        raise UsageError(
            "no OS keyring is available to remember the key; the vault was not created"
        )
    created = session.create_vault(
        path,
        passphrase,
        owner=name,
        role=role,
        remember=ctx.args.remember,
        keystore=keystore,
    )
    created.vault.close()
    if ctx.args.json:
        emit_json(
            {
                "vault": str(path),
                "recovery_key": created.recovery_key,
                "remembered": created.remembered,
            }
        )
        return
    say(f"Created an encrypted vault at {path}")
    if created.remembered and keystore is not None:
        say(f"The key is remembered in {keystore.where}.")
    say("")
    say("Recovery key (shown once; write it down and keep it apart from this laptop):")
    say(f"  {created.recovery_key}")


def _adviser(ctx: Context) -> tuple[str, str]:
    """The name and role for a new vault: from --name/--role, else asked at the terminal."""
    name, role = ctx.args.name, ctx.args.role
    if name is None:
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError(
                "give your name with --name, as colleagues know it: it signs what you write"
            )
        name = ctx.ask("Your name, as colleagues know it")
        role = role or ctx.ask("Your role (optional)")
    try:
        adviser = identity.checked(name, role)
    except identity.IdentityRefused as exc:
        raise UsageError(str(exc)) from None
    return adviser.name, adviser.role


def change_passphrase(ctx: Context) -> None:
    old = ctx.given_passphrase() or ctx.prompt("Current passphrase")
    new = ctx.new_passphrase(file_arg="new_passphrase_file")
    if not ctx.args.rotate_key:
        session.change_passphrase(ctx.vault_path, old, new)
        say("Passphrase changed. The recovery key and any remembered key still work.")
        return
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if interactive:
            sys.stderr.write(f"\rRe-encrypting: {done}/{total}   ")
            sys.stderr.flush()

    try:
        recovery = session.change_passphrase(
            ctx.vault_path, old, new, rotate_key=True, keystore=ctx.keystore, progress=progress
        )
    finally:
        if interactive:
            sys.stderr.write("\r" + " " * 40 + "\r")
    say("Passphrase changed and the vault re-encrypted under a new key: the old passphrase,")
    say("old copies of its key header and the old recovery key no longer open it. Backups made")
    say("before today still open with the passphrase or recovery key of their day.")
    say("")
    say("New recovery key (shown once; write it down and keep it apart from this laptop):")
    say(f"  {recovery}")


def info(ctx: Context) -> None:
    data = inspection.facts(ctx.vault(), ctx.vault_path).as_dict()
    if ctx.args.json:
        emit_json(data)
    else:
        for key, value in data.items():
            say(f"{key.replace('_', ' '):>16}: {value}")


def show_identity(ctx: Context) -> None:
    vault = ctx.vault()
    current = vault.identity
    if ctx.args.name is not None or ctx.args.role is not None:
        name = current.name if ctx.args.name is None else ctx.args.name
        role = current.role if ctx.args.role is None else ctx.args.role
        try:
            current = identity.set_identity(vault, name, role)
        except identity.IdentityRefused as exc:
            raise UsageError(str(exc)) from None
    if ctx.args.json:
        emit_json({"name": current.name, "role": current.role})
    else:
        say(f"Name: {current.name}")
        say(f"Role: {current.role or '(none given)'}")


def check(ctx: Context) -> int:
    problems = inspection.problems(ctx.vault())
    if problems:
        for problem in problems:
            say(f"problem: {problem}")
        raise UsageError(f"the vault at {ctx.vault_path} has {plural(len(problems), 'problem')}")
    say("The vault is intact: every page authenticates and the audit chain holds.")
    return 0


def remember(ctx: Context) -> None:
    keystore = ctx.keystore
    if keystore is None or not keystore.available:
        raise UsageError("no OS keyring is available on this device")
    passphrase = ctx.given_passphrase() or ctx.prompt("Passphrase")
    if not session.remember(ctx.vault_path, passphrase, keystore):
        raise UsageError(f"the key could not be stored in {keystore.where}")
    say(f"The key is remembered in {keystore.where}.")


def forget(ctx: Context) -> None:
    keystore = ctx.keystore
    if keystore is not None:
        session.forget(ctx.vault_path, keystore)
    say("This device no longer remembers the key; the passphrase is needed to unlock.")


def recover(ctx: Context) -> None:
    key = ctx.recovery_key()
    header = read_header(ctx.vault_path)
    raw = keys.parse_recovery_key(key)
    if raw is None or header.unwrap_with_recovery(raw) is None:
        raise WrongRecoveryKey()  # before asking for a new passphrase it would not set
    new = ctx.new_passphrase(file_arg="new_passphrase_file")
    session.unlock_with_recovery_key(ctx.vault_path, key, new).close()
    say("The vault is open again with the new passphrase.")


def audit(ctx: Context) -> int:
    log = AuditLog(ctx.vault())
    if ctx.args.verify:
        broken = log.verify()
        if broken is not None:
            raise UsageError(f"the audit chain breaks at entry {broken}")
        say("The audit chain holds.")
        return 0
    entries = log.entries(ctx.args.limit)
    if ctx.args.json:
        emit_json([e.to_json() for e in entries])
        return 0
    table(
        ["#", "at", "who", "action", "kind", "record"],
        [(e.seq, e.at[:19], e.actor, e.action, e.kind, e.record_id[:8]) for e in entries],
        empty="the audit log is empty",
    )
    return 0
