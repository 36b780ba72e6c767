"""Briefings, read back as a recipient would: real PDFs through pypdf and pdftoppm.

Each test builds a briefing from a real vault and checks what the issue says must hold: the
marking and "Page N of M" on every page, the council and each included note's title, no private
note, serious concerns first, AES-256 that opens only with the passphrase, large print, Welsh
names, clean metadata, and an audit entry naming exactly what went in.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from sli_desktop.briefing import (
    BriefingOptions,
    brief_challenge,
    brief_council,
    brief_region,
    encrypt,
)
from sli_desktop.domain import (
    Council,
    CouncilType,
    Marking,
    Metric,
    Nation,
    Region,
    SupportOffer,
    council_id,
)
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.store import Vault
from tests.conftest import CliResult

BHAM, COV, STAFFS, CANNOCK = "E08000025", "E08000026", "E10000028", "E07000192"
ANGLESEY = "W06000001"
ANGLESEY_NAME = "Cyngor Sir Ynys Môn"
WELSH_CONTACT = "Siân Ŵyn Llŷr"
PRIVATE_TEXT = "Zebra-canary: the leader's health is private"
PRIVATE_TITLE = "Private aside about the leader"
SENSITIVE_TITLE = "Children's services overspend"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TODAY = date.today()


@dataclass
class Seeded:
    vault: Vault
    shared_titles: list[str]  # Birmingham's OFFICIAL notes
    private_id: str
    sensitive_id: str
    unaware_title: str
    challenge_id: str


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def seeded(councils_vault: Vault) -> Seeded:
    v = councils_vault
    Councils(v).upsert_register(
        [
            Council.build(
                id=council_id(ANGLESEY),
                gss_code=ANGLESEY,
                name=ANGLESEY_NAME,
                type=CouncilType.WELSH_UNITARY,
                nation=Nation.WALES,
                region=Region.WALES,
            )
        ]
    )
    notes, contacts = Notes(v), Contacts(v)
    contacts.add(council=BHAM, name="Cllr John Cotton", role="Leader", phones=["0121 303 9944"])
    contacts.add(council=ANGLESEY, name=WELSH_CONTACT, role="Chief Executive")
    titles = ["Budget gap widening", "New chief executive settling in", "SEND transport review"]
    for i, title in enumerate(titles):
        notes.add(
            council=BHAM,
            date=days_ago(90 - 30 * i),
            title=title,
            body=f"Officers described the position at meeting {i} in some detail.",
            themes=["finance"],
            concern="medium",
            evidence=["Budget monitoring report"],
            council_aware=True,
        )
    sensitive = notes.add(
        council=BHAM,
        date=days_ago(20),
        title=SENSITIVE_TITLE,
        body="A forecast overspend of £11.8m driven by placements.",
        concern="medium",
        evidence=["Quarter two forecast"],
        marking="OFFICIAL-SENSITIVE",
    )
    private = notes.add(
        council=BHAM,
        date=days_ago(10),
        title=PRIVATE_TITLE,
        body=PRIVATE_TEXT,
        concern="serious",
        evidence=["conversation"],
        private=True,
    )
    unaware = "Informal word about a senior departure"
    notes.add(council=BHAM, date=days_ago(5), title=unaware, body="Not yet public.")
    notes.add(
        council=COV,
        date=days_ago(15),
        title="Coventry section 114 risk",
        concern="serious",
        evidence=["Q2 budget monitoring report"],
        council_aware=True,
    )
    notes.add(
        council=STAFFS,
        date=days_ago(25),
        title="Staffordshire SEND inspection",
        concern="high",
        evidence=["Ofsted letter"],
    )
    notes.add(
        council=CANNOCK,
        date=days_ago(12),
        title="Cannock private worry",
        body=PRIVATE_TEXT,
        concern="serious",
        evidence=["phone call"],
        private=True,
    )
    notes.add(council=ANGLESEY, date=days_ago(3), title="Môn visit: ŵyr a ŷd", body="Croeso.")
    challenge = Challenges(v).add(
        council=BHAM,
        type="corporate",
        status="booked",
        start=TODAY + timedelta(days=40),
        end=TODAY + timedelta(days=43),
        scope="Financial sustainability and the children's services improvement plan.",
        team=[
            {"name": "Cllr Peer Lead", "role": "lead member peer"},
            {"name": "Dr Chief Peer", "role": "chief executive peer", "organisation": "Leeds"},
        ],
    )
    Actions(v).add(title="Send the budget recovery plan", council=BHAM, due=days_ago(-7))
    Actions(v).add(title="Private follow-up", council=BHAM, note_id=private.id)
    v.save(SupportOffer.build(council=BHAM, type="leadership programme place", status="taken up"))
    for gss, value in ((BHAM, 41.0), (COV, 30.0), (STAFFS, 20.0)):
        v.save(
            Metric.build(
                council=gss,
                period="2025-26",
                metric_id="ctax",
                name="Council tax collected",
                value=value,
                unit="%",
            )
        )
    return Seeded(v, titles, private.id, sensitive.id, unaware, challenge.id)


def options(**kw: object) -> BriefingOptions:
    base: dict[str, object] = {"prepared_by": "Test Adviser", "recipient": "Chair of the Board"}
    base.update(kw)
    return BriefingOptions(**base)  # type: ignore[arg-type]


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in read(pdf).pages]


def assert_every_page_marked(pdf: bytes, marking: str) -> list[str]:
    texts = pages_text(pdf)
    assert len(texts) >= 2
    for number, page in enumerate(texts, start=1):
        assert page.count(marking) >= 2, f"page {number}: marking not at top and bottom"
        assert f"Page {number} of {len(texts)}" in page, f"page {number} not numbered"
        assert "Prepared by Test Adviser" in page, f"page {number}: no 'prepared by'"
    return texts


def font_sizes(pdf: bytes) -> list[float]:
    """The effective size of every piece of text drawn (Tf size times the text and graphics
    matrices' scale)."""
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if not text.strip():
            return
        a, b, c, d = (
            tm[0] * cm[0] + tm[1] * cm[2],
            tm[0] * cm[1] + tm[1] * cm[3],
            tm[2] * cm[0] + tm[3] * cm[2],
            tm[2] * cm[1] + tm[3] * cm[3],
        )
        sizes.append(size * math.sqrt(abs(a * d - b * c)))

    for page in read(pdf).pages:
        page.extract_text(visitor_text=visit)
    return sizes


# -- council briefing -------------------------------------------------------------------------


def test_council_briefing_has_its_marking_pages_council_and_notes(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, BHAM, options())
    texts = assert_every_page_marked(briefing.pdf, "OFFICIAL-SENSITIVE")
    everything = "\n".join(texts)
    assert briefing.pages == len(texts)
    assert "Birmingham City Council" in texts[0]
    for title in [*seeded.shared_titles, SENSITIVE_TITLE, seeded.unaware_title]:
        assert title in everything
    assert all("Prepared for Chair of the Board" in page for page in texts)
    for section in ("Key contacts", "Intelligence", "Peer challenge and review history"):
        assert section in everything
    assert "Cllr John Cotton" in everything
    assert "Send the budget recovery plan" in everything
    assert "leadership programme place".capitalize() in everything
    assert "Council tax collected" in everything and "median" in everything


def test_private_notes_and_what_hangs_off_them_never_appear(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, BHAM, options())
    everything = "\n".join(pages_text(briefing.pdf))
    for secret in (PRIVATE_TEXT, PRIVATE_TITLE, "Private follow-up", "Zebra"):
        assert secret not in everything
    # Nor does the private note's serious concern set the council's level.
    assert "Serious" not in everything
    assert seeded.private_id not in {r.id for r in briefing.contents}


def test_notes_are_by_concern_then_newest_first(seeded: Seeded) -> None:
    """All four are medium concerns: the newest comes first, and the unmarked note last."""
    texts = pages_text(brief_council(seeded.vault, BHAM, options()).pdf)
    intelligence = "\n".join(texts[1:])
    order = [SENSITIVE_TITLE, *reversed(seeded.shared_titles), seeded.unaware_title]
    places = [intelligence.index(t) for t in order]
    assert places == sorted(places)


def test_marking_defaults_to_the_highest_included(seeded: Seeded) -> None:
    assert brief_council(seeded.vault, BHAM, options()).marking is Marking.OFFICIAL_SENSITIVE
    official = brief_council(seeded.vault, COV, options())
    assert official.marking is Marking.OFFICIAL
    texts = assert_every_page_marked(official.pdf, "OFFICIAL")
    assert not any("OFFICIAL-SENSITIVE" in t for t in texts)


def test_an_official_briefing_leaves_out_sensitive_notes(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, BHAM, options(marking=Marking.OFFICIAL))
    everything = "\n".join(assert_every_page_marked(briefing.pdf, "OFFICIAL"))
    assert SENSITIVE_TITLE not in everything
    assert "OFFICIAL-SENSITIVE" not in everything
    assert briefing.withheld == 1
    assert seeded.shared_titles[0] in everything


def test_since_limits_the_intelligence(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, BHAM, options(since=days_ago(45)))
    everything = "\n".join(pages_text(briefing.pdf))
    assert seeded.shared_titles[2] in everything
    assert seeded.shared_titles[0] not in everything


def test_metadata_names_the_briefing_and_carries_no_note_text(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, BHAM, options())
    meta = read(briefing.pdf).metadata
    assert meta is not None
    assert meta.title == "Council briefing: Birmingham City Council"
    assert meta.author == "Test Adviser"
    assert meta.subject and "OFFICIAL-SENSITIVE" in meta.subject
    values = " ".join(str(v) for v in meta.values())
    for title in [*seeded.shared_titles, SENSITIVE_TITLE, PRIVATE_TITLE]:
        assert title not in values
    assert "Officers described" not in values and "£11.8m" not in values


def test_welsh_names_survive_text_extraction(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, ANGLESEY, options(recipient="Llŷr ap Ŵyn"))
    everything = "\n".join(pages_text(briefing.pdf))
    assert ANGLESEY_NAME in everything
    assert WELSH_CONTACT in everything
    assert "Môn visit: ŵyr a ŷd" in everything
    assert "Prepared for Llŷr ap Ŵyn" in everything


def test_every_font_is_embedded(seeded: Seeded) -> None:
    reader = read(brief_council(seeded.vault, ANGLESEY, options()).pdf)
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        assert fonts
        for ref in fonts.values():
            font = ref.get_object()
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} not embedded"


