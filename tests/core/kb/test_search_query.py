"""Parsing what the operator typed: terms, places, spaced pinyin, full-width input.

第十二条(一): "芜湖 公积金租房", "蜀山区入学", "gong ji jin", "ＧＪＪ" are all things an
operator types while the caller talks.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.kb.search.query import RunKind, parse
from hotline_desk.core.kb.search.text import normalize


def terms(query: str) -> list[str]:
    return [t.text for t in parse(query).terms]


def places(query: str) -> list[str]:
    return [p.name for p in parse(query).places]


def test_terms_are_split_by_spaces_and_punctuation() -> None:
    assert terms("医保 异地，备案") == ["医保", "异地", "备案"]
    assert terms("  公积金   ") == ["公积金"]
    assert parse("").empty and parse(" ，。").empty


def test_places_with_or_without_suffix() -> None:
    assert places("芜湖 公积金") == ["芜湖市"] and terms("芜湖 公积金") == ["公积金"]
    assert places("芜湖市公积金") == ["芜湖市"] and terms("芜湖市公积金") == ["公积金"]
    assert places("蜀山区入学") == ["蜀山区"] and terms("蜀山区入学") == ["入学"]
    assert places("蜀山 入学") == ["蜀山区"]
    assert places("合肥市蜀山区入学") == ["蜀山区"]
    assert places("公积金 合肥") == ["合肥市"]
    assert places("登记合肥") == ["合肥市"] and terms("登记合肥") == ["登记"]
    assert places("安徽 公积金") == ["安徽省"]


def test_one_character_stems_need_their_suffix() -> None:
    """萧县, 和县, 寿县: "和" alone is a word, not a place."""
    assert places("萧县 低保") == ["萧县"]
    assert places("和 低保") == []
    assert places("寿县低保") == ["寿县"]


def test_ambiguous_place_words_are_left_alone() -> None:
    assert places("郊区 噪音") == []
    assert places("铜陵郊区 噪音") == ["郊区"]


def test_spaced_single_syllables_are_one_word() -> None:
    assert terms("gong ji jin") == ["gongjijin"]
    assert terms("gong ji jin tiqu") == ["gongjijin", "tiqu"]
    assert terms("gongjijin tiqu") == ["gongjijin", "tiqu"]


def test_runs_and_typing_flag() -> None:
    parsed = parse("医保 公积金tiqu")
    last = parsed.terms[-1]
    assert [r.kind for r in last.runs] == [RunKind.HAN] * 3 + [RunKind.LATIN]
    assert last.typing and last.mixed
    assert not parsed.terms[0].typing
    assert not parse("公积金tiqu ").terms[-1].typing


def test_full_width_and_upper_case_are_folded() -> None:
    assert terms("ＧＪＪ") == ["gjj"]
    assert terms("APP　办理") == ["app", "办理"]


@given(st.text(max_size=30))
def test_normalize_keeps_length(text: str) -> None:
    """Offsets in normalised text are offsets in the original (for highlighting)."""
    assert len(normalize(text)) == len(text)


@given(st.text(max_size=30))
def test_parse_never_fails(text: str) -> None:
    parsed = parse(text)
    assert all(t.text and len(t.text) <= 32 for t in parsed.terms)
    assert len(parsed.terms) <= 8
