"""A peer challenge's venue and timetable (issue 23, item 5) in a real vault and through the
real ``sli``: stored and read back, upgraded from a vault made before them, added, edited,
shown and refused in one sentence."""

from __future__ import annotations

import json
import shutil
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Challenge
from sli_desktop.domain.timetable import TimetableEntry
from sli_desktop.vault import migrations
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.integration.test_cli import BHAM, Cli, add_challenge, as_json, fails, ok

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "vaults"
VENUE = "Council House\nVictoria Square\nBirmingham B1 1BB"


def test_venue_and_timetable_survive_the_vault(councils_vault: Vault) -> None:
    engagements = Challenges(councils_vault)
    e = engagements.add(
        council=BHAM,
        type="corporate",
        status="booked",
        start=date(2026, 3, 10),
        end=date(2026, 3, 12),
        venue=VENUE,
        timetable=[
            {"day": "2026-03-12", "at": "11:30", "what": "Feedback"},
            {"day": "2026-03-10", "at": "09:00", "what": "Arrival"},
        ],
    )
    read = engagements.get(e.id)
    assert read.venue == VENUE
    assert read.timetable == [
        TimetableEntry(day=date(2026, 3, 10), at=time(9), what="Arrival"),
        TimetableEntry(day=date(2026, 3, 12), at=time(11, 30), what="Feedback"),
    ]
    # The outbox carries them to the server like any field.
    payload = json.loads(
        councils_vault.scalar(
            "SELECT payload FROM outbox WHERE record_id = ? ORDER BY seq DESC LIMIT 1", [e.id]
        )
    )
    assert payload["venue"] == VENUE and payload["timetable"][0]["what"] == "Arrival"

    edited = engagements.edit(e.id, venue="Room 4, Council House", timetable=[])
    assert (edited.venue, edited.timetable, edited.version) == ("Room 4, Council House", [], 2)
    assert engagements.edit(e.id, venue="Room 4, Council House").version == 2  # nothing new
    detail = councils_vault.scalar(
        "SELECT detail FROM audit WHERE record_id = ? ORDER BY seq DESC LIMIT 1", [e.id]
    )
    assert json.loads(detail) == {"version": 2, "fields": ["timetable", "venue"]}


def test_a_vault_made_before_the_fields_upgrades_with_its_challenge_unchanged(
    tmp_path: Path,
) -> None:
    fixture = FIXTURES / "v4"
    shutil.copytree(fixture, tmp_path / "v4")
    manifest = json.loads((fixture / "manifest.json").read_text("utf-8"))
    wanted = next(r["id"] for r in manifest["records"] if r["kind"] == "engagement")
    with unlock(tmp_path / "v4" / "vault.sli", manifest["passphrase"]) as vault:
        assert migrations.schema_version(vault.conn) == migrations.LATEST
        e = vault.get(Challenge, wanted)
        assert e is not None and (e.venue, e.timetable) == ("", [])
        assert e.scope == "Financial sustainability and governance."
        assert e.start is not None
        edited = Challenges(vault).edit(
            e.id, venue="Council House", timetable=[{"day": e.start, "what": "Arrival"}]
        )
        assert vault.get(Challenge, wanted) == edited


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


def test_add_with_venue_and_days_then_show(sli: Cli) -> None:
    e = add_challenge(
        sli,
        BHAM,
        "corporate",
        "booked",
        "--start",
        "2026-03-10",
        "--end",
        "2026-03-12",
        "--venue",
        VENUE,
        "--day",
        "2026-03-12 11:30 Feedback to the leader",
        "--day",
        "10/03/2026 09:00 Arrival and welcome",
        "--day",
        "2026-03-11 Interviews and focus groups",
    )
    assert e["venue"] == VENUE
    assert e["timetable"] == [
        {"day": "2026-03-10", "at": "09:00:00", "what": "Arrival and welcome"},
        {"day": "2026-03-11", "at": None, "what": "Interviews and focus groups"},
        {"day": "2026-03-12", "at": "11:30:00", "what": "Feedback to the leader"},
    ]
    shown = ok(sli("challenge", "show", e["id"][:8])).out
    assert "On site: Tuesday 10 March 2026 to Thursday 12 March 2026\n" in shown
    assert "Venue: Council House\n       Victoria Square\n       Birmingham B1 1BB\n" in shown
    assert "  Tuesday 10 March 2026  09:00  Arrival and welcome\n" in shown
    assert "  Wednesday 11 March 2026      —  Interviews and focus groups\n" in shown
    assert shown.index("Arrival") < shown.index("Interviews") < shown.index("Feedback")
    assert as_json(sli("challenge", "show", e["id"], "--json")) == e


