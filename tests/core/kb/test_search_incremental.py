"""Incremental updates give exactly what a rebuild gives.

第二十九条/第三十条: the knowledge base is 实时更新 — entries are added, revised
(new version), retired (已下线) and removed while operators search. Each change
updates the index in place (no rebuild); the results must then be identical, hit
for hit and score for score, to an index built from scratch on the same entries.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search import SearchIndex
from hotline_desk.core.vocabulary import ReviewState

TODAY = date(2026, 6, 1)

TITLES = ("住房公积金租房提取", "公积金贷款额度", "异地就医备案", "城乡居民医保缴费",
          "新生儿出生登记", "居民身份证补领", "义务教育入学划片", "高龄津贴申领",
          "重庆银行开户", "稳岗返还政策", "秸秆焚烧举报", "物业服务收费标准")
ANSWERS = ("可通过皖事通APP办理，详询12345。", "请携带身份证到窗口办理。",
           "符合条件的可以申请，材料齐全的当场办结。", "详询12329住房公积金热线。")
QUESTIONS = ("怎么办理", "要什么材料", "能网上办吗", "租房能取公积金吗", "医保怎么交")
KEYWORDS = ("公积金", "医保", "户口", "补贴", "租房", "银行")
CITIES = (("", ""), ("合肥市", ""), ("芜湖市", ""), ("合肥市", "蜀山区"), ("合肥市", "长丰县"))
QUERIES = ("公积金", "gongjijin", "gjj", "公基金", "租房提取", "芜湖 公积金", "医保 缴费",
           "蜀山区 入学", "chongqing", "身份证丢了怎么补", "办理", "12329", "申领",
           "异地jiuyi", "就医异地备案")

entries_st = st.builds(
    lambda n, title, city, answer, questions, keywords, state, version: KBEntry(
        id=f"KB-{n:02d}",
        title=(city[0] or "") + title,
        answer=answer,
        questions=tuple(questions),
        keywords=tuple(keywords),
        region=Region(city=city[0], district=city[1]),
        review_state=state,
        version=version,
    ),
    st.integers(0, 11), st.sampled_from(TITLES), st.sampled_from(CITIES),
    st.sampled_from(ANSWERS), st.lists(st.sampled_from(QUESTIONS), max_size=3, unique=True),
    st.lists(st.sampled_from(KEYWORDS), max_size=3, unique=True),
    st.sampled_from([ReviewState.PUBLISHED] * 4 + [ReviewState.DRAFT, ReviewState.RETIRED]),
    st.integers(1, 4),
)

operations_st = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), entries_st),
        st.tuples(st.just("remove"), st.integers(0, 11).map(lambda n: f"KB-{n:02d}")),
        st.tuples(st.just("retire"), st.integers(0, 11).map(lambda n: f"KB-{n:02d}")),
    ),
    max_size=25,
)


def results(index: SearchIndex) -> list[list[tuple[str, float, object]]]:
    return [
        [(hit.id, hit.score, hit.matches) for hit in index.search(query, TODAY, limit=20)]
        for query in QUERIES
    ]


def unique_by_id(entries: list[KBEntry]) -> dict[str, KBEntry]:
    return {entry.id: entry for entry in entries}


@settings(max_examples=60, deadline=None)
@given(st.lists(entries_st, max_size=10), operations_st)
def test_updates_equal_a_rebuild(initial: list[KBEntry],
                                 operations: list[tuple[str, object]]) -> None:
    """Add, change, retire and remove, in any order, equal a rebuild of the final set."""
    current = unique_by_id(initial)
    index = SearchIndex.build(current.values())
    for op, value in operations:
        if op == "upsert":
            assert isinstance(value, KBEntry)
            index.upsert(value)
            current[value.id] = value
        elif op == "remove":
            assert isinstance(value, str)
            assert index.remove(value) == (value in current)
            current.pop(value, None)
        else:
            assert isinstance(value, str)
            assert index.retire(value) == (value in current)
            if value in current:
                current[value] = replace(current[value], review_state=ReviewState.RETIRED)
    rebuilt = SearchIndex.build(current.values())
    assert len(index) == len(rebuilt) == len(current)
    assert sorted(e.id for e in index.entries()) == sorted(current)
    assert results(index) == results(rebuilt)


def test_an_added_entry_is_found_at_once() -> None:
    index = SearchIndex.build([KBEntry("KB-01", "医保报销", "按规定报销。")])
    assert index.search("公租房", TODAY) == []
    index.upsert(KBEntry("KB-02", "公租房申请条件", "可向住房保障部门申请。"))
    assert [h.id for h in index.search("公租房", TODAY)] == ["KB-02"]
    assert [h.id for h in index.search("gongzufang", TODAY)] == ["KB-02"]


def test_a_changed_entry_is_found_by_its_new_words_only() -> None:
    index = SearchIndex.build([KBEntry("KB-01", "公租房申请条件", "可申请。")])
    index.upsert(KBEntry("KB-01", "保障性租赁住房申请", "可申请。", version=2))
    assert index.search("公租房", TODAY) == []
    hits = index.search("保租房 申请", TODAY)
    assert [h.id for h in hits] == ["KB-01"]
    assert hits[0].entry.version == 2


def test_retired_and_removed_entries_disappear() -> None:
    """第三十条: a retired (已下线) entry stays indexed but is never shown."""
    index = SearchIndex.build([KBEntry("KB-01", "公租房申请", "可申请。"),
                               KBEntry("KB-02", "公租房退出", "按规定退出。")])
    assert index.retire("KB-01")
    assert index.get("KB-01") is not None
    assert [h.id for h in index.search("公租房", TODAY)] == ["KB-02"]
    assert index.remove("KB-02")
    assert index.search("公租房", TODAY) == []
    assert not index.remove("KB-02")
    assert not index.retire("NOPE")
    assert "KB-02" not in index


def test_duplicate_ids_are_rejected_with_a_chinese_message() -> None:
    from hotline_desk.core.errors import DataFormatError

    entry = KBEntry("KB-01", "公租房申请", "可申请。")
    try:
        SearchIndex.build([entry, entry])
    except DataFormatError as exc:
        assert "KB-01" in exc.message_zh and "重复" in exc.message_zh
    else:
        raise AssertionError("duplicate ids were accepted")
