"""A coordinator's correction of a council's region or type (issue #21 item 9): synced to every
device, audited, refused to other roles, and kept when the register is imported again on the
server or on a device."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.server.storage import Storage
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.councils import CorrectionRefused, Councils
from tests.background_server import BackgroundServer
from tests.integration.sync.support import BHAM, enrolled, register_payloads


def _council(device, gss: str = BHAM) -> Council:
    got = device.vault.get(Council, council_id(gss))
    assert got is not None
    return got


def test_a_coordinators_correction_reaches_every_device_and_survives_reimports(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    coordinator = enrolled(tmp_path, storage, server, "cora", role="coordinator", regions=())
    adviser = enrolled(
        tmp_path, storage, server, "adam", regions=("West Midlands", "East Midlands")
    )
    coordinator.sync()
    adviser.sync()

    Councils(coordinator.vault).correct(BHAM, region=Region.EAST_MIDLANDS)
    (entry,) = [e for e in AuditLog(coordinator.vault).for_record(council_id(BHAM))][-1:]
    assert json.loads(entry.detail)["correction"] == {"region": ["West Midlands", "East Midlands"]}
    result = coordinator.sync()
    assert result.conflicts == 0
    adviser.sync()
    got = _council(adviser)
    assert got.region is Region.EAST_MIDLANDS and got.corrected == ["region"]

    # The server's register import keeps the correction (and the adviser's own knowledge).
    adviser.vault.save(got.evolve(political_control="Labour"))
    adviser.sync()
    storage.import_councils(register_payloads())
    for device in (coordinator, adviser):
        device.sync()
        council = _council(device)
        assert council.region is Region.EAST_MIDLANDS
        assert council.political_control == "Labour"

    # So does a register import on the device.
    plain = Council.build(
        id=council_id(BHAM),
        gss_code=BHAM,
        name="Birmingham City Council",
        type=CouncilType.METROPOLITAN_DISTRICT,
        region=Region.WEST_MIDLANDS,
    )
    plan = Councils(adviser.vault).plan_register([plain])
    assert [(c.gss_code, f, v) for c, f, v in plan.corrections_kept] == [
        (BHAM, "region", "West Midlands")
    ]
    Councils(adviser.vault).apply(plan)
    assert _council(adviser).region is Region.EAST_MIDLANDS


def test_only_a_coordinator_corrects_the_register(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    adviser = enrolled(tmp_path, storage, server, "adam", regions=("West Midlands",))
    adviser.sync()
    with pytest.raises(CorrectionRefused, match="Only a programme coordinator"):
        Councils(adviser.vault).correct(BHAM, type=CouncilType.UNITARY)
    # A device that writes the fields anyway does not move the server's register.
    council = _council(adviser)
    adviser.vault.save(
        council.evolve(region=Region.LONDON, corrected=["region"], political_control="Green")
    )
    adviser.sync()
    other = enrolled(tmp_path, storage, server, "bea", regions=("West Midlands",))
    other.sync()
    got = _council(other)
    assert got.region is Region.WEST_MIDLANDS and got.corrected == []
    assert got.political_control == "Green"


def test_an_abolition_on_the_server_reaches_devices_and_an_older_file_keeps_it(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    from datetime import date

    adviser = enrolled(tmp_path, storage, server, "adam", regions=("West Midlands",))
    adviser.sync()
    current = [p for p in register_payloads() if p["gss_code"] == BHAM]
    ended = [{**current[0], "ended_on": "2026-04-01", "replaced_by": ["NEW"]}]
    storage.import_councils(ended)
    adviser.sync()
    got = _council(adviser)
    assert got.abolished and got.ended_on == date(2026, 4, 1) and got.replaced_by == ["NEW"]
    # The register as it was before: the council stays abolished.
    assert storage.import_councils(current) == 0
    adviser.sync()
    assert _council(adviser).ended_on == date(2026, 4, 1)
