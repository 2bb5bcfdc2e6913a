"""Where a hit matched: character spans per field, for the desk to highlight.

Spans are ``(start, end)`` offsets (end exclusive) into the entry's original
text: normalisation keeps lengths, so they point at what the operator sees. Each
term is looked for in tiers, as the matcher scored it: literal and pinyin readings
first; only if no text of the entry has those, homophones; then one missing,
extra, wrong or swapped character; finally the character pairs of a partial
match. A :class:`Highlighter` is prepared once per query and used for each hit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import regions
from hotline_desk.core.kb.search.fields import Field, short_texts
from hotline_desk.core.kb.search.patterns import (
    Pattern,
    edit_patterns,
    homophone_pattern,
    phrase_patterns,
)
from hotline_desk.core.kb.search.query import ParsedQuery, Term
from hotline_desk.core.kb.search.readings import reading_table
from hotline_desk.core.kb.search.text import normalize

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """Matched spans in one field item (``item`` indexes questions/keywords, else 0)."""

    field: Field
    item: int
    spans: tuple[Span, ...]


_SEP = "\x00"  # joins an entry's texts; no pattern slot ever matches it


Readings = list[tuple[int, ...]]  # the reading ids of each character of a text


class _Scanner:
    """One pattern, ready to be found in an entry's joined texts."""

    __slots__ = ("literal", "size", "tests")

    def __init__(self, pattern: Pattern) -> None:
        slots = pattern.slots
        self.size = len(slots)
        if all(s is not None and s.char is not None for s in slots):
            self.literal: str | None = "".join(s.char for s in slots if s is not None and s.char)
            self.tests: tuple[str | frozenset[int] | None, ...] = ()
        else:
            self.literal = None
            self.tests = tuple(
                None if s is None else s.char if s.char is not None else frozenset(s.syllables)
                for s in slots
            )

    def spans(self, text: str, readings: Readings) -> list[Span]:
        if self.literal is not None:
            return _find_all(self.literal, text)
        size, tests = self.size, self.tests
        found: list[Span] = []
        for start in range(len(text) - size + 1):
            for offset in range(size):
                test = tests[offset]
                at = start + offset
                if test is None:
                    if text[at] == _SEP:
                        break
                elif isinstance(test, str):
                    if text[at] != test:
                        break
                elif test.isdisjoint(readings[at]):
                    break
            else:
                found.append((start, start + size))
        return found


def _find_all(needle: str, text: str) -> list[Span]:
    spans: list[Span] = []
    if not needle:
        return spans
    at = text.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def _edit_regex(patterns: Sequence[Pattern]) -> re.Pattern[str] | None:
    alternatives = []
    for pattern in patterns:
        alternatives.append("".join(
            "[^\x00]" if slot is None or slot.char is None else re.escape(slot.char)
            for slot in pattern.slots
        ))
    if not alternatives:
        return None
    return re.compile("|".join(sorted(set(alternatives), key=len, reverse=True)))