# -- large print, rendering ------------------------------------------------------------------


def test_large_print_sets_all_text_at_16_points_or_more(seeded: Seeded) -> None:
    ordinary = font_sizes(brief_council(seeded.vault, BHAM, options()).pdf)
    large = font_sizes(brief_council(seeded.vault, BHAM, options(large_print=True)).pdf)
    assert min(ordinary) < 16, "the check must be able to fail"
    assert large and min(large) >= 16 - 1e-6


def render_first_page(pdf: bytes, name: str, tmp_path: Path) -> Path:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / f"briefing-{name}-page1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", source, stem],
        check=True,
        timeout=60,
    )
    return stem.with_suffix(".png")


def ink_share(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:200]) / sum(histogram)


@pytest.mark.parametrize("kind", ["council", "region", "challenge", "large-print"])
def test_page_one_renders_with_ink_and_is_kept(seeded: Seeded, tmp_path: Path, kind: str) -> None:
    v = seeded.vault
    opts = options(large_print=kind == "large-print")
    pdf = {
        "council": lambda: brief_council(v, BHAM, opts),
        "large-print": lambda: brief_council(v, BHAM, opts),
        "region": lambda: brief_region(v, Region.WEST_MIDLANDS, opts),
        "challenge": lambda: brief_challenge(v, seeded.challenge_id, opts),
    }[kind]().pdf
    png = render_first_page(pdf, kind, tmp_path)
    assert png.exists()
    assert ink_share(png) > 0.01, "page 1 is blank"


