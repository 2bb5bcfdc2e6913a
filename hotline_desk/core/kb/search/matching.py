"""Finding one term in the index and scoring every entry for it.

A term's patterns (:mod:`.patterns`) are found by chaining the positional posting
lists of adjacent slot pairs (character pairs, reading pairs, initial pairs):
start from the rarest pair, then keep the positions every other pair confirms.
Tiers, best first, each fallback only while fewer than ``FALLBACK_BELOW`` entries
have matched:

1. literal characters, and pinyin readings of its Latin part (全拼, 首字母, mixed);
2. homophones (公基金 → 公积金);
3. one missing, extra, wrong or swapped character;
4. partial matches (:mod:`.partial`), and a mixed term split in its Chinese and
   pinyin parts ("公积金tiqu" not found whole);
5. the answer field (character pairs of the answer), for few hits or several terms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from hotline_desk.core.kb.search import keys as K
from hotline_desk.core.kb.search import ranking as R
from hotline_desk.core.kb.search.fields import Field
from hotline_desk.core.kb.search.partial import PartialMatcher
from hotline_desk.core.kb.search.patterns import (
    Pattern,
    edit_patterns,
    homophone_pattern,
    pair_keys,
    phrase_patterns,
)
from hotline_desk.core.kb.search.query import Run, RunKind, Term
from hotline_desk.core.kb.search.readings import reading_table
from hotline_desk.core.kb.search.tables import Tables

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
_EMPTY64 = np.zeros(0, dtype=np.int64)


def _contains(sorted_values: U32, probe: I64) -> npt.NDArray[np.bool_]:
    if sorted_values.size == 0:
        return np.zeros(probe.size, dtype=bool)
    wanted = probe.astype(np.uint32)
    at = np.searchsorted(sorted_values, wanted)
    np.minimum(at, sorted_values.size - 1, out=at)
    found: npt.NDArray[np.bool_] = sorted_values[at] == wanted
    return found


class TermMatcher:
    """Scores every document of ``tables`` for one term (dense ``float32`` array)."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables
        self.table = reading_table()
        self.partial = PartialMatcher(tables)
        self._memo: dict[tuple[int, ...], list[U32]] = {}

    # -- finding patterns ---------------------------------------------------------------
    def _lists(self, keys: Sequence[int]) -> list[U32]:
        """Non-empty posting lists of ``keys`` (memoised while one term is scored: the
        variants of a term share most of their character pairs)."""
        memo_key = tuple(keys)
        found = self._memo.get(memo_key)
        if found is None:
            found = [arr for arr in self.t.postings.get_many(memo_key) if arr.size]
            self._memo[memo_key] = found
        return found

    def find(self, pattern: Pattern) -> I64:
        """Text positions (``tid << 8 | pos``) where ``pattern`` starts."""
        slots = pattern.slots
        size = len(slots)
        postings = self.t.postings
        if size == 1:
            only = slots[0]
            if only is None:
                return _EMPTY64
            if only.char is not None:
                return postings.get(K.key_uni(only.char)).astype(np.int64)
            found = postings.get_many(K.key_head(s) for s in only.syllables)
            return np.concatenate(found).astype(np.int64) if found else _EMPTY64
        checks: list[tuple[int, list[U32]]] = []
        covered = [False] * size
        for j in range(size - 1):
            a, b = slots[j], slots[j + 1]
            if a is None or b is None:
                continue
            keys = pair_keys(a, b, self.table)
            if keys is None:
                continue
            arrays = self._lists(keys)
            if not arrays:
                return _EMPTY64
            checks.append((j, arrays))
            if a.char is not None and b.char is not None:
                covered[j] = covered[j + 1] = True
        for j, slot in enumerate(slots):
            if slot is not None and slot.char is not None and not covered[j]:
                unigram = self._lists((K.key_uni(slot.char),))
                if not unigram:
                    return _EMPTY64
                checks.append((j, unigram))
        if not checks:
            return _EMPTY64
        checks.sort(key=lambda check: sum(arr.size for arr in check[1]))
        offset, arrays = checks[0]
        starts = (np.concatenate(arrays) if len(arrays) > 1 else arrays[0]).astype(np.int64)
        pos = starts & K.MAX_POS
        starts = starts[(pos >= offset) & (pos - offset + size - 1 <= K.MAX_POS)] - offset
        for offset, arrays in checks[1:]:
            if starts.size == 0:
                break
            probe = starts + offset
            keep = _contains(arrays[0], probe)
            for arr in arrays[1:]:
                keep |= _contains(arr, probe)
            starts = starts[keep]
        return starts

    def _score_into(self, target: F32, starts: I64, term_len: int, quality: float,
                    breadth: list[npt.NDArray[np.int32]] | None = None) -> None:
        if starts.size == 0:
            return
        t = self.t
        tid = starts >> K.POS_BITS
        pos = starts & K.MAX_POS
        scores = R.match_scores(
            t.text_field.view[tid], pos, t.text_len.view[tid], t.text_head.view[tid],
            term_len, quality,
        )
        docs = t.text_doc.view[tid]
        np.maximum.at(target, docs, scores)
        if breadth is not None:
            breadth.append(docs)

    # -- the term ----------------------------------------------------------------------
    def score(self, term: Term, searchable: F32, multi_term: bool) -> F32:
        """Every document's score for ``term``: the tiers of the module docstring, each
        fallback tried only while fewer than ``FALLBACK_BELOW`` entries have matched."""
        self._memo.clear()
        scores = np.zeros(self.t.n_docs, dtype=np.float32)
        breadth: list[npt.NDArray[np.int32]] = []
        for pattern in phrase_patterns(term):
            self._score_into(scores, self.find(pattern), len(pattern.slots), pattern.quality,
                             breadth)
        scores *= searchable
        few = self._few(scores)
        still_few = few
        if few:
            homophone = homophone_pattern(term)
            if homophone is not None:
                self._score_into(scores, self.find(homophone), len(homophone.slots),
                                 homophone.quality, breadth)
                scores *= searchable
                still_few = self._few(scores)
            if still_few:
                for pattern in edit_patterns(term):
                    self._score_into(scores, self.find(pattern), len(pattern.slots),
                                     pattern.quality)
                scores *= searchable
                still_few = self._few(scores)
        if len(term.text) >= 2 and not term.latin_only and (few or multi_term):
            self._answers_into(scores, term.text, searchable)
        has_han = any(run.kind is RunKind.HAN for run in term.runs)
        if still_few and has_han and len(term.text) >= 3:
            np.maximum(scores, self.partial.score(term.text) * searchable, out=scores)
        if few and term.mixed and all(
            len(run.text) >= 2 for run in term.runs if run.kind is RunKind.LATIN
        ):
            np.maximum(scores, self._split_scores(term, searchable), out=scores)
        self._add_breadth(scores, breadth)
        return scores

    @staticmethod
    def _few(scores: F32) -> bool:
        # Counting the non-zero bit patterns is five times faster than float compares.
        return int(np.count_nonzero(scores.view(np.int32))) < R.FALLBACK_BELOW

    def _add_breadth(self, scores: F32, matched: list[npt.NDArray[np.int32]]) -> None:
        """A little more for each further text of an entry the term was found in."""
        if not matched:
            return
        docs = np.concatenate(matched) if len(matched) > 1 else matched[0]
        if docs.size < 2:
            return
        ordered = np.sort(docs) if docs.size < 4096 else None
        if ordered is not None:
            repeated = ordered[1:][ordered[1:] == ordered[:-1]]
            if repeated.size == 0:
                return
            counts = np.bincount(repeated - repeated.min())
            which = np.flatnonzero(counts) + repeated.min()
            extra = np.minimum(counts[counts > 0], 3)
        else:
            counts = np.bincount(docs, minlength=self.t.n_docs)
            which = np.flatnonzero(counts > 1)
            extra = np.minimum(counts[which] - 1, 3)
        bonus = np.float32(R.BREADTH_BONUS) * extra.astype(np.float32)
        scores[which] += bonus * (scores[which] > 0)

    def _split_scores(self, term: Term, searchable: F32) -> F32:
        """A mixed term ("公积金tiqu") not found whole: its Chinese and Latin parts apart."""
        groups: list[list[Run]] = []
        for run in term.runs:
            if groups and (groups[-1][-1].kind is RunKind.HAN) == (run.kind is RunKind.HAN):
                groups[-1].append(run)
            else:
                groups.append([run])
        combined = np.zeros(self.t.n_docs, dtype=np.float32)
        for i, group in enumerate(groups):
            part = Term("".join(r.text for r in group), tuple(group),
                        term.typing and i == len(groups) - 1)
            combined += self.score(part, searchable, False)
        return combined * np.float32(R.SPLIT_TERM / len(groups))

    def _answers_into(self, target: F32, text: str, searchable: F32) -> None:
        answers = self.t.answers
        lists = answers.get_many(
            dict.fromkeys(K.answer_key(text[i], text[i + 1]) for i in range(len(text) - 1))
        )
        lists.sort(key=lambda arr: arr.size)
        docs = lists[0].astype(np.int64)
        for arr in lists[1:]:
            if docs.size == 0:
                return
            docs = docs[_contains(arr, docs)]
        if docs.size == 0:
            return
        value = np.float32(R.FIELD_WEIGHT[Field.ANSWER] * R.LITERAL) * searchable[docs]
        target[docs] = np.maximum(target[docs], value)
