"""``sli challenge export --ics``: one event per on-site period, stable UIDs, SEQUENCE and
LAST-MODIFIED that move with each change (so a calendar updates rather than duplicates), and
the protective marking in the description (journey 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import icalendar
import pytest

from sli_desktop.vault.store import Vault
from tests.conftest import CliResult

Cli = Callable[..., CliResult]


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


def events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def add(sli: Cli, *args: str) -> str:
    result = sli("challenge", "add", "--kind", "corporate", *args, "--json")
    assert result.code == 0, result
    return str(json.loads(result.out)["id"])


def test_re_export_moves_the_event_rather_than_duplicating_it(sli: Cli, tmp_path: Path) -> None:
    booked = add(
        sli,
        "--council",
        "E08000025",
        "--status",
        "booked",
        "--start",
        "2027-03-04",
        "--end",
        "2027-03-07",
        "--peer",
        "Cllr Ann Peer|lead member peer",
    )
    add(sli, "--council", "E09000033", "--status", "discussed")  # no dates: no event
    first = tmp_path / "first.ics"
    result = sli("challenge", "export", "--ics", str(first), "--marking", "OFFICIAL-SENSITIVE")
    assert result.code == 0, result
    assert "1 event" in result.out
    [(uid, event)] = events(first).items()
    assert booked in uid
    assert event.decoded("dtstart").isoformat() == "2027-03-04"
    assert event.decoded("dtend").isoformat() == "2027-03-08"  # all-day: exclusive end
    assert str(event["status"]) == "CONFIRMED"
    description = str(event["description"])
    assert description.startswith("OFFICIAL-SENSITIVE") and description.endswith(
        "OFFICIAL-SENSITIVE"
    )
    assert "Cllr Ann Peer" in description
    assert "Birmingham" in str(event["summary"])

    moved = sli(
        "challenge", "move", booked[:8], "on site", "--start", "2027-03-11", "--end", "2027-03-14"
    )
    assert moved.code == 0, moved
    second = tmp_path / "second.ics"
    assert sli("challenge", "export", "--ics", str(second)).code == 0
    [(uid2, later)] = events(second).items()
    assert uid2 == uid
    assert int(later["sequence"]) > int(event["sequence"])
    assert later.decoded("last-modified") >= event.decoded("last-modified")
    assert later.decoded("dtstart").isoformat() == "2027-03-11"


def test_region_filter_and_cancelled_events(sli: Cli, tmp_path: Path) -> None:
    west = add(sli, "--council", "E08000026", "--status", "booked", "--start", "2027-05-01")
    london = add(sli, "--council", "E09000033", "--status", "booked", "--start", "2027-06-01")
    assert sli("challenge", "move", london[:8], "cancelled").code == 0
    out = tmp_path / "wm.ics"
    assert sli("challenge", "export", "--ics", str(out), "--region", "West Midlands").code == 0
    assert [west in uid for uid in events(out)] == [True]
    everything = tmp_path / "all.ics"
    assert sli("challenge", "export", "--ics", str(everything)).code == 0
    found = events(everything)
    assert len(found) == 2
    cancelled = next(e for uid, e in found.items() if london in uid)
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["description"]).startswith("OFFICIAL")


def test_unknown_region_is_a_one_line_error(sli: Cli, tmp_path: Path) -> None:
    result = sli("challenge", "export", "--ics", str(tmp_path / "x.ics"), "--region", "Atlantis")
    assert result.code == 2 and result.err.startswith("sli: ")
    assert not (tmp_path / "x.ics").exists()
