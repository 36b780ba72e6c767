"""vCard 2.1, 3.0 and 4.0 files, as phones, mail programs and CardDAV servers write them.

Read here rather than by vobject, which refuses vCard 2.1 quoted-printable ("Failed to parse
line: =0A"), raises codec errors on 8-bit charsets and gives no line numbers. The quirks met in
real files, each handled where the line is read:

- Line ends: CRLF, LF, CR, and CR CR LF (a CRLF file passed through a converter once more); an
  editor shows CR CR LF as two lines, so line numbers count it twice, but it ends one line.
- Folding: a line starting with a space or tab continues the one before (3.0/4.0 drop that one
  character; 2.1 keeps it, as its folding inserts a break before existing whitespace).
- vCard 2.1 ``ENCODING=QUOTED-PRINTABLE`` (or a bare ``QUOTED-PRINTABLE``) with a soft line
  break ("=" at the end of a line), decoded in ``CHARSET`` (default UTF-8, then Windows-1252).
- vCard 2.1 base64 values run on over unindented lines until a blank line (Outlook's PHOTO).
- Parameters bare (2.1: ``TEL;WORK;VOICE``) or named, quoted or not; groups (``item1.EMAIL``,
  Apple); ``tel:`` and ``mailto:`` URIs (4.0); nested AGENT cards (2.1).

Messages name the file, the line as an editor numbers it, and the property.
"""

from __future__ import annotations

import binascii
import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .contactrow import ContactDraft, ContactRow, RowError
from .problems import ImportProblem
from .tabular import Parsed

_BREAK = re.compile(r"\r\r\n|\r\n|\n|\r")
_BEGIN = re.compile(r"^\s*BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END\s*:\s*VCARD\s*$", re.IGNORECASE)
_QP = re.compile(r"^[^:]*;\s*(?:ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*[;:]", re.IGNORECASE)
_B64_21 = re.compile(r"^[^:]*;\s*(?:ENCODING\s*=\s*)?BASE64\s*[;:]", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?$")
#: Bare 2.1 parameters that are encodings rather than types.
_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"})
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"n": "\n", "N": "\n"}


@dataclass(slots=True)
class Property:
    line: int
    group: str
    name: str  # upper case
    params: dict[str, list[str]]
    raw: str  # the value as written, after quoted-printable and charset decoding

    @property
    def label(self) -> str:
        return f"{self.name} (line {self.line})"

    def text(self) -> str:
        """The value with vCard text escapes undone."""
        return unescape(self.raw)

    def components(self) -> list[str]:
        """A structured value (N, ORG, ADR): split at unescaped semicolons, each unescaped."""
        return [unescape(part) for part in split_unescaped(self.raw, ";")]

    def types(self) -> set[str]:
        return {t.upper() for v in self.params.get("TYPE", []) for t in v.split(",") if t}


@dataclass
class Card:
    line: int
    properties: list[Property] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # notices about lines not read
    version: str = ""


def unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), text)


def split_unescaped(text: str, separator: str) -> list[str]:
    if "\\" not in text:
        return text.split(separator)
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def physical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number as an editor shows it, the line without its end)."""
    number, start = 1, 0
    for end in _BREAK.finditer(text):
        yield number, text[start : end.start()]
        number += 2 if end.end() - end.start() == 3 else 1
        start = end.end()
    if start < len(text):
        yield number, text[start:]


def logical_lines(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Lines unfolded, each with the line it starts on."""
    current: list[str] = []
    start = 0
    soft = False  # the line so far is quoted-printable and ends with a soft break
    base64 = False  # a 2.1 base64 value, which runs on until a blank line
    keep_space = False  # vCard 2.1 folding keeps the whitespace
    for number, raw in lines:
        if current and soft and not _END.match(raw) and not _BEGIN.match(raw):
            current.append(raw.lstrip(" \t"))
        elif current and raw[:1] in (" ", "\t"):
            current.append(raw if keep_space and not base64 else raw[1:])
        elif current and base64 and raw.strip() and ":" not in raw:
            current.append(raw.strip())
        elif not raw.strip():
            base64 = False
            continue
        else:
            if current:
                yield start, "".join(current)
            current, start = [raw], number
            upper = raw[:12].upper()
            if upper.startswith("VERSION:"):
                keep_space = raw.split(":", 1)[1].strip() == "2.1"
            elif upper.startswith("BEGIN:VCARD"):
                keep_space = False
            base64 = keep_space and bool(_B64_21.match(raw))
        joined_tail = current[-1]
        soft = joined_tail.endswith("=") and bool(_QP.match(current[0]))
        if soft:
            current[-1] = joined_tail[:-1]
    if current:
        yield start, "".join(current)


