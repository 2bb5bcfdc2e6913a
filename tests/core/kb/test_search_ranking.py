"""How hits are ordered, and which entries may be shown at all.

第十二条(一): the operator reads the first hit's answer wording aloud, so the order
must follow clear rules: title over questions over keywords over answer; exact
and prefix over substring over fuzzy; ties by id. 第三十条: only published entries
that are valid today are searchable (多方校核 — drafts and retired entries never
reach a caller).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search import SearchIndex
from hotline_desk.core.kb.search.ranking import top_k
from hotline_desk.core.vocabulary import ReviewState

TODAY = date(2026, 6, 1)
FILLER = "请按规定办理相关手续。"


def ids(index: SearchIndex, query: str, limit: int = 10) -> list[str]:
    return [hit.id for hit in index.search(query, TODAY, limit=limit)]


def test_title_over_question_over_keyword_over_answer() -> None:
    """The same words in the title beat them in a question, a keyword, the answer."""
    index = SearchIndex.build([
        KBEntry("D-ANSWER", "其他事项说明", "关于殡葬补贴的说明。" + FILLER),
        KBEntry("C-KEYWORD", "其他事项说明二", FILLER, keywords=("殡葬补贴",)),
        KBEntry("B-QUESTION", "其他事项说明三", FILLER, questions=("殡葬补贴",)),
        KBEntry("A-TITLE", "殡葬补贴", FILLER),
    ])
    assert ids(index, "殡葬补贴") == ["A-TITLE", "B-QUESTION", "C-KEYWORD", "D-ANSWER"]


def test_exact_over_prefix_over_substring() -> None:
    """Within the title: the whole title, then a title starting with it, then inside."""
    index = SearchIndex.build([
        KBEntry("A-INSIDE", "办理殡葬补贴申领", FILLER),
        KBEntry("B-PREFIX", "殡葬补贴申领指南", FILLER),
        KBEntry("C-EXACT", "殡葬补贴申领", FILLER),
    ])
    assert ids(index, "殡葬补贴申领") == ["C-EXACT", "B-PREFIX", "A-INSIDE"]


def test_prefix_counts_after_a_leading_place_name() -> None:
    """"合肥市殡葬补贴…" starts with the subject once the city name is set aside."""
    index = SearchIndex.build([
        KBEntry("A-INSIDE", "办理殡葬补贴的说明", FILLER),
        KBEntry("B-CITY", "合肥市殡葬补贴的说明", FILLER),
    ])
    assert ids(index, "殡葬补贴") == ["B-CITY", "A-INSIDE"]


def test_literal_over_pinyin_over_homophone() -> None:
    """Exact characters beat a homophone of them; fuzzy hits still show, below."""
    index = SearchIndex.build([
        KBEntry("A-HOMOPHONE", "公基金说明", FILLER),
        KBEntry("B-LITERAL", "公积金说明", FILLER),
    ])
    assert ids(index, "公积金") == ["B-LITERAL", "A-HOMOPHONE"]
    assert ids(index, "公基金") == ["A-HOMOPHONE", "B-LITERAL"]


def test_exact_match_in_questions_beats_a_typo_match_in_the_title() -> None:
    """"Exact over fuzzy" holds across fields: a literal question beats a fuzzy title."""
    index = SearchIndex.build([
        KBEntry("A-FUZZY-TITLE", "电动汽车充电", FILLER),
        KBEntry("B-QUESTION", "非机动车上牌", FILLER, questions=("电动车怎么上牌",)),
    ])
    assert ids(index, "电动车")[0] == "B-QUESTION"


def test_ties_are_broken_by_id() -> None:
    """Identical entries in a shuffled order always come back sorted by id."""
    entries = [KBEntry(f"KB-{n:03d}", "居住证签注", FILLER) for n in (7, 3, 11, 1, 5)]
    index = SearchIndex.build(entries)
    assert ids(index, "居住证") == ["KB-001", "KB-003", "KB-005", "KB-007", "KB-011"]
    assert ids(index, "居住证", limit=2) == ["KB-001", "KB-003"]


@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.25, 2.0]), min_size=1, max_size=60),
       st.integers(min_value=1, max_value=12), st.data())
def test_top_k_is_the_sorted_prefix(values: list[float], limit: int, data: st.DataObject) -> None:
    """top_k equals sorting every positive score by (score desc, id rank asc), ties included."""
    scores = np.array(values, dtype=np.float32)
    ranks = np.array(data.draw(st.permutations(range(len(values)))), dtype=np.int32)
    expected = sorted((i for i in range(len(values)) if scores[i] > 0),
                      key=lambda i: (-scores[i], ranks[i]))[:limit]
    assert top_k(scores, ranks, limit) == expected


def test_more_matching_terms_rank_higher() -> None:
    """AND with graceful degradation: both terms beat one term in a better field."""
    index = SearchIndex.build([
        KBEntry("A-ONE-TERM", "医保报销", FILLER),
        KBEntry("B-BOTH", "城乡医保说明", FILLER, keywords=("异地",)),
    ])
    assert ids(index, "医保 异地") == ["B-BOTH", "A-ONE-TERM"]


def test_place_beats_other_cities_and_province_wide_comes_next() -> None:
    """A named city lifts its own entry; the province-wide rule is next; other cities last."""
    index = SearchIndex.build([
        KBEntry("A-HEFEI", "公租房申请", FILLER, region=Region(city="合肥市")),
        KBEntry("B-WUHU", "公租房申请", FILLER, region=Region(city="芜湖市")),
        KBEntry("C-PROVINCE", "公租房申请", FILLER),
    ])
    assert ids(index, "芜湖 公租房") == ["B-WUHU", "C-PROVINCE", "A-HEFEI"]
    assert ids(index, "公租房 合肥市") == ["A-HEFEI", "C-PROVINCE", "B-WUHU"]


def test_without_a_place_the_province_wide_rule_comes_first() -> None:
    """No city named: the general (province-wide) entry before a city's variant."""
    index = SearchIndex.build([
        KBEntry("A-HEFEI", "公租房申请", FILLER, region=Region(city="合肥市")),
        KBEntry("B-PROVINCE", "公租房申请", FILLER),
    ])
    assert ids(index, "公租房") == ["B-PROVINCE", "A-HEFEI"]


