"""Contacts in and out of a real vault: Outlook/Excel CSV and vCard, encodings, duplicates
offered for merge, councils found by code or name, and every kind of bad row reported with
file, line and reason, with nothing written unless --skip-bad."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import vobject

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.importers import ImportProblem
from sli_desktop.importers.contacts import (
    contacts_csv,
    contacts_vcf,
    import_contacts,
    preview_contacts,
    read_contacts,
)
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE, CliResult

Cli = Callable[..., CliResult]

OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
    "Business Phone,Business Phone 2,Mobile Phone,E-mail Address,E-mail 2 Address,Notes"
)


def outlook_row(
    first: str,
    last: str,
    company: str = "",
    job: str = "",
    phone: str = "",
    mobile: str = "",
    email: str = "",
    email2: str = "",
) -> str:
    cells = ["", first, "", last, "", company, "", job, phone, "", mobile, email, email2, ""]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def contact_count(vault: Vault) -> int:
    return len(Contacts(vault).list())


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


def one_line_error(result: CliResult) -> str:
    assert result.code == 2, result
    assert result.err.startswith("sli: ") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    return result.err[len("sli: ") :].rstrip("\n")


def vault_contacts(vault_path: Path) -> list:
    with unlock(vault_path, PASSPHRASE) as vault:
        return Contacts(vault).list()


# -- the good path -----------------------------------------------------------------------------


def test_outlook_csv_imports_with_normalised_phones_and_councils_from_company(
    councils_vault: Vault, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "outlook.csv",
        [
            OUTLOOK,
            outlook_row(
                "Deborah",
                "Cadman",
                "Birmingham City Council",
                "Chief Executive",
                "0121 303 9944",
                "07911 123456",
                "Deborah.Cadman@Birmingham.gov.uk",
            ),
            outlook_row("Ann", "Lucas", "Coventry", "Leader", email="ann@coventry.gov.uk"),
            outlook_row("Sam", "Peer", "Local Government Association", email="sam@local.gov.uk"),
        ],
    )
    preview = import_contacts(councils_vault, read_contacts(path))
    assert (preview.count("add"), preview.count("update"), preview.count("skip")) == (3, 0, 0)
    by_name = {c.name: c for c in Contacts(councils_vault).list()}
    deborah = by_name["Deborah Cadman"]
    assert deborah.phones == ["+441213039944", "+447911123456"]
    assert deborah.emails == ["Deborah.Cadman@birmingham.gov.uk"]
    assert deborah.council == "E08000025" and deborah.role == "Chief Executive"
    assert by_name["Ann Lucas"].council == "E08000026"  # short name
    assert by_name["Sam Peer"].council is None  # not a council: organisation kept, no council
    assert by_name["Sam Peer"].organisation == "Local Government Association"


def test_council_found_by_gss_column_and_alternative_name(
    councils_vault: Vault, tmp_path: Path
) -> None:
    councils = Councils(councils_vault)
    stafford = councils.get("E10000028")
    councils_vault.save(stafford.evolve(alt_names=["Staffs CC"]))
    path = write(
        tmp_path / "excel.csv",
        [
            "Name,Job Title,Company,GSS code,Email",
            "Pat Jones,Director,,E06000047,pat@durham.gov.uk",
            "Lee Smith,Officer,Staffs CC,,lee@staffordshire.gov.uk",
            "Kim Ward,Officer,Durham County Council,,kim@durham.gov.uk",
        ],
    )
    import_contacts(councils_vault, read_contacts(path))
    by_name = {c.name: c.council for c in Contacts(councils_vault).list()}
    assert by_name == {"Pat Jones": "E06000047", "Lee Smith": "E10000028", "Kim Ward": "E06000047"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accents_survive_every_encoding_excel_writes(
    councils_vault: Vault, tmp_path: Path, encoding: str
) -> None:
    path = write(
        tmp_path / f"{encoding}.csv",
        [OUTLOOK, outlook_row("Zoë", "Brontë-Ní Chéileachair", "Café Société", "Directeur")],
        encoding,
    )
    import_contacts(councils_vault, read_contacts(path))
    [contact] = Contacts(councils_vault).list()
    assert contact.name == "Zoë Brontë-Ní Chéileachair"
    assert contact.organisation == "Café Société"


def test_duplicates_by_email_and_by_name_and_council_are_merged_not_added(
    sli: Cli, vault_path: Path, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "first.csv",
        [OUTLOOK, outlook_row("Jo", "Bloggs", "Birmingham", "Leader", email="jo@bham.gov.uk")],
    )
    assert sli("contact", "import", str(first)).code == 0
    second = write(
        tmp_path / "second.csv",
        [
            OUTLOOK,
            # same email, new phone: merged
            outlook_row("Joanne", "Bloggs", "", "", "0121 303 9944", email="JO@bham.gov.uk"),
            # same name and council, new email: merged
            outlook_row("Jo", "Bloggs", "Birmingham City Council", email="jo2@bham.gov.uk"),
            # a repeat of the first row of this file: nothing new
            outlook_row("Joanne", "Bloggs", "", "", "0121 303 9944", email="jo@bham.gov.uk"),
        ],
    )
    dry = sli("contact", "import", str(second), "--dry-run", "--json")
    assert dry.code == 0, dry
    report = json.loads(dry.out)
    assert report["written"] is False and report["added"] == 0
    assert report["updated"] == 1 and report["skipped"] == 2
    assert {c["reason"] for c in report["changes"]} >= {"merged into line 2"}
    assert len(vault_contacts(vault_path)) == 1
    assert vault_contacts(vault_path)[0].phones == []  # the dry run wrote nothing

    real = sli("contact", "import", str(second))
    assert real.code == 0, real
    assert "update" in real.out
    [jo] = vault_contacts(vault_path)
    assert jo.name == "Jo Bloggs"  # the name already held is kept
    assert jo.emails == ["jo@bham.gov.uk", "jo2@bham.gov.uk"]
    assert jo.phones == ["+441213039944"]
    assert jo.version == 2  # one update, not one per matching row
    again = sli("contact", "import", str(second), "--json")
    assert json.loads(again.out)["updated"] == 0
    assert len(vault_contacts(vault_path)) == 1


def test_csv_and_vcard_exports_round_trip(sli: Cli, vault_path: Path, tmp_path: Path) -> None:
    assert (
        sli(
            "contact",
            "add",
            "--council",
            "E08000025",
            "--name",
            "Zoë Ann Smith",
            "--role",
            "Director, Children's Services",
            "--email",
            "zoe@bham.gov.uk",
            "--email",
            "z2@bham.gov.uk",
            "--email",
            "z3@bham.gov.uk",
            "--email",
            "z4@bham.gov.uk",
            "--phone",
            "0121 303 9944",
            "--phone",
            "07911 123456",
        ).code
        == 0
    )
    before = vault_contacts(vault_path)
    for fmt in ("csv", "vcf"):
        out = tmp_path / f"contacts.{fmt}"
        result = sli("contact", "export", "--format", fmt, "-o", str(out))
        assert result.code == 0, result
        parsed = read_contacts(out)
        assert not parsed.problems
        [(_, row)] = parsed.rows
        assert row.contact.name == "Zoë Ann Smith"
        assert row.contact.emails == before[0].emails
        assert sorted(row.contact.phones) == sorted(before[0].phones)
        assert row.council == "E08000025"
        again = sli("contact", "import", str(out), "--json")
        assert json.loads(again.out)["skipped"] == 1, again.out
    assert vault_contacts(vault_path) == before


def test_vcard_4_and_3_import(councils_vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ève Martin\r\nN:Martin;Ève;;;\r\n"
        "ORG:Westminster City Council\r\nTITLE:Chief Executive\r\n"
        "TEL;VALUE=uri;TYPE=work:tel:+44-20-7641-6000\r\nEMAIL:eve@westminster.gov.uk\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Khan;Amir;;;\r\nEMAIL;TYPE=INTERNET:amir@example.org\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    import_contacts(councils_vault, read_contacts(path))
    by_name = {c.name: c for c in Contacts(councils_vault).list()}
    assert by_name["Ève Martin"].council == "E09000033"
    assert by_name["Ève Martin"].phones == ["+442076416000"]
    assert by_name["Amir Khan"].emails == ["amir@example.org"]


def test_export_helpers_write_outlook_columns_and_valid_vcards(councils_vault: Vault) -> None:
    contact = Contacts(councils_vault).add(
        name="Ann Lucas", council="E08000026", emails=["ann@coventry.gov.uk"]
    )
    text = contacts_csv([contact], {"E08000026": "Coventry"})
    header = text.splitlines()[0].split(",")
    for column in ("First Name", "Last Name", "E-mail Address", "Business Phone", "Company"):
        assert column in header
    card = vobject.readOne(contacts_vcf([contact]))
    assert card.fn.value == "Ann Lucas" and card.version.value == "3.0"


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            outlook_row("Al", "Bad") + ",extra",
            "has 15 fields where the header has 14; a value holding a comma must be in double",
        ),
        (outlook_row("", "", "Acme Ltd"), "the contact has no name"),
    ],
)
def test_a_bad_row_is_reported_with_file_and_line_and_nothing_is_written(
    sli: Cli, vault_path: Path, tmp_path: Path, row: str, reason: str
) -> None:
    path = write(
        tmp_path / "bad.csv",
        [OUTLOOK, outlook_row("Good", "Person", email="good@example.org"), row],
    )
    message = one_line_error(sli("contact", "import", str(path)))
    assert message.startswith(f"bad.csv, line 3: {reason}"), message
    assert "nothing was imported" in message
    assert vault_contacts(vault_path) == []
    skipped = sli("contact", "import", str(path), "--skip-bad")
    assert skipped.code == 0, skipped
    assert "bad.csv, line 3" in skipped.out
    assert [c.name for c in vault_contacts(vault_path)] == ["Good Person"]


def test_invalid_date_and_unknown_council_code_are_bad_rows(sli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "dates.csv",
        [
            "First Name,Last Name,GSS code,Last contacted",
            "Ok,Person,E08000025,05/03/2024",
            "Bad,Date,E08000025,31/02/2024",
            "Bad,Council,E08999999,2024-03-05",
            "Bad,Code,B123,2024-03-05",
        ],
    )
    result = sli("contact", "import", str(path), "--dry-run", "--json")
    bad = {b["line"]: b["reason"] for b in json.loads(result.out)["bad"]}
    assert bad[3].startswith("Last contacted: '31/02/2024' is not a date; write it as")
    assert bad[4].startswith("council E08999999 is not in the vault")
    assert bad[5].startswith("GSS code: 'B123' is not a GSS code")
    assert set(bad) == {3, 4, 5}
    message = one_line_error(sli("contact", "import", str(path)))
    assert message.startswith("dates.csv, line 3: Last contacted")
    assert "(and 2 more bad rows)" in message


def test_missing_name_column_is_a_clear_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "noname.csv", ["Company,E-mail Address", "Acme,a@example.org"])
    with pytest.raises(ImportProblem) as caught:
        read_contacts(path)
    assert str(caught.value).startswith("noname.csv, line 1: has no name column; its first line")


def test_broken_vcard_is_a_bad_row_with_its_line(councils_vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "broken.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Fine Person\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bad Phone\nTEL:999\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:No End\n",
        encoding="utf-8",
    )
    parsed = read_contacts(path)
    assert [line for line, _ in parsed.rows] == [1, 5]  # a short number is kept as typed
    assert parsed.rows[1][1].notices == (
        "kept as typed: TEL (line 8) '999' has no country code and is not in UK form",
    )
    assert [(p.line, p.reason[:24]) for p in parsed.problems] == [(10, "the vCard has no END:VCA")]
    with pytest.raises(ImportProblem, match=r"^broken\.vcf, line 10: the vCard has no END"):
        import_contacts(councils_vault, parsed)
    assert contact_count(councils_vault) == 0
    assert import_contacts(councils_vault, parsed, skip_bad=True).count("add") == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"  \r\n\r\n", "is empty"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary\x00\x00junk", "is a binary file, not text"),
        (b"First Name,Last Name\r\nJ\x81\x8d\x90,Doe\r\n", "is not UTF-8 or Windows-1252 text"),
    ],
    ids=["empty", "blank", "binary", "unknown-encoding"],
)
def test_unreadable_files_give_one_clear_line(
    sli: Cli, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    assert one_line_error(sli("contact", "import", str(path))) == f"contacts.csv: {reason}"


def test_a_50_mb_file_is_refused_with_a_clear_message(sli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    row = outlook_row("Someone", "Else", email="x@example.org") + "\r\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(OUTLOOK + "\r\n")
        handle.write(row * (50 * 1024 * 1024 // len(row) + 1))
    assert path.stat().st_size >= 50 * 1024 * 1024
    message = one_line_error(sli("contact", "import", str(path)))
    assert message.startswith("huge.csv: is 50 MB, larger than the 25 MB limit")


def test_preview_writes_nothing(councils_vault: Vault, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", [OUTLOOK, outlook_row("A", "B", email="a@b.org")])
    audit_before = councils_vault.scalar("SELECT count(*) FROM audit")
    preview = preview_contacts(councils_vault, read_contacts(path))
    assert preview.count("add") == 1 and preview.written is False
    assert contact_count(councils_vault) == 0
    assert councils_vault.scalar("SELECT count(*) FROM audit") == audit_before


def test_ambiguous_organisation_name_matches_no_council(
    councils_vault: Vault, tmp_path: Path
) -> None:
    Councils(councils_vault).upsert_register(
        [
            Council.build(
                id=council_id("E07000163"),
                gss_code="E07000163",
                name="Craven District Council",
                short_name="Craven",
                type=CouncilType.NON_METROPOLITAN_DISTRICT,
                region=Region.YORKSHIRE,
            ),
            Council.build(
                id=council_id("E06000099"),
                gss_code="E06000099",
                name="Craven Borough Council",
                short_name="Craven Borough",
                type=CouncilType.UNITARY,
                region=Region.YORKSHIRE,
            ),
        ]
    )
    path = write(tmp_path / "a.csv", [OUTLOOK, outlook_row("A", "B", "Craven Council")])
    import_contacts(councils_vault, read_contacts(path))
    [contact] = Contacts(councils_vault).list()
    assert contact.council is None and contact.organisation == "Craven Council"


def test_two_merges_into_one_contact_keep_both(councils_vault: Vault, tmp_path: Path) -> None:
    held = Contacts(councils_vault).add(
        name="Jo Bloggs", council="E08000025", emails=["jo@bham.gov.uk"]
    )
    path = write(
        tmp_path / "two.csv",
        [
            "Name,Council,E-mail Address,Business Phone",
            "Joanne Bloggs,,jo@bham.gov.uk,0121 303 9944",  # by email: adds the phone
            "Jo Bloggs,E08000025,jo2@bham.gov.uk,",  # by name + council: adds an email
        ],
    )
    preview = import_contacts(councils_vault, read_contacts(path))
    assert [(c.line, c.action) for c in preview.changes] == [(2, "update"), (3, "skip")]
    [jo] = Contacts(councils_vault).list()
    assert jo.id == held.id
    assert jo.phones == ["+441213039944"]
    assert jo.emails == ["jo@bham.gov.uk", "jo2@bham.gov.uk"]


def test_csv_export_is_safe_in_excel_and_reads_back(councils_vault: Vault, tmp_path: Path) -> None:
    contact = Contacts(councils_vault).add(
        name="=HYPERLINK(1) Person",
        role="-Director",
        organisation="@Somewhere",
        phones=["0121 303 9944", "+33 1 42 68 53 00"],
    )
    text = contacts_csv([contact], {})
    row = text.splitlines()[1]
    assert row.startswith("'=HYPERLINK(1),Person,'-Director,'@Somewhere,")
    assert "0121 303 9944" in row and "+33 1 42 68 53 00" in row and "+44" not in row
    path = tmp_path / "safe.csv"
    path.write_text(text, encoding="utf-8")
    [(_, back)] = read_contacts(path).rows
    assert (back.contact.name, back.contact.role, back.contact.organisation) == (
        contact.name,
        contact.role,
        contact.organisation,
    )
    assert sorted(back.contact.phones) == sorted(contact.phones)


def test_the_cli_lists_what_was_kept_as_typed_or_not_imported(sli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "google.csv",
        [
            "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,"
            "Phone 1 - Value,Organization 1 - Name,Birthday",
            "Dana Reyes,Dana,Reyes,* Work,dana at example.com,Work,905-777-1234,"
            "West Midlands Police,1970-01-01",
        ],
    )
    result = sli("contact", "import", str(path))
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "Imported from google.csv: 1 added, 0 updated, 0 unchanged, 1 value kept as typed, "
        "2 not imported (listed).",
        "  line 2: Dana Reyes: not imported: Birthday '1970-01-01' (the app keeps no dates)",
        "  line 2: Dana Reyes: not imported: E-mail 1 - Value 'dana at example.com' "
        "(not an e-mail address)",
        "  line 2: Dana Reyes: kept as typed: Phone 1 - Value '905-777-1234' has no country "
        "code and is not in UK form",
        "  line 2: Dana Reyes: organisation: 'West Midlands Police' is a police body, not a "
        "council; kept as organisation",
    ]


def test_a_row_that_cannot_be_imported_says_which_field_and_what_to_do(
    sli: Cli, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "basis.csv",
        ["First Name,Last Name,Lawful basis", "Ann,Lucas,vital interests"],
    )
    message = one_line_error(sli("contact", "import", str(path)))
    assert message == (
        "basis.csv, line 2: Lawful basis: 'vital interests' is not a lawful basis; use one of "
        "public task, legitimate interests, consent, contract, legal obligation; nothing was "
        "imported (--skip-bad imports only the good rows)"
    )


def test_a_vcard_exported_by_this_app_finds_its_contact_by_uid(
    councils_vault: Vault, tmp_path: Path
) -> None:
    held = Contacts(councils_vault).add(name="Ann Lucas", emails=["ann@coventry.gov.uk"])
    card = contacts_vcf([held]).replace("ann@coventry.gov.uk", "ann.lucas@coventry.gov.uk")
    path = tmp_path / "ann.vcf"
    path.write_text(card, encoding="utf-8")
    preview = import_contacts(councils_vault, read_contacts(path))
    [change] = preview.changes
    assert (change.action, change.reason) == (
        "update",
        "the same contact, exported from this app; merged",
    )
    [ann] = Contacts(councils_vault).list()
    assert ann.id == held.id
    assert ann.emails == ["ann@coventry.gov.uk", "ann.lucas@coventry.gov.uk"]
