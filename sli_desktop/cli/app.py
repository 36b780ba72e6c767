"""Argument parsing, dispatch, and the rule that a user mistake is one line, never a traceback.

Exit status: 0 success; 2 bad input, wrong passphrase or anything else the user can fix;
1 something unexpected (a bug), reported in one line unless SLI_DEBUG is set.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from .. import __version__
from ..domain import ValidationError
from ..importers import ImportProblem
from ..vault.errors import VaultError
from ..vault.keystore import KeyStore, system_keystore
from ..vault.process import disable_core_dumps
from . import (
    cmd_actions,
    cmd_assessments,
    cmd_boards,
    cmd_brief,
    cmd_challenges,
    cmd_contacts,
    cmd_control,
    cmd_councils,
    cmd_coverage,
    cmd_data,
    cmd_goodpractice,
    cmd_leadership,
    cmd_metrics,
    cmd_notes,
    cmd_server,
    cmd_sync,
    cmd_vault,
)
from .args import Parser
from .context import Context, UsageError

COMMAND_MODULES = (
    cmd_vault,
    cmd_councils,
    cmd_coverage,
    cmd_contacts,
    cmd_notes,
    cmd_challenges,
    cmd_boards,
    cmd_actions,
    cmd_metrics,
    cmd_data,
    cmd_server,
    cmd_sync,
    cmd_brief,
    cmd_assessments,
    cmd_goodpractice,
    cmd_control,
    cmd_leadership,
)


def build_parser() -> Parser:
    # SUPPRESS: these options may stand before or after the command words; a nested parser
    # must not overwrite a value given at another level with its own default.
    common = Parser(add_help=False)
    common.add_argument(
        "--vault",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="vault file (default: SLI_VAULT or the platform data dir)",
    )
    common.add_argument(
        "--passphrase-file",
        metavar="F",
        default=argparse.SUPPRESS,
        help="read the passphrase from F",
    )
    parser = Parser(prog="sli", description="SLI Desktop from the command line.", parents=[common])
    parser.add_argument("--version", action="version", version=f"sli {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(
    argv: Sequence[str] | None = None,
    keystore_factory: Callable[[], KeyStore | None] = system_keystore,
) -> int:
    disable_core_dumps()
    logging.basicConfig(level=logging.WARNING, format="sli: %(message)s")
    ctx: Context | None = None
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version print, then exit: return their code
            return exc.code if isinstance(exc.code, int) else 0
        ctx = Context(args, keystore_factory)
        result = args.func(ctx)
        return int(result or 0)
    except (UsageError, ValidationError, VaultError, ImportProblem) as exc:
        _fail(str(exc))
        return 2
    except KeyboardInterrupt:
        _fail("interrupted; nothing was half-written")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("SLI_DEBUG"):
            traceback.print_exc()
        _fail(f"unexpected error ({type(exc).__name__}); run with SLI_DEBUG=1 for details")
        return 1
    finally:
        if ctx is not None:
            ctx.close()


def _fail(message: str) -> None:
    line = " ".join(message.split())
    sys.stderr.write(f"sli: {line}\n")
    sys.stderr.flush()


def run() -> None:
    sys.exit(main())
