"""Figures as Oflog and LG Inform publish them, imported without editing: their own column
names, long and wide layouts, "2016-17" periods, suppressed and missing values, title lines
above the header; figures for abolished councils go to their one successor via the register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.importers import ImportProblem
from sli_desktop.importers.metrics import import_metrics, period_of, read_metrics
from sli_desktop.vault.metrics import Metrics
from sli_desktop.vault.store import Vault

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "figures"
CONTROL = "Proportion of people who use services who have control over their daily life"


@pytest.fixture
def cumbria(councils_vault: Vault) -> Vault:
    """Cumbria's councils as the register has them since April 2023: the county split between
    two unitaries, Allerdale one of three districts now in Cumberland."""
    rows = [
        ("E06000063", "Cumberland Council", "Cumberland", "CMB", CouncilType.UNITARY, None, []),
        (
            "E06000064",
            "Westmorland and Furness Council",
            "Westmorland and Furness",
            "WAF",
            CouncilType.UNITARY,
            None,
            [],
        ),
        (
            "E10000006",
            "Cumbria County Council",
            "Cumbria",
            "CMA",
            CouncilType.COUNTY,
            date(2023, 3, 31),
            ["CMB", "WAF"],
        ),
        (
            "E07000026",
            "Allerdale Borough Council",
            "Allerdale",
            "ALL",
            CouncilType.NON_METROPOLITAN_DISTRICT,
            date(2023, 3, 31),
            ["CMB"],
        ),
    ]
    for gss, name, short, la, kind, ended, after in rows:
        councils_vault.save(
            Council.build(
                id=council_id(gss),
                gss_code=gss,
                name=name,
                short_name=short,
                la_code=la,
                type=kind,
                region=Region.NORTH_WEST,
                ended_on=ended,
                replaced_by=after,
            )
        )
    return councils_vault


def held(vault: Vault) -> dict[tuple[str, str, str], float]:
    return {(m.council, m.name, m.period): m.value for m in Metrics(vault).list()}


def test_oflog_long_download_with_its_own_columns_and_predecessors(cumbria: Vault) -> None:
    parsed = read_metrics(SAMPLES / "oflog_adult_social_care.csv")
    assert parsed.problems == []
    result = import_metrics(cumbria, parsed)
    assert held(cumbria) == {
        ("E08000025", CONTROL, "2021/22"): 77.3,
        ("E08000025", CONTROL, "2022/23"): 76.1,
        ("E06000063", CONTROL, "2022/23"): 70.0,  # Allerdale's, given to Cumberland
    }
    assert result.mapped == [(7, "E07000026", "E06000063")]
    skipped = {s.line: s.reason for s in result.skipped}
    assert skipped == {
        4: "no figure (missing or suppressed)",
        5: "E12000005 is not a council",
        6: "E92000001 is not a council",
        8: "E10000006 (Cumbria) was abolished and split between Cumberland and Westmorland "
        "and Furness: its figure cannot be given to either",
        10: "a note in the file, not a figure",  # the footnotes below the table
        11: "a note in the file, not a figure",
    }
    assert "1 for abolished councils given to their successors" in result.summary


def test_a_successor_s_own_figure_is_never_replaced_by_a_predecessor_s(
    cumbria: Vault, tmp_path: Path
) -> None:
    path = tmp_path / "both.csv"
    path.write_text(
        "Financial year,Local authority code,Measure,Value\n"
        "2023-24,E07000026,Recycling rate,40.0\n"
        "2023-24,E06000063,Recycling rate,38.5\n",
        encoding="utf-8",
    )
    result = import_metrics(cumbria, read_metrics(path))
    assert held(cumbria) == {("E06000063", "Recycling rate", "2023/24"): 38.5}
    assert [s.line for s in result.skipped] == [2] and result.mapped == []


def test_lg_inform_wide_download_with_title_lines(councils_vault: Vault) -> None:
    parsed = read_metrics(SAMPLES / "lginform_recycling_wide.csv")
    assert parsed.problems == []
    result = import_metrics(councils_vault, parsed)
    name = "Percentage of household waste sent for reuse, recycling or composting"
    assert held(councils_vault) == {
        ("E08000025", name, "2016/17"): 24.0,
        ("E08000025", name, "2017/18"): 22.5,
        ("E08000026", name, "2016/17"): 32.1,
        ("E08000026", name, "2017/18"): 30.9,
        ("E08000026", name, "2018/19"): 31.5,
    }
    # lines as an editor shows them: the header is line 4
    assert {(s.line, s.reason) for s in result.skipped} == {
        (5, "no figure (missing or suppressed)"),
        (7, "E92000001 is not a council"),
    }


def test_oflog_wide_by_measure(councils_vault: Vault) -> None:
    result = import_metrics(councils_vault, read_metrics(SAMPLES / "oflog_waste_measures_wide.csv"))
    assert held(councils_vault) == {
        ("E08000025", "Household waste recycling rate", "2022/23"): 22.4,
        ("E08000025", "Residual household waste per household (kg)", "2022/23"): 580.1,
        ("E10000028", "Residual household waste per household (kg)", "2022/23"): 470.3,
    }
    assert [s.line for s in result.skipped] == [3]


def test_the_same_year_written_two_ways_is_one_figure(
    councils_vault: Vault, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_text("Area code,Period,Metric,Value\nE08000025,2016-17,Rate,1\n", "utf-8")
    second = tmp_path / "b.csv"
    second.write_text("Area code,Year,Metric,Value\nE08000025,2016/2017,Rate,2\n", "utf-8")
    import_metrics(councils_vault, read_metrics(first))
    result = import_metrics(councils_vault, read_metrics(second))
    assert (result.added, result.updated) == (0, 1)
    assert held(councils_vault) == {("E08000025", "Rate", "2016/17"): 2.0}


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("2016-17", "2016/17"),
        ("2016/17", "2016/17"),
        ("2016/2017", "2016/17"),
        ("FY 2016-17", "2016/17"),
        ("2016 to 2017", "2016/17"),
        ("2019-20 Q1", "2019/20 Q1"),
        ("1999-00", "1999/00"),
        ("2016", "2016"),
        ("2016-18", "2016-18"),  # two years: not one financial year, kept as written
        ("Mar 2020", "Mar 2020"),
    ],
)
def test_periods(written: str, period: str) -> None:
    assert period_of(written) == period


def test_a_file_naming_no_period_says_what_to_add(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("Local authority code,Measure,Value\nE08000025,Rate,1\n", "utf-8")
    with pytest.raises(ImportProblem, match=r'"Period" \(or "Financial year"'):
        read_metrics(path)
