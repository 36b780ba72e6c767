"""sli metrics import|list"""

from __future__ import annotations

from pathlib import Path

from ..importers.metrics import import_metrics, read_metrics
from ..vault.metrics import Metrics
from .args import Commands, Parser
from .context import Context
from .output import emit_json, say, table


def register(sub: Commands, common: Parser) -> None:
    p = sub.add_parser("metrics", parents=[common], help="performance figures")
    msub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = msub.add_parser(
        "import",
        parents=[common],
        help="import figures as published (Oflog, LG Inform; long or wide CSV)",
    )
    c.add_argument("file", type=Path, metavar="FILE")
    c.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    c.add_argument("--skip-bad", action="store_true", help="import the good rows, skip bad ones")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=import_file)
    c = msub.add_parser("list", parents=[common], help="figures held for a council")
    c.add_argument("--council", required=True, metavar="GSS")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=list_metrics)


def import_file(ctx: Context) -> None:
    a = ctx.args
    parsed = read_metrics(a.file)
    result = import_metrics(ctx.vault(), parsed, skip_bad=a.skip_bad, dry_run=a.dry_run)
    if a.json:
        emit_json(result.to_json())
        return
    verb = "Imported" if result.written else "Would import (dry run; nothing written)"
    say(f"{verb} from {a.file.name}: {result.summary}.")
    for problem in result.problems[:50]:
        say(f"  {problem} ({'skipped' if result.written else 'bad row'})")
    if len(result.problems) > 50:
        say(f"  … and {len(result.problems) - 50} more bad rows")
    for line, old, new in result.mapped[:10]:
        say(f"  line {line}: {old} was abolished; the figure is given to its successor {new}")
    if len(result.mapped) > 10:
        say(f"  … and {len(result.mapped) - 10} more given to successors (--json lists them)")


def list_metrics(ctx: Context) -> None:
    metrics = Metrics(ctx.vault()).list(ctx.args.council)
    if ctx.args.json:
        emit_json([m.to_json() for m in metrics])
        return
    table(
        ["metric", "name", "period", "value", "unit"],
        [(m.metric_id, m.name, m.period, f"{m.value:g}", m.unit) for m in metrics],
        empty="no figures for this council",
    )
