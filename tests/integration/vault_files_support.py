"""Helpers for the tests of the vault's files on disk: a closed vault holding notes, its files'
digests, and ``sli`` run for real as a separate process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sli_desktop.domain import Council, CouncilType, Region, council_id
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.pages import PageFormat
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE

SLI = Path(sys.executable).with_name("sli")
NEW_PASSPHRASE = "violet harbour kestrel ninety lanterns"
BHAM = "E08000025"


@dataclass
class Run:
    code: int
    out: str
    err: str


def make_vault(
    path: Path, notes: int = 30, pages: PageFormat | None = None
) -> tuple[str, list[str]]:
    """A closed vault (cheap KDF) with one council and ``notes`` notes: its recovery key and
    the notes' ids. ``pages``: new vaults' format unless given."""
    created = create_vault(
        path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests(), pages=pages
    )
    with created.vault as vault:
        Councils(vault).upsert_register(
            [
                Council.build(
                    id=council_id(BHAM),
                    gss_code=BHAM,
                    name="Birmingham City Council",
                    type=CouncilType.METROPOLITAN_DISTRICT,
                    region=Region.WEST_MIDLANDS,
                )
            ]
        )
        ids = add_notes(vault, notes)
    return created.recovery_key, ids


def add_notes(vault: Vault, count: int, start: int = 0) -> list[str]:
    with vault.transaction():
        return [
            Notes(vault)
            .add(
                council=BHAM,
                title=f"Note {i}",
                body=f"Observation {i}: " + "reserves are thin and falling " * 20,
                date="2024-05-01",
            )
            .id
            for i in range(start, start + count)
        ]


def note_ids(vault: Vault) -> set[str]:
    return {n.id for n in Notes(vault).list()}


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def sli(vault_path: Path, *args: str, passphrase: str = PASSPHRASE, **env: str) -> Run:
    assert SLI.exists(), f"the sli command is not installed at {SLI}"
    full = dict(os.environ, SLI_VAULT=str(vault_path), SLI_PASSPHRASE=passphrase, **env)
    full["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    done = subprocess.run(
        [str(SLI), *args], env=full, capture_output=True, text=True, timeout=120, check=False
    )
    return Run(done.returncode, done.stdout, done.stderr)


def one_line_error(run: Run) -> str:
    """Exit 2 and one line on stderr starting 'sli: ', never a traceback."""
    assert run.code == 2, run
    assert run.err.startswith("sli: ") and run.err.count("\n") == 1, run.err
    assert "Traceback" not in run.err
    return run.err[len("sli: ") : -1]