def test_district_beats_its_city_beats_another_district() -> None:
    index = SearchIndex.build([
        KBEntry("A-BAOHE", "入学划片", FILLER, region=Region(city="合肥市", district="包河区")),
        KBEntry("B-CITY", "入学划片", FILLER, region=Region(city="合肥市")),
        KBEntry("C-SHUSHAN", "入学划片", FILLER, region=Region(city="合肥市", district="蜀山区")),
    ])
    assert ids(index, "蜀山区 入学") == ["C-SHUSHAN", "B-CITY", "A-BAOHE"]


def test_only_searchable_entries_are_returned() -> None:
    """第三十条: drafts, reviewed-not-published, retired, expired and future entries never show."""
    base = KBEntry("OK", "低保申请条件", FILLER)
    entries = [
        base,
        replace(base, id="DRAFT", review_state=ReviewState.DRAFT),
        replace(base, id="REVIEWED", review_state=ReviewState.REVIEWED),
        replace(base, id="RETIRED", review_state=ReviewState.RETIRED),
        replace(base, id="EXPIRED", valid_to=TODAY - timedelta(days=1)),
        replace(base, id="FUTURE", valid_from=TODAY + timedelta(days=1)),
        replace(base, id="LAST-DAY", valid_to=TODAY),
        replace(base, id="FIRST-DAY", valid_from=TODAY),
    ]
    index = SearchIndex.build(entries)
    assert ids(index, "低保") == ["FIRST-DAY", "LAST-DAY", "OK"]
    assert ids(index, "低保", limit=10) == ids(index, "dibao", limit=10)


@settings(max_examples=40, deadline=None)
@given(st.lists(
    st.tuples(
        st.sampled_from(list(ReviewState)),
        st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2027, 12, 31))),
        st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2027, 12, 31))),
    ),
    min_size=1, max_size=12,
), st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_searchable_matches_the_entry_rule(
    rows: list[tuple[ReviewState, date | None, date | None]], today: date,
) -> None:
    """The index's vectorised filter equals ``KBEntry.is_searchable(today)`` (第三十条)."""
    entries = [
        KBEntry(f"E{n:02d}", "养老金领取", FILLER, review_state=state,
                valid_from=start, valid_to=end)
        for n, (state, start, end) in enumerate(rows)
    ]
    index = SearchIndex.build(entries)
    found = {hit.id for hit in index.search("养老金", today, limit=50)}
    assert found == {e.id for e in entries if e.is_searchable(today)}
