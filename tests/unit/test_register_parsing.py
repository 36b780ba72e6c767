"""Reading the register CSV: columns by header name, clear line-numbered problems, and any
encoding an adviser's tools produce. Small files made here; the real register is in
tests/integration/test_register_import.py."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import CouncilType, Nation, Region, council_id
from sli_desktop.importers import ImportProblem
from sli_desktop.importers.register import REQUIRED, read_register

HEADER = [
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "start-date",
    "end-date",
    "replaced-by",
    "nation",
    "region",
    "local-authority-type",
    "local-authority-type-name",
    "alt-names",
    "current-authority",
    "pop-2020",
]


def row(**overrides: str) -> dict[str, str]:
    base = {
        "local-authority-code": "BIR",
        "official-name": "Birmingham City Council",
        "nice-name": "Birmingham",
        "gss-code": "E08000025",
        "start-date": "1974-04-01",
        "end-date": "",
        "replaced-by": "",
        "nation": "England",
        "region": "West Midlands",
        "local-authority-type": "MD",
        "local-authority-type-name": "Metropolitan district",
        "alt-names": "Birmingham,birmingham city council,Brum",
        "current-authority": "True",
        "pop-2020": "1141816.0",
    }
    base.update(overrides)
    return base


ANGLESEY = row(
    **{
        "local-authority-code": "AGY",
        "official-name": "Isle of Anglesey County Council",
        "nice-name": "Isle of Anglesey",
        "gss-code": "W06000001",
        "nation": "Wales",
        "region": "Wales",
        "local-authority-type": "WPA",
        "local-authority-type-name": "Welsh unitary authority",
        "alt-names": "Isle of Anglesey,Sir Ynys Mï¿½n,anglesey,Cyngor Sir Ynys Môn",
        "pop-2020": "70440.0",
    }
)
COVENTRY = row(
    **{
        "local-authority-code": "COV",
        "official-name": "Coventry City Council",
        "nice-name": "Coventry",
        "gss-code": "E08000026",
        "alt-names": "Coventry",
        "pop-2020": "",
    }
)


def csv_text(rows: list[dict[str, str]], header: list[str] = HEADER) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "register.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problem(path: Path, **kwargs: bool) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        read_register(path, **kwargs)
    return caught.value


def test_a_small_register_becomes_councils(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([row(), COVENTRY, ANGLESEY]))
    councils = read_register(path)
    assert [c.gss_code for c in councils] == ["E08000025", "E08000026"]
    bham = councils[0]
    assert bham.id == council_id("E08000025")
    assert bham.name == "Birmingham City Council"
    assert bham.short_name == "Birmingham"
    assert bham.la_code == "BIR"
    assert bham.type is CouncilType.METROPOLITAN_DISTRICT
    assert bham.region is Region.WEST_MIDLANDS
    assert bham.nation is Nation.ENGLAND
    assert bham.population == 1141816
    # alternative names exclude the official and nice names, case-insensitively
    assert bham.alt_names == ["Brum"]
    assert councils[1].population is None


def test_all_nations_adds_wales_with_its_welsh_names_and_the_broken_one(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([row(), ANGLESEY]))
    councils = read_register(path, all_nations=True)
    anglesey = councils[1]
    assert anglesey.nation is Nation.WALES
    assert anglesey.region is Region.WALES
    assert anglesey.type is CouncilType.WELSH_UNITARY
    assert anglesey.alt_names == ["Sir Ynys Mï¿½n", "anglesey", "Cyngor Sir Ynys Môn"]


@pytest.mark.parametrize(
    ("code", "type_"),
    [
        ("CTY", CouncilType.COUNTY),
        ("NMD", CouncilType.NON_METROPOLITAN_DISTRICT),
        ("UA", CouncilType.UNITARY),
        ("MD", CouncilType.METROPOLITAN_DISTRICT),
        ("LBO", CouncilType.LONDON_BOROUGH),
        ("CC", CouncilType.CITY_CORPORATION),
    ],
)
def test_the_six_english_council_types(tmp_path: Path, code: str, type_: CouncilType) -> None:
    path = write(tmp_path, csv_text([row(**{"local-authority-type": code})]))
    assert read_register(path)[0].type is type_


def test_combined_authorities_the_gla_and_past_councils_are_not_councils(tmp_path: Path) -> None:
    rows = [
        row(),
        row(**{"gss-code": "E47000007", "local-authority-type": "COMB", "official-name": "WMCA"}),
        row(**{"gss-code": "E12000007", "local-authority-type": "SRA", "region": "London"}),
        row(**{"gss-code": "E07000001", "current-authority": "False", "local-authority-type": "X"}),
    ]
    councils = read_register(write(tmp_path, csv_text(rows)))
    assert [c.gss_code for c in councils] == ["E08000025"]


def test_columns_are_found_by_header_name_not_position(tmp_path: Path) -> None:
    rows = [row(), COVENTRY, ANGLESEY]
    expected = read_register(write(tmp_path, csv_text(rows), "a.csv"), all_nations=True)
    shuffled = [*reversed(HEADER[7:]), "an-extra-column", *HEADER[:7]]
    got = read_register(write(tmp_path, csv_text(rows, shuffled), "b.csv"), all_nations=True)
    assert [c.model_dump(exclude={"created_at", "updated_at"}) for c in got] == [
        c.model_dump(exclude={"created_at", "updated_at"}) for c in expected
    ]


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    header = [h for h in HEADER if h in REQUIRED]
    councils = read_register(write(tmp_path, csv_text([row()], header)))
    assert councils[0].population is None


@pytest.mark.parametrize("column", REQUIRED)
def test_a_missing_required_column_is_named(tmp_path: Path, column: str) -> None:
    header = [h for h in HEADER if h != column]
    error = problem(write(tmp_path, csv_text([row()], header)))
    assert str(error) == f"register.csv, line 1: missing required column: {column}"


def _lines(*rows: dict[str, str]) -> list[str]:
    return csv_text(list(rows)).splitlines()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            row(**{"gss-code": "E0800002X", "local-authority-code": "XXX"}),
            "gss_code: must be a GSS code such as E08000025",
        ),
        (row(**{"gss-code": ""}), "gss_code: must be a GSS code such as E08000025"),
        (row(**{"region": "Midlands"}), "unknown region 'Midlands'"),
        (row(**{"current-authority": "yes"}), "current-authority must be True or False, not 'yes'"),
        (row(**{"current-authority": "true"}), "current-authority must be True or False"),
        (row(**{"current-authority": ""}), "current-authority must be True or False, not ''"),
        (row(**{"nation": "Mercia"}), "unknown nation 'Mercia'"),
        (row(**{"local-authority-type": "PAR"}), "unknown local-authority-type 'PAR'"),
        (row(**{"official-name": ""}), "name: must not be empty"),
        (row(**{"pop-2020": "-3"}), "population:"),
    ],
)
def test_a_bad_row_is_reported_with_its_line(
    tmp_path: Path, bad: dict[str, str], reason: str
) -> None:
    lines = _lines(COVENTRY, ANGLESEY, bad, row(**{"gss-code": "E08000030"}))
    error = problem(write(tmp_path, "\n".join(lines) + "\n"), all_nations=True)
    assert str(error).startswith(f"register.csv, line 4: {reason}")
    assert error.line == 4
    assert "\n" not in str(error)


def test_a_row_with_too_few_fields_says_how_many(tmp_path: Path) -> None:
    lines = _lines(COVENTRY, row())
    lines[2] = ",".join(lines[2].split(",")[:5])
    error = problem(write(tmp_path, "\n".join(lines) + "\n"))
    assert str(error) == f"register.csv, line 3: has 5 fields where the header has {len(HEADER)}"


def test_a_row_with_too_many_fields_says_how_many(tmp_path: Path) -> None:
    lines = _lines(COVENTRY, row())
    lines[1] += ",surplus,more"
    error = problem(write(tmp_path, "\n".join(lines) + "\n"))
    assert str(error) == (
        f"register.csv, line 2: has {len(HEADER) + 2} fields where the header has {len(HEADER)}"
    )


def test_a_repeated_gss_code_names_both_lines(tmp_path: Path) -> None:
    text = csv_text([row(), COVENTRY, ANGLESEY, row(**{"local-authority-code": "BI2"})])
    error = problem(write(tmp_path, text), all_nations=True)
    assert str(error) == ("register.csv, line 5: GSS code E08000025 is repeated (first on line 2)")


def test_blank_lines_do_not_shift_line_numbers(tmp_path: Path) -> None:
    lines = _lines(COVENTRY, row(**{"region": "Nowhere"}))
    text = lines[0] + "\n\n" + lines[1] + "\n\n" + lines[2] + "\n"
    assert problem(write(tmp_path, text)).line == 5


def test_windows_line_endings(tmp_path: Path) -> None:
    text = csv_text([row(), COVENTRY]).replace("\n", "\r\n")
    assert len(read_register(write(tmp_path, text))) == 2
    lines = _lines(COVENTRY, row(**{"region": "Nowhere"}))
    assert problem(write(tmp_path, "\r\n".join(lines) + "\r\n")).line == 3


def test_an_unterminated_quote_is_reported_at_the_line_it_starts(tmp_path: Path) -> None:
    lines = _lines(COVENTRY, row(), row(**{"gss-code": "E08000030"}))
    lines[2] = lines[2].replace("Birmingham City Council", '"Birmingham City Council')
    error = problem(write(tmp_path, "\n".join(lines) + "\n"))
    assert str(error).startswith("register.csv, line 3: is not valid CSV")


def test_a_stray_quote_inside_a_field_is_not_valid_csv(tmp_path: Path) -> None:
    lines = _lines(COVENTRY, row())
    lines[2] = lines[2].replace("BIR,", '"BIR"x,')
    error = problem(write(tmp_path, "\n".join(lines) + "\n"))
    assert str(error).startswith("register.csv, line 3: is not valid CSV")


def test_a_quoted_field_may_hold_commas_and_newlines(tmp_path: Path) -> None:
    rows = [
        row(**{"official-name": "Armagh City, Banbridge and\nCraigavon Council"}),
        row(**{"gss-code": "E08000030", "region": "Nowhere"}),
    ]
    error = problem(write(tmp_path, csv_text(rows)))
    assert error.line == 4  # the first record spans lines 2 and 3


def test_utf8_with_bom(tmp_path: Path) -> None:
    text = "\ufeff" + csv_text([ANGLESEY])
    path = write(tmp_path, text)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    (anglesey,) = read_register(path, all_nations=True)
    assert "Cyngor Sir Ynys Môn" in anglesey.alt_names


def test_utf8_keeps_characters_windows_1252_lacks(tmp_path: Path) -> None:
    welsh = row(**{"nice-name": "Caerŵyn", "alt-names": "Sir Gâr,Tŷ Ŵyn"})
    (council,) = read_register(write(tmp_path, csv_text([welsh])))
    assert council.short_name == "Caerŵyn"
    assert council.alt_names == ["Sir Gâr", "Tŷ Ŵyn"]


def test_windows_1252_from_excel(tmp_path: Path) -> None:
    text = csv_text([row(**{"nice-name": "Birmingham Môn", "alt-names": "Café Brum,Ynys Môn"})])
    path = write(tmp_path, text, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    (council,) = read_register(path)
    assert council.short_name == "Birmingham Môn"
    assert council.alt_names == ["Café Brum", "Ynys Môn"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "register.csv: is empty"),
        (b"  \n\r\n ", "register.csv: is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "register.csv: is a binary file, not text"),
        (b"abc\x81\x8d\x8f\x90\x9d", "register.csv: is not UTF-8 or Windows-1252 text"),
    ],
)
def test_files_that_are_not_text(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    assert str(problem(path)) == reason


def test_a_missing_file_and_a_directory(tmp_path: Path) -> None:
    assert str(problem(tmp_path / "absent.csv")) == "absent.csv: no such file"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert str(problem(folder)).startswith("folder.csv: cannot be read")


def test_a_header_only_file_holds_no_councils(tmp_path: Path) -> None:
    error = problem(write(tmp_path, csv_text([])))
    assert str(error) == "register.csv: holds no current councils"


def test_only_other_nations_without_all_nations_holds_no_councils(tmp_path: Path) -> None:
    assert "holds no current councils" in str(problem(write(tmp_path, csv_text([ANGLESEY]))))


def test_a_population_that_is_not_a_number_is_left_unknown(tmp_path: Path) -> None:
    rows = [
        row(**{"pop-2020": "n/a"}),
        row(**{"gss-code": "E08000026", "pop-2020": "inf"}),
        row(**{"gss-code": "E08000027", "pop-2020": "1e999"}),
        row(**{"gss-code": "E08000028", "pop-2020": "nan"}),
        row(**{"gss-code": "E08000029", "pop-2020": " 1234 "}),
    ]
    councils = read_register(write(tmp_path, csv_text(rows)))
    assert [c.population for c in councils] == [None, None, None, None, 1234]


def test_whitespace_around_values_is_trimmed(tmp_path: Path) -> None:
    padded = row(
        **{
            "gss-code": " e08000025 ",
            "region": " west midlands ",
            "current-authority": " True ",
            "local-authority-type": " MD ",
            "official-name": "  Birmingham City Council ",
        }
    )
    (council,) = read_register(write(tmp_path, csv_text([padded])))
    assert council.gss_code == "E08000025"
    assert council.region is Region.WEST_MIDLANDS
    assert council.name == "Birmingham City Council"


# -- fuzz: whatever the file, only ImportProblem ---------------------------------------------

_FUZZ_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ_SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_only_ever_raise_import_problem(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        read_register(path, all_nations=True)
    except ImportProblem as exc:
        assert str(exc).startswith("fuzz.csv")
        assert "\n" not in str(exc) or exc.reason.count("\n") == str(exc).count("\n")


_NUMBERS = st.sampled_from(["inf", "-inf", "1e999", "nan", "-1", "0", "1.5", "12,3", "1_000"])
_CELLS = st.one_of(
    _NUMBERS,
    st.sampled_from(
        [
            "",
            "True",
            "False",
            "England",
            "Wales",
            "West Midlands",
            "Wales",
            "MD",
            "WPA",
            "COMB",
            "E08000025",
            "W06000001",
            "E0800002",
            '"',
            '"a,b"',
            "a\nb",
            "\r",
            "\ufeff",
            "Môn",
            "x" * 600,
        ]
    ),
    st.text(max_size=12),
)


@st.composite
def csvish(draw: st.DrawFn) -> str:
    """Mostly-valid registers with a few cells, columns or rows broken: the fuzz reaches the
    row checks rather than stopping at the header every time."""
    header = list(draw(st.permutations(HEADER)))
    if draw(st.integers(0, 4)) == 0:
        del header[draw(st.integers(0, len(header) - 1))]
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.sampled_from([*HEADER, "x", ""])))
    lines = [",".join(header)]
    for i in range(draw(st.integers(0, 5))):
        template = draw(st.sampled_from([row(), COVENTRY, ANGLESEY]))
        cells = [template.get(h, "") for h in header]
        if "gss-code" in header:
            cells[header.index("gss-code")] = f"{template['gss-code'][0]}0800{i:04d}"
        for _ in range(draw(st.integers(0, 3))):
            cells[draw(st.integers(0, len(cells) - 1))] = draw(_CELLS)
        if "pop-2020" in header and draw(st.booleans()):
            cells[header.index("pop-2020")] = draw(_NUMBERS)
        if draw(st.integers(0, 6)) == 0:
            cells = cells[: draw(st.integers(0, len(cells)))]
        lines.append(",".join(cells))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


@_FUZZ_SETTINGS
@given(text=csvish(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_random_csvish_text_only_ever_raises_import_problem(
    tmp_path: Path, text: str, encoding: str
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        councils = read_register(path, all_nations=True)
    except ImportProblem as exc:
        assert str(exc).startswith("fuzz.csv")
    else:
        assert councils
        assert len({c.gss_code for c in councils}) == len(councils)