def parse_property(line: int, text: str) -> Property | str:
    """The property, or why the line is not one."""
    colon = text.find(":")
    quote = text.find('"')
    if 0 <= quote < colon:  # a quoted parameter value may hold a colon
        inside = False
        for index, char in enumerate(text):
            if char == '"':
                inside = not inside
            elif char == ":" and not inside:
                colon = index
                break
    if colon <= 0:
        return "is not a vCard property (NAME:value)"
    head, raw = text[:colon], text[colon + 1 :]
    pieces = split_params(head)
    name = pieces[0].strip()
    if not _NAME.match(name):
        return f"{name[:30]!r} is not a vCard property name"
    group, _, name = name.rpartition(".")
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, eq, value = piece.partition("=")
        key = key.strip().upper()
        if not eq:
            key, value = ("ENCODING" if key in _ENCODINGS else "TYPE"), key
        params.setdefault(key, []).append(value.strip().strip('"'))
    prop = Property(line, group, name.upper(), params, raw)
    if "ENCODING" in params and any(v.upper() == "QUOTED-PRINTABLE" for v in params["ENCODING"]):
        # 8-bit text with a CHARSET and no encoding was decoded with the whole file.
        prop.raw = _decode_qp(raw, params.get("CHARSET", [""])[0])
    return prop


def split_params(head: str) -> list[str]:
    if '"' not in head:
        return head.split(";")
    pieces: list[str] = []
    current: list[str] = []
    inside = False
    for char in head:
        if char == '"':
            inside = not inside
        if char == ";" and not inside:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def _decode_qp(raw: str, charset: str) -> str:
    data = quopri.decodestring(raw.encode("utf-8", "surrogateescape"))
    return _bytes_to_text(data, charset)


def _bytes_to_text(data: bytes, charset: str) -> str:
    for codec in (charset, "utf-8", "cp1252"):
        if not codec:
            continue
        try:
            codecs.lookup(codec)
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def cards(path: Path, text: str) -> Iterator[Card | ImportProblem]:
    """Each card with its properties, or a problem with the file's structure."""
    card: Card | None = None
    depth = 0
    first = True
    for line, logical in logical_lines(physical_lines(text)):
        if card is None:
            if _BEGIN.match(logical):
                card, depth = Card(line), 1
            elif first:
                raise ImportProblem(
                    path, "is not a vCard file: it should start with BEGIN:VCARD", line
                )
            first = False
            continue
        if _BEGIN.match(logical):  # a 2.1 AGENT card inside this one
            depth += 1
            card.problems.append(f"not imported: line {line} (an AGENT card inside the card)")
            continue
        if _END.match(logical):
            depth -= 1
            if depth == 0:
                yield card
                card = None
            continue
        if depth > 1:
            continue
        prop = parse_property(line, logical)
        if isinstance(prop, str):
            card.problems.append(f"not imported: line {line} (it {prop})")
            continue
        if prop.name == "VERSION":
            card.version = prop.raw.strip()
        card.properties.append(prop)
    if card is not None:
        yield ImportProblem(
            path, "the vCard has no END:VCARD; the file may be cut short", card.line
        )


# -- from a card to a contact ----------------------------------------------------------------

