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


def test_a_deleted_challenge_is_exported_cancelled_so_the_calendar_drops_it(
    sli: Cli, tmp_path: Path
) -> None:
    booked = add(sli, "--council", "E08000025", "--status", "booked", "--start", "2027-03-04")
    first = tmp_path / "first.ics"
    assert sli("challenge", "export", "--ics", str(first)).code == 0
    [(uid, before)] = events(first).items()
    assert str(before["status"]) == "CONFIRMED"

    deleted = sli("challenge", "delete", booked[:8])
    assert deleted.code == 0, deleted
    listed = sli("challenge", "list", "--json")
    assert json.loads(listed.out) == []  # gone from the schedule ...
    second = tmp_path / "second.ics"
    result = sli("challenge", "export", "--ics", str(second))
    assert result.code == 0 and "(1 cancelled)" in result.out, result
    [(uid2, after)] = events(second).items()  # ... but still in the file, as a cancellation
    assert uid2 == uid
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart") == before.decoded("dtstart")
    assert str(after["summary"]).startswith("Cancelled: ")
    assert "deleted from the schedule" in str(after["description"])
    third = tmp_path / "third.ics"
    assert sli("challenge", "export", "--ics", str(third)).code == 0
    # a re-export is byte for byte the same, but for when it was made (DTSTAMP, issue 24)
    assert _unstamped(third) == _unstamped(second)
    wrong = sli("challenge", "delete", booked[:8])
    assert wrong.code == 2 and wrong.err.startswith("sli: ")


def test_taken_away_dates_cancel_the_event_a_calendar_already_has(
    councils_vault: Vault, tmp_path: Path
) -> None:
    from datetime import date

    from sli_desktop.domain import ChallengeKind, ChallengeStatus, Marking
    from sli_desktop.importers.calendar import export_schedule
    from sli_desktop.vault.challenges import Challenges

    service = Challenges(councils_vault)
    kept = service.add(
        council="E08000026",
        type=ChallengeKind.CORPORATE,
        status=ChallengeStatus.BOOKED,
        start=date(2027, 5, 3),
        end=date(2027, 5, 6),
    )
    dropped = service.add(
        council="E08000025",
        type=ChallengeKind.CHILDRENS,
        status=ChallengeStatus.BOOKED,
        start=date(2027, 4, 12),
        end=date(2027, 4, 16),
    )
    never = service.add(
        council="E09000033", type=ChallengeKind.CORPORATE, status=ChallengeStatus.DISCUSSED
    )
    first = tmp_path / "first.ics"
    done = export_schedule(councils_vault, first, marking=Marking.OFFICIAL_SENSITIVE)
    assert (done.events, done.cancelled) == (2, 0)
    before = events(first)

    # The dates fall through (as a sync from another device can bring): the record keeps no
    # dates, the calendar must still lose the event it has.
    councils_vault.save(dropped.evolve(status=ChallengeStatus.DISCUSSED, start=None, end=None))
    councils_vault.save(never.evolve(scope="Finance and governance"))
    moved = councils_vault.save(kept.evolve(start=date(2027, 5, 10), end=date(2027, 5, 13)))
    second = tmp_path / "second.ics"
    done = export_schedule(councils_vault, second)
    assert (done.events, done.cancelled) == (2, 1)
    after = events(second)
    assert after.keys() == before.keys()  # same UIDs: updates, never duplicates
    gone = next(e for uid, e in after.items() if dropped.id in uid)
    assert str(gone["status"]) == "CANCELLED"
    assert gone.decoded("dtstart") == date(2027, 4, 12)  # the dates the calendar last saw
    assert gone.decoded("dtend") == date(2027, 4, 17)
    was = next(e for uid, e in before.items() if dropped.id in uid)
    assert int(gone["sequence"]) > int(was["sequence"])
    assert "on-site dates withdrawn (now discussed)" in str(gone["description"])
    changed = next(e for uid, e in after.items() if kept.id in uid)
    assert str(changed["status"]) == "CONFIRMED"
    assert int(changed["sequence"]) == moved.version > int(before[str(changed["uid"])]["sequence"])
    assert changed.decoded("dtstart") == date(2027, 5, 10)


def test_region_export_cancels_only_that_regions_deletions(
    councils_vault: Vault, tmp_path: Path
) -> None:
    from datetime import date

    from sli_desktop.domain import ChallengeKind, ChallengeStatus, Region
    from sli_desktop.importers.calendar import export_schedule
    from sli_desktop.vault.challenges import Challenges

    service = Challenges(councils_vault)
    made = [
        service.add(
            council=gss,
            type=ChallengeKind.CORPORATE,
            status=ChallengeStatus.BOOKED,
            start=date(2027, 6, day),
        )
        for gss, day in (("E08000025", 1), ("E09000033", 2), ("E06000047", 3))
    ]
    for engagement in made[:2]:
        councils_vault.delete(engagement)
    out = tmp_path / "wm.ics"
    done = export_schedule(councils_vault, out, Region.WEST_MIDLANDS)
    assert (done.events, done.cancelled) == (1, 1)
    [(uid, event)] = events(out).items()
    assert made[0].id in uid and str(event["status"]) == "CANCELLED"
    everything = tmp_path / "all.ics"
    done = export_schedule(councils_vault, everything)
    statuses = sorted(str(e["status"]) for e in events(everything).values())
    assert statuses == ["CANCELLED", "CANCELLED", "CONFIRMED"]


def _unstamped(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().split(b"\r\n") if not line.startswith(b"DTSTAMP")]
