"""Each producer's own layout, imported as that producer writes it: every field the file holds
arrives in the contact or is listed against it ("kept as typed", "not imported" with the reason).

The samples in tests/fixtures/contacts follow the producers' published export formats (header
rows as Outlook desktop and outlook.com, Google Contacts old and new, Thunderbird's UK build and
Windows Live Mail write them; German Outlook's headers; vCard 2.1 from Outlook, Android and Nokia
with quoted-printable and charsets; Apple's grouped 3.0; Evolution's 3.0 passed through a
converter once too often (CR CR LF); a CardDAV server's 4.0), in the encodings those programs use
(Windows-1252, UTF-8 with and without BOM, UTF-16 with BOM) and their delimiters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sli_desktop.importers.contacts import import_contacts, preview_contacts, read_contacts
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.store import Vault

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "contacts"

ADDRESSES = "the app keeps no postal addresses"
# file -> [(line, name, role, organisation, emails, phones, notices)]
EXPECTED: dict[str, list[tuple[int, str, str, str, list[str], list[str], list[str]]]] = {
    "outlook_desktop.csv": [
        (
            2,
            "Dr Zoë O'Connor",
            "Director of Adult Social Services",
            "Birmingham City Council - Adult Social Care",
            ["zoe.oconnor@birmingham.gov.uk"],
            ["+441213031112", "+441213031111;ext=2234", "+447700900123"],
            [
                "kept as a phone: Business Fax '0121 303 1112' is a fax number",
                "not imported: Business Street 'Council House', Business City 'Birmingham', "
                "Business Postal Code 'B1 1BB', Business Country/Region 'United Kingdom' "
                f"({ADDRESSES})",
                "not imported: Categories 'Peer team' (the app keeps no categories)",
                "not imported: Notes 'Met at the LGA conference. Prefers e-mail.' "
                "(the app keeps no notes on contacts)",
            ],
        ),
        (
            4,  # the Notes cell above holds a line break: an editor shows this row on line 4
            "Dana Reyes",
            "Director of Integration",
            "NHS England",
            ["dana.reyes@example.com"],
            ["905-777-1234", "+14165550199"],
            [
                "kept as typed: Business Phone '905-777-1234' has no country code and is not in "
                "UK form"
            ],
        ),
    ],
    "outlook_web.csv": [
        (
            2,
            "Jane Smith",
            "Principal Adviser",
            "Local Government Association",
            ["jane.smith@local.gov.uk", "jane@example.org", "j.smith@example.net"],
            ["+442076643000", "+442076643131"],
            [
                "not imported: Assistant's Name 'Tom Reid', Assistant's Phone '020 7664 3001' "
                "(the app keeps no assistants' details)",
                "not imported: Web Page 'https://www.local.gov.uk' "
                "(the app keeps no web addresses)",
            ],
        )
    ],
    "google_old.csv": [
        (
            2,
            "Priya Shah",
            "Chief Executive",
            "Coventry City Council",
            ["priya.shah@coventry.gov.uk", "p.shah@coventry.gov.uk"],
            ["+442476833333", "+447911123456", "+33612345678"],
            [],
        ),
        (
            3,
            "Tom Baker",
            "Chief Superintendent",
            "West Midlands Police",
            [],
            ["101 ext 4000"],
            [
                "not imported: Nickname 'TB' (the app keeps no nicknames)",
                "not imported: Address 1 - Formatted 'Lloyd House\\nColmore Circus\\nBirmingham "
                "B4 6NQ', Address 1 - Street 'Lloyd House, Colmore Circus', Address 1 - City "
                f"'Birmingham', Address 1 - Postal Code 'B4 6NQ' ({ADDRESSES})",
                "not imported: E-mail 1 - Value 'tom.baker at wmp.police.uk' "
                "(not an e-mail address)",
                "kept as typed: Phone 1 - Value '101 ext 4000' has no country code and is not in "
                "UK form",
            ],
        ),
    ],
    "google_new.csv": [
        (
            2,
            "Aisha Khan",
            "Director of Children's Services",
            "Staffordshire County Council - Children and Families",
            ["aisha.khan@staffordshire.gov.uk"],
            ["+441785223121", "+447700900555"],
            [
                "not imported: Photo 'https://lh3.googleusercontent.com/contacts/ABC123' "
                "(the app keeps no photos)",
                "not imported: Website 1 - Value 'https://www.staffordshire.gov.uk' "
                "(the app keeps no web addresses)",
            ],
        )
    ],
    "thunderbird.csv": [
        (
            2,
            "Sam Peer",
            "Monitoring Officer",
            "Cannock Chase District Council - Legal",
            ["sam.peer@cannockchasedc.gov.uk", "sam@example.org"],
            ["+441543462621", "+447700900456"],
            [
                "not imported: Birth Year '1975', Birth Month '4', Birth Day '12' "
                "(the app keeps no dates)",
                "not imported: Custom 1 'Peer reviewer' (not a field the app keeps)",
            ],
        )
    ],
    "windows_live_mail.csv": [
        (
            2,
            "Siân Evans",
            "Assistant Director",
            "Birmingham City Council, Children's Services",
            ["sian.evans@birmingham.gov.uk"],
            ["+447700900321", "+441214640000"],
            ["not imported: Office Location 'Woodcock Street' (not a field the app keeps)"],
        )
    ],
    "outlook_german.csv": [
        (
            2,
            "Herr Jürgen Müller",
            "Beigeordneter",
            "Stadt Köln",
            ["juergen.mueller@stadt-koeln.de"],
            ["+4922122100", "+4915123456789"],
            [
                "not imported: Straße geschäftlich 'Willy-Brandt-Platz 2', Postleitzahl "
                f"geschäftlich '50679' ({ADDRESSES})",
                "not imported: Ort geschäftlich 'Köln' (not a field the app keeps)",
            ],
        )
    ],
    "apple.vcf": [
        (
            1,
            "Gareth Hughes",
            "Director of Public Health",
            "Coventry City Council - Public Health",
            ["gareth.hughes@coventry.gov.uk"],
            ["+442476831111", "+447700900789"],
            [
                "not imported: ADR (line 12) ';;Council House\\nEarl Street;Coventry;;CV1 5RR;"
                f"United Kingdom' ({ADDRESSES})",
                "not imported: NOTE (line 14) 'Prefers Teams calls.' "
                "(the app keeps no notes on contacts)",
                "not imported: PHOTO (line 15) (the app keeps no photos)",
            ],
        ),
        (
            19,
            "Ann Lucas",
            "Leader of the Council",
            "Coventry City Council",
            ["ann.lucas@coventry.gov.uk"],
            ["+442476833000"],
            [],
        ),
    ],
    "android_21.vcf": [
        (
            1,
            "Siân Évans",
            "Assistant Director",
            "Birmingham City Council - Children’s Services",
            ["sian.evans@birmingham.gov.uk"],
            ["+447700900321", "+441214640001"],
            [
                "kept as a phone: TEL (line 6) '0121 464 0001' is a fax number",
                "not imported: NOTE (line 10) 'Line one\\nLine two is long and continues here' "
                "(the app keeps no notes on contacts)",
                "not imported: PHOTO (line 12) (the app keeps no photos)",
            ],
        )
    ],
    "nokia_21.vcf": [
        (
            1,
            "Jürgen Müller",
            "",
            "",
            ["juergen.mueller@example.de"],
            ["+49301234567"],
            ["not imported: X-NOKIA-BOOKMARK (line 6) '1' (not a field the app keeps)"],
        )
    ],
    "outlook_21.vcf": [
        (
            1,
            "Chidi Okafor",
            "Head of Housing",
            "Cannock Chase District Council - Housing",
            ["chidi.okafor@cannockchasedc.gov.uk"],
            ["+441543462621", "+447700900654"],
            [
                "not imported: ADR (line 9) ';;Civic Centre, PO Box 28;Cannock;;WS11 1BG;United "
                f"Kingdom' ({ADDRESSES})",
                "not imported: LABEL (line 10) 'Civic Centre, PO Box 28\\r\\nCannock  "
                f"WS11 1BG\\r\\nUnited Kingdom' ({ADDRESSES})",
            ],
        ),
        (17, "Zoë Brontë", "", "", [], ["+441543462000"], []),
    ],
    "evolution_crcrlf.vcf": [
        (
            1,
            "Mei Lee",
            "Peer Challenge Manager",
            "Local Government Association",
            ["mei.lee@local.gov.uk"],
            ["+442076643000"],
            [
                # CR CR LF: an editor shows every line end as two, so the NOTE is on line 21
                "not imported: NOTE (line 21) 'A long note that Evolution folds over two lines "
                "because it i' (the app keeps no notes on contacts)",
            ],
        )
    ],
    "carddav_40.vcf": [
        (
            1,
            "Ravi Patel",
            "Deputy Director",
            "Department for Levelling Up, Housing and Communities",
            ["ravi.patel@levellingup.gov.uk"],
            ["+443034440000;ext=1234", "+447700900987"],
            [
                "not imported: BDAY (line 13) '--0415' (the app keeps no birthdays)",
                "not imported: GENDER (line 14) 'M' (the app keeps no gender)",
            ],
        )
    ],
}


def _seen(path: Path) -> list[tuple[Any, ...]]:
    parsed = read_contacts(path)
    assert parsed.problems == []
    return [
        (
            line,
            row.contact.name,
            row.contact.role,
            row.contact.organisation,
            row.contact.emails,
            row.contact.phones,
            list(row.notices),
        )
        for line, row in parsed.rows
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_field_of_each_producer_s_file_arrives_or_is_listed(name: str) -> None:
    assert _seen(SAMPLES / name) == EXPECTED[name]


def test_the_samples_are_in_their_producers_encodings_and_line_ends() -> None:
    """The fixtures are what the programs write, not what is easy to read."""
    raw = {p.name: p.read_bytes() for p in SAMPLES.iterdir()}
    assert raw["google_old.csv"].startswith(b"\xff\xfe")  # UTF-16 with a byte order mark
    assert raw["outlook_web.csv"].startswith(b"\xef\xbb\xbf")
    assert b"Zo\xeb" in raw["outlook_desktop.csv"]  # Windows-1252
    assert raw["outlook_german.csv"].startswith(b'"Anrede";"Vorname"')
    assert raw["thunderbird.csv"].split(b"\n")[0].endswith(b"Notes,")  # trailing delimiter
    assert b"\r\r\n" in raw["evolution_crcrlf.vcf"]
    assert b"=\r\ncontinues" in raw["android_21.vcf"]  # a quoted-printable soft line break
    assert set(raw) == set(EXPECTED)


def test_councils_and_other_bodies_in_the_preview(councils_vault: Vault) -> None:
    """Council names with a department are matched and the department kept; organisations
    that are not councils are kept and the preview says what they are."""
    found = {}
    for name in (
        "outlook_desktop.csv",
        "google_old.csv",
        "windows_live_mail.csv",
        "thunderbird.csv",
    ):
        preview = preview_contacts(councils_vault, read_contacts(SAMPLES / name))
        for change in preview.changes:
            found[change.contact.name] = (change.contact.council, change.notices[-1:])
    assert found["Dr Zoë O'Connor"][0] == "E08000025"  # "Birmingham City Council - Adult …"
    assert found["Siân Evans"][0] == "E08000025"  # "Birmingham City Council, Children's …"
    assert found["Sam Peer"][0] == "E07000192"
    assert found["Priya Shah"] == ("E08000026", ())
    assert found["Dana Reyes"] == (
        None,
        (
            "organisation: 'NHS England' is an NHS or health body, not a council; kept as "
            "organisation",
        ),
    )
    assert found["Tom Baker"] == (
        None,
        (
            "organisation: 'West Midlands Police' is a police body, not a council; kept as "
            "organisation",
        ),
    )


def test_every_sample_imports_and_a_second_import_changes_nothing(councils_vault: Vault) -> None:
    total = 0
    for name in sorted(EXPECTED):
        preview = import_contacts(councils_vault, read_contacts(SAMPLES / name))
        assert preview.problems == []
        total += preview.count("add") + preview.count("update")
    held = Contacts(councils_vault).list()
    assert len(held) == total - 1  # Siân Evans is in two files, by the same e-mail: merged
    for name in sorted(EXPECTED):
        again = import_contacts(councils_vault, read_contacts(SAMPLES / name))
        assert again.count("add") == again.count("update") == 0, name
    stored = {c.name: c for c in held}
    assert stored["Dana Reyes"].phones == ["905-777-1234", "+14165550199"]
    assert stored["Dr Zoë O'Connor"].phones[1] == "+441213031111;ext=2234"


#: Cells that describe a value or the entry, not the person (an e-mail's type, Google's labels),
#: or are how Outlook writes "nothing" (0/0/00, Unspecified, Normal, False): judged here, apart
#: from the reader's own table, so that a column the reader passes over wrongly fails the test.
METADATA = {
    "E-mail Type", "E-mail Display Name", "Initials", "Group Membership", "Labels", "File As",
    "Priority", "Private", "Sensitivity", "Gender", "Birthday", "Anniversary",
    "E-mail 1 - Type", "E-mail 1 - Label", "Phone 1 - Type", "Phone 1 - Label",
    "Phone 2 - Type", "Phone 2 - Label", "Website 1 - Label", "Address 1 - Type",
    "E-Mail-Typ", "E-Mail: Angezeigter Name", "Priorität", "Privat", "Vertraulichkeit",
    "Geburtstag", "Organization 1 - Type",
}  # fmt: skip
_DECODE = {
    "google_old.csv": "utf-16",
    "outlook_desktop.csv": "cp1252",
    "outlook_german.csv": "cp1252",
    "windows_live_mail.csv": "cp1252",
}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".csv")))
def test_no_cell_of_a_csv_sample_goes_unaccounted(name: str) -> None:
    """Every non-empty cell is in the contact, or named in one of its notices."""
    import csv
    import io

    raw = (SAMPLES / name).read_bytes().decode(_DECODE.get(name, "utf-8-sig"))
    delimiter = ";" if raw.startswith('"Anrede";') else ","
    table = list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter))
    header, rows = table[0], [r for r in table[1:] if any(c.strip() for c in r)]
    parsed = read_contacts(SAMPLES / name)
    assert len(parsed.rows) == len(rows)
    for cells, (_line, row) in zip(rows, parsed.rows, strict=True):
        c = row.contact
        held = " ".join([c.name, c.role, c.organisation, *c.emails, *c.phones, row.council])
        told = " ".join(row.notices)
        for column, value in zip(header, cells, strict=False):
            if not value.strip() or column in METADATA:
                continue
            pieces = [v.strip() for v in value.replace(" ::: ", "\n").splitlines() if v.strip()]
            for piece in pieces:
                as_phone = _phone_or_none(piece)
                assert (
                    piece in held
                    or (as_phone and as_phone in held)
                    or (column in told and (piece in told or repr(piece)[1:-1] in told))
                    or (column in told and "Notes" in column)
                ), (name, column, piece)


def _phone_or_none(text: str) -> str | None:
    from sli_desktop.domain.phones import read_phone

    try:
        return read_phone(text).value
    except ValueError:
        return None


#: Properties about the card, not the person: judged here, apart from the reader.
CARD_METADATA = {
    "BEGIN", "END", "VERSION", "PRODID", "REV", "UID", "KIND", "PROFILE", "X-ABLABEL",
    "X-ABUID", "X-ABADR", "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MS-OL-DESIGN",
    "X-EVOLUTION-FILE-AS",
}  # fmt: skip
USED = {"FN": "name", "N": "name", "ORG": "organisation", "TITLE": "role"}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".vcf")))
def test_no_property_of_a_vcard_sample_goes_unaccounted(name: str) -> None:
    """Every property that starts a line is in the contact, or named in one of its notices."""
    import re

    text = (SAMPLES / name).read_bytes().decode("utf-8", "replace")
    blocks = re.split(r"(?m)^END:VCARD", text)[:-1]
    parsed = read_contacts(SAMPLES / name)
    assert len(parsed.rows) == len(blocks)
    for block, (_line, row) in zip(blocks, parsed.rows, strict=True):
        c = row.contact
        told = " ".join(row.notices)
        for found in re.finditer(r"(?m)^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]", block):
            prop = found.group(1).upper()
            if prop in CARD_METADATA:
                continue
            if prop in USED:
                assert getattr(c, USED[prop]), (name, prop)
            elif prop == "EMAIL":
                assert c.emails or "EMAIL" in told, (name, prop)
            elif prop == "TEL":
                assert c.phones, (name, prop)
            else:
                assert prop in told, (name, prop)
