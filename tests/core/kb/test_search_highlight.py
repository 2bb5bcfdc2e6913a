"""Every hit carries its matched spans per field, in the original text's offsets.

第十二条(一): the operator must see at a glance why an entry came up before reading
its answer wording (答复口径) to the caller, so the desk highlights the matched
characters in the title, questions, keywords and answer.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search import Field, SearchIndex, parse
from hotline_desk.core.kb.search.highlight import FieldMatch, highlight

TODAY = date(2026, 6, 1)

ENTRY = KBEntry(
    id="GJJ-01",
    title="合肥市住房公积金租房提取条件",
    answer="租房自住的缴存职工可以申请提取住房公积金，详询12329。",
    questions=("租房能取公积金吗", "房租可以用公积金付吗"),
    keywords=("公积金", "租房提取", "ＡＰＰ办理"),
    region=Region(city="合肥市"),
)


def spans_of(matches: tuple[FieldMatch, ...], field: Field, item: int = 0) -> tuple[
        tuple[int, int], ...]:
    for match in matches:
        if match.field is field and match.item == item:
            return match.spans
    return ()


def texts(matches: tuple[FieldMatch, ...], field: Field, item: int, text: str) -> list[str]:
    return [text[a:b] for a, b in spans_of(matches, field, item)]


def test_literal_spans_in_every_field() -> None:
    matches = highlight(parse("公积金"), ENTRY)
    assert texts(matches, Field.TITLE, 0, ENTRY.title) == ["公积金"]
    assert spans_of(matches, Field.TITLE) == ((5, 8),)
    assert texts(matches, Field.QUESTION, 0, ENTRY.questions[0]) == ["公积金"]
    assert texts(matches, Field.QUESTION, 1, ENTRY.questions[1]) == ["公积金"]
    assert texts(matches, Field.KEYWORD, 0, ENTRY.keywords[0]) == ["公积金"]
    assert texts(matches, Field.ANSWER, 0, ENTRY.answer) == ["公积金"]
    assert spans_of(matches, Field.KEYWORD, 1) == ()  # 租房提取 has no 公积金


def test_pinyin_and_initials_spans_point_at_the_characters() -> None:
    for query in ("gongjijin", "gjj", "gong ji jin"):
        matches = highlight(parse(query), ENTRY)
        assert texts(matches, Field.TITLE, 0, ENTRY.title) == ["公积金"], query


def test_homophone_span_covers_the_real_characters() -> None:
    matches = highlight(parse("租房提起"), ENTRY)  # 起/取 qi
    assert texts(matches, Field.TITLE, 0, ENTRY.title) == ["租房提取"]


def test_mixed_term_span() -> None:
    matches = highlight(parse("公积金zufang"), ENTRY)
    assert texts(matches, Field.TITLE, 0, ENTRY.title) == ["公积金租房"]


def test_place_name_is_highlighted_too() -> None:
    matches = highlight(parse("合肥 租房提取"), ENTRY)
    assert texts(matches, Field.TITLE, 0, ENTRY.title) == ["合肥市", "租房提取"]


def test_overlapping_terms_merge_into_one_span() -> None:
    matches = highlight(parse("公积 积金"), ENTRY)
    assert texts(matches, Field.TITLE, 0, ENTRY.title) == ["公积金"]


def test_full_width_text_keeps_its_offsets() -> None:
    """Normalisation folds ＡＰＰ to app without shifting offsets."""
    matches = highlight(parse("app"), ENTRY)
    assert texts(matches, Field.KEYWORD, 2, ENTRY.keywords[2]) == ["ＡＰＰ"]


def test_answer_only_match() -> None:
    matches = highlight(parse("12329"), ENTRY)
    assert [m.field for m in matches] == [Field.ANSWER]
    assert texts(matches, Field.ANSWER, 0, ENTRY.answer) == ["12329"]


def test_search_hits_carry_their_spans() -> None:
    index = SearchIndex.build([ENTRY, KBEntry("OTHER", "医保报销", "按规定报销。")])
    hit = index.search("租房提取", TODAY)[0]
    assert hit.id == "GJJ-01"
    assert texts(hit.matches, Field.TITLE, 0, ENTRY.title) == ["租房提取"]
    assert texts(hit.matches, Field.KEYWORD, 1, ENTRY.keywords[1]) == ["租房提取"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="公积金租房提取合肥市办理条件gongjizufa ", min_size=1, max_size=8))
def test_spans_are_sorted_disjoint_and_inside_the_text(query: str) -> None:
    """Whatever is typed, spans are valid, sorted, non-overlapping offsets."""
    for match in highlight(parse(query), ENTRY):
        text = {
            Field.TITLE: ENTRY.title, Field.ANSWER: ENTRY.answer,
            Field.QUESTION: ENTRY.questions[match.item] if match.field is Field.QUESTION else "",
            Field.KEYWORD: ENTRY.keywords[match.item] if match.field is Field.KEYWORD else "",
        }[match.field]
        previous_end = -1
        for start, end in match.spans:
            assert 0 <= start < end <= len(text)
            assert start > previous_end
            previous_end = end
