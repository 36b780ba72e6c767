"""Importing the real UK local authority register (../shared/data) into a real vault, through
the API and through ``sli council import``: counts, idempotence, atomicity and encodings."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sli_desktop.domain import Council, CouncilType, Nation, Region
from sli_desktop.importers import ImportProblem
from sli_desktop.importers.register import read_register
from sli_desktop.vault.councils import Councils, UpsertResult
from sli_desktop.vault.header import header_path
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.session import create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE, REGISTER_CSV, CliResult

Cli = Callable[..., CliResult]

ENGLISH_TYPES = {
    CouncilType.COUNTY: 21,
    CouncilType.NON_METROPOLITAN_DISTRICT: 164,
    CouncilType.UNITARY: 63,
    CouncilType.METROPOLITAN_DISTRICT: 36,
    CouncilType.LONDON_BOROUGH: 32,
    CouncilType.CITY_CORPORATION: 1,
}


# -- helpers ---------------------------------------------------------------------------------


def counts(vault: Vault) -> dict[str, int]:
    return {
        table: int(vault.scalar(f"SELECT count(*) FROM {table}"))
        for table in ("councils", "outbox", "audit")
    }


def counts_at(path: Path) -> dict[str, int]:
    with unlock(path, PASSPHRASE) as vault:
        return counts(vault)


def register_rows() -> tuple[list[str], list[list[str]]]:
    with REGISTER_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def index_of(rows: list[list[str]], header: list[str], gss: str) -> int:
    column = header.index("gss-code")
    return next(i for i, r in enumerate(rows) if r[column] == gss)


def one_line_error(result: CliResult) -> str:
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.startswith("sli: ")
    assert result.err.endswith("\n") and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    return result.err[len("sli: ") :].rstrip("\n")


# -- an imported vault, made once per module and copied per test ------------------------------


@pytest.fixture(scope="module")
def imported_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, UpsertResult]:
    """The register imported once through the API (a full import costs about a second)."""
    if not REGISTER_CSV.exists():
        pytest.skip(f"reference data not present at {REGISTER_CSV} (a clone has no ../shared)")
    path = tmp_path_factory.mktemp("template") / "imported.sli"
    created = create_vault(path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    with created.vault as vault:
        result = Councils(vault).upsert_register(read_register(REGISTER_CSV))
    return path, result


@pytest.fixture
def imported(imported_template: tuple[Path, UpsertResult], vault_path: Path) -> Iterator[Vault]:
    """A copy at ``vault_path`` of a vault holding the 317 English councils."""
    template, _ = imported_template
    vault_path.parent.mkdir(parents=True)
    shutil.copyfile(template, vault_path)
    shutil.copyfile(header_path(template), header_path(vault_path))
    vault = unlock(vault_path, PASSPHRASE)
    yield vault
    vault.close()


# -- the real register through the API ---------------------------------------------------------


def test_the_register_gives_317_english_councils_in_all_nine_regions(
    imported_template: tuple[Path, UpsertResult], imported: Vault
) -> None:
    _, result = imported_template
    assert (result.added, result.updated, result.unchanged) == (317, 0, 0)
    stored = Councils(imported).list()
    assert len(stored) == Councils(imported).count() == 317
    assert {c.nation for c in stored} == {Nation.ENGLAND}
    regions = Counter(c.region for c in stored)
    assert set(regions) == set(Region.english())
    assert regions[Region.SOUTH_EAST] == 70
    assert regions[Region.LONDON] == 33  # 32 boroughs and the City of London
    assert sum(regions.values()) == 317
    assert Counter(c.type for c in stored) == ENGLISH_TYPES
    # one outbox row per council written, each journalled as an upsert at version 1
    assert imported.scalar("SELECT count(*) FROM outbox") == 317
    assert imported.scalar("SELECT count(*) FROM outbox WHERE op = 'upsert' AND version = 1") == 317
    assert len(Councils(imported).list(Region.SOUTH_EAST)) == 70


def test_read_register_alone_gives_317(register_csv: Path) -> None:
    councils = read_register(register_csv)
    assert len(councils) == len({c.gss_code for c in councils}) == 317
    assert Counter(c.type for c in councils) == ENGLISH_TYPES
    assert Counter(c.region for c in councils)[Region.SOUTH_EAST] == 70


def test_combined_authorities_and_the_gla_are_not_imported(imported: Vault) -> None:
    names = {c.name for c in Councils(imported).list()}
    assert "Greater London Authority" not in names
    assert not [n for n in names if "Combined Authority" in n]
    assert "City of London Corporation" in names or any("City of London" in n for n in names)
    bham = Councils(imported).get("E08000025")
    assert bham.short_name == "Birmingham"
    assert bham.type is CouncilType.METROPOLITAN_DISTRICT
    assert bham.region is Region.WEST_MIDLANDS
    assert Councils(imported).get("birmingham").gss_code == "E08000025"


def test_all_nations_adds_wales_scotland_and_northern_ireland(
    imported: Vault, register_csv: Path
) -> None:
    before = counts(imported)
    result = Councils(imported).upsert_register(read_register(register_csv, all_nations=True))
    assert (result.added, result.updated, result.unchanged) == (65, 0, 317)
    stored = Councils(imported).list()
    assert len(stored) == 382
    assert Counter(c.nation for c in stored) == {
        Nation.ENGLAND: 317,
        Nation.SCOTLAND: 32,
        Nation.WALES: 22,
        Nation.NORTHERN_IRELAND: 11,
    }
    assert counts(imported)["outbox"] == before["outbox"] + 65
    # the broken alternative name from an old encoding mistake is kept as data
    anglesey = Councils(imported).get("W06000001")
    assert anglesey.type is CouncilType.WELSH_UNITARY
    assert "Sir Ynys Mï¿½n" in anglesey.alt_names


def test_a_second_import_changes_nothing(imported: Vault, register_csv: Path) -> None:
    before = counts(imported)
    versions = dict(imported.query("SELECT gss_code, version FROM councils"))
    result = Councils(imported).upsert_register(read_register(register_csv))
    assert (result.added, result.updated, result.unchanged) == (0, 0, 317)
    assert counts(imported) == before
    assert dict(imported.query("SELECT gss_code, version FROM councils")) == versions


def test_reimport_keeps_what_advisers_maintain(imported: Vault, register_csv: Path) -> None:
    councils = Councils(imported)
    bham = councils.get("E08000025")
    imported.save(
        bham.evolve(
            political_control="Labour",
            control_changed_on="2024-05-02",
            improvement_board=True,
            improvement_board_since="2024-06-01",
        )
    )
    result = councils.upsert_register(read_register(register_csv))
    assert (result.added, result.updated) == (0, 0)
    again = councils.get("E08000025")
    assert again.political_control == "Labour"
    assert again.improvement_board is True
    assert str(again.improvement_board_since) == "2024-06-01"


def test_reimport_refreshes_register_fields_only(
    imported: Vault, tmp_path: Path, register_csv: Path
) -> None:
    councils = Councils(imported)
    imported.save(councils.get("E08000025").evolve(political_control="No overall control"))
    header, rows = register_rows()
    at = index_of(rows, header, "E08000025")
    rows[at][header.index("nice-name")] = "Birmingham (renamed)"
    before = counts(imported)
    result = councils.upsert_register(read_register(write_rows(tmp_path / "r.csv", header, rows)))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 316)
    bham = councils.get("E08000025")
    assert bham.short_name == "Birmingham (renamed)"
    assert bham.political_control == "No overall control"
    assert bham.version == 3
    assert counts(imported)["outbox"] == before["outbox"] + 1


def test_reimport_restores_a_deleted_council(imported: Vault, register_csv: Path) -> None:
    councils = Councils(imported)
    imported.delete(councils.get("E08000025"))
    assert councils.count() == 316
    result = councils.upsert_register(read_register(register_csv))
    assert (result.added, result.updated) == (0, 1)
    assert councils.get("E08000025").deleted is False
    assert councils.count() == 317


def test_columns_are_found_by_header_name(tmp_path: Path, register_csv: Path) -> None:
    header, rows = register_rows()
    order = list(range(len(header)))
    random.Random(20240501).shuffle(order)
    assert order != sorted(order)
    shuffled = write_rows(
        tmp_path / "shuffled.csv",
        [header[i] for i in order],
        [[r[i] for i in order] for r in rows],
    )

    def comparable(councils: list[Council]) -> list[dict[str, object]]:
        return [c.model_dump(exclude={"created_at", "updated_at"}) for c in councils]

    for all_nations in (False, True):
        assert comparable(read_register(shuffled, all_nations=all_nations)) == comparable(
            read_register(register_csv, all_nations=all_nations)
        )


# -- a malformed row: reported with its line, and nothing written ------------------------------


def _break(kind: str, header: list[str], rows: list[list[str]], at: int) -> str:
    """Break row ``at`` (0-based data row) the way ``kind`` says; return the expected reason."""
    target = rows[at]
    if kind == "too few fields":
        del target[-3:]
        return f"has {len(header) - 3} fields where the header has {len(header)}"
    if kind == "too many fields":
        target.append("surplus")
        return f"has {len(header) + 1} fields where the header has {len(header)}"
    if kind == "bad GSS code":
        target[header.index("gss-code")] = "E0800002"
        return "gss_code: must be a GSS code such as E08000025"
    if kind == "unknown region":
        target[header.index("region")] = "Midlands"
        return "unknown region 'Midlands'"
    if kind == "current-authority not True/False":
        target[header.index("current-authority")] = "Yes"
        return "current-authority must be True or False, not 'Yes'"
    if kind == "duplicate GSS":
        # repeat the code of the last current English council before this row
        first = max(i for i in range(at) if _english_council(header, rows[i]))
        gss = rows[first][header.index("gss-code")]
        target[header.index("gss-code")] = gss
        return f"GSS code {gss} is repeated (first on line {first + 2})"
    raise AssertionError(kind)


def _english_council(header: list[str], row: list[str]) -> bool:
    return (
        row[header.index("nation")] == "England"
        and row[header.index("current-authority")] == "True"
        and row[header.index("local-authority-type")] not in ("COMB", "SRA")
    )


MALFORMED = [
    "too few fields",
    "too many fields",
    "bad GSS code",
    "unknown region",
    "current-authority not True/False",
    "duplicate GSS",
]


def test_a_malformed_row_is_reported_and_nothing_is_imported_through_the_api(
    councils_vault: Vault, tmp_path: Path, register_csv: Path
) -> None:
    before = counts(councils_vault)
    for kind in MALFORMED:
        header, rows = register_rows()
        at = index_of(rows, header, "E08000025")  # Birmingham: current, English, mid-file
        reason = _break(kind, header, rows, at)
        path = write_rows(tmp_path / "broken.csv", header, rows)
        with pytest.raises(ImportProblem) as caught:
            Councils(councils_vault).upsert_register(read_register(path))
        assert str(caught.value) == f"broken.csv, line {at + 2}: {reason}", kind
        assert caught.value.line == at + 2
        assert counts(councils_vault) == before, kind


def test_a_malformed_row_is_reported_and_nothing_is_imported_through_the_cli(
    councils_vault: Vault, cli: Cli, tmp_path: Path, register_csv: Path
) -> None:
    before = counts(councils_vault)
    councils_vault.close()
    for kind in MALFORMED:
        header, rows = register_rows()
        # late in the file, so hundreds of good councils come before the bad row
        at = [i for i, r in enumerate(rows) if _english_council(header, r)][-5]
        reason = _break(kind, header, rows, at)
        path = write_rows(tmp_path / "broken.csv", header, rows)
        message = one_line_error(cli("council", "import", str(path)))
        assert message == f"broken.csv, line {at + 2}: {reason}", kind
        assert counts_at(councils_vault.path) == before, kind


def test_a_failure_part_way_through_an_upsert_writes_nothing(
    councils_vault: Vault, register_csv: Path
) -> None:
    before = counts(councils_vault)
    good = read_register(register_csv)

    def entries() -> Iterator[Council]:
        yield from good[:20]
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        Councils(councils_vault).upsert_register(entries())
    assert counts(councils_vault) == before
    assert Councils(councils_vault).count() == 6


# -- through the CLI ----------------------------------------------------------------------------


def _counts(out: str) -> dict[str, int]:
    found = json.loads(out)
    return {k: found[k] for k in ("added", "updated", "unchanged")}


def test_cli_import_reports_counts_and_is_idempotent(
    vault: Vault, cli: Cli, register_csv: Path
) -> None:
    vault.close()
    first = cli("council", "import", str(register_csv), "--json")
    assert first.code == 0, first.err
    # The 48 English councils that have ended are kept too, as history (out of the lists).
    assert _counts(first.out) == {"added": 317 + 48, "updated": 0, "unchanged": 0}
    before = counts_at(vault.path)
    second = cli("council", "import", str(register_csv), "--json")
    assert _counts(second.out) == {"added": 0, "updated": 0, "unchanged": 317 + 48}
    after = counts_at(vault.path)
    assert after["councils"] == before["councils"] == 317 + 48
    assert after["outbox"] == before["outbox"]  # NO new outbox rows
    assert after["audit"] == before["audit"] + 1  # the import itself is audited
    text = cli("council", "import", str(register_csv))
    assert text.code == 0
    assert text.out == (
        "317 current and 48 abolished councils read.\n"
        "0 councils to add, 0 to update, 365 unchanged.\n"
    )


def test_cli_import_all_nations(imported: Vault, cli: Cli, register_csv: Path) -> None:
    imported.close()
    result = cli("council", "import", str(register_csv), "--all-nations", "--json")
    assert result.code == 0, result.err
    # the fixture holds the 317 current English councils; the 48 that have ended come too
    assert _counts(result.out) == {"added": 65 + 48, "updated": 0, "unchanged": 317}
    listed = json.loads(cli("council", "list", "--json").out)
    assert len(listed) == 382
    wales = json.loads(cli("council", "list", "--region", "wales", "--json").out)
    assert len(wales) == 22
    shown = cli("council", "show", "W06000001", "--json")
    assert shown.code == 0
    assert "Sir Ynys Mï¿½n" in shown.out  # as itself, not \u-escaped
    assert "Sir Ynys Mï¿½n" in json.loads(shown.out)["alt_names"]


def test_cli_import_records_an_audit_entry(vault: Vault, cli: Cli, tmp_path: Path) -> None:
    vault.close()
    path = _small_register(tmp_path / "small.csv", "utf-8")
    assert cli("council", "import", str(path), "--all-nations").code == 0
    entries = json.loads(cli("audit", "--json").out)
    imports = [e for e in entries if e["action"] == "import"]
    assert len(imports) == 1
    detail = imports[0]["detail"]
    assert detail["file"] == "small.csv" and detail["as_of"] is None
    assert {k: detail[k] for k in ("added", "updated", "unchanged", "abolished")} == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "abolished": 0,
    }


def _small_register(
    path: Path, encoding: str, welsh: str = "Caerŵyn", alt: str = "Ynys Môn"
) -> Path:
    header = [
        "gss-code",
        "official-name",
        "nice-name",
        "local-authority-code",
        "nation",
        "region",
        "local-authority-type",
        "current-authority",
        "alt-names",
    ]
    rows = [
        ["W06000099", f"Cyngor Sir {welsh}", welsh, "CWY", "Wales", "Wales", "WPA", "True", alt],
        [
            "E08000025",
            "Birmingham City Council",
            "Birmingham",
            "BIR",
            "England",
            "West Midlands",
            "MD",
            "True",
            "Brum,Café Brum",
        ],
    ]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "welsh", "alt"),
    [
        ("utf-8-sig", "Caerŵyn", "Ynys Môn,Sir Gâr"),  # ŵ is not in Windows-1252
        ("utf-8", "Caerŵyn", "Ynys Môn,Sir Gâr"),
        ("cp1252", "Môn", "Ynys Môn,Café"),
    ],
)
def test_cli_import_keeps_accents_whatever_the_encoding(
    vault: Vault, cli: Cli, tmp_path: Path, encoding: str, welsh: str, alt: str
) -> None:
    vault.close()
    path = _small_register(tmp_path / "welsh.csv", encoding, welsh, alt)
    if encoding == "utf-8-sig":
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    result = cli("council", "import", str(path), "--all-nations")
    assert result.code == 0, result.err
    shown = cli("council", "show", "W06000099", "--json")
    assert shown.code == 0, shown.err
    council = json.loads(shown.out)
    assert council["name"] == f"Cyngor Sir {welsh}"
    assert council["short_name"] == welsh
    assert council["alt_names"] == alt.split(",")
    assert welsh in shown.out  # non-ASCII as itself in the JSON
    bham = json.loads(cli("council", "show", "E08000025", "--json").out)
    assert bham["alt_names"] == ["Brum", "Café Brum"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "bad.csv: is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "bad.csv: is a binary file, not text"),
        (
            b"local-authority-code,official-name,gss-code\nBIR,Birmingham,E08000025\n",
            "bad.csv, line 1: missing required columns: nice-name, nation, region, "
            "local-authority-type, current-authority, alt-names",
        ),
    ],
    ids=["empty", "binary", "missing-columns"],
)
def test_cli_refuses_files_that_are_not_a_register_in_one_line(
    councils_vault: Vault, cli: Cli, tmp_path: Path, content: bytes, expected: str
) -> None:
    before = counts(councils_vault)
    councils_vault.close()
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert one_line_error(cli("council", "import", str(path))) == expected
    assert counts_at(councils_vault.path) == before


def test_cli_refuses_a_file_that_does_not_exist(vault: Vault, cli: Cli, tmp_path: Path) -> None:
    vault.close()
    assert one_line_error(cli("council", "import", str(tmp_path / "nope.csv"))) == (
        "nope.csv: no such file"
    )


def test_cli_reimport_preserves_political_control(
    imported: Vault, cli: Cli, register_csv: Path
) -> None:
    councils = Councils(imported)
    imported.save(councils.get("E08000025").evolve(political_control="Labour"))
    imported.close()
    result = cli("council", "import", str(register_csv), "--json")
    assert _counts(result.out) == {"added": 48, "updated": 0, "unchanged": 317}  # ended ones
    shown = json.loads(cli("council", "show", "E08000025", "--json").out)
    assert shown["political_control"] == "Labour"
    assert shown["short_name"] == "Birmingham"
