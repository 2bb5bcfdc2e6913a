"""Parsing what the operator typed into search terms and places.

* Terms are separated by spaces or punctuation; every term counts (AND-ish: an
  entry matching more terms ranks higher, one matching fewer still shows).
* A place name (Anhui's cities and districts, with or without 市/区/县) at the
  start or end of a term or as a term of its own becomes a *place* that boosts
  entries of that region: "芜湖 公积金租房", "蜀山区入学" (第十二条(一): answer at once from
  the knowledge base, for the caller's own city).
* Spaced single syllables are one pinyin word: "gong ji jin" is "gongjijin".
* The last term is the one being typed: its last pinyin syllable may be unfinished.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from hotline_desk.core.kb.search import regions
from hotline_desk.core.kb.search.pinyin_split import TokenKind, segmentations
from hotline_desk.core.kb.search.text import is_han, normalize

_SPLIT = re.compile(r"[^\w]+|_+")
_RUNS = re.compile(r"[a-z]+|[0-9]+|.", re.DOTALL)
MAX_TERMS = 8
MAX_TERM_CHARS = 32


class RunKind(Enum):
    HAN = "han"  # one Chinese character
    LATIN = "latin"  # a run of a-z: pinyin, initials or a Latin word (APP, ETC)
    OTHER = "other"  # digits, other scripts: matched literally


@dataclass(frozen=True, slots=True)
class Run:
    kind: RunKind
    text: str


@dataclass(frozen=True, slots=True)
class Term:
    """One search term: normalised ``text`` cut into runs (每个汉字单独, Latin/digits grouped)."""

    text: str
    runs: tuple[Run, ...]
    typing: bool = False  # the last term, still being typed

    @property
    def han_only(self) -> bool:
        return all(run.kind is RunKind.HAN for run in self.runs)

    @property
    def mixed(self) -> bool:
        """Chinese characters and Latin letters together ("公积金tiqu")."""
        kinds = {run.kind for run in self.runs}
        return RunKind.HAN in kinds and RunKind.LATIN in kinds

    @property
    def latin_only(self) -> bool:
        return len(self.runs) == 1 and self.runs[0].kind is RunKind.LATIN


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    raw: str
    terms: tuple[Term, ...]
    places: tuple[regions.Place, ...]

    @property
    def empty(self) -> bool:
        return not self.terms and not self.places


def _runs(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    for piece in _RUNS.findall(text):
        if piece.isascii() and piece.isalpha():
            runs.append(Run(RunKind.LATIN, piece))
        elif len(piece) == 1 and is_han(piece):
            runs.append(Run(RunKind.HAN, piece))
        else:
            runs.append(Run(RunKind.OTHER, piece))
    return tuple(runs)


def _single_syllable(word: str) -> bool:
    if not (word.isascii() and word.isalpha()):
        return False
    return any(
        len(seg) == 1 and seg[0].kind is not TokenKind.INITIAL for seg in segmentations(word)
    ) or len(word) == 1


def _join_spaced_pinyin(words: list[str]) -> list[str]:
    """"gong ji jin tiqu" → ["gongjijin", "tiqu"]: runs of single syllables are one word."""
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if word and _single_syllable(word):
            run.append(word)
            continue
        if len(run) >= 2:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if word:
            joined.append(word)
    return joined


def parse(query: str) -> ParsedQuery:
    """Terms and places of ``query`` (empty for blank input; never raises)."""
    text = normalize(query)
    words = [w for w in _SPLIT.split(text) if w]
    ends_in_space = bool(text) and not text[-1].isalnum()
    words = _join_spaced_pinyin(words)
    places: list[regions.Place] = []
    kept: list[str] = []
    for word in words:
        found = regions.leading_place(word)
        if found is not None:
            place, length = found
            if place not in places:
                places.append(place)
            word = word[length:]
        trailing = regions.trailing_place(word)
        if trailing is not None:
            place, start = trailing
            if place not in places:
                places.append(place)
            word = word[:start]
        if word:
            kept.append(word[:MAX_TERM_CHARS])
    kept = kept[:MAX_TERMS]
    terms: list[Term] = []
    for index, word in enumerate(kept):
        typing = index == len(kept) - 1 and not ends_in_space
        term = Term(word, _runs(word), typing)
        if term not in terms:
            terms.append(term)
    return ParsedQuery(raw=query, terms=tuple(terms), places=tuple(places))