def test_edit_replaces_the_timetable_from_a_file_and_clears_it(sli: Cli, tmp_path: Path) -> None:
    e = add_challenge(sli, BHAM, "adults", "discussed")
    shown = ok(sli("challenge", "show", e["id"])).out
    assert "Venue: not recorded yet\n" in shown and "Timetable: not recorded yet\n" in shown
    days = tmp_path / "days.txt"
    # Saved from Excel or Notepad: Windows-1252, CRLF, an accented name.
    days.write_bytes(
        "2026-06-02 09:00 Arrival\r\n\r\n3 Jun 2026 Feedback from Siân\r\n".encode("cp1252")
    )
    edited = as_json(
        sli(
            "challenge",
            "edit",
            e["id"],
            "--start",
            "2026-06-02",
            "--end",
            "2026-06-03",
            "--venue",
            "Civic Centre",
            "--timetable",
            str(days),
            "--json",
        )
    )
    assert edited["venue"] == "Civic Centre" and edited["status"] == "discussed"
    assert [t["what"] for t in edited["timetable"]] == ["Arrival", "Feedback from Siân"]
    assert ok(sli("challenge", "edit", e["id"], "--venue", "Civic Centre")).out.startswith(
        "Nothing changed"
    )
    cleared = as_json(sli("challenge", "edit", e["id"], "--no-timetable", "--json"))
    assert cleared["timetable"] == [] and cleared["venue"] == "Civic Centre"
    assert cleared["version"] == edited["version"] + 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--day", "next Tuesday: arrival"], "“next” is not a day"),
        (["--day", "2026-03-10 9:75 Lunch"], "“9:75” is not a time of day"),
        (["--day", "2026-03-20 Feedback"], "“Feedback” is not on one of the on-site days"),
        (["--timetable", "missing.txt"], "missing.txt: no such file"),
        (["--day", "2026-03-10 A", "--timetable", "x"], "not allowed with argument"),
        (["--venue", "\n".join("abcdefghij")], "venue: must fit on 8 lines"),
    ],
)
def test_a_timetable_it_cannot_use_is_refused_in_one_sentence(
    sli: Cli, args: list[str], says: str
) -> None:
    base = ["--start", "2026-03-10", "--end", "2026-03-12"]
    assert says in fails(
        sli("challenge", "add", "--council", BHAM, "--kind", "corporate", "--status", "booked",
            *base, *args)
    )  # fmt: skip
    assert as_json(sli("challenge", "list", "--json")) == []


def test_edit_refusals_change_nothing(sli: Cli) -> None:
    e: dict[str, Any] = add_challenge(
        sli, BHAM, "corporate", "booked", "--start", "2026-03-10", "--day", "2026-03-10 Arrival"
    )
    assert "say what to change" in fails(sli("challenge", "edit", e["id"]))
    assert "on one of the on-site days" in fails(
        sli("challenge", "edit", e["id"], "--start", "2026-04-01")
    )
    assert "leave out --day" in fails(
        sli("challenge", "edit", e["id"], "--no-timetable", "--day", "2026-03-10 B")
    )
    assert as_json(sli("challenge", "show", e["id"], "--json")) == e


def test_the_calendar_event_carries_the_venue_and_timetable(sli: Cli, tmp_path: Path) -> None:
    import icalendar

    add_challenge(
        sli,
        BHAM,
        "corporate",
        "booked",
        "--start",
        "2026-03-10",
        "--end",
        "2026-03-11",
        "--venue",
        VENUE,
        "--day",
        "2026-03-10 09:00 Arrival and welcome",
    )
    ics = tmp_path / "schedule.ics"
    ok(sli("challenge", "export", "--ics", str(ics)))
    [event] = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert str(event["location"]) == "Council House, Victoria Square, Birmingham B1 1BB"
    assert "Timetable:\n  10 Mar 2026 09:00 Arrival and welcome" in str(event["description"])


def test_the_timetable_can_come_from_standard_input(
    sli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    e = add_challenge(sli, BHAM, "corporate", "booked", "--start", "2026-03-10")
    monkeypatch.setattr("sys.stdin", io.StringIO("2026-03-10 09:00 Arrival\n"))
    edited = as_json(sli("challenge", "edit", e["id"], "--timetable", "-", "--json"))
    assert edited["timetable"] == [{"day": "2026-03-10", "at": "09:00:00", "what": "Arrival"}]
