"""Import benchmarks (make bench; never part of make test): 20,000 contacts from Outlook CSV
(seven columns, and Outlook desktop's own 92), from vCard 3.0 and from Android's vCard 2.1, and
200,000 figures long and wide (issue 24), into a real vault with cipher_memory_security off as in
the app. Rows per second go to bench-results/import.json. Aim (issue 6): each under 10 s on a
2-core machine. Nothing here asserts a time: the figures are the result."""

from __future__ import annotations

import csv
import io
import json
import platform
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.importers.contacts import contacts_vcf, import_contacts, read_contacts
from sli_desktop.importers.metrics import import_metrics, read_metrics
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.metrics import Metrics
from sli_desktop.vault.pages import PageFormat, faster_mac
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.store import Vault
from tests.bulkload import ROOT

CONTACTS = 20_000
METRIC_ROWS = 200_000
COUNCILS = 300
RESULTS = ROOT / "bench-results" / "import.json"
PASSPHRASE = "benchmark passphrase, not secret"
FIRST = ["Ann", "Bob", "Chloé", "Dev", "Eve", "Femi", "Gary", "Hana", "Ivan", "Jo"]
LAST = ["Smith", "Jones", "Khan", "O'Brien", "Nguyen", "Brontë", "Patel", "Evans"]


def gss(i: int) -> str:
    return f"E0{7000001 + i:07d}"


def make_vault(path: Path, page_size: int | None = None) -> Vault:
    """A new vault holding the benchmark's councils (also used by the page-size benchmark,
    which gives the size; the page MAC is new vaults' either way)."""
    pages = None if page_size is None else PageFormat(page_size, faster_mac())
    created = create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests(), pages=pages)
    vault = created.vault
    Councils(vault).upsert_register(
        Council.build(
            id=council_id(gss(i)),
            gss_code=gss(i),
            name=f"Benchtown {i} District Council",
            short_name=f"Benchtown {i}",
            type=CouncilType.NON_METROPOLITAN_DISTRICT,
            region=Region.WEST_MIDLANDS,
        )
        for i in range(COUNCILS)
    )
    return vault


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    vault = make_vault(tmp_path / "bench.sli")
    assert not vault.memory_security  # off, as in the product (issue 25)
    yield vault
    vault.close()


def contacts_csv_text(n: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "First Name",
            "Last Name",
            "E-mail Address",
            "Business Phone",
            "Mobile Phone",
            "Company",
            "Job Title",
        ]
    )
    for i in range(n):
        writer.writerow(
            [
                FIRST[i % len(FIRST)],
                f"{LAST[i % len(LAST)]}-{i}",
                f"person{i}@example.org",
                f"0121 303 {i % 10000:04d}",
                f"07911 {i % 1000000:06d}",
                f"Benchtown {i % COUNCILS} District Council",
                "Officer",
            ]
        )
    return out.getvalue()


