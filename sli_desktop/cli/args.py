"""Argument types more than one `sli` command reads (dates, regions): one module, so command
modules never import from each other and a date is parsed and refused the same way everywhere."""

from __future__ import annotations

import argparse
from datetime import date

from ..domain import Region


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