class _TermFinder:
    """The tiers of one term (see the module docstring)."""

    def __init__(self, term: Term) -> None:
        self.term = term
        self.phrase = [_Scanner(p) for p in phrase_patterns(term)]
        homophone = homophone_pattern(term)
        self.homophone = _Scanner(homophone) if homophone is not None else None
        self._edits = edit_patterns(term)
        self._edit_regex: re.Pattern[str] | None = None
        text = term.text
        self.pairs = ([text[i : i + 2] for i in range(len(text) - 1)]
                      if not term.latin_only and len(text) >= 2 else [])

    def _phrase(self, text: str, readings: Readings) -> list[Span]:
        return [span for scanner in self.phrase for span in scanner.spans(text, readings)]

    def _edit(self, text: str, readings: Readings) -> list[Span]:
        if not self._edits:
            return []
        if self._edit_regex is None:
            self._edit_regex = _edit_regex(self._edits)
        if self._edit_regex is None:
            return []
        return [m.span() for m in self._edit_regex.finditer(text)]

    def find(self, short: str, readings: Readings, answer: str) -> tuple[list[Span], list[Span]]:
        """Spans in the joined short texts (with their readings) and in the answer."""
        tiers: list[Callable[[str, Readings], list[Span]]] = [self._phrase]
        if self.homophone is not None:
            tiers.append(self.homophone.spans)
        tiers.append(self._edit)
        in_short: list[Span] = []
        for tier in tiers:
            in_short = tier(short, readings)
            if in_short:
                break
        in_answer = _find_all(self.term.text, answer)
        if not in_short and not in_answer:
            in_short = [s for pair in self.pairs for s in _find_all(pair, short)]
            in_answer = [s for pair in self.pairs for s in _find_all(pair, answer)]
        return in_short, in_answer


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _place_names(query: ParsedQuery) -> list[str]:
    names: list[str] = []
    for place in query.places:
        full = regions.district_name(place.district) if place.district else (
            regions.city_name(place.city) or regions.PROVINCE
        )
        names.append(full)
        if len(full) > 2 and full.endswith(("市", "区", "县", "省")):
            names.append(full[:-1])
    return names


class _Prepared:
    """An entry's texts, normalised: the short ones joined by ``_SEP``, and the answer."""

    __slots__ = ("answer", "entry", "items", "readings", "short", "starts")

    def __init__(self, entry: KBEntry) -> None:
        self.entry = entry
        self.items = short_texts(entry)
        texts = [normalize(raw) for _field, _item, raw in self.items]
        self.short = _SEP.join(texts)
        by_char = reading_table().by_char
        self.readings: Readings = [by_char.get(char, ()) for char in self.short]
        self.starts: list[int] = []
        at = 0
        for text in texts:
            self.starts.append(at)
            at += len(text) + 1
        self.answer = normalize(entry.answer)


PreparedCache = dict[int, _Prepared]
_PREPARED_LIMIT = 512


class Highlighter:
    """Spans of a query's terms (and named places) in the fields of its hits.

    ``cache`` keeps the prepared texts of recently shown entries (the same hits
    come back keystroke after keystroke); the index owns it and empties it when
    the entries change.
    """

    def __init__(self, query: ParsedQuery, cache: PreparedCache | None = None) -> None:
        self.finders = [_TermFinder(term) for term in query.terms]
        self.places = _place_names(query)
        self.cache: PreparedCache = cache if cache is not None else {}

    def _prepared(self, entry: KBEntry) -> _Prepared:
        found = self.cache.get(id(entry))
        if found is not None and found.entry is entry:
            return found
        if len(self.cache) >= _PREPARED_LIMIT:
            self.cache.clear()
        found = _Prepared(entry)
        self.cache[id(entry)] = found
        return found

    def __call__(self, entry: KBEntry) -> tuple[FieldMatch, ...]:
        prepared = self._prepared(entry)
        in_short: list[Span] = []
        in_answer: list[Span] = []
        for finder in self.finders:
            short, answer = finder.find(prepared.short, prepared.readings, prepared.answer)
            in_short.extend(short)
            in_answer.extend(answer)
        for name in self.places:
            in_short.extend(_find_all(name, prepared.short))
            in_answer.extend(_find_all(name, prepared.answer))
        per_text: dict[int, list[Span]] = {}
        starts = prepared.starts
        for start, end in in_short:
            index = bisect_right(starts, start) - 1
            base = starts[index]
            per_text.setdefault(index, []).append((start - base, end - base))
        matches = [
            FieldMatch(prepared.items[i][0], prepared.items[i][1], _merge(per_text[i]))
            for i in sorted(per_text)
        ]
        if in_answer:
            matches.append(FieldMatch(Field.ANSWER, 0, _merge(in_answer)))
        return tuple(matches)


def highlight(query: ParsedQuery, entry: KBEntry) -> tuple[FieldMatch, ...]:
    """Spans of every term (and named place) in every field of ``entry`` that has one."""
    return Highlighter(query)(entry)
