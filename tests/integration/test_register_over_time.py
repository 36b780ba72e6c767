"""The register over time (issue #21 item 9, issue #24 item 6), through ``sli`` and the real
register: councils that have ended are marked abolished with their successors, leave the
default lists and keep their history; a coordinator's correction survives re-importing; a
file older than what the vault holds changes nothing without saying so."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Region
from sli_desktop.importers.register import read_release
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault

DERBYSHIRE, ALLERDALE, CUMBERLAND = "E10000007", "E07000026", "E06000063"


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_release_lists_ended_councils_with_successors(register_csv: Path) -> None:
    release = read_release(register_csv)
    assert len(release.current) == 317
    ended = {c.gss_code: c for c in release.ended}
    allerdale = ended[ALLERDALE]
    assert str(allerdale.ended_on) == "2023-04-01" and allerdale.replaced_by == ["CBD"]
    assert allerdale.region is Region.NORTH_WEST
    # An ended council with no region in the file takes its successor's.
    assert ended["E10000002"].region is Region.SOUTH_EAST  # Buckinghamshire County Council
    assert release.as_of is not None and release.as_of.year >= 2023
    by_code = {c.la_code: c for c in release.current}
    assert by_code["BIR"].combined_authority == by_code["COV"].combined_authority == "WMCA"


def test_import_marks_abolished_councils_keeps_history_and_corrections(
    cli: Any, vault: Vault, register_csv: Path, tmp_path: Path
) -> None:
    header, rows = _rows(register_csv)
    # An earlier release: Allerdale still current, nothing dated after 2022.
    early = []
    for row in rows:
        if row["gss-code"] == CUMBERLAND:
            continue
        if row["gss-code"] == ALLERDALE:
            row = {**row, "end-date": "", "replaced-by": "", "current-authority": "True"}
        for key in ("start-date", "end-date"):
            if row[key] > "2022-12-31":
                row = {**row, key: ""}
                if key == "end-date":
                    row["current-authority"] = "True"
        early.append(row)
    old_file = _write(tmp_path / "register-2022.csv", header, early)
    vault.close()

    done = cli("council", "import", str(old_file), "--json")
    assert done.code == 0, done.err
    cli("note", "add", "--council", ALLERDALE, "--title", "Flood recovery", "--body", "Held")
    assert (
        cli("council", "correct", "Derbyshire County Council", "--region", "East Midlands").code
        == 0
    )

    preview = cli("council", "import", str(register_csv), "--dry-run")
    assert preview.code == 0, preview.err
    assert "to mark abolished: Allerdale" in preview.out
    assert "Kept as corrected: Derbyshire's region (the file says West Midlands)." in preview.out
    assert cli("council", "show", ALLERDALE).out.count("Abolished") == 0  # a dry run

    done = cli("council", "import", str(register_csv), "--json")
    result = json.loads(done.out)
    assert ALLERDALE in result["abolished_councils"] and result["corrections_kept"] == 1
    assert result["kept_corrections"] == [
        {"gss": DERBYSHIRE, "field": "region", "register": "West Midlands"}
    ]

    shown = cli("council", "show", ALLERDALE)
    assert "Abolished on 2023-04-01; replaced by Cumberland Council" in shown.out
    assert "Flood recovery" in shown.out  # its history stays
    listed = json.loads(cli("council", "list", "--json").out)
    assert ALLERDALE not in {c["gss_code"] for c in listed} and len(listed) == 317
    every = json.loads(cli("council", "list", "--abolished", "--json").out)
    assert ALLERDALE in {c["gss_code"] for c in every}
    derbyshire = json.loads(cli("council", "show", DERBYSHIRE, "--json").out)
    assert derbyshire["region"] == "East Midlands" and derbyshire["corrected"] == ["region"]

    # The older file again: it would bring Allerdale back and undo newer facts. It does not,
    # and the preview says so.
    again = cli("council", "import", str(old_file))
    assert again.code == 0, again.err
    assert "This file is older than the register the vault holds" in again.out
    assert "Allerdale ended on 1 Apr 2023; this file still lists it as a current council" in (
        again.out
    )
    shown = json.loads(cli("council", "show", ALLERDALE, "--json").out)
    assert shown["ended_on"] == "2023-04-01" and shown["replaced_by"] == ["CBD"]


def test_only_englands_regions_are_corrections(cli: Any, councils_vault: Vault) -> None:
    councils_vault.close()
    refused = cli("council", "correct", "Birmingham", "--region", "Wales")
    assert refused.code == 2
    assert refused.err.strip() == "sli: Choose one of England's nine regions for Birmingham."


def test_a_correction_is_audited(councils_vault: Vault) -> None:
    from sli_desktop.domain import CouncilType
    from sli_desktop.vault.audit import AuditLog

    council = Councils(councils_vault).correct("Coventry", type=CouncilType.UNITARY)
    assert council.type is CouncilType.UNITARY and council.corrected == ["type"]
    entry = AuditLog(councils_vault).for_record(council.id)[-1]
    assert json.loads(entry.detail)["correction"] == {
        "type": ["metropolitan district", "unitary authority"]
    }
    assert Notes(councils_vault).count() == 0


@pytest.mark.parametrize("field", ["region", "type"])
def test_a_correction_to_the_same_value_writes_nothing(councils_vault: Vault, field: str) -> None:
    before = Councils(councils_vault).get("Coventry")
    after = Councils(councils_vault).correct("Coventry", **{field: getattr(before, field)})
    assert after.version == before.version and after.corrected == []


def test_regional_briefings_are_for_englands_nine_regions(
    cli: Any, councils_vault: Vault, tmp_path: Path
) -> None:
    councils_vault.close()
    refused = cli("brief", "region", "Wales", "-o", str(tmp_path / "wales.pdf"))
    assert refused.code == 2
    assert "Wales is not one of England's nine regions" in refused.err
    assert not (tmp_path / "wales.pdf").exists()
