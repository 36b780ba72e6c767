"""`sli-desktop --self-test` and the About box: what IT and support look at first."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sli_desktop import __version__
from sli_desktop.gui import selftest
from sli_desktop.vault.search import Search


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The self-test's temporary directory goes here, so the test can see it was removed."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def test_self_test_passes_and_leaves_nothing_behind(
    qapp, private_tmp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users_vault = tmp_path / "real" / "vault.sli"
    monkeypatch.setenv("SLI_VAULT", str(users_vault))
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run(out, err) == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "ok  vault",
        "ok  note",
        "ok  search",
        "ok  briefing",
        "ok  window",
    ]
    assert lines[-1] == f"ok  SLI Desktop {__version__}: self-test passed"
    assert "SQLCipher" in lines[0]
    assert err.getvalue() == ""
    assert list(private_tmp.iterdir()) == []  # the throwaway vault is gone
    assert not users_vault.exists() and not users_vault.parent.exists()


def test_a_failing_step_is_one_sentence_and_exit_1(
    qapp, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Search, "search", lambda *_a, **_k: [])
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run(out, err) == 1
    assert err.getvalue() == (
        "sli-desktop: self-test failed at the search step: "
        "the note just written was not found by search\n"
    )
    assert "search" not in out.getvalue()
    assert list(private_tmp.iterdir()) == []  # removed on failure too


def test_the_command_runs_the_self_test_and_reports_its_version(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", "from sli_desktop.gui.main import run; run()"]
    done = subprocess.run(
        [*command, "--self-test"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("self-test passed")
    version = subprocess.run(
        [*command, "--version"], env=env, capture_output=True, text=True, timeout=60
    )
    assert version.stdout.strip() == f"sli-desktop {__version__}"


def test_about_box_names_version_vault_sqlcipher_and_qt(make_shell, tmp_path: Path) -> None:
    from PySide6.QtCore import qVersion

    from sli_desktop.vault.connection import sqlcipher_version

    shell = make_shell(tmp_path / "mine.sli")
    text = shell.about_text()
    assert f"SLI Desktop {__version__}" in text
    assert f"Vault: {tmp_path / 'mine.sli'}" in text
    assert f"SQLCipher: {sqlcipher_version()}" in text
    assert sqlcipher_version()[0].isdigit()
    assert f"Qt: {qVersion()}" in text
