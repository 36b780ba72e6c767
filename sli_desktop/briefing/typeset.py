"""Words kept whole: where a line of a briefing may break, and where it may not.

reportlab hyphenates plain words itself (``hyphenationLang`` with pyphen, set in styles.py),
but an e-mail address, a web address, a phone number or a hyphenated place name wider than its
column would be cut wherever the width ran out ("leader@birmin|gham.gov.uk"). Here such a word
is broken only at its natural points (after "@" or "/", before ".", after a hyphen), each piece
on its own line; a phone number is held together with no-break spaces. See issue 23.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pyphen
from reportlab.pdfbase.pdfmetrics import stringWidth

from .. import formats
from . import fonts

NBSP = "\u00a0"
#: A break is allowed after these characters (a no-break space only when what it holds
#: together is wider than the column) ...
_AFTER = "@/-" + NBSP
#: ... and before these.
_BEFORE = "."
_MARKUP = re.compile(r"(<[^>]*>)")
#: Where reportlab breaks lines anyway (not the no-break space, which Python's \s includes).
_WORD = re.compile(r"([ \t\r\n]+)")


#: pyphen's dictionary for British English.
LANGUAGE = "en_GB"


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=LANGUAGE)


def hyphenate(word: str) -> Iterator[tuple[str, str]]:
    """reportlab's ``hyphenationLang``: where an English word may take a hyphen at a line's
    end. Never inside a word that has hyphens of its own or a capital (reportlab would offer
    "Newcastle-under-Lyme" whole, and pyphen does not know place or people's names)."""
    if "-" in word or any(ch.isupper() for ch in word):
        return iter(())
    places: Iterator[tuple[str, str]] = _dictionary().iterate(word)  # pyphen is untyped
    return places


#: No glyph of the briefing's faces is wider than this many ems: a word this short cannot be
#: too wide, so it need not be measured (measuring every word of every note is slow).
WIDEST_GLYPH = 1.05


def could_exceed(word: str, size: float, room: float) -> bool:
    return len(word) * size * WIDEST_GLYPH > room


def width_of(word: str, size: float) -> float:
    """Measured in the bold face, the widest the briefing uses, so a break is never late."""
    plain = word.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return float(stringWidth(plain, fonts.BOLD, size))


def natural_pieces(word: str) -> list[str]:
    """``word`` cut at every natural point, in order: 'a.b@c.gov.uk' -> ['a', '.b@', 'c', …]."""
    pieces: list[str] = []
    current = ""
    for i, ch in enumerate(word):
        if ch in _BEFORE and current and i > 0:
            pieces.append(current)
            current = ""
        current += ch
        if ch in _AFTER and i < len(word) - 1:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def break_word(word: str, size: float, room: float) -> list[str]:
    """``word`` as lines no wider than ``room`` where its natural points allow (a piece with
    no natural point inside stays whole: it is hyphenated, or left to overrun, by reportlab)."""
    if width_of(word, size) <= room:
        return [word]
    at = word.find("@")
    if 0 < at < len(word) - 1:  # an address breaks after its "@" before anywhere else
        return [*break_word(word[: at + 1], size, room), *break_word(word[at + 1 :], size, room)]
    lines: list[str] = []
    current = ""
    for piece in natural_pieces(word):
        if current and width_of(current + piece, size) > room:
            lines.append(current)
            current = piece
        else:
            current += piece
    if current:
        lines.append(current)
    return [line.rstrip(NBSP) for line in lines]


def fit(markup: str, size: float, room: float) -> str:
    """Paragraph mark-up whose over-wide words break only at natural points (``<br/>``)."""
    if not could_exceed(markup, size, room) or width_of(_MARKUP.sub("", markup), size) <= room:
        return markup  # the common case: it all fits on one line
    out: list[str] = []
    for part in _MARKUP.split(markup):
        if not part or part.startswith("<"):
            out.append(part)
            continue
        for word in _WORD.split(part):
            if not word or word.isspace() or not could_exceed(word, size, room):
                out.append(word)
            else:
                out.append("<br/>".join(break_word(word, size, room)))
    return "".join(out)


def phone(value: str) -> str:
    """A phone number as dialled (formats.phone), never broken across lines."""
    return formats.phone(value).replace(" ", NBSP)


def whole(value: str) -> str:
    """Short text that must not break across lines (a date, a figure with its unit)."""
    return value.replace(" ", NBSP)


def widest_word(markup: str, size: float, room: float = 0.0) -> float:
    """The widest piece of ``markup`` that cannot move to a line of its own: a word, or the
    widest natural piece of an address; words too short to exceed ``room`` count as 0."""
    plain = _MARKUP.sub(" ", markup)
    widest = 0.0
    for word in _WORD.split(plain):
        if not word or word.isspace() or not could_exceed(word, size, room):
            continue
        widest = max(widest, *(width_of(p.rstrip(NBSP), size) for p in natural_pieces(word)))
    return widest


def balance(widths: list[float], needs: list[float]) -> list[float]:
    """Column widths moved from columns with room to spare to columns too narrow for their
    widest word, so no word is cut for want of a few points; the total stays the same."""
    short = [max(0.0, n - w) for w, n in zip(widths, needs, strict=True)]
    spare = [max(0.0, w - n) for w, n in zip(widths, needs, strict=True)]
    wanted, available = sum(short), sum(spare)
    if wanted <= 0 or available <= 0:
        return widths
    give = min(wanted, available)
    return [
        w + (s / wanted) * give - (p / available) * give
        for w, s, p in zip(widths, short, spare, strict=True)
    ]
