"""How hard a passphrase is to guess, by zxcvbn's estimate, and why a weak one is weak.

One rule for every place that sets a passphrase (create, change, recovery, restore with the
recovery key) and for the live estimate the window shows while one is typed: at least
``MIN_LENGTH`` characters, not a few characters repeated, and a zxcvbn score of at least
``MIN_SCORE`` (0-4: 3 means "safely unguessable" against an offline attack on a slow hash, which
is what a stolen vault header invites). The reason is ours, in plain British English, chosen from
zxcvbn's own match (the same longest-match rule its feedback uses) rather than its US English
feedback text. Nothing here writes the passphrase anywhere: zxcvbn works in memory.
"""

from __future__ import annotations

import getpass
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MIN_LENGTH = 10
MIN_SCORE = 3
#: zxcvbn's matching grows steeply with length (a random 64 characters can take a few tenths of
#: a second, 200 several seconds, and it refuses more than 72 by default), and the window
#: estimates on every pause in typing. A passphrase whose first 64 characters are hard to guess
#: is hard to guess; one whose first 64 are easy is refused even if it goes on.
ESTIMATED_LENGTH = 64
#: Words anyone attacking an adviser's vault would try first: they add no strength.
CONTEXT_WORDS = (
    "sli",
    "sli desktop",
    "lga",
    "local government association",
    "council",
    "councils",
    "sector led improvement",
    "improvement",
    "vault",
)
KNOWN_WORDS = "it is built from your name or words like council and LGA"
_WORDS = ("very weak", "weak", "fair", "good", "strong")
#: zxcvbn keeps the user inputs of its latest call in a module-level dictionary; a check on a
#: worker thread (a passphrase change) must not mix its inputs with the window's live estimate.
_zxcvbn_lock = threading.Lock()


@dataclass(frozen=True)
class Strength:
    """zxcvbn's 0-4 score, and the sentence that refuses the passphrase ('' when it will do)."""

    score: int
    refusal: str
    reason: str

    @property
    def acceptable(self) -> bool:
        return not self.refusal

    @property
    def label(self) -> str:
        """What the window shows under the passphrase: "Strength: weak — it is a common
        password", "Strength: good"."""
        word = _WORDS[self.score]
        return f"Strength: {word} — {self.reason}" if self.reason else f"Strength: {word}"


def estimate(passphrase: str, *, owner: str | None = None) -> Strength:
    """The estimate and, for a weak passphrase, why; ``owner`` (and the login name) count as
    words an attacker knows."""
    if len(passphrase) < MIN_LENGTH:
        return Strength(
            0,
            f"the passphrase must be at least {MIN_LENGTH} characters",
            f"use at least {MIN_LENGTH} characters",
        )
    if any(_untypeable(char) for char in passphrase):
        return Strength(
            0,
            "the passphrase holds a character that cannot be typed (a line break, a control "
            "character or a byte-order mark, often left by the file it was read from); "
            "remove it, then try again",
            "it holds a character that cannot be typed",
        )
    if len(set(passphrase)) < 4:
        return Strength(
            0,
            "the passphrase is too repetitive; use a few unrelated words",
            "it repeats the same few characters",
        )
    known = _user_inputs(owner)
    result = _zxcvbn(passphrase, known)
    score = int(result["score"])
    if score >= MIN_SCORE:
        # zxcvbn still lets short known words add some strength ("slicouncillga" scores 3): what
        # is left without them must stand on its own.
        rest = _without(passphrase, known)
        if rest == passphrase:
            return Strength(score, "", "")
        rest_score = int(_zxcvbn(rest, known)["score"]) if rest.strip() else 0
        if rest_score >= MIN_SCORE:
            return Strength(score, "", "")
        score, reason = rest_score, KNOWN_WORDS
    else:
        reason = _reason(result["sequence"])
    return Strength(
        score,
        f"the passphrase is too easy to guess because {reason}; add another word or two "
        "(unusual words are best)",
        reason,
    )


def _untypeable(char: str) -> bool:
    """A character no prompt or window can type, so a passphrase set with it (from a file,
    or the environment) would open the vault through that file alone: control characters
    (NUL, line breaks, tab, which moves the window's focus instead) and the byte-order mark
    that Notepad puts at the start of a UTF-8 file."""
    return char == "\ufeff" or unicodedata.category(char) == "Cc"


def _zxcvbn(passphrase: str, known: list[str]) -> Mapping[str, Any]:
    # Imported on first use: unlocking, the window's start and most commands never estimate.
    from zxcvbn import zxcvbn

    with _zxcvbn_lock:
        result: Mapping[str, Any] = zxcvbn(
            passphrase[:ESTIMATED_LENGTH], user_inputs=known, max_length=ESTIMATED_LENGTH
        )
    return result


def _user_inputs(owner: str | None) -> list[str]:
    names = [owner or "", _login_name()]
    words = [part for name in names for part in name.split() if len(part) > 1]
    return [*CONTEXT_WORDS, *(n for n in names if n), *words]


def _without(passphrase: str, known: list[str]) -> str:
    """The passphrase with every known word taken out (longest first, any case)."""
    rest = passphrase
    for word in sorted(known, key=len, reverse=True):
        rest = re.sub(re.escape(word), "", rest, flags=re.IGNORECASE)
    return rest


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _reason(sequence: Iterable[dict[str, Any]]) -> str:
    """Why, from the longest part zxcvbn recognised (as its own feedback chooses)."""
    matches = list(sequence)
    if not matches:
        return "it is too short and predictable"
    match = matches[0]
    for other in matches[1:]:
        if len(other["token"]) > len(match["token"]):
            match = other
    alone = len(matches) == 1
    pattern = match["pattern"]
    if pattern == "dictionary":
        return _dictionary_reason(match, alone)
    if pattern == "spatial":
        return "it follows a row or pattern of keys on the keyboard"
    if pattern == "repeat":
        return "it repeats the same letters or words"
    if pattern == "sequence":
        return "it is a sequence like abc or 6543"
    if pattern == "regex" and match.get("regex_name") == "recent_year":
        return "it leans on a recent year"
    if pattern == "date":
        return "it leans on a date"
    return "it is too short and predictable"


def _dictionary_reason(match: dict[str, Any], alone: bool) -> str:
    name = match.get("dictionary_name")
    if name == "passwords":
        exact = alone and not match.get("l33t") and not match.get("reversed")
        return "it is a common password" if exact else "it is close to a common password"
    if name == "user_inputs":
        return KNOWN_WORDS
    if name in ("surnames", "male_names", "female_names"):
        return "it is a name" if alone else "it leans on a common name"
    return "it is a single common word" if alone else "it leans on one common word"
