"""Any contact the app holds, written by its exporters, reads back as the same contact.

vCard 3.0 gives back every field exactly, phones in order, and the id (UID). Outlook CSV gives
back every field; phones come back as the same numbers, though not in the same order, since a
mobile has its own column. Text is drawn from all of Unicode (emoji, accents, CJK, right-to-left)
with the separators vCard and CSV must escape; names and the rest come as the app stores them,
single-spaced and trimmed. Every vCard line is at most 75 octets of UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import Contact, LawfulBasis
from sli_desktop.importers.contact_csv import read_csv
from sli_desktop.importers.contact_export import contacts_csv, contacts_vcf, fold
from sli_desktop.importers.vcard import read_vcards

_CHARS = st.characters(
    categories=["L", "M", "N", "P", "S"], exclude_characters="\u2028\u2029\x85"
) | st.sampled_from(list(",;:\\\"'=+-@😀é中ש"))
_WORD = st.text(_CHARS, min_size=1, max_size=12)
_TEXT = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)
_PHONES = st.sampled_from(
    [
        "0121 303 1111",
        "07700 900123",  # the drama range: valid in form, assigned to nobody
        "+44 20 7664 3000",
        "0121 303 1111 ext. 2234",
        "+1 905-777-1234",
        "+33 6 12 34 56 78",
        "905-777-1234",  # no country: kept as typed
        "0121 303",  # too short: kept as typed
        "07911 123456",
        "07911 654321",
        "+49 151 23456789",
    ]
)
_EMAILS = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.from_regex(r"[a-z0-9]{1,10}([.+-][a-z0-9]{1,6})?", fullmatch=True),
    st.sampled_from(["birmingham.gov.uk", "local.gov.uk", "example.org"]),
)


@st.composite
def held(draw: st.DrawFn) -> Contact:
    return Contact.build(
        name=draw(_TEXT),
        role=draw(st.just("") | _TEXT.filter(lambda t: len(t) <= 300)),
        organisation=draw(st.just("") | _TEXT.filter(lambda t: len(t) <= 300)),
        council=draw(st.none() | st.sampled_from(["E08000025", "E07000192", "E06000047"])),
        emails=draw(st.lists(_EMAILS, max_size=6, unique=True)),
        phones=draw(st.lists(_PHONES, max_size=7, unique=True)),
        lawful_basis=draw(st.sampled_from(LawfulBasis)),
        last_contacted=draw(st.none() | st.dates()),
    )


def _fields(contact: Contact) -> tuple[object, ...]:
    return (
        contact.name,
        contact.role,
        contact.organisation,
        contact.emails,
        contact.lawful_basis,
        contact.last_contacted,
    )


def _only_kept_as_typed(notices: tuple[str, ...], contact: Contact) -> bool:
    """Numbers the app keeps as typed are said to be so again; nothing else is reported."""
    typed = [p for p in contact.phones if not p.startswith("+")]
    return len(notices) == len(typed) and all(n.startswith("kept as typed") for n in notices)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(held(), min_size=1, max_size=4))
def test_vcard_export_reads_back_identical(contacts: list[Contact]) -> None:
    text = contacts_vcf(contacts)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    parsed = read_vcards(Path("back.vcf"), text)
    assert parsed.problems == []
    assert len(parsed.rows) == len(contacts)
    for contact, (_line, row) in zip(contacts, parsed.rows, strict=True):
        assert _fields(row.contact) == _fields(contact)
        assert row.contact.phones == contact.phones
        assert (row.council or None, row.uid) == (contact.council, contact.id)
        assert _only_kept_as_typed(row.notices, contact)


@SETTINGS
@given(st.lists(held(), min_size=1, max_size=4))
def test_outlook_csv_export_reads_back_identical(contacts: list[Contact]) -> None:
    parsed = read_csv(Path("back.csv"), contacts_csv(contacts, {"E08000025": "Birmingham"}))
    assert parsed.problems == []
    assert len(parsed.rows) == len(contacts)
    for contact, (_line, row) in zip(contacts, parsed.rows, strict=True):
        assert _fields(row.contact) == _fields(contact)
        assert sorted(row.contact.phones) == sorted(contact.phones)
        assert (row.council or None) == contact.council
        assert _only_kept_as_typed(row.notices, contact)


def test_one_value_per_outlook_column_and_the_rest_in_notes() -> None:
    contact = Contact.build(
        name="Ann Lucas",
        emails=[f"a{i}@example.org" for i in range(5)],
        phones=["07911 123456", "0121 303 1111", "0121 303 2222", "0121 303 3333", "0121 303 4444"],
    )
    [header, row] = read_table(contacts_csv([contact], {}))
    cells = dict(zip(header, row, strict=True))
    assert [cells[f"E-mail{n} Address"] for n in ("", " 2", " 3")] == [
        "a0@example.org",
        "a1@example.org",
        "a2@example.org",
    ]
    assert (cells["Mobile Phone"], cells["Business Phone"], cells["Other Phone"]) == (
        "07911 123456",
        "0121 303 1111",
        "0121 303 3333",
    )
    assert (
        cells["Notes"]
        == "E-mail 4: a3@example.org\r\nE-mail 5: a4@example.org\r\nPhone 5: 0121 303 4444"
    )
    assert not any(";" in cell for cell in row)


def read_table(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text, newline="")))


def test_folding_counts_octets_and_never_splits_a_character() -> None:
    line = "FN:" + "😀" * 40 + "é" * 30
    folded = fold(line)
    parts = folded.removesuffix("\r\n").split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == line
    assert fold("FN:short") == "FN:short\r\n"


def test_the_vcard_carries_uid_rev_prodid_and_the_lawful_basis() -> None:
    contact = Contact.build(name="Ann Lucas", lawful_basis=LawfulBasis.CONSENT)
    lines = contacts_vcf([contact]).split("\r\n")
    assert lines[:3] == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Local Government Association//SLI Desktop//EN",
    ]
    assert f"UID:{contact.id}" in lines
    assert any(line.startswith("REV:") and line.endswith("Z") for line in lines)
    assert "X-SLI-LAWFUL-BASIS:consent" in lines
