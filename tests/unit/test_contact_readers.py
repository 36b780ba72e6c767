"""The pieces the contact readers are made of: phones as written, vCard lines as an editor
numbers them, text files in every encoding address books write, CSV delimiters, and council
names with a department."""

from __future__ import annotations

from pathlib import Path

import pytest

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.domain.phones import read_phone
from sli_desktop.importers import ImportProblem
from sli_desktop.importers.contact_csv import classify
from sli_desktop.importers.councilmatch import CouncilMatcher, by_organisation, not_a_council
from sli_desktop.importers.tabular import open_table, sniff_delimiter
from sli_desktop.importers.textfile import read_text
from sli_desktop.importers.vcard import cards, logical_lines, parse_property, physical_lines


@pytest.mark.parametrize(
    ("typed", "stored", "as_typed"),
    [
        ("0121 303 1111", "+441213031111", False),
        ("+44 (0)121 303 1111", "+441213031111", False),
        ("0044 121 303 1111", "+441213031111", False),
        ("07700 900123", "+447700900123", False),  # reserved for drama: kept, not refused
        ("0121 303 1111 ext. 2234", "+441213031111;ext=2234", False),
        ("(0121) 303-1111 x45", "+441213031111;ext=45", False),
        ("tel:+44-121-303-1111;ext=9", "+441213031111;ext=9", False),
        ("+1 905-777-1234", "+19057771234", False),
        ("00 33 6 12 34 56 78", "+33612345678", False),
        ("905-777-1234", "905-777-1234", True),  # no country written: never made British
        ("9057771234", "9057771234", True),
        ("0121 303", "0121 303", True),  # too short for the UK
        ("+44 121", "+44 121", True),
    ],
)
def test_phones_are_read_as_written(typed: str, stored: str, as_typed: bool) -> None:
    reading = read_phone(typed)
    assert (reading.value, reading.as_typed) == (stored, as_typed)
    assert read_phone(reading.value).value == reading.value  # stored forms read back the same


@pytest.mark.parametrize(
    "text", ["ask reception", "", "n/a", "1" * 61, "0121\x00303", "0121 zz", "call 905-777"]
)
def test_text_that_is_no_phone_number_is_refused_in_a_sentence(text: str) -> None:
    with pytest.raises(ValueError, match=r"is (empty|not a valid phone number)$"):
        read_phone(text)


def test_line_numbers_are_as_an_editor_shows_them() -> None:
    text = "A\r\r\nB\r\nC\nD\rE"
    assert list(physical_lines(text)) == [(1, "A"), (3, "B"), (4, "C"), (5, "D"), (6, "E")]


def test_folding_for_each_version_and_quoted_printable_soft_breaks() -> None:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "NOTE:one",
        " two",  # 3.0: the space is dropped
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:2.1",
        "NOTE:one",
        " two",  # 2.1: the space is kept
        "NOTE;ENCODING=QUOTED-PRINTABLE:a=",
        "b=3D",  # a soft break: the next line continues the value
        "PHOTO;ENCODING=BASE64;JPEG:AAAA",
        "BBBB",  # 2.1 base64 runs on to a blank line
        "",
        "END:VCARD",
    ]
    logical = [text for _n, text in logical_lines(enumerate(lines, start=1))]
    assert logical[2] == "NOTE:onetwo"
    assert logical[6] == "NOTE:one two"
    assert logical[7] == "NOTE;ENCODING=QUOTED-PRINTABLE:ab=3D"
    assert logical[8] == "PHOTO;ENCODING=BASE64;JPEG:AAAABBBB"


def test_properties_with_groups_quoted_parameters_and_charsets() -> None:
    grouped = parse_property(3, 'item1.TEL;TYPE="voice,work";X-A="a:b":0121 303 1111')
    assert not isinstance(grouped, str)
    assert (grouped.group, grouped.name, grouped.raw) == ("item1", "TEL", "0121 303 1111")
    assert grouped.types() == {"VOICE", "WORK"}
    latin = parse_property(1, "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen")
    assert not isinstance(latin, str) and latin.components() == ["Müller", "Jürgen"]
    bare = parse_property(1, "TEL;WORK;VOICE:1")
    assert not isinstance(bare, str) and bare.params == {"TYPE": ["WORK", "VOICE"]}
    assert parse_property(1, "no colon here") == "is not a vCard property (NAME:value)"


