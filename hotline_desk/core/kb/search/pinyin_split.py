"""Reading a run of Latin letters as pinyin: full syllables, initials, or a mix.

``gongjijin`` → gong·ji·jin; ``gjjtq`` → g·j·j·t·q (initials); ``gongjj`` →
gong·j·j; ``tiqu`` → ti·qu. While the operator is still typing, the last syllable
may be unfinished (``gongjij`` → gong·ji·j…), so the last token of the term being
typed is a *prefix*. Several readings of one run are returned when they differ in
kind (all syllables vs. all initials); the matcher tries each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache

from hotline_desk.core.kb.search.readings import ReadingTable, reading_table

# Letters no syllable starts with: they cannot be initials.
_NOT_INITIALS = frozenset("iuv")
_MAX_SEGMENTATIONS = 3
_MAX_INITIALS = 10


class TokenKind(Enum):
    SYLLABLE = "syllable"  # a whole syllable: ``gong``
    PREFIX = "prefix"  # the unfinished last syllable: ``gon`` (gong), ``zh`` (zha… zhuo)
    INITIAL = "initial"  # one letter standing for a syllable: ``g`` in ``gjj``


@dataclass(frozen=True, slots=True)
class PinyinToken:
    kind: TokenKind
    text: str

    def syllable_ids(self, table: ReadingTable) -> tuple[int, ...]:
        if self.kind is TokenKind.SYLLABLE:
            return (table.syllable_id[self.text],)
        return table.with_prefix(self.text)


Segmentation = tuple[PinyinToken, ...]


@cache
def _spellable(table: ReadingTable) -> frozenset[str]:
    """Syllables an operator would type: those with a vowel (not 嗯's n/ng, 呣's m)."""
    return frozenset(s for s in table.syllables if any(v in s for v in "aeiouv"))


@cache
def _prefixes(table: ReadingTable) -> frozenset[str]:
    return frozenset(s[:i] for s in _spellable(table) for i in range(1, len(s) + 1))


def _spelling_variants(run: str) -> str:
    # IMEs accept "lue"/"nue" for 略/虐 (lve/nve in the table).
    return run.replace("lue", "lve").replace("nue", "nve")


def _syllable_splits(run: str, partial_end: bool, table: ReadingTable) -> list[Segmentation]:
    """Segmentations into whole syllables (the last one possibly unfinished), fewest first."""
    spellable, prefixes = _spellable(table), _prefixes(table)
    results: list[Segmentation] = []

    def walk(start: int, acc: list[PinyinToken]) -> None:
        if len(results) >= 16:
            return
        if start == len(run):
            results.append(tuple(acc))
            return
        for end in range(min(len(run), start + 6), start, -1):
            piece = run[start:end]
            if end == len(run) and partial_end and piece in prefixes:
                walk(end, [*acc, PinyinToken(TokenKind.PREFIX, piece)])
            elif piece in spellable:
                walk(end, [*acc, PinyinToken(TokenKind.SYLLABLE, piece)])

    walk(0, [])
    results.sort(key=len)
    return [seg for seg in results if len(seg) == len(results[0])] if results else []


def _mixed_split(run: str, partial_end: bool, table: ReadingTable) -> Segmentation | None:
    """Fewest-token reading where tokens are syllables or single initials (``gongjj``)."""
    spellable = _spellable(table)
    size = len(run)
    best: list[tuple[float, Segmentation] | None] = [None] * (size + 1)
    best[0] = (0.0, ())
    for start in range(size):
        current = best[start]
        if current is None:
            continue
        cost, tokens = current
        options: list[tuple[float, PinyinToken, int]] = []
        for end in range(start + 2, min(size, start + 6) + 1):
            if run[start:end] in spellable:
                options.append((1.0, PinyinToken(TokenKind.SYLLABLE, run[start:end]), end))
        if run[start] not in _NOT_INITIALS:
            options.append((1.6, PinyinToken(TokenKind.INITIAL, run[start]), start + 1))
        if run[start] in spellable:  # a, e, o
            options.append((1.0, PinyinToken(TokenKind.SYLLABLE, run[start]), start + 1))
        for extra, token, end in options:
            candidate = (cost + extra, (*tokens, token))
            previous = best[end]
            if previous is None or candidate[0] < previous[0]:
                best[end] = candidate
    final = best[size]
    if final is None:
        return None
    tokens = final[1]
    if partial_end and tokens and tokens[-1].kind is TokenKind.SYLLABLE:
        tokens = (*tokens[:-1], PinyinToken(TokenKind.PREFIX, tokens[-1].text))
    return tokens


def _useful_mix(tokens: Segmentation, partial_end: bool) -> bool:
    initial_at = [i for i, tok in enumerate(tokens) if tok.kind is TokenKind.INITIAL]
    if partial_end and initial_at == [len(tokens) - 1]:
        return False  # "gongjij": the same as an unfinished last syllable
    return bool(initial_at) and any(
        tok.kind is not TokenKind.INITIAL and len(tok.text) >= 2 for tok in tokens
    )


@lru_cache(maxsize=4096)
def segmentations(run: str, partial_end: bool = False) -> tuple[Segmentation, ...]:
    """The plausible pinyin readings of a lower-case Latin ``run`` (may be empty).

    ``partial_end``: the run is still being typed, so its last syllable may be
    unfinished. An all-initials reading (``gjj``) is offered when the run cannot
    be spelt in syllables, or is at most three letters long and not the start of a
    single syllable ("sh", "gon" are a syllable being typed); it comes last.
    """
    return tuple(_segmentations(run, partial_end))


def _segmentations(run: str, partial_end: bool) -> list[Segmentation]:
    table = reading_table()
    run = _spelling_variants(run)
    if not run or not run.isascii() or not run.isalpha():
        return []
    found: list[Segmentation] = []
    for seg in _syllable_splits(run, partial_end, table)[:_MAX_SEGMENTATIONS]:
        if seg not in found:
            found.append(seg)
    spelt = bool(found)
    mixed = _mixed_split(run, partial_end, table)
    if mixed is not None and mixed not in found and _useful_mix(mixed, partial_end):
        found.append(mixed)
    one_syllable = len(found) == 1 and len(found[0]) == 1  # "sh", "gon": still typing
    if (
        2 <= len(run) <= _MAX_INITIALS
        and (not spelt or (len(run) <= 3 and not one_syllable))
        and not (set(run) & _NOT_INITIALS)
    ):
        initials = tuple(PinyinToken(TokenKind.INITIAL, ch) for ch in run)
        if initials not in found:
            found.append(initials)
    return found

