"""A search index saved as bytes and loaded again is the same index.

第十二条(一): the desk must answer from the knowledge base as soon as it starts, so
the index is loaded from bytes instead of rebuilt; 第三十条: only for exactly the
entries it was built from — damaged or foreign bytes are refused (rebuild then).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search import SearchIndex
from hotline_desk.core.kb.search.codec import MAGIC

TODAY = date(2026, 6, 1)
QUERIES = ("公积金", "gjj", "公基金提取", "芜湖 租房", "医保 异地", "yidi", "长丰", "办理",
           "租房能不能取公积金")

ENTRIES = [
    KBEntry("KB-01", "合肥市住房公积金租房提取", "租房可以提取住房公积金，详询12329。",
            ("租房能取公积金吗",), ("公积金", "租房"), region=Region(city="合肥市")),
    KBEntry("KB-02", "芜湖市住房公积金租房提取", "芜湖职工租房可以提取。",
            (), ("公积金",), region=Region(city="芜湖市")),
    KBEntry("KB-03", "异地就医备案", "到省外就医前先备案。", ("去外地看病要备案吗",), ("医保",)),
    KBEntry("KB-04", "长丰县医保代办", "村里有代办员。", (), ("医保",),
            region=Region(city="合肥市", district="长丰县")),
]


def results(index: SearchIndex) -> list[list[tuple[str, float, object]]]:
    return [[(h.id, h.score, h.matches) for h in index.search(q, TODAY, limit=10)]
            for q in QUERIES]


def test_round_trip_equals_the_original() -> None:
    index = SearchIndex.build(ENTRIES)
    loaded = SearchIndex.from_bytes(index.to_bytes(), ENTRIES)
    assert results(loaded) == results(index)
    assert loaded.to_bytes() == index.to_bytes()


def test_round_trip_keeps_pending_updates() -> None:
    """Upserts and removals not yet merged survive saving, and the loaded index keeps working."""
    index = SearchIndex.build(ENTRIES)
    changed = replace(ENTRIES[1], title="芜湖市公积金租房提取额度", version=2)
    added = KBEntry("KB-05", "公积金贷款额度", "最高可贷60万元。", keywords=("公积金",))
    index.upsert(changed)
    index.upsert(added)
    index.remove("KB-03")
    now = [ENTRIES[0], changed, ENTRIES[3], added]
    loaded = SearchIndex.from_bytes(index.to_bytes(), now)
    assert results(loaded) == results(index) == results(SearchIndex.build(now))
    extra = KBEntry("KB-06", "异地就医备案", "先备案。")
    loaded.upsert(extra)
    index.upsert(extra)
    assert results(loaded) == results(index)


@settings(max_examples=30, deadline=None)
@given(st.lists(
    st.builds(
        lambda n, title, answer: KBEntry(f"E{n}", title, answer),
        st.integers(0, 30),
        st.text(alphabet="公积金租房提取医保异地就医备案合肥芜湖重庆银行abc12", min_size=1,
                max_size=12),
        st.text(alphabet="办理条件材料渠道时限公积金医保12345", max_size=40),
    ),
    max_size=15, unique_by=lambda e: e.id,
))
def test_round_trip_property(entries: list[KBEntry]) -> None:
    index = SearchIndex.build(entries)
    loaded = SearchIndex.from_bytes(index.to_bytes(), entries)
    assert results(loaded) == results(index)


def test_damaged_bytes_are_refused() -> None:
    data = SearchIndex.build(ENTRIES).to_bytes()
    with pytest.raises(DataFormatError) as not_index:
        SearchIndex.from_bytes(b"not an index at all", ENTRIES)
    assert "重建" in not_index.value.message_zh
    with pytest.raises(DataFormatError):
        SearchIndex.from_bytes(data[: len(data) // 2], ENTRIES)
    with pytest.raises(DataFormatError):
        SearchIndex.from_bytes(MAGIC + b"\xff\x00\x00\x00{broken", ENTRIES)


def test_bytes_of_other_entries_are_refused() -> None:
    data = SearchIndex.build(ENTRIES).to_bytes()
    with pytest.raises(DataFormatError):
        SearchIndex.from_bytes(data, ENTRIES[:3])
    with pytest.raises(DataFormatError):
        SearchIndex.from_bytes(data, [*ENTRIES, KBEntry("KB-99", "多出来的", "多出来的")])
    with pytest.raises(DataFormatError):
        SearchIndex.from_bytes(data, [*ENTRIES[:3], replace(ENTRIES[3], id="KB-44")])


def test_another_format_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from hotline_desk.core.kb.search import codec

    data = SearchIndex.build(ENTRIES).to_bytes()
    monkeypatch.setattr(codec, "FORMAT_VERSION", codec.FORMAT_VERSION + 1)
    with pytest.raises(DataFormatError):
        SearchIndex.from_bytes(data, ENTRIES)
