"""GUI fixtures: the real window over a real vault, offscreen, with an in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings

from sli_desktop.gui.session import VaultSession
from sli_desktop.gui.shell import Shell
from sli_desktop.vault.keystore import MemoryKeyStore


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_shell(qtbot, settings: QSettings) -> Iterator:
    shells: list[Shell] = []

    def make(path: Path, keystore: MemoryKeyStore | None = None) -> Shell:
        store = keystore or MemoryKeyStore()
        session = VaultSession(path, lambda: store)
        shell = Shell(session, settings)
        qtbot.addWidget(shell)
        shell.show()
        shell.activateWindow()
        qtbot.waitActive(shell)
        shell.start()
        shells.append(shell)
        return shell

    yield make
    for shell in shells:
        shell.session.lock()


_BULK_LOAD = """
import random, sys
from datetime import date, timedelta
from pathlib import Path
from sli_desktop.domain import Note
from sli_desktop.vault import codec
from sli_desktop.vault.connection import open_connection
from sli_desktop.vault.header import read_header

path, passphrase, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
key = read_header(path).unwrap_with_passphrase(passphrase)
conn = open_connection(path, key, memory_security=False)
rng = random.Random(5)
words = "budget finance leadership scrutiny housing children adults reserves".split()
names = codec.columns(Note)
sql = (f"INSERT INTO notes ({', '.join(codec.quoted(n) for n in names)}) "
       f"VALUES ({', '.join('?' for _ in names)})")
rows = []
for i in range(count):
    note = Note.build(council="E08000025", date=date(2020, 1, 1) + timedelta(days=i % 2000),
                      title=f"Note {i}", body=" ".join(rng.choices(words, k=40)), version=1)
    data = codec.encode(note)
    rows.append([data[n] for n in names])
conn.execute("BEGIN")
conn.executemany(sql, rows)
conn.execute("COMMIT")
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
conn.close()
"""


@pytest.fixture(scope="session")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 100,000-note vault, bulk-loaded once per session in a process of its own (memory
    security off there: it costs 10x on bulk writes and this is a fixture, not the app)."""
    import subprocess
    import sys

    from sli_desktop.vault.keys import KdfParams
    from sli_desktop.vault.session import create_vault
    from tests.conftest import PASSPHRASE

    path = tmp_path_factory.mktemp("big") / "big.sli"
    create_vault(path, PASSPHRASE, kdf=KdfParams.fast_for_tests()).vault.close()
    subprocess.run(
        [sys.executable, "-c", _BULK_LOAD, str(path), PASSPHRASE, "100000"], check=True, timeout=600
    )
    return path
