"""sli backup · sli restore · sli export --json · sli export --person NAME"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ..importers.contacts import write_export
from ..vault import backup as backups
from ..vault.backup import BackupSecret
from .args import Commands, Parser, add_recovery_key_arguments
from .context import Context, UsageError
from .output import emit_json, say


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("backup", parents=[common], help="the whole vault in one encrypted file")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=backup)
    p = sub.add_parser(
        "restore",
        parents=[common],
        help="restore the vault from a backup (its passphrase, or the recovery key)",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace the vault that is there")
    add_recovery_key_arguments(
        p,
        "open the backup with the recovery key instead of its passphrase (from "
        "--recovery-key-file, else KEY, which others can read in the process list, else "
        "SLI_RECOVERY_KEY, else a prompt) and set a new passphrase (SLI_NEW_PASSPHRASE, "
        "--new-passphrase-file, else a prompt)",
        nargs="?",
        const="",
        default=None,
    )
    p.add_argument("--new-passphrase-file", metavar="F")
    p.set_defaults(func=restore)
    p = sub.add_parser(
        "export", parents=[common], help="everything you can see, as plain JSON (not encrypted)"
    )
    p.add_argument("--json", action="store_true", help="JSON (the only format)")
    p.add_argument(
        "--person",
        metavar="NAME",
        help="only what is held about one person: contacts, notes naming them, actions, "
        "peer challenge teams, audit of their contact records",
    )
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=export_json)


def backup(ctx: Context) -> None:
    out: Path = ctx.args.output
    if out.resolve() == ctx.vault_path.resolve():
        raise UsageError("the backup cannot be written over the vault itself")
    info = backups.backup(ctx.vault(), out)
    say(f"Backed up the vault to {info.path} ({info.size // 1024} KiB, encrypted).")


def restore(ctx: Context) -> None:
    path = ctx.vault_path
    if (path.exists() or path.with_name(path.name + ".header").exists()) and not ctx.args.force:
        raise UsageError(f"a vault already exists at {path}; use --force to replace it")
    if not ctx.args.file.exists():
        raise UsageError(f"no backup file {ctx.args.file}")
    if ctx.args.recovery_key is not None or ctx.args.recovery_key_file:
        key = ctx.recovery_key()
        backups.open_backup(ctx.args.file, BackupSecret(recovery_key=key))  # before asking more
        if not (
            os.environ.get("SLI_NEW_PASSPHRASE") or ctx.args.new_passphrase_file or _interactive()
        ):
            raise UsageError(
                "a new passphrase is needed: set SLI_NEW_PASSPHRASE, use --new-passphrase-file, "
                "or run in a terminal"
            )
        new = ctx.new_passphrase(file_arg="new_passphrase_file")
        secret = BackupSecret(recovery_key=key, new_passphrase=new)
        info = backups.restore(ctx.args.file, path, secret, force=ctx.args.force)
        say(f"Restored the vault to {info.path}; it opens with the new passphrase.")
        return
    passphrase = ctx.given_passphrase() or ctx.prompt("Passphrase of the backup")
    info = backups.restore(ctx.args.file, path, passphrase, force=ctx.args.force)
    say(f"Restored the vault to {info.path}; open it with the passphrase the backup was made with.")


def _interactive() -> bool:
    return bool(sys.stdin and sys.stdin.isatty())


def export_json(ctx: Context) -> None:
    if ctx.args.person is not None:
        export_person(ctx)
        return
    if not ctx.args.json:
        raise UsageError("sli export needs --json (the only format) or --person NAME")
    vault = ctx.vault()
    document = backups.export_everything(vault)
    write_export(ctx.args.output, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    vault.audit("export", "", "", {"format": "json", "file": ctx.args.output.name})
    counts = ", ".join(f"{len(v)} {k}" for k, v in document["records"].items())
    say(f"Exported to {ctx.args.output} (not encrypted): {counts}.")


def export_person(ctx: Context) -> None:
    """Everything held about one person, as a JSON file (a subject access request)."""
    from ..vault.person import audit_export, find_person

    name = " ".join(str(ctx.args.person).split())
    if len(name) < 2:
        raise UsageError("--person needs a name of at least two characters")
    vault = ctx.vault()
    found = find_person(vault, name)
    document = found.to_json(vault.now().isoformat())
    write_export(ctx.args.output, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    audit_export(vault, found, ctx.args.output.name)
    counts = found.counts()
    if ctx.args.json:
        emit_json({"file": str(ctx.args.output), **counts})
        return
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    say(f"Exported what is held about {name} to {ctx.args.output} (not encrypted): {summary}.")