# -- region and team pack --------------------------------------------------------------------


def test_region_puts_serious_concerns_first_then_a_section_each(seeded: Seeded) -> None:
    briefing = brief_region(seeded.vault, Region.WEST_MIDLANDS, options())
    texts = assert_every_page_marked(briefing.pdf, "OFFICIAL-SENSITIVE")
    overview = texts[0]
    assert "Executive summary" in overview
    order = [overview.index(name) for name in ("Coventry", "Staffordshire", "Birmingham")]
    assert order == sorted(order), overview
    assert "Corporate peer challenge coverage" in "\n".join(texts)
    later = "\n".join(texts[1:])
    assert "Coventry section 114 risk" in later and "Staffordshire SEND inspection" in later
    # Birmingham's concern is medium: it has a page of its own, with its medium notes.
    assert "Budget gap widening" in later
    # Cannock's only serious concern is private: it must not surface at all, and with nothing
    # else to report Cannock is one line in the appendix.
    everything = "\n".join(texts)
    assert "Cannock private worry" not in everything
    appendix = everything[everything.index("Appendix: councils with nothing to report") :]
    cannock_line = appendix[appendix.index("Cannock Chase") :].splitlines()[0]
    assert "No concern" in cannock_line and "Serious" not in cannock_line


def test_team_pack_has_scope_team_and_only_what_the_council_knows(seeded: Seeded) -> None:
    briefing = brief_challenge(seeded.vault, seeded.challenge_id[:8], options())
    everything = "\n".join(assert_every_page_marked(briefing.pdf, "OFFICIAL"))
    assert "Financial sustainability" in everything
    assert "Cllr Peer Lead" in everything and "Dr Chief Peer" in everything
    assert "Cllr John Cotton" in everything
    assert seeded.shared_titles[0] in everything  # council aware
    assert seeded.unaware_title not in everything
    assert SENSITIVE_TITLE not in everything and PRIVATE_TITLE not in everything


# -- audit -----------------------------------------------------------------------------------


