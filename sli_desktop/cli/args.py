"""The parser every `sli` command is built on, and the argument types more than one reads
(dates, regions, where a recovery key comes from): one module, so command modules never import
from each other and a date is parsed and refused the same way everywhere."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any, NoReturn, TypeAlias

from ..domain import Region
from .context import UsageError


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr, like every other error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


#: What a command module adds its parser to (``register(sub, common)``). argparse names the
#: type only privately; it is what ``Parser.add_subparsers`` returns.
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def region_arg(text: str) -> Region:
    try:
        return Region.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def english_region_arg(text: str) -> Region:
    """One of England's nine regions: what regional briefings cover."""
    region = region_arg(text)
    if region not in Region.english():
        raise argparse.ArgumentTypeError(
            f"{region.value} is not one of England's nine regions; expected one of: "
            + ", ".join(r.value for r in Region.english())
        )
    return region


def add_recovery_key_arguments(
    parser: argparse.ArgumentParser,
    key_help: str = "the recovery key itself (others can read it in the process list: prefer "
    "SLI_RECOVERY_KEY, --recovery-key-file or the prompt)",
    **given: Any,
) -> None:
    """Where a recovery key can come from besides the environment and the prompt (see
    Context.recovery_key): never only the command line, which others can read."""
    parser.add_argument("--recovery-key", metavar="KEY", help=key_help, **given)
    parser.add_argument(
        "--recovery-key-file", metavar="F", help="read the recovery key from the file F"
    )