def test_a_card_cut_short_and_a_file_that_is_not_vcard(tmp_path: Path) -> None:
    path = tmp_path / "c.vcf"
    found = list(cards(path, "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\n"))
    assert isinstance(found[1], ImportProblem) and found[1].line == 5
    assert "no END:VCARD; the file may be cut short" in str(found[1])
    with pytest.raises(ImportProblem, match="should start with BEGIN:VCARD"):
        list(cards(path, "hello\nBEGIN:VCARD\n"))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("First Name,Last Name\r\nZoë,Brontë\r\n".encode("utf-16"), "UTF-16 with a BOM"),
        ("First Name,Last Name\r\nZoë,Brontë\r\n".encode("utf-16-le"), "UTF-16 LE, no BOM"),
        ("First Name,Last Name\r\nZoë,Brontë\r\n".encode("utf-16-be"), "UTF-16 BE, no BOM"),
        ("First Name,Last Name\r\nZoë,Brontë\r\n".encode("cp1252"), "Windows-1252"),
        ("First Name,Last Name\r\nZoë,Brontë\r\n".encode("utf-8-sig"), "UTF-8 with a BOM"),
    ],
)
def test_text_in_every_encoding_address_books_write(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    assert read_text(path) == "First Name,Last Name\r\nZoë,Brontë\r\n", name


def test_delimiters_are_sniffed_and_trailing_ones_ignored(tmp_path: Path) -> None:
    assert sniff_delimiter('"Vorname";"Nachname";"Firma, GmbH"\r\n') == ";"
    assert sniff_delimiter("a\tb\tc\n") == "\t"
    assert sniff_delimiter("Name\n") == ","
    table = open_table(tmp_path / "t.csv", "A,B,\n1,2,\n3,4,,,\n", {}, ())
    assert table.header == ["A", "B"]
    assert [cells for _line, cells in table.cells()] == [["1", "2"], ["3", "4"]]


def _councils() -> CouncilMatcher:
    rows = [
        ("E08000025", "Birmingham City Council", "Birmingham"),
        ("E08000035", "Leeds City Council", "Leeds"),
    ]
    return CouncilMatcher(
        Council.build(
            id=council_id(g),
            gss_code=g,
            name=n,
            short_name=s,
            type=CouncilType.METROPOLITAN_DISTRICT,
            region=Region.WEST_MIDLANDS,
        )
        for g, n, s in rows
    )


@pytest.mark.parametrize(
    ("organisation", "gss"),
    [
        ("Birmingham City Council - Adult Social Care", "E08000025"),
        ("Birmingham City Council – Adult Social Care", "E08000025"),
        ("Leeds City Council, Children's Services", "E08000035"),
        ("Leeds City Council (Children's Services)", "E08000035"),
        ("Birmingham Women's and Children's NHS Foundation Trust", None),
        ("Leeds Teaching Hospitals NHS Trust", None),
        ("Birmingham Airport", None),
    ],
)
def test_council_names_with_a_department(organisation: str, gss: str | None) -> None:
    found = by_organisation(_councils(), organisation)
    assert (found.gss_code if found else None) == gss


@pytest.mark.parametrize(
    ("organisation", "kind"),
    [
        ("NHS Birmingham and Solihull ICB", "an NHS or health body"),
        ("West Midlands Police", "a police body"),
        ("Office of the Police and Crime Commissioner", "a police body"),
        ("Staffordshire Fire and Rescue Service", "a fire and rescue service"),
        ("Local Government Association", "the Local Government Association"),
        ("Department for Education", "a government body"),
        ("Ministry of Housing, Communities and Local Government", "a government body"),
        ("Birmingham City Council", ""),
        ("Coventry", ""),
    ],
)
def test_bodies_that_are_not_councils(organisation: str, kind: str) -> None:
    assert not_a_council(organisation) == kind


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("E-mail 2 Address", "email"),
        ("Email (work)", "email"),  # exporters of Apple's contacts
        ("Secondary Email", "email"),
        ("E-Mail 2: Adresse", "email"),
        ("E-mail 1 - Value", "email"),
        ("E-mail 1 - Type", "quiet"),
        ("E-mail Display Name", "quiet"),
        ("Phone 3 - Value", "phone"),
        ("iPhone", "phone"),
        ("Telefon geschäftlich 2", "phone"),
        ("Business Fax", "phone"),
        ("Assistant's Phone", "other"),
        ("Organization 1 - Department", "department"),
        ("Organization 2 - Name", "other"),
        ("Home Street", "other"),
        ("Nachname", "last"),
    ],
)
def test_headers_are_classified_by_one_table(header: str, kind: str) -> None:
    assert classify(header, has_job_title=True)[0] == kind


def test_a_dangling_soft_break_never_swallows_the_end_of_the_card(tmp_path: Path) -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nNOTE;ENCODING=QUOTED-PRINTABLE:abc=\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:B\r\nEND:VCARD\r\n"
    )
    found = list(cards(tmp_path / "c.vcf", text))
    assert [c.line for c in found if not isinstance(c, ImportProblem)] == [1, 6]
