"""The passphrase rule (vault/strength.py): zxcvbn's estimate, our reasons, one rule everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from sli_desktop.demo import DEMO_PASSPHRASE
from sli_desktop.gui.selftest import throwaway_passphrase
from sli_desktop.vault import strength
from sli_desktop.vault.header import header_path
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.session import WeakPassphrase, check_passphrase, create_vault
from tests.conftest import PASSPHRASE


@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("password12", "it is a common password"),
        ("1234567890", "it is a common password"),
        ("Password123!", "it is close to a common password"),
        ("P@ssw0rd12", "it is close to a common password"),
        ("qwertyuiopasdf", "common password"),
        ("zxcvbnm,./", "row or pattern of keys"),
        ("abcdefghijkl", "a sequence like abc"),
        ("councilcouncil", "repeats the same letters or words"),
        ("19901225xx", "leans on a date"),
    ],
)
def test_easily_guessed_passphrases_are_refused_saying_why(passphrase: str, reason: str) -> None:
    with pytest.raises(WeakPassphrase, match=reason) as refused:
        check_passphrase(passphrase)
    message = str(refused.value)
    assert message.startswith("the passphrase is too easy to guess because ")
    assert message.endswith("; add another word or two (unusual words are best)")
    assert "\n" not in message


@pytest.mark.parametrize(
    "passphrase",
    [
        PASSPHRASE,
        DEMO_PASSPHRASE,
        "fixture vault passphrase, test data only",
        "benchmark passphrase, not secret",
        "a brand new passphrase after the loss",
        "a different and longer passphrase",
        "Tr0ub4dor&3x",
    ],
)
def test_the_passphrases_the_project_uses_are_accepted(passphrase: str) -> None:
    check_passphrase(passphrase)
    assert strength.estimate(passphrase).acceptable


def test_the_self_test_passphrase_is_always_accepted() -> None:
    for _ in range(20):
        check_passphrase(throwaway_passphrase())


@pytest.mark.parametrize(
    ("passphrase", "owner"),
    [
        ("slicouncillga", None),
        ("sli council lga", None),
        ("SLI Desktop vault", None),
        ("Margaret Okonkwo", "Margaret Okonkwo"),
        ("okonkwo council 1985", "Margaret Okonkwo"),
    ],
)
def test_the_owner_and_the_apps_own_words_add_no_strength(
    passphrase: str, owner: str | None
) -> None:
    with pytest.raises(WeakPassphrase, match="built from your name or words like council"):
        check_passphrase(passphrase, owner=owner)


def test_a_vault_is_not_created_with_its_owners_name_as_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "v.sli"
    with pytest.raises(WeakPassphrase, match="your name"):
        create_vault(
            path, "Margaret Okonkwo", owner="Margaret Okonkwo", kdf=KdfParams.fast_for_tests()
        )
    assert not path.exists() and not header_path(path).exists()


def test_the_length_and_repetition_rules_still_come_first() -> None:
    short = strength.estimate("short")
    assert short.refusal == "the passphrase must be at least 10 characters"
    assert short.label == "Strength: very weak — use at least 10 characters"
    repeated = strength.estimate("aaaaaaaaaaaaaaaa")
    assert repeated.refusal == "the passphrase is too repetitive; use a few unrelated words"


def test_labels_say_how_strong_and_why_not() -> None:
    assert strength.estimate("password12").label == "Strength: weak — it is a common password"
    assert strength.estimate("1234567890").label == (
        "Strength: very weak — it is a common password"
    )
    assert strength.estimate(PASSPHRASE).label == "Strength: strong"
    good = strength.estimate("tea at the pavilion")
    assert good.score >= strength.MIN_SCORE and good.label.startswith("Strength: ")
    assert "—" not in good.label


def test_a_very_long_passphrase_is_estimated_by_its_start() -> None:
    """zxcvbn refuses input beyond 72 characters and slows steeply with length: only the first
    ESTIMATED_LENGTH characters are estimated, so any length works."""
    long_strong = (PASSPHRASE + " ") * 400
    check_passphrase(long_strong)
    long_weak = "password12" * 1000
    with pytest.raises(WeakPassphrase, match="too easy to guess"):
        check_passphrase(long_weak)


@pytest.mark.parametrize(
    "passphrase", ["Birmingham2024", "password12", "okonkwo council 1985", "zxcvbnm,./"]
)
def test_what_is_shown_never_repeats_the_passphrase(passphrase: str) -> None:
    """The label and the refusal are our fixed sentences: no part of what was typed appears in
    them, so they are safe in a window, a log line or a screenshot."""
    found = strength.estimate(passphrase, owner="Margaret Okonkwo")
    shown = f"{found.label} {found.refusal}".lower()
    for part in passphrase.lower().replace(",", " ").split():
        if len(part) >= 4 and part not in ("council",):
            assert part not in shown
