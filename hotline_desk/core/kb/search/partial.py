"""Partial matches: how much of a term's character pairs an entry has.

A caller's question ("房租能用公积金交吗", "驾照分扣光了还能开车吗") rarely appears
as such in an entry. Every character pair of the term found in an entry adds its
weight — inverse document frequency, little for function characters and everyday
words, more for pairs that name topics (found in titles and keywords) — times the
weight of the best field it is in. A pair no entry has is probably a typo and is
looked for by its sound. Rare single characters add a little (扣, 分). The sum
saturates towards ``ranking.PARTIAL``, below every phrase match.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from hotline_desk.core.kb.search import keys as K
from hotline_desk.core.kb.search import ranking as R
from hotline_desk.core.kb.search.fields import Field
from hotline_desk.core.kb.search.readings import reading_table
from hotline_desk.core.kb.search.tables import Tables
from hotline_desk.core.kb.search.text import is_han

U32 = npt.NDArray[np.uint32]
F32 = npt.NDArray[np.float32]
_CACHE_SIZE = 128


class PartialMatcher:
    """Partial-match scores over ``tables``; per-pair work is cached between keystrokes."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables
        self.table = reading_table()
        self._pair_cache: OrderedDict[tuple[str, int], F32 | None] = OrderedDict()

    def score(self, text: str) -> F32:
        """How much of ``text``'s character pairs each document has (0..``PARTIAL``).

        Every pair found in an entry adds its weight (inverse document frequency;
        little for pairs with function characters) times the weight of the best
        field it is found in. A pair no entry has is probably a typo: it is then
        looked for by its readings (counting ``PARTIAL_HOMOPHONE``). Rare single
        characters add a little too (驾照分扣光了 → 扣, 分). The sum saturates
        towards ``PARTIAL``.
        """
        acc = np.zeros(self.t.n_docs, dtype=np.float32)
        grams = dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1))
        grams.update(dict.fromkeys(text))
        for gram in grams:
            contribution = self._gram_contribution(gram)
            if contribution is not None:
                acc += contribution
        saturation = np.float32(R.PARTIAL_SATURATION)
        return (np.float32(R.PARTIAL) * acc / (acc + saturation)).astype(np.float32)

    def _gram_contribution(self, gram: str) -> F32 | None:
        """Weighted best-field match of one character or pair per document (cached)."""
        key = (gram, self.t.version)
        if key in self._pair_cache:
            self._pair_cache.move_to_end(key)
            return self._pair_cache[key]
        result = self._compute_pair(gram) if len(gram) == 2 else self._compute_char(gram)
        self._pair_cache[key] = result
        if len(self._pair_cache) > _CACHE_SIZE:
            self._pair_cache.popitem(last=False)
        return result

    def _idf(self, df: int) -> float:
        return math.log(1.0 + max(self.t.live_docs, 1) / (1.0 + df))

    def _best_fields(self, lists: Sequence[U32], factor: float = 1.0,
                     best: F32 | None = None) -> F32:
        t = self.t
        if best is None:
            best = np.zeros(t.n_docs, dtype=np.float32)
        for arr in lists:
            tid = arr >> K.POS_BITS
            weights = R.FIELD_WEIGHTS[t.text_field.view[tid]]
            if factor != 1.0:
                weights = weights * np.float32(factor)
            np.maximum.at(best, t.text_doc.view[tid], weights)
        return best

    def _topicality(self, texts: U32, df: int) -> float:
        """0.5 + the share of a pair's (live) occurrences in titles and keywords.

        Pairs that name topics (护照, 公积) live in titles and keywords; colloquial
        ones (弄丢, 还能) only in alternative questions and answers.
        """
        t = self.t
        tid = texts >> K.POS_BITS
        fields = t.text_field.view[tid]
        topical = (fields == Field.TITLE.code) | (fields == Field.KEYWORD.code)
        live = int(np.count_nonzero(topical & t.alive.view[t.text_doc.view[tid]]))
        return 0.5 + live / max(df, 1)

    def _compute_char(self, char: str) -> F32 | None:
        t = self.t
        if not is_han(char) or char in R.FUNCTION_CHARS:
            return None
        df = t.postings.live_count(K.key_uni(char))
        if df <= 0 or df > R.PARTIAL_CHAR_MAX_SHARE * max(t.live_docs, 1):
            return None
        best = self._best_fields([t.postings.get(K.key_uni(char))])
        best *= np.float32(R.PARTIAL_CHAR_WEIGHT * self._idf(df))
        return best

    def _compute_pair(self, pair: str) -> F32 | None:
        t = self.t
        a, b = pair[0], pair[1]
        if not (a.isalnum() and b.isalnum()):
            return None
        stop = (a in R.FUNCTION_CHARS) + (b in R.FUNCTION_CHARS)
        factor = (1.0, R.FUNCTION_PAIR_WEIGHT, 0.0)[stop]
        if pair in R.FUNCTION_WORDS:
            factor = min(factor, R.FUNCTION_PAIR_WEIGHT)
        if factor == 0.0:
            return None
        literal_key, answer_key = K.key_bi(a, b), K.answer_key(a, b)
        df = t.postings.live_count(literal_key) + t.answers.live_count(answer_key)
        if df > 0:
            texts = t.postings.get(literal_key)
            best = self._best_fields([texts])
            answers = t.answers.get(answer_key)
            if answers.size:
                answer_weight = np.float32(R.FIELD_WEIGHT[Field.ANSWER])
                best[answers] = np.maximum(best[answers], answer_weight)
            factor *= self._topicality(texts, df)
        else:  # no entry has this pair: a typo? look for its sound
            ra, rb = self.table.reading_ids(a), self.table.reading_ids(b)
            if not ra or not rb or len(ra) * len(rb) > 16:
                return None
            sound_keys = [K.key_syl2(x, y) for x in ra for y in rb]
            df = sum(t.postings.live_count(k) for k in sound_keys)
            if df <= 0:
                return None
            best = self._best_fields(t.postings.get_many(sound_keys), R.PARTIAL_HOMOPHONE)
        best *= np.float32(factor * self._idf(df))
        return best
