"""Random bytes and random CSV and vCard shapes fed to every importer: each either reads the
file or raises ImportProblem with the file's name, never anything else."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.importers import ImportProblem
from sli_desktop.importers.contact_csv import COLUMNS as CONTACT_SPELLINGS
from sli_desktop.importers.contacts import read_contacts
from sli_desktop.importers.metrics import SPELLINGS as METRIC_SPELLINGS
from sli_desktop.importers.metrics import read_metrics

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
READERS: dict[str, Callable[[Path], Any]] = {
    "contacts.csv": read_contacts,
    "contacts.vcf": read_contacts,
    "metrics.csv": read_metrics,
}


def only_clean_errors(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            parsed = READERS[name](path)
        except ImportProblem as exc:
            assert str(exc).startswith(name), str(exc)
            return
        for problem in parsed.problems:
            assert isinstance(problem, ImportProblem)
            assert problem.line is not None and problem.line >= 1
        for line, _row in parsed.rows:
            assert line >= 1


cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0121 303 9944",
            "07911123456",
            "a@b.org",
            "bad@",
            "E08000025",
            "Birmingham",
            "31/02/2024",
            "2024-01-05",
            "1,234",
            "[x]",
            "NaN",
            "inf",
            '"',
            "é",
            "\x00",
        ]
    ),
)


def csv_bytes(spellings: dict[str, tuple[str, ...]]) -> st.SearchStrategy[bytes]:
    headers = st.lists(
        st.one_of(
            st.sampled_from([s for v in spellings.values() for s in v]), st.text(max_size=10)
        ),
        min_size=0,
        max_size=9,
    )

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        header = draw(headers)
        rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 2), max_size=8))
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]))
        return out.getvalue().encode(encoding, errors="replace")

    return build()


vcard_line = st.one_of(
    st.sampled_from(
        [
            "VERSION:3.0",
            "VERSION:4.0",
            "FN:Ann Example",
            "N:Example;Ann;;;",
            "N:;;;;",
            "EMAIL:ann@example.org",
            "EMAIL:not an email",
            "TEL:0121 303 9944",
            "TEL:12",
            "TEL;VALUE=uri:tel:+44-20-7641-6000",
            "ORG:Birmingham City Council;Children",
            "TITLE:Leader",
            "X-SLI-COUNCIL:E08000025",
            "X-SLI-COUNCIL:nope",
            "PHOTO;ENCODING=b:@@@",
            "BDAY:notadate",
            " folded continuation",
            "BEGIN:VCARD",
            "END:VCARD",
            ":",
            ";;;",
            "ADR:;;1 Road;Town;;;UK",
            "item1.EMAIL:x@y.org",
            "N:a;b;c;d;e;f;g",
        ]
    ),
    st.text(max_size=40).map(lambda t: t.replace("\n", " ").replace("\r", " ")),
)


@st.composite
def vcard_bytes(draw: st.DrawFn) -> bytes:
    cards = []
    for _ in range(draw(st.integers(0, 4))):
        body = draw(st.lists(vcard_line, max_size=8))
        end = draw(st.sampled_from(["END:VCARD", "", "end:vcard"]))
        cards.append("\r\n".join(["BEGIN:VCARD", *body, end]))
    return "\r\n".join(cards).encode("utf-8")


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(sorted(READERS)))
def test_random_bytes(data: bytes, name: str) -> None:
    only_clean_errors(name, data)


@FUZZ
@given(data=csv_bytes(CONTACT_SPELLINGS))
def test_random_contact_csv(data: bytes) -> None:
    only_clean_errors("contacts.csv", data)


@FUZZ
@given(data=csv_bytes(METRIC_SPELLINGS))
def test_random_metrics_csv(data: bytes) -> None:
    only_clean_errors("metrics.csv", data)


@FUZZ
@given(data=vcard_bytes())
def test_random_vcards(data: bytes) -> None:
    only_clean_errors("contacts.vcf", data)
