"""Coverage through a real sync server on 127.0.0.1: a coordinator's assignments reach every user
in every region; an adviser's attempt to write one is refused by the server, reported by the
client with its reason, kept unchanged (flagged) in the adviser's vault and never spread."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sli_desktop.domain import Coverage, CoverageRole, Region
from sli_desktop.server.storage import Storage
from sli_desktop.vault.coverage import Assignments, NotAllowed
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import BHAM, DURHAM, enrolled

REFUSED = "only a coordinator or an admin may change who covers what"


def test_a_coordinators_coverage_reaches_advisers_in_other_regions_and_an_advisers_is_refused(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    cora = enrolled(tmp_path, storage, server, "cora", role="coordinator", regions=("London",))
    wes = enrolled(tmp_path, storage, server, "wes", regions=("West Midlands",))
    ned = enrolled(tmp_path, storage, server, "ned", role="regional-lead", regions=("North East",))
    for device in (cora, wes, ned):
        device.sync()

    cover = Assignments(cora.vault)
    pa = cover.assign(
        person="Ann Adviser",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS, Region.NORTH_EAST],
        since=date(2025, 1, 1),
        email="ann@example.org",
    ).assignment
    dcs = cover.assign(
        person="Dana Director",
        role=CoverageRole.CHILDRENS_DIRECTOR,
        regions=[Region.WEST_MIDLANDS],
        since=date(2025, 1, 1),
    ).assignment
    first = cora.sync()
    assert (first.pushed, first.rejected) == (2, 0)

    # Users in other regions than the coordinator's, whatever their role, receive them.
    wes.sync()
    ned.sync()
    today = date(2026, 5, 1)
    at_bham = Assignments(wes.vault).for_council(BHAM, today)
    assert at_bham.principal_adviser is not None and at_bham.principal_adviser.id == pa.id
    assert [c.id for c in at_bham.childrens] == [dcs.id]
    at_durham = Assignments(ned.vault).for_council(DURHAM, today)
    assert at_durham.principal_adviser is not None
    assert at_durham.principal_adviser.person == "Ann Adviser"
    assert at_durham.childrens == []  # the DCS lead is the West Midlands'

    # The adviser's app says no at once...
    wes_cover = Assignments(wes.vault)
    assert not wes_cover.may_maintain()
    with pytest.raises(NotAllowed):
        wes_cover.assign(
            person="Wes",
            role=CoverageRole.PRINCIPAL_ADVISER,
            regions=[Region.WEST_MIDLANDS],
            since=date(2026, 1, 1),
        )
    # ...and the server says no to a write that got past it (an older app, or one made
    # before the device was enrolled): an edit and a new assignment.
    local_pa = wes.vault.get(Coverage, pa.id)
    assert local_pa is not None
    wes.vault.save(local_pa.evolve(person="Wes Self-Appointed"))
    mine = wes.vault.save(
        Coverage.build(
            person="Wes",
            role=CoverageRole.ADULTS_DIRECTOR,
            regions=[Region.WEST_MIDLANDS],
            since=date(2026, 1, 1),
        )
    )
    result = wes.sync()
    assert (result.pushed, result.rejected) == (0, 2)
    assert {(r.kind, r.record_id, r.reason) for r in result.refusals} == {
        ("coverage", pa.id, REFUSED),
        ("coverage", mine.id, REFUSED),
    }
    # Nothing is lost silently: both local copies stay as written, flagged as refused, and
    # the refusal is in the audit log; the outbox does not retry them forever.
    assert Assignments(wes.vault).refused() == {pa.id: REFUSED, mine.id: REFUSED}
    kept = wes.vault.get(Coverage, pa.id)
    assert kept is not None and kept.person == "Wes Self-Appointed"
    assert wes.vault.get(Coverage, mine.id) is not None
    assert SyncState(wes.vault).outbox() == []
    refusals = wes.vault.query(
        "SELECT record_id FROM audit WHERE action = 'sync-rejected' AND kind = 'coverage'"
    )
    assert {r[0] for r in refusals} == {pa.id, mine.id}

    # Nobody else sees them.
    for device in (cora, ned):
        device.sync()
        seen = device.vault.get(Coverage, pa.id)
        assert seen is not None and seen.person == "Ann Adviser"
        assert device.vault.get(Coverage, mine.id) is None

    # The coordinator's next change replaces the refused copy everywhere.
    cover.edit(pa.id, phone="0121 303 9944")
    cora.sync()
    wes.sync()
    now = wes.vault.get(Coverage, pa.id)
    assert now is not None and (now.person, now.phone) == ("Ann Adviser", "+441213039944")
    assert Assignments(wes.vault).refused() == {mine.id: REFUSED}


def test_an_admin_may_maintain_coverage_and_a_second_coordinator_may_end_the_firsts(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    cora = enrolled(tmp_path, storage, server, "cora", role="coordinator", regions=())
    carl = enrolled(tmp_path, storage, server, "carl", role="coordinator", regions=("London",))
    ada = enrolled(tmp_path, storage, server, "ada", role="admin", regions=())
    for device in (cora, carl, ada):
        device.sync()
    made = Assignments(cora.vault).assign(
        person="Lon Don",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.LONDON],
        since=date(2025, 1, 1),
    )
    cora.sync()
    carl.sync()
    Assignments(carl.vault).end(made.assignment.id, date(2026, 3, 31))
    assert carl.sync().rejected == 0
    Assignments(ada.vault).assign(
        person="New Adviser",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.LONDON],
        since=date(2026, 4, 1),
    )
    assert ada.sync().rejected == 0
    cora.sync()
    people = {c.person: c.until for c in Assignments(cora.vault).list(region=Region.LONDON)}
    assert people == {"Lon Don": date(2026, 3, 31), "New Adviser": None}


def test_sli_sync_names_each_refused_change_and_keeps_it(
    tmp_path: Path, storage: Storage, server: BackgroundServer, vault, cli
) -> None:
    made = Assignments(vault).assign(
        person="Wes",
        role=CoverageRole.PRINCIPAL_ADVISER,
        regions=[Region.WEST_MIDLANDS],
        since=date(2026, 1, 1),
    )
    vault.close()
    code = storage.add_user("wes", "adviser", ["West Midlands"])
    assert cli("enroll", "--server", server.url, "--code", code).code == 0
    out = cli("sync", "--json")
    assert out.code == 0, out.err
    assert json.loads(out.out)["rejected"] == [
        {"kind": "coverage", "record_id": made.assignment.id, "reason": REFUSED}
    ]
    listed = json.loads(cli("coverage", "list", "--json").out)
    assert [(c["person"], c["refused"]) for c in listed] == [("Wes", REFUSED)]
    out = cli("coverage", "assign", "--person", "X", "--role", "dass", "--region", "London")
    assert out.code == 2
    assert out.err == (
        "sli: only a coordinator or an admin maintains who covers what; this device is "
        "enrolled as adviser, so coverage is read-only here\n"
    )
    text = cli("coverage", "list").out
    assert "REFUSED BY SERVER" in text
