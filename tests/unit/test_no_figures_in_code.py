"""Figures go stale on the next machine: they belong in `make bench` output and
docs/PERFORMANCE.md, and a comment or docstring says why in words and links there. This reads
every comment and docstring of the package for a measurement (milliseconds, microseconds,
seconds with decimals, "N s against M s", ratios) or a dated run."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sli_desktop"
MEASURED = re.compile(
    r"\b\d[\d.,]* ?(ms|µs)\b"  # 40 ms, 2.0 µs
    r"|\b\d+\.\d+ s\b"  # 0.6 s
    r"|\b\d+ s (against|to) \d"  # 26 s to 13 s
    r"|\b\d+(\.\d+)?× (faster|slower|as)\b"  # 1.5× faster
    r"|\b\d{1,2} (Nov|Dec) 20\d\d\b"  # 26 Nov 2026: a dated run
)
#: Facts about a library or an example of a format, not measurements of ours.
ALLOWED = ("5 ms switch interval", "5 Dec 2026")


def prose(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and string token; the test then keeps the measured."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.STRING):
            found.append((token.start[0], token.string))
    return found


def measured(text: str) -> bool:
    text = " ".join(text.split())
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    return MEASURED.search(text) is not None


def test_no_comment_or_docstring_carries_a_measurement() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in prose(path.read_text(encoding="utf-8"))
        if measured(text)
    ]
    assert not offenders, f"figures in code (move them to docs/PERFORMANCE.md): {offenders}"


def test_the_check_knows_a_measurement_when_it_sees_one() -> None:
    assert measured("# loading the CAs cost 40 ms a sync")
    assert measured('"""releasing them was 0.6 s of a pull"""')
    assert measured("# went from 26 s to 13 s")
    assert not measured('"""a date as "5 Dec 2026" for tables"""')
    assert not measured("# at most 10,000 records a page")
