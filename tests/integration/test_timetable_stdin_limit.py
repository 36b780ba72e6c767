"""`sli challenge edit --timetable -` reads standard input up to the timetable's limit and
refuses beyond it in one sentence, exit 2, leaving the challenge as it was (review of issue
23: standard input was read without limit)."""

from __future__ import annotations

import io

import pytest

from sli_desktop.vault.store import Vault
from tests.integration.test_cli import BHAM, Cli, add_challenge, as_json, fails, ok


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_standard_input_beyond_the_limit_is_refused(
    sli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = add_challenge(sli, BHAM, "corporate", "booked", "--start", "2026-03-10")
    _stdin(monkeypatch, b"2026-03-10 09:00 Arrival\n" * 50_000)  # over 1 MB
    message = fails(sli("challenge", "edit", e["id"], "--timetable", "-"))
    assert message == "standard input: is larger than the 1 MB limit for this kind of file"
    shown = as_json(ok(sli("challenge", "show", e["id"], "--json")))
    assert shown["timetable"] == []


def test_standard_input_is_read_as_a_file_is(sli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    e = add_challenge(sli, BHAM, "corporate", "booked", "--start", "2026-03-10")
    _stdin(monkeypatch, "2026-03-10 09:00 Café\n".encode("utf-16"))
    edited = as_json(sli("challenge", "edit", e["id"], "--timetable", "-", "--json"))
    assert edited["timetable"] == [{"day": "2026-03-10", "at": "09:00:00", "what": "Café"}]