def record(name: str, rows: int, seconds: float, **extra: Any) -> dict[str, Any]:
    """Keep this run beside the one before it (``before``), so a change shows as a ratio."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous = results.get(name, {})
    before = {k: v for k, v in previous.items() if k != "before" and isinstance(v, int | float)}
    results[name] = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "aim_seconds": 10,
        "aim_met": seconds < 10,
        "machine": f"{platform.machine()} {platform.python_version()}",
        **extra,
        "before": before,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    was = before.get("seconds")
    versus = f" (before {was:.2f} s: {was / seconds:.1f}x faster)" if was else ""
    print(f"\n{name}: {rows} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s{versus}")
    return results[name]


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def _import_contacts_timed(vault: Vault, path: Path, name: str) -> None:
    """Read and import ``path``, every contact added, and record the two times as ``name``."""
    parsed, read_s = timed(lambda: read_contacts(path))
    preview, write_s = timed(lambda: import_contacts(vault, parsed))
    assert preview.count("add") == CONTACTS and not preview.problems
    record(name, CONTACTS, read_s + write_s, read_s=round(read_s, 2), write_s=round(write_s, 2))


def test_contacts_csv(vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(contacts_csv_text(CONTACTS), encoding="utf-8")
    _import_contacts_timed(vault, path, "contacts_csv")
    assert len(Contacts(vault).list()) == CONTACTS


def test_contacts_vcard(vault: Vault, tmp_path: Path) -> None:
    csv_path = tmp_path / "contacts.csv"
    csv_path.write_text(contacts_csv_text(CONTACTS), encoding="utf-8")
    cards = contacts_vcf([row.contact for _, row in read_contacts(csv_path).rows])
    path = tmp_path / "contacts.vcf"
    path.write_text(cards, encoding="utf-8")
    _import_contacts_timed(vault, path, "contacts_vcard")


#: What the sector data service's metric names look like (their length is the point).
METRIC_NAMES = (
    "Percentage of household waste sent for reuse, recycling and composting",
    "Number of children in need per 10,000 children",
    "Council tax collection rate",
    "Net current expenditure per head on adult social care",
    "Percentage of major planning applications decided in time",
)


def metric_value(i: int, metric: int) -> str:
    """Rates (one decimal, at most 1,001 values) for even metrics, counts (mostly distinct) for
    odd ones, as a real export mixes them: distinct values are each checked once by the
    importer, so a file of few distinct values would flatter it."""
    if metric % 2 == 0:
        return f"{(i * 7919) % 1001 / 10:.1f}"
    return str((i * 7919) % 1_000_003)


def write_metrics_csv(path: Path) -> None:
    """METRIC_ROWS figures for the benchmark's councils, as the sector data service exports."""
    per_council = METRIC_ROWS // COUNCILS + 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Area code", "Area name", "Period", "Metric id", "Metric name", "Value", "Unit"]
        )
        for i in range(METRIC_ROWS):
            c, k = divmod(i, per_council)
            writer.writerow(
                [
                    gss(c),
                    f"Benchtown {c}",
                    f"{2010 + k % 14}/{(11 + k % 14) % 100:02d}",
                    f"M{k // 14}",
                    f"{METRIC_NAMES[k // 14 % len(METRIC_NAMES)]} ({k // 14})",
                    metric_value(i, k // 14),
                    "%" if k // 14 % 2 == 0 else "count",
                ]
            )


def test_metrics(vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "metrics.csv"
    write_metrics_csv(path)
    parsed, read_s = timed(lambda: read_metrics(path))
    result, write_s = timed(lambda: import_metrics(vault, parsed))
    assert result.added == METRIC_ROWS and not result.problems
    assert len(Metrics(vault).list()) == METRIC_ROWS
    again, again_s = timed(lambda: import_metrics(vault, read_metrics(path)))
    assert again.unchanged == METRIC_ROWS
    record(
        "metrics_csv",
        METRIC_ROWS,
        read_s + write_s,
        read_s=round(read_s, 2),
        reimport_unchanged_s=round(again_s, 2),
    )


# -- issue 24: producers' own layouts -----------------------------------------------------------

SAMPLES = ROOT / "tests" / "fixtures" / "contacts"


def _outlook_full_text(n: int) -> str:
    """Outlook desktop's own 92-column layout (the header of tests/fixtures/contacts), every
    header quoted, a department, a fax, an address and Outlook's empty-date markers per row: the
    reader classifies every column and lists what it does not keep."""
    header = next(csv.reader(io.StringIO(read_header(SAMPLES / "outlook_desktop.csv"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for i in range(n):
        row = dict.fromkeys(header, "")
        row.update(
            {
                "First Name": FIRST[i % len(FIRST)],
                "Last Name": f"{LAST[i % len(LAST)]}-{i}",
                "Company": f"Benchtown {i % COUNCILS} District Council",
                "Department": "Adult Social Care",
                "Job Title": "Officer",
                "Business Street": f"{i} High Street",
                "Business City": "Benchtown",
                "Business Fax": f"0121 304 {i % 10000:04d}",
                "Business Phone": f"0121 303 {i % 10000:04d}",
                "Mobile Phone": f"07911 {i % 1000000:06d}",
                "E-mail Address": f"person{i}@example.org",
                "E-mail Type": "SMTP",
                "E-mail Display Name": f"Person {i} (person{i}@example.org)",
                "Birthday": "0/0/00",
                "Anniversary": "0/0/00",
                "Gender": "Unspecified",
                "Priority": "Normal",
                "Sensitivity": "Normal",
                "Private": "False",
            }
        )
        writer.writerow([row[h] for h in header])
    return out.getvalue()


def read_header(path: Path) -> str:
    return path.read_bytes().decode("cp1252").split("\r\n", 1)[0]


def test_contacts_outlook_full_layout(vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "outlook.csv"
    path.write_bytes(_outlook_full_text(CONTACTS).encode("cp1252"))
    _import_contacts_timed(vault, path, "contacts_outlook_92_columns")


def test_contacts_vcard_21_quoted_printable(vault: Vault, tmp_path: Path) -> None:
    """Android's vCard 2.1: quoted-printable names in UTF-8, a soft line break in a note."""
    cards = []
    for i in range(CONTACTS):
        name = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}-{i}".encode()
        qp = "".join(f"={b:02X}" if b > 126 or b == 61 else chr(b) for b in name)
        cards.append(
            "BEGIN:VCARD\r\nVERSION:2.1\r\n"
            f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp}\r\n"
            f"TEL;CELL:07911 {i % 1000000:06d}\r\nTEL;WORK;VOICE:0121 303 {i % 10000:04d}\r\n"
            f"EMAIL;WORK:person{i}@example.org\r\n"
            f"ORG:Benchtown {i % COUNCILS} District Council;Housing\r\n"
            "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Met at the=0Aconference, =\r\n"
            "spoke about housing\r\nEND:VCARD\r\n"
        )
    path = tmp_path / "android.vcf"
    path.write_text("".join(cards), encoding="ascii")
    _import_contacts_timed(vault, path, "contacts_vcard_21")


def test_metrics_wide_by_period(vault: Vault, tmp_path: Path) -> None:
    """200,000 figures as LG Inform's wide download lays them out: a title line, then a row per
    council and metric with a column per financial year written "2010-11"."""
    years = 10
    metrics = METRIC_ROWS // (COUNCILS * years) + 1
    path = tmp_path / "wide.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write('"Figures for Benchtown councils"\r\n')
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(
            ["Area code", "Area", "Metric", *(f"{2010 + y}-{11 + y}" for y in range(years))]
        )
        for c in range(COUNCILS):
            for m in range(metrics):
                writer.writerow(
                    [
                        gss(c),
                        f"Benchtown {c}",
                        f"{METRIC_NAMES[m % len(METRIC_NAMES)]} ({m})",
                        *(metric_value(c * 1000 + m * 10 + y, m) for y in range(years)),
                    ]
                )
    figures = COUNCILS * metrics * years
    parsed, read_s = timed(lambda: read_metrics(path))
    result, write_s = timed(lambda: import_metrics(vault, parsed))
    assert result.added == figures and not result.problems
    record("metrics_wide_by_period", figures, read_s + write_s, read_s=round(read_s, 2))
