"""Shared fixtures: throwaway real SQLCipher vaults in tmp_path, the CLI in-process, and the
reference data in ../shared/data (skipped with the reason where a clone has none)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest

from sli_desktop.vault import pages
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.store import Vault
from tests.memory_keystore import MemoryKeyStore

PASSPHRASE = "correct horse battery staple"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REGISTER_CSV = SHARED_DATA / "uk_local_authorities_current.csv"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's real vault, passphrase or keyring by accident."""
    for name in ("SLI_VAULT", "SLI_PASSPHRASE", "SLI_NEW_PASSPHRASE", "SLI_PDF_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture(autouse=True)
def _new_vaults_use_the_newer_page_mac(monkeypatch: pytest.MonkeyPatch) -> None:
    """New vaults in tests authenticate pages with HMAC-SHA256 whatever this machine computes
    faster (vault/pages.py), so an opener that forgets the recorded MAC (SQLCipher's default
    is HMAC-SHA512) fails here on every machine. tests/unit/test_page_mac.py tests the choice."""
    monkeypatch.setattr(pages, "faster_mac", lambda: pages.SHA256)


@pytest.fixture(params=[0o000, 0o022], ids=["umask 000", "umask 022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process umask for the test (a careless 0 and the usual 022), put back afterwards:
    files the app writes must come out owner-only under either."""
    before = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(before)


@pytest.fixture
def register_csv() -> Path:
    if not REGISTER_CSV.exists():
        pytest.skip(f"reference data not present at {REGISTER_CSV} (a clone has no ../shared)")
    return REGISTER_CSV


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "vault" / "test.sli"


@pytest.fixture
def keystore() -> MemoryKeyStore:
    return MemoryKeyStore()


@pytest.fixture
def vault(vault_path: Path) -> Iterator[Vault]:
    """A real, empty SQLCipher vault (cheap KDF: it is thrown away)."""
    created = create_vault(vault_path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    yield created.vault
    created.vault.close()


@pytest.fixture
def councils_vault(vault: Vault) -> Vault:
    """A vault holding a handful of real councils, without needing ../shared."""
    from sli_desktop.domain import Council, CouncilType, Region, council_id
    from sli_desktop.vault.councils import Councils

    rows = [
        (
            "E08000025",
            "Birmingham City Council",
            "Birmingham",
            CouncilType.METROPOLITAN_DISTRICT,
            Region.WEST_MIDLANDS,
        ),
        (
            "E08000026",
            "Coventry City Council",
            "Coventry",
            CouncilType.METROPOLITAN_DISTRICT,
            Region.WEST_MIDLANDS,
        ),
        (
            "E10000028",
            "Staffordshire County Council",
            "Staffordshire",
            CouncilType.COUNTY,
            Region.WEST_MIDLANDS,
        ),
        (
            "E07000192",
            "Cannock Chase District Council",
            "Cannock Chase",
            CouncilType.NON_METROPOLITAN_DISTRICT,
            Region.WEST_MIDLANDS,
        ),
        (
            "E09000033",
            "Westminster City Council",
            "Westminster",
            CouncilType.LONDON_BOROUGH,
            Region.LONDON,
        ),
        (
            "E06000047",
            "Durham County Council",
            "County Durham",
            CouncilType.UNITARY,
            Region.NORTH_EAST,
        ),
    ]
    Councils(vault).upsert_register(
        Council.build(id=council_id(g), gss_code=g, name=n, short_name=s, type=t, region=r)
        for g, n, s, t, r in rows
    )
    return vault


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsysbinary: pytest.CaptureFixture[bytes], vault_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Run ``sli`` in-process against ``vault_path`` with the test passphrase."""
    from sli_desktop.cli.app import main

    monkeypatch.setenv("SLI_VAULT", str(vault_path))
    monkeypatch.setenv("SLI_PASSPHRASE", PASSPHRASE)
    store = MemoryKeyStore()

    def run(*args: str, keystore: MemoryKeyStore | None = None) -> CliResult:
        capsysbinary.readouterr()
        code = main(list(args), keystore_factory=lambda: keystore or store)
        captured = capsysbinary.readouterr()
        return CliResult(code, captured.out.decode("utf-8"), captured.err.decode("utf-8"))

    return run


def pytest_report_header() -> list[str]:
    return [
        f"shared data: {'present' if REGISTER_CSV.exists() else 'absent'}",
        f"CI: {os.environ.get('CI', 'no')}",
    ]