#: Properties that describe the card rather than the person: nothing to keep.
_ABOUT_THE_CARD = frozenset(
    {
        "VERSION",
        "PRODID",
        "REV",
        "PROFILE",
        "SOURCE",
        "NAME",
        "CLASS",
        "SORT-STRING",
        "KIND",
        "X-ABLABEL",
        "X-ABUID",
        "X-ABSHOWAS",
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS",
        "MAILER",
        "X-EVOLUTION-FILE-AS",
        "X-EVOLUTION-LIST",
        "X-EVOLUTION-LIST-SHOW-ADDRESSES",
        "X-MOZILLA-HTML",
        "X-ABADR",
        "X-MS-OL-DESIGN",
    }
)
#: Why the app does not keep what a card may hold, in a word or two.
_NOT_KEPT = {
    "PHOTO": "the app keeps no photos",
    "LOGO": "the app keeps no logos",
    "SOUND": "the app keeps no sounds",
    "KEY": "the app keeps no keys",
    "ADR": "the app keeps no postal addresses",
    "LABEL": "the app keeps no postal addresses",
    "BDAY": "the app keeps no birthdays",
    "ANNIVERSARY": "the app keeps no anniversaries",
    "NOTE": "the app keeps no notes on contacts",
    "URL": "the app keeps no web addresses",
    "NICKNAME": "the app keeps no nicknames",
    "GEO": "the app keeps no locations",
    "TZ": "the app keeps no time zones",
    "IMPP": "the app keeps no messaging addresses",
    "CATEGORIES": "the app keeps no categories",
    "AGENT": "the app keeps no assistants' cards",
    "RELATED": "the app keeps no relationships",
    "GENDER": "the app keeps no gender",
    "LANG": "the app keeps no languages",
    "MEMBER": "the app keeps no groups",
}


def _card_to_row(card: Card) -> ContactRow:
    draft = ContactDraft(name_hint="FN (formatted name) or N in the card")
    draft.notices.extend(card.problems)
    orgs: list[list[str]] = []
    for prop in card.properties:
        name = prop.name
        if name == "FN":
            draft.name = draft.name or prop.text()
        elif name == "N":
            parts = [*prop.components(), "", "", "", "", ""][:5]
            family, given, middle, prefix, suffix = (" ".join(p.split(",")) for p in parts)
            draft.parts = [prefix, given, middle, family, suffix]
        elif name == "ORG":
            orgs.append(prop.components())
        elif name == "TITLE" or name == "ROLE":
            value = prop.text().strip()
            if not draft.role:
                draft.role = value
            elif value and value != draft.role:
                draft.not_imported(f"{prop.label} {value[:80]!r}", "a second job title")
        elif name == "EMAIL":
            value = prop.text().strip()
            if value.lower().startswith("mailto:"):
                value = value[7:]
            if value:
                draft.emails.append((prop.label, value))
        elif name == "TEL":
            value = prop.text().strip()
            if value:
                draft.phones.append((prop.label, value))
                if "FAX" in prop.types():
                    draft.notices.append(f"kept as a phone: {prop.label} {value!r} is a fax number")
        elif name == "X-SLI-COUNCIL":
            draft.council = (prop.label, prop.text().strip())
        elif name == "X-SLI-LAWFUL-BASIS":
            draft.lawful_basis = (prop.label, prop.text().strip())
        elif name == "X-SLI-LAST-CONTACTED":
            draft.last_contacted = (prop.label, prop.text().strip())
        elif name == "UID":
            draft.uid = prop.text().strip().removeprefix("urn:uuid:")
        elif name in _ABOUT_THE_CARD or name.startswith("X-ABLABEL"):
            continue
        elif prop.raw.strip() or name in _NOT_KEPT:
            why = _NOT_KEPT.get(name, "not a field the app keeps")
            shown = "" if name in ("PHOTO", "LOGO", "SOUND", "KEY") else prop.text()[:60]
            draft.not_imported(f"{prop.label} {shown!r}" if shown else prop.label, why)
    for index, org in enumerate(orgs):
        parts = [p.strip() for p in org if p.strip()]
        if index == 0:
            draft.organisation = parts[0] if parts else ""
            draft.department = " - ".join(parts[1:])
        elif parts:
            draft.not_imported(f"a second ORG {' - '.join(parts)[:80]!r}", "one organisation kept")
    return draft.finish()


def read_vcards(path: Path, text: str) -> Parsed[ContactRow]:
    """Each card is read on its own, so one broken card is one bad row with its line."""
    parsed: Parsed[ContactRow] = Parsed(path)
    for card in cards(path, text):
        if isinstance(card, ImportProblem):
            parsed.problems.append(card)
            continue
        try:
            parsed.rows.append((card.line, _card_to_row(card)))
        except RowError as exc:
            parsed.problems.append(ImportProblem(path, str(exc), exc.line or card.line))
        except (ValueError, binascii.Error) as exc:  # pragma: no cover - a safety net
            reason = f"the card cannot be read ({type(exc).__name__}); check it in the file"
            parsed.problems.append(ImportProblem(path, reason, card.line))
    if not parsed.rows and not parsed.problems:
        raise ImportProblem(path, "holds no vCards (no BEGIN:VCARD … END:VCARD)")
    return parsed
