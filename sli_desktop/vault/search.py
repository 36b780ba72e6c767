"""Ranked full-text search over notes, contacts and councils (FTS5).

Ranking every match of a common word is what makes naive FTS slow on a big vault: bm25 has to
score all 100,000 rows before ``ORDER BY rank LIMIT 20`` can answer. Here each query ranks only
the newest ``RANK_WINDOW`` matches (rowids grow with insertion, and FTS5 walks a doclist by
rowid cheaply), so the cost is bounded however common the word, and recent intelligence wins
ties. User text never reaches FTS5 as syntax: it is tokenised and quoted here.

What the benchmark (tests/bench/test_vault_bench.py) taught (first measured with SQLCipher's
memory security on, which made every allocation dear; it is off now, issue 25, and these hold
on plain SQLite as well):

* The window's floor is found walking the doclist newest first, except for a prefix longer
  than the prefix indexes (``"council"*`` while typing): FTS5 merges such a prefix into one
  doclist and, to walk it backwards, grows an offset array 8 entries at a time, which is
  quadratic. The word in every note, as typed, took 7-15 s. Its floor now comes from the
  typed word itself when that is a common word, else from counting oldest first.
* ``LIMIT`` is a literal: a bound LIMIT makes SQLite re-prepare the statement on every run.
* A table smaller than the window (councils) needs no floor at all.
* A one-letter last word being typed is left out (or, alone, matched as a word): ``"s"*``
  (from "children's") merges a good share of the whole vocabulary, for nothing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .store import Vault

RANK_WINDOW = 1000
#: prefix lengths (characters) with an FTS5 prefix index, as schema_v1 creates them
_INDEXED_PREFIXES = (2, 3)
#: a typed word whose newest ``RANK_WINDOW`` matches lie within this many windows of rows is
#: dense enough to bound its prefix's window (see ``Search._floor``)
_DENSE = 4
_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Hit:
    kind: str  # "council" | "contact" | "note"
    id: str
    title: str
    detail: str
    council: str | None
    score: float
    #: a note saved incomplete: the window marks it so it is never read as finished
    draft: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fts_query(text: str) -> str | None:
    """Free text as typed -> a safe FTS5 query: quoted phrases stay phrases, words are ANDed,
    and the last word is a prefix while the user is still typing it."""
    parts: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = _TOKEN.findall(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", text)
    words = _TOKEN.findall(rest)
    still_typing = bool(words) and not rest[-1:].isspace() and not text.endswith('"')
    if still_typing and len(words[-1]) == 1:
        # One character as a prefix matches a large share of the vault and says nothing
        # ("political c", or the "s" of "children's"): wait for the next one. Alone, it is
        # matched as a word.
        still_typing = False
        if parts or len(words) > 1:
            words.pop()
    for i, word in enumerate(words):
        prefix = still_typing and i == len(words) - 1
        parts.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(parts) or None


# kind -> (fts table, base table, bm25 column weights, boost, select list)
_KINDS: dict[str, tuple[str, str, str, float, str]] = {
    "council": (
        "councils_fts",
        "councils",
        "10.0, 10.0, 4.0, 10.0",
        3.0,
        "t.id, CASE WHEN t.short_name != '' THEN t.short_name ELSE t.name END, "
        "t.type || ', ' || t.region, t.gss_code, 0",
    ),
    "contact": (
        "contacts_fts",
        "contacts",
        "10.0, 3.0, 2.0, 2.0",
        1.5,
        "t.id, t.name, t.role, t.council, 0",
    ),
    "note": (
        "notes_fts",
        "notes",
        "10.0, 1.0, 4.0, 2.0",
        1.0,
        "t.id, t.title, t.date || ' · ' || t.concern, t.council, t.draft",
    ),
}


class Search:
    def __init__(self, vault: Vault, window: int = RANK_WINDOW) -> None:
        self.vault = vault
        self.window = window

    def search(self, text: str, limit: int = 20, kinds: tuple[str, ...] | None = None) -> list[Hit]:
        query = fts_query(text)
        if query is None:
            return []
        hits: list[Hit] = []
        for kind in kinds or tuple(_KINDS):
            hits.extend(self._search_kind(kind, query, limit))
        hits.sort(key=lambda h: h.score)
        return hits[:limit]

    def _search_kind(self, kind: str, query: str, limit: int) -> list[Hit]:
        fts, table, weights, boost, select = _KINDS[kind]
        floor = self._floor(fts, table, query)
        rows = self.vault.query(
            f"""SELECT {select}, s.score FROM (
                  SELECT rowid, bm25({fts}, {weights}) * {boost} AS score FROM {fts}
                  WHERE {fts} MATCH ? AND rowid >= ? ORDER BY score LIMIT {int(limit)}) s
                JOIN {table} t ON t.seq = s.rowid
                ORDER BY s.score""",
            (query, floor),
        )
        return [Hit(kind, r[0], r[1], r[2], r[3], float(r[5]), bool(r[4])) for r in rows]

    def _floor(self, fts: str, table: str, query: str) -> int:
        """The rowid of the ``window``-th newest match (0 when there are fewer): ranking starts
        there. For a merged prefix it may start a little lower (more than ``window`` matches)."""
        newest = self.vault.scalar(f"SELECT max(seq) FROM {table}")
        if newest is None or newest <= self.window:
            return 0  # fewer rows than the window: rank them all
        if not _merges_prefix(query):
            return self._newest_first_floor(fts, query)
        # A prefix FTS5 merges: never walk it backwards. If the word typed so far is a common
        # word itself ("council" in every note), its own floor is below the prefix's (each
        # match of the word matches the prefix) and, being dense, costs little more to rank.
        word_floor = self._newest_first_floor(fts, _PREFIX_TERM.sub(r'"\1"', query))
        if word_floor and newest - word_floor <= _DENSE * self.window:
            return word_floor
        # Else count, then step forward to the floor: two ascending passes.
        floor = self.vault.scalar(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?1 ORDER BY rowid LIMIT 1 OFFSET "
            f"max(0, (SELECT count(*) FROM {fts} WHERE {fts} MATCH ?1) - {self.window})",
            (query,),
        )
        return int(floor or 0)

    def _newest_first_floor(self, fts: str, query: str) -> int:
        floor = self.vault.scalar(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC "
            f"LIMIT 1 OFFSET {self.window - 1}",
            (query,),
        )
        return int(floor or 0)


_PREFIX_TERM = re.compile(r'"([^"]*)"\*')


def _merges_prefix(query: str) -> bool:
    """True when FTS5 answers a prefix term by merging the doclists of every matching term,
    i.e. when its length is not one the prefix indexes cover (schema_v1: 2 and 3)."""
    return any(len(term) not in _INDEXED_PREFIXES for term in _PREFIX_TERM.findall(query))
