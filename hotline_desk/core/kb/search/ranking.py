"""How matches are scored and hits ordered.

A term's score in an entry is its best match over the entry's fields:

    field weight × match quality × (1 + exact + prefix + coverage bonuses)

* Field weight: title 1.0 > questions 0.75 > keywords 0.6 > answer 0.3.
* Quality: literal characters 1.0 > full pinyin 0.95 > pinyin with initials
  0.9 > initials 0.85 > homophone typo 0.65 > two swapped or one missing
  character 0.6 > one extra character 0.58 > one wrong, like-sounding character
  0.5; a partial match (weighted character pairs, saturating) stays below 0.55.
* The bonuses raise it by up to a quarter: exact (the whole title, question or
  keyword, after a leading place name) +10%, prefix (the text starts with the
  term, after a leading place name) +5%, coverage (share of the text the term
  covers) up to +10%; and a little is added for each further text of the entry
  the term appears in (an entry *about* the term mentions it in its title,
  questions and keywords).

So, for the same kind of match, a title beats a question beats a keyword beats the
answer (the bonuses never bridge a field's weight); within a field exact > prefix
> substring > fuzzy; and a literal match in the questions beats a fuzzy one in
the title. An entry's score is the sum over terms, plus a bonus when every term
matched (AND with graceful degradation), a region bonus when the query names a
place the entry belongs to, and, when it names none, a small bonus for
province-wide entries (the general rule comes before a city's variant). Ties are
broken by entry id, so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from hotline_desk.core.kb.search.fields import Field
from hotline_desk.core.kb.search.regions import Place

FIELD_WEIGHT: dict[Field, float] = {
    Field.TITLE: 1.0,
    Field.QUESTION: 0.75,
    Field.KEYWORD: 0.6,
    Field.ANSWER: 0.3,
}
FIELD_WEIGHTS = np.array([FIELD_WEIGHT[f] for f in Field], dtype=np.float32)

LITERAL = 1.0
PINYIN = 0.95
MIXED_INITIALS = 0.9
INITIALS = 0.85
HOMOPHONE = 0.65
EDIT_KEPT = 0.6  # every typed character kept: two swapped, or one missing
EDIT_DROPPED = 0.58  # one typed character dropped as extra
EDIT_WRONG = 0.5  # one character wrong (its reading only starts the same)
PARTIAL = 0.55  # the most a partial match can score (it saturates towards this)
PARTIAL_SATURATION = 6.0  # accumulated weight at which a partial match is half-way
PARTIAL_HOMOPHONE = 0.8  # a character pair matched by its readings only
PARTIAL_CHAR_WEIGHT = 0.4  # a single (rare) character of the term
PARTIAL_CHAR_MAX_SHARE = 0.05  # characters in more texts than 5% of entries are skipped
SPLIT_TERM = 0.8  # a mixed term found only as separate Chinese and pinyin parts

EXACT_BONUS = 0.1
PREFIX_BONUS = 0.05
COVERAGE_BONUS = 0.1
BREADTH_BONUS = 0.015  # per further text of the entry the term matches (at most 3)

ALL_TERMS_BONUS = 0.3
GENERAL_BONUS = 0.1  # no place named: province-wide entries first (the general rule)
REGION_WEIGHT = 0.8
# How well an entry's region fits a place named in the query.
REGION_SAME = 1.0  # the same district, or a city-wide entry of the named city
REGION_DISTRICT_OF_CITY = 0.9  # a district entry when only its city was named
REGION_CITY_WIDE = 0.75  # a city-wide entry when one of its districts was named
REGION_OTHER_DISTRICT = 0.5  # another district of the named district's city
REGION_PROVINCE_WIDE = 0.3

# Below this many matching entries a term also tries homophones, edits and partial
# matches (more would only be noise under the literal hits).
FALLBACK_BELOW = 30

# Characters that carry grammar, not topic: character pairs made of them weigh
# little in a partial match ("刚生了娃去哪落户口": 落户 and 户口 matter, 去哪 does not).
FUNCTION_CHARS = frozenset(
    "的了吗呢吧啊呀嘛么怎什哪谁我你他她它们这那是在有个和与或及就都也还要能会可以"
    "去来到给把被让从对为而但如果何样请问想得着过没不一下啥咋多少几"
)
FUNCTION_PAIR_WEIGHT = 0.3
# Everyday words of a caller's question that say nothing about the topic.
FUNCTION_WORDS = frozenset({
    "知道", "自己", "需要", "应该", "办法", "时候", "现在", "已经", "麻烦", "咨询", "一般",
    "情况", "东西", "事情", "意思", "觉得", "发现", "突然", "一直", "还有", "然后", "之前",
    "之后", "以后", "以前", "最近", "这种", "那种", "一年", "一个", "里面", "外面",
})

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


def match_scores(
    field: npt.NDArray[np.uint8],
    pos: I64,
    length: npt.NDArray[np.uint16],
    head: npt.NDArray[np.uint8],
    term_len: int,
    quality: float,
) -> F32:
    """Vectorised score of phrase matches at ``pos`` in texts of the given shape."""
    head64 = head.astype(np.int64)
    length64 = length.astype(np.int64)
    at_head = (pos == head64) | (pos == 0)
    exact = at_head & ((length64 - pos) == term_len)
    subject = np.maximum(length64 - np.where(pos >= head64, head64, 0), term_len)
    coverage = term_len / subject
    scores: F32 = (FIELD_WEIGHTS[field] * quality * (
        1.0 + EXACT_BONUS * exact + PREFIX_BONUS * at_head + COVERAGE_BONUS * coverage
    )).astype(np.float32)
    return scores


def region_fit(city: npt.NDArray[np.uint8], district: npt.NDArray[np.uint16],
               places: Sequence[Place]) -> F32:
    """How well each document's region (city, district codes) fits the places named.

    1 for the named district or city; a little less for a district's city-wide
    entries or a city's district entries; less for another district of the city;
    ``REGION_PROVINCE_WIDE`` for province-wide entries; 0 for other cities.
    """
    cities = city.astype(np.int32)
    districts = district.astype(np.int32)
    best = np.zeros(cities.size, dtype=np.float32)
    for place in places:
        same_city = cities == place.city
        if place.city == 0:  # the province itself: province-wide entries
            fit = np.where(cities == 0, REGION_SAME, 0.0)
        elif place.district:
            fit = np.select(
                [same_city & (districts == place.district), same_city & (districts == 0),
                 same_city, cities == 0],
                [REGION_SAME, REGION_CITY_WIDE, REGION_OTHER_DISTRICT, REGION_PROVINCE_WIDE],
                0.0,
            )
        else:
            fit = np.select(
                [same_city & (districts == 0), same_city, cities == 0],
                [REGION_SAME, REGION_DISTRICT_OF_CITY, REGION_PROVINCE_WIDE],
                0.0,
            )
        np.maximum(best, fit.astype(np.float32), out=best)
    return best


def top_k(scores: F32, rank: npt.NDArray[np.int32], limit: int) -> list[int]:
    """Document numbers of the ``limit`` best positive scores, ties by id rank."""
    candidates = np.flatnonzero(scores > 0)
    if candidates.size == 0 or limit <= 0:
        return []
    if candidates.size > limit:
        values = scores[candidates]
        # The limit-th largest value (selecting a small k from the front is much
        # faster than from the back when many scores are equal).
        kth = -np.partition(-values, limit - 1)[limit - 1]
        above = candidates[values > kth]
        ties = candidates[values == kth]
        need = limit - above.size
        if ties.size > need:
            ties = ties[np.argpartition(rank[ties], need - 1)[:need]]
        candidates = np.concatenate((above, ties))
    order = np.lexsort((rank[candidates], -scores[candidates]))
    return [int(doc) for doc in candidates[order[:limit]]]
