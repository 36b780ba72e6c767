"""sli backup · sli restore · sli export --json"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..importers.contacts import write_export
from ..vault import backup as backups
from .context import Context, UsageError
from .output import say


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="the whole vault in one encrypted file")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(func=backup)
    p = sub.add_parser(
        "restore", parents=[common], help="restore the vault from a backup (needs its passphrase)"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace the vault that is there")
    p.set_defaults(func=restore)
    p = sub.add_parser(
        "export", parents=[common], help="everything you can see, as plain JSON (not encrypted)"
    )
    p.add_argument("--json", action="store_true", required=True, help="JSON (the only format)")
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
    passphrase = ctx.given_passphrase() or ctx.prompt("Passphrase of the backup")
    info = backups.restore(ctx.args.file, path, passphrase, force=ctx.args.force)
    say(f"Restored the vault to {info.path}; open it with the passphrase the backup was made with.")


def export_json(ctx: Context) -> None:
    vault = ctx.vault()
    document = backups.export_everything(vault)
    write_export(ctx.args.output, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    vault.audit("export", "", "", {"format": "json", "file": ctx.args.output.name})
    counts = ", ".join(f"{len(v)} {k}" for k, v in document["records"].items())
    say(f"Exported to {ctx.args.output} (not encrypted): {counts}.")