def test_every_briefing_is_audited_with_ids_and_versions(seeded: Seeded) -> None:
    v = seeded.vault
    Notes(v).edit(seeded.sensitive_id, body="Revised: a forecast overspend of £12m.")
    briefing = brief_council(v, BHAM, options())
    # After the briefing's own entry come one "brief" and one "read" (vault/reads.py) per note.
    entry = AuditLog(v).entries()[-1 - 2 * briefing.notes]
    assert (entry.action, entry.kind, entry.record_id) == ("brief", "briefing", briefing.audit_id)
    detail = entry.to_json()["detail"]
    assert detail["marking"] == "OFFICIAL-SENSITIVE"
    assert detail["recipient"] == "Chair of the Board"
    notes = {note_id: version for note_id, version in detail["records"]["note"]}
    assert notes[seeded.sensitive_id] == 2
    assert seeded.private_id not in notes
    assert len(notes) == briefing.notes == 5
    assert detail["records"]["council"] == [[council_id(BHAM), 1]]
    assert "£" not in entry.detail and "Officers described" not in entry.detail
    history = AuditLog(v).for_record(seeded.sensitive_id)
    assert [e.action for e in history[-2:]] == ["brief", "read"]
    assert json.loads(history[-1].detail) == {
        "via": "briefing",
        "briefing": briefing.audit_id,
        "event": json.loads(history[-1].detail)["event"],
    }
    assert AuditLog(v).verify() is None


# -- encryption ------------------------------------------------------------------------------


def test_encrypted_briefing_opens_only_with_its_passphrase(seeded: Seeded) -> None:
    briefing = brief_council(seeded.vault, BHAM, options(), passphrase="tea at the town hall")
    reader = read(briefing.pdf)
    assert reader.is_encrypted
    encryption = reader.trailer["/Encrypt"].get_object()
    assert (encryption["/V"], encryption["/R"]) == (5, 6), "not AES-256"
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert not read(briefing.pdf).decrypt("wrong passphrase")
    opened = read(briefing.pdf)
    assert opened.decrypt("tea at the town hall")
    assert "Birmingham City Council" in opened.pages[0].extract_text()
    assert b"Birmingham" not in briefing.pdf


def test_a_short_pdf_passphrase_is_refused(seeded: Seeded) -> None:
    with pytest.raises(ValueError, match="at least"):
        encrypt(brief_council(seeded.vault, COV, options()).pdf, "short")


# -- the command -----------------------------------------------------------------------------

Cli = Callable[..., CliResult]


@pytest.fixture
def seeded_cli(cli: Cli, seeded: Seeded) -> Cli:
    seeded.vault.close()  # the CLI opens the same file itself
    return cli


def test_cli_writes_each_kind_and_nothing_else(
    seeded_cli: Cli, seeded: Seeded, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for args in (
        ["council", BHAM],
        ["region", "west midlands"],
        ["challenge", seeded.challenge_id[:8]],
    ):
        target = out / f"{args[0]}.pdf"
        result = seeded_cli("brief", *args, "-o", str(target), "--recipient", "The Chair")
        assert result.code == 0, result.err
        assert result.out.startswith(f"Wrote {target}")
        assert "Prepared for The Chair" in read(target.read_bytes()).pages[1].extract_text()
    assert sorted(p.name for p in out.iterdir()) == ["challenge.pdf", "council.pdf", "region.pdf"]


def test_cli_options_reach_the_pdf(
    seeded_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "b.pdf"
    monkeypatch.setenv("SLI_PDF_PASSPHRASE", "a long pdf passphrase")
    result = seeded_cli(
        "brief", "council", BHAM, "-o", str(target), "--marking", "official",
        "--large-print", "--encrypt", "--since", days_ago(45).isoformat(), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    reader = read(target.read_bytes())
    assert reader.is_encrypted and reader.decrypt("a long pdf passphrase")
    text = reader.pages[0].extract_text()
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
    assert '"encrypted": true' in result.out and '"marking": "OFFICIAL"' in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["council", "E09999999"], "no council"),
        (["region", "Atlantis"], "unknown region"),
        (["challenge", "deadbeef"], "no single peer challenge"),
        (["council", BHAM, "--marking", "SECRET"], "unknown marking"),
        (["council", BHAM, "--encrypt"], "SLI_PDF_PASSPHRASE"),
    ],
)
def test_cli_mistakes_are_one_line(
    seeded_cli: Cli, tmp_path: Path, args: list[str], message: str
) -> None:
    result = seeded_cli("brief", *args, "-o", str(tmp_path / "x.pdf"))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("sli: ") and result.err.count("\n") == 1
    assert message.lower() in result.err.lower()
    assert not (tmp_path / "x.pdf").exists()


def test_cli_refuses_a_missing_folder(seeded_cli: Cli, tmp_path: Path) -> None:
    result = seeded_cli("brief", "council", BHAM, "-o", str(tmp_path / "nope" / "x.pdf"))
    assert result.code == 2 and "does not exist" in result.err
