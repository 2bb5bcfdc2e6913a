"""What one search term may match: *patterns* of slots.

A slot is a literal character, a set of accepted readings (pinyin syllables, a
homophone's readings, an unfinished syllable), an initial letter, or a wildcard.
Patterns of one term, best first (their quality is in :mod:`.ranking`):

1. literal characters, and pinyin readings of its Latin part (全拼, 首字母, mixed);
2. homophones: every character stands for its readings (公基金 → 公积金);
3. one character missing, two swapped, or (4+ characters) one extra or wrong.

:func:`pair_keys` gives the index keys that confirm two adjacent slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product

from hotline_desk.core.kb.search import keys as K
from hotline_desk.core.kb.search import ranking as R
from hotline_desk.core.kb.search.pinyin_split import PinyinToken, TokenKind, segmentations
from hotline_desk.core.kb.search.query import RunKind, Term
from hotline_desk.core.kb.search.readings import LETTERS, ReadingTable, reading_table

_MAX_PAIR_KEYS = 40  # more reading pairs than this: confirm by initial letters
_MAX_PINYIN_PATTERNS = 4
_TERMS_CACHED = 512  # the patterns of recent terms (keystroke after keystroke)


@dataclass(frozen=True, slots=True)
class Slot:
    """One character position of a pattern."""

    char: str | None  # must be exactly this character
    syllables: tuple[int, ...]  # readings accepted (for a literal: its own readings)
    letter: int = -1  # an initial letter slot (``g`` of ``gjj``)


@dataclass(frozen=True, slots=True)
class Pattern:
    slots: tuple[Slot | None, ...]  # None: any one character (a missing character)
    quality: float


def _literal(char: str, table: ReadingTable) -> Slot:
    return Slot(char, table.reading_ids(char))


def _token_slot(token: PinyinToken, table: ReadingTable) -> Slot:
    letter = LETTERS.index(token.text) if token.kind is TokenKind.INITIAL else -1
    return Slot(None, token.syllable_ids(table), letter)


def _quality(tokens: Sequence[PinyinToken]) -> float:
    initials = sum(tok.kind is TokenKind.INITIAL for tok in tokens)
    if initials == 0:
        return R.PINYIN
    return R.INITIALS if initials == len(tokens) else R.MIXED_INITIALS


@lru_cache(maxsize=_TERMS_CACHED)
def phrase_patterns(term: Term) -> tuple[Pattern, ...]:
    """Literal and pinyin readings of ``term`` (see the module docstring, 1.)."""
    table = reading_table()
    literal = Pattern(tuple(_literal(ch, table) for ch in term.text), R.LITERAL)
    patterns = [literal]
    latin_at = [i for i, run in enumerate(term.runs) if run.kind is RunKind.LATIN]
    if not latin_at:
        return tuple(patterns)
    options: list[tuple[tuple[PinyinToken, ...], ...]] = []
    for i in latin_at:
        partial = term.typing and i == len(term.runs) - 1
        options.append(segmentations(term.runs[i].text, partial))
    if any(not opts for opts in options):
        return tuple(patterns)
    for combo in list(product(*options))[:_MAX_PINYIN_PATTERNS]:
        slots: list[Slot] = []
        tokens: list[PinyinToken] = []
        chosen = dict(zip(latin_at, combo, strict=True))
        for i, run in enumerate(term.runs):
            if i in chosen:
                slots.extend(_token_slot(tok, table) for tok in chosen[i])
                tokens.extend(chosen[i])
            else:
                slots.extend(_literal(ch, table) for ch in run.text)
        patterns.append(Pattern(tuple(slots), _quality(tokens)))
    return tuple(patterns)


@lru_cache(maxsize=_TERMS_CACHED)
def homophone_pattern(term: Term) -> Pattern | None:
    """Every Chinese character stands for all of its readings (2.)."""
    table = reading_table()
    if not any(run.kind is RunKind.HAN for run in term.runs):
        return None
    slots: list[Slot] = []
    for i, run in enumerate(term.runs):
        if run.kind is RunKind.HAN:
            readings = table.reading_ids(run.text)
            slots.append(Slot(None, readings) if readings else _literal(run.text, table))
        elif run.kind is RunKind.LATIN:
            segs = segmentations(run.text, term.typing and i == len(term.runs) - 1)
            if not segs:
                return None
            slots.extend(_token_slot(tok, table) for tok in segs[0])
        else:
            slots.extend(_literal(ch, table) for ch in run.text)
    if len(slots) < 2:
        return None
    return Pattern(tuple(slots), R.HOMOPHONE)


@cache
def _sounding_alike(char: str, table: ReadingTable) -> Slot | None:
    """A slot for any character whose reading starts like one of ``char``'s (注 zhu →
    准 zhun, 住 zhu…): the wrong candidate picked after typing the initial. ``None``
    (any character) for what has no reading."""
    letters = {table.syllables[i][0] for i in table.reading_ids(char)}
    if not letters:
        return None
    return Slot(None, tuple(sorted(i for letter in letters for i in table.with_prefix(letter))))


@lru_cache(maxsize=_TERMS_CACHED)
def edit_patterns(term: Term) -> tuple[Pattern, ...]:
    """One character missing, two swapped, or (4+ characters) one extra or wrong (3.).

    A wrong character must at least start with the same sound as the one typed.

    For Chinese terms of three or more characters. A variant that keeps every typed
    character (swapped, missing) is worth more than one that drops or ignores one.
    """
    text = term.text
    if len(text) < 3 or not term.han_only:
        return ()
    table = reading_table()
    lit: list[Slot | None] = [_literal(ch, table) for ch in text]
    variants: dict[tuple[Slot | None, ...], float] = {}

    def add(slots: list[Slot | None], quality: float) -> None:
        key = tuple(slots)
        if key != tuple(lit) and variants.get(key, 0.0) < quality:
            variants[key] = quality

    for i in range(len(text) - 1):  # two characters swapped
        add([*lit[:i], lit[i + 1], lit[i], *lit[i + 2 :]], R.EDIT_KEPT)
    for i in range(1, len(text)):  # a character missing
        add([*lit[:i], None, *lit[i:]], R.EDIT_KEPT)
    if len(text) >= 4:  # (two characters left would match almost anything)
        for i in range(len(text)):  # one character too many: inside, or typed twice
            doubled = (i > 0 and text[i - 1] == text[i]) or (
                i + 1 < len(text) and text[i + 1] == text[i])
            if 0 < i < len(text) - 1 or doubled:
                add(lit[:i] + lit[i + 1 :], R.EDIT_DROPPED)
        for i in range(len(text)):  # one character wrong, but sounding alike (标注/标准)
            add([*lit[:i], _sounding_alike(text[i], table), *lit[i + 1 :]], R.EDIT_WRONG)
    return tuple(Pattern(slots, quality) for slots, quality in variants.items())


def pair_keys(a: Slot, b: Slot, table: ReadingTable) -> list[int] | None:
    if a.char is not None and b.char is not None:
        return [K.key_bi(a.char, b.char)]
    if not a.syllables or not b.syllables:
        return None
    if len(a.syllables) * len(b.syllables) <= _MAX_PAIR_KEYS:
        return [K.key_syl2(x, y) for x in a.syllables for y in b.syllables]
    letters_a = sorted({table.initial_of[x] for x in a.syllables})
    letters_b = sorted({table.initial_of[y] for y in b.syllables})
    return [K.key_ini2(x, y) for x in letters_a for y in letters_b]
