"""``sli metrics import``: long-format figures upserted by (council, metric id, period), flexible
header spellings, non-council areas and suppressed values skipped, bad rows reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sli_desktop.importers import ImportProblem
from sli_desktop.importers.metrics import import_metrics, read_metrics
from sli_desktop.vault.metrics import Metrics
from sli_desktop.vault.overview import overview
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE, CliResult

Cli = Callable[..., CliResult]
HEADER = "Area code,Area name,Period,Metric id,Metric name,Value,Unit"


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


def test_upsert_by_council_metric_and_period(councils_vault: Vault, tmp_path: Path) -> None:
    first = write(
        tmp_path / "lginform.csv",
        [
            HEADER,
            "E08000025,Birmingham,2022/23,2471,Council tax collected,95.1,%",
            'E08000025,Birmingham,2023/24,2471,Council tax collected,"1,096.3",%',
            "E08000026,Coventry,2023/24,2471,Council tax collected,96.0,%",
            "E92000001,England,2023/24,2471,Council tax collected,96.9,%",
            "E12000005,West Midlands,2023/24,2471,Council tax collected,96.2,%",
            "E10000028,Staffordshire,2023/24,2471,Council tax collected,[x],%",
        ],
    )
    result = import_metrics(councils_vault, read_metrics(first))
    assert (result.added, result.updated, result.unchanged, len(result.skipped)) == (3, 0, 0, 3)
    again = import_metrics(councils_vault, read_metrics(first))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    corrected = write(
        tmp_path / "corrected.csv",
        [HEADER, "E08000025,Birmingham,2023/24,2471,Council tax collected,96.3,%"],
    )
    fix = import_metrics(councils_vault, read_metrics(corrected))
    assert (fix.added, fix.updated) == (0, 1)
    held = {(m.council, m.period): m.value for m in Metrics(councils_vault).list()}
    assert held == {
        ("E08000025", "2022/23"): 95.1,
        ("E08000025", "2023/24"): 96.3,
        ("E08000026", "2023/24"): 96.0,
    }
    birmingham = overview(councils_vault, "E08000025", date(2025, 1, 1))
    assert [(m.period, m.value) for m in birmingham.metrics] == [
        ("2022/23", 95.1),
        ("2023/24", 96.3),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "area_code,area_name,period,metric_id,metric_name,value,unit",
        "AREA CODE,Area Name,Time period,Indicator ID,Indicator,Data value,Units",
        "GSS code,Area,Year,Measure id,Measure,Value,Unit of measure",
    ],
)
def test_flexible_header_spellings(councils_vault: Vault, tmp_path: Path, header: str) -> None:
    path = write(tmp_path / "m.csv", [header, "E08000026,Coventry,2024,X1,Rough sleepers,12,count"])
    result = import_metrics(councils_vault, read_metrics(path))
    assert result.added == 1
    [metric] = Metrics(councils_vault).list()
    assert (metric.metric_id, metric.name, metric.unit) == ("X1", "Rough sleepers", "count")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accented_metric_names_in_every_encoding(
    councils_vault: Vault, tmp_path: Path, encoding: str
) -> None:
    path = write(
        tmp_path / "m.csv",
        [HEADER, "E08000026,Coventry,2024,N1,Dépenses per résident £,12.5,£"],
        encoding,
    )
    import_metrics(councils_vault, read_metrics(path))
    assert Metrics(councils_vault).list()[0].name == "Dépenses per résident £"


def test_bad_rows_are_reported_and_nothing_written_unless_skip_bad(
    sli: Cli, vault_path: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "bad.csv",
        [
            HEADER,
            "E08000025,Birmingham,2023/24,1,Good,1,",
            "E08999999,Nowhere,2023/24,1,Unknown council,1,",
            "E08000025,Birmingham,2023/24,2,Not a number,abc,",
            "E08000025,Birmingham,2023/24,3,Too many,1,,extra",
            "E08000025,Birmingham,2023/24,1,Good,2,",
        ],
    )
    result = sli("metrics", "import", str(path))
    assert result.code == 2
    assert result.err.startswith("sli: bad.csv, line 3: council E08999999 is not in the vault"), (
        result.err
    )
    assert "(and 3 more bad rows)" in result.err
    dry = json.loads(sli("metrics", "import", str(path), "--dry-run", "--json").out)
    assert [b["line"] for b in dry["bad"]] == [3, 4, 5, 6]
    assert dry["bad"][1]["reason"] == "Value: 'abc' is not a number; correct it, or empty the cell"
    assert dry["bad"][2]["reason"].startswith("has 8 fields where the header has 7; a value")
    assert "different value" in dry["bad"][3]["reason"]
    with unlock(vault_path, PASSPHRASE) as vault:
        assert Metrics(vault).list() == []
    ok = sli("metrics", "import", str(path), "--skip-bad")
    assert ok.code == 0, ok
    with unlock(vault_path, PASSPHRASE) as vault:
        assert [m.name for m in Metrics(vault).list()] == ["Good"]


def test_missing_required_column(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", ["Area code,Period,Metric id", "E08000025,2024,1"])
    with pytest.raises(ImportProblem) as caught:
        read_metrics(path)
    assert str(caught.value).startswith('m.csv, line 1: missing required column: "Value"')


def test_metrics_list_cli(sli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", [HEADER, "E08000025,Birmingham,2024,7,Budget,12.5,£m"])
    assert sli("metrics", "import", str(path)).code == 0
    listed = sli("metrics", "list", "--council", "Birmingham")
    assert "Budget" in listed.out and "12.5" in listed.out
