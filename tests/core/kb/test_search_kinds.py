"""Every kind of query an operator types finds its entry (第十二条(一)).

第十二条(一): consultations that can be answered at once are answered from the
knowledge base — while the caller is still talking the operator types a few
characters, pinyin, initials, a homophone the IME picked, or a place plus a topic,
and the right entry must be on top. The fixture is a small, realistic knowledge
base with siblings (the same topic for several cities, sub-topics of one topic).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search import SearchIndex

TODAY = date(2026, 6, 1)


def _entry(entry_id: str, title: str, answer: str, questions: tuple[str, ...] = (),
           keywords: tuple[str, ...] = (), city: str = "", district: str = "") -> KBEntry:
    return KBEntry(id=entry_id, title=title, answer=answer, questions=questions,
                   keywords=keywords, region=Region(city=city, district=district))


FIXTURE: tuple[KBEntry, ...] = (
    _entry("GJJ-01", "合肥市住房公积金租房提取条件及办理流程",
           "在合肥市无自有住房且租房自住的缴存职工，可以申请提取住房公积金支付房租，"
           "可通过皖事通APP或公积金网上服务大厅办理，详询12329。",
           ("租房能取公积金吗", "房租可以用公积金付吗"), ("公积金", "租房提取", "房租"), "合肥市"),
    _entry("GJJ-02", "芜湖市住房公积金租房提取额度",
           "芜湖市缴存职工租房提取每人每月最高1000元，可在芜湖公积金微信公众号申请。",
           ("芜湖租房怎么提取公积金",), ("公积金", "租房提取", "芜湖"), "芜湖市"),
    _entry("GJJ-03", "住房公积金提取情形一览",
           "职工购房、还贷、租房、离休退休、出境定居等情形可以提取住房公积金。",
           ("公积金什么情况能取",), ("公积金提取", "提取条件")),
    _entry("GJJ-04", "合肥市退休职工住房公积金销户提取",
           "职工退休后可以一次性提取住房公积金账户余额并销户，需提供退休证明。",
           ("退休了公积金怎么取",), ("退休提取", "销户"), "合肥市"),
    _entry("GJJ-05", "合肥市商业贷款转住房公积金贷款",
           "符合条件的职工可将商业银行个人住房贷款转为住房公积金贷款，俗称商转公。",
           ("商转公怎么办",), ("商转公", "贷款"), "合肥市"),
    _entry("YB-01", "异地就医备案办理",
           "参保人员到省外就医前应先办理异地就医备案，可通过国家医保服务平台APP办理，"
           "详询12393。",
           ("去外地看病要备案吗", "异地就医怎么备案"), ("医保", "异地备案", "异地就医")),
    _entry("YB-02", "合肥市城乡居民医保参保缴费",
           "城乡居民医保每年集中缴费，可通过皖事通APP或银行缴纳。",
           ("居民医保在哪交",), ("医保", "居民医保", "缴费"), "合肥市"),
    _entry("YB-03", "长丰县城乡居民医保缴费代办服务",
           "长丰县各村（社区）设有医保代办员，可以帮助老年人缴纳居民医保。",
           ("长丰医保在哪交",), ("医保", "代办"), "合肥市", "长丰县"),
    _entry("HJ-01", "新生儿出生登记",
           "新生儿出生后一个月内凭出生医学证明到户籍地派出所申报出生登记，上户口。",
           ("孩子出生后怎么上户口", "新生儿落户要什么材料"), ("出生登记", "上户口", "新生儿落户")),
    _entry("HJ-02", "居民身份证丢失补领",
           "身份证丢失后可到任一派出所申请补领，工本费40元，也可挂失。",
           ("身份证丢了怎么补", "补办身份证多少钱"), ("身份证", "丢失补领", "补办")),
    _entry("HJ-03", "普通护照申请办理",
           "申请普通护照可到出入境窗口办理，持居民身份证，留存指纹，7个工作日内出证。",
           ("护照怎么办",), ("护照", "出入境")),
    _entry("JY-01", "蜀山区义务教育入学划片及报名",
           "蜀山区小学和初中按学区划片招生，新生报名在每年6月通过网上平台进行。",
           ("蜀山区小学怎么划片",), ("入学", "划片", "小学报名"), "合肥市", "蜀山区"),
    _entry("JY-02", "包河区义务教育入学划片及报名",
           "包河区按学区划片入学，报名时需提供户口簿和房产证明。",
           ("包河区小学怎么划片",), ("入学", "划片"), "合肥市", "包河区"),
    _entry("JT-01", "重庆银行长丰支行开户咨询",
           "在长丰县开立银行账户需本人携带身份证到网点办理。",
           (), ("银行", "开户"), "合肥市", "长丰县"),
    _entry("HJ-04", "驾驶证记满12分处理及学法减分",
           "驾驶人一个记分周期内记满12分的，应参加满分学习和考试；学法减分可减免部分记分。",
           ("驾照扣满12分怎么办",), ("驾驶证", "扣分", "学法减分")),
    _entry("SC-01", "菜市场缺斤短两投诉",
           "在农贸市场遭遇缺斤短两，可到市场公平秤复秤，并向市场监管部门投诉，电话12315。",
           ("买菜少秤怎么办",), ("缺斤短两", "公平秤", "计量")),
    _entry("HB-01", "秸秆露天焚烧举报和处罚",
           "露天焚烧秸秆污染大气，可向当地生态环境部门举报，电话12369。",
           ("有人烧秸秆找谁",), ("秸秆焚烧", "露天焚烧")),
    _entry("SH-01", "失业保险稳岗返还政策",
           "符合条件的参保企业可以申领失业保险稳岗返还，无需申请，免申即享。",
           ("稳岗返还怎么领",), ("稳岗返还", "失业保险")),
)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(FIXTURE)


def top(index: SearchIndex, query: str, n: int = 1) -> list[str]:
    return [hit.id for hit in index.search(query, TODAY, limit=n)]


@pytest.mark.parametrize(("query", "expected"), [
    ("落户", "HJ-01"),
    ("商转公", "GJJ-05"),
    ("稳岗", "SH-01"),
    ("学法减分", "HJ-04"),
])
def test_chinese_characters(index: SearchIndex, query: str, expected: str) -> None:
    """第十二条(一): two to four characters typed from the title or a question."""
    assert top(index, query) == [expected]


def test_title_prefix_as_it_is_typed(index: SearchIndex) -> None:
    """Every keystroke of "身份证丢失" keeps the entry first once it is specific."""
    for prefix in ("身份证", "身份证丢", "身份证丢失"):
        assert top(index, prefix) == ["HJ-02"]


@pytest.mark.parametrize(("query", "expected"), [
    ("shangzhuangong", "GJJ-05"),
    ("yidijiuyi", "YB-01"),
    ("shang zhuan gong", "GJJ-05"),
    ("yi di jiu yi", "YB-01"),
    ("hu zhao", "HJ-03"),
])
def test_full_pinyin_with_or_without_spaces(index: SearchIndex, query: str,
                                            expected: str) -> None:
    """全拼 with or without spaces."""
    assert top(index, query) == [expected]


def test_unfinished_last_syllable(index: SearchIndex) -> None:
    """"yidijiu" is "yidijiuyi" being typed: the last syllable is a prefix."""
    assert top(index, "yidij") == ["YB-01"]


@pytest.mark.parametrize(("query", "expected"), [
    ("szg", "GJJ-05"),
    ("ydjy", "YB-01"),
    ("xfjf", "HJ-04"),
    ("wgfh", "SH-01"),
])
def test_initials(index: SearchIndex, query: str, expected: str) -> None:
    """首字母: gjj-style abbreviations."""
    assert top(index, query) == [expected]


@pytest.mark.parametrize(("query", "expected"), [
    ("异地jiuyi", "YB-01"),
    ("yidi就医", "YB-01"),
    ("学法jianfen", "HJ-04"),
])
def test_chinese_mixed_with_pinyin(index: SearchIndex, query: str, expected: str) -> None:
    """"公积金tiqu": characters and pinyin in one word."""
    assert top(index, query) == [expected]


@pytest.mark.parametrize(("query", "expected"), [
    ("商转工", "GJJ-05"),  # 工/公 gong
    ("异地就衣", "YB-01"),  # 衣/医 yi
    ("稳岗返换", "SH-01"),  # 换/还 huan
    ("学法检分", "HJ-04"),  # 检/减 jian
])
def test_homophone_typo(index: SearchIndex, query: str, expected: str) -> None:
    """A wrong homophone from the pinyin IME is compared by pinyin."""
    assert top(index, query) == [expected]


@pytest.mark.parametrize(("query", "expected"), [
    ("异地医备案", "YB-01"),  # 就 missing
    ("身份证丢丢失", "HJ-02"),  # 丢 typed twice
    ("秸秆露焚天烧", "HB-01"),  # 天焚 swapped
])
def test_missing_extra_or_swapped_character(index: SearchIndex, query: str,
                                            expected: str) -> None:
    """One character missing, one too many, or two swapped."""
    assert top(index, query) == [expected]


@pytest.mark.parametrize(("query", "expected"), [
    ("公积金 退休 提取", "GJJ-04"),
    ("医保 异地 备案", "YB-01"),
    ("护照 出入境", "HJ-03"),
])
def test_several_terms_all_count(index: SearchIndex, query: str, expected: str) -> None:
    """Space-separated terms: the entry having all of them comes first."""
    assert top(index, query) == [expected]


def test_terms_degrade_gracefully(index: SearchIndex) -> None:
    """A term nothing has does not empty the result: the others still find it."""
    assert top(index, "异地就医 火星") == ["YB-01"]


@pytest.mark.parametrize(("query", "expected"), [
    ("芜湖 公积金租房", "GJJ-02"),
    ("芜湖公积金租房", "GJJ-02"),
    ("芜湖市 公积金租房", "GJJ-02"),
    ("合肥 公积金租房", "GJJ-01"),
    ("包河区 入学", "JY-02"),
    ("包河 入学", "JY-02"),
    ("蜀山区入学", "JY-01"),
    ("长丰县 医保", "YB-03"),
    ("医保 长丰", "YB-03"),
])
def test_place_names_boost_their_region(index: SearchIndex, query: str, expected: str) -> None:
    """A city or district, with or without 市/区/县, picks that region's sibling."""
    assert top(index, query) == [expected]


@pytest.mark.parametrize("query", ["chongqing", "zhongqing", "yinhang", "yinxing",
                                   "changfeng", "zhangfeng"])
def test_polyphones_are_indexed_under_every_reading(index: SearchIndex, query: str) -> None:
    """重庆 chong/zhong, 银行 hang/xing, 长丰 chang/zhang."""
    assert "JT-01" in top(index, query, 3)


@pytest.mark.parametrize(("query", "expected"), [
    ("买菜少秤", "SC-01"),
    ("去外地看病要办什么", "YB-01"),
    ("孩子刚出生怎么上户口", "HJ-01"),
])
def test_natural_questions(index: SearchIndex, query: str, expected: str) -> None:
    """A colloquial question not copied from the entry still finds it."""
    assert top(index, query) == [expected]


def test_answer_field_is_searched(index: SearchIndex) -> None:
    """A term only found in the answer (the hotline number) still finds the entry."""
    assert top(index, "12369") == ["HB-01"]


def test_blank_and_punctuation_queries_find_nothing(index: SearchIndex) -> None:
    for query in ("", "   ", "，。！", "\t"):
        assert index.search(query, TODAY) == []


def test_full_width_input_is_folded(index: SearchIndex) -> None:
    """Full-width Latin from a Chinese IME is the same as half-width."""
    assert top(index, "ＹＩＤＩＪＩＵＹＩ") == ["YB-01"]


ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates included


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=ANY_CHARACTER, max_size=40) | st.text(max_size=40))
def test_any_input_is_answered_without_error(query: str) -> None:
    """Whatever lands in the search box (emoji, surrogates, symbols) never crashes."""
    index = _shared_index()
    hits = index.search(query, TODAY, limit=5)
    assert len(hits) <= 5
    assert all(hit.score > 0 for hit in hits)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=ANY_CHARACTER, min_size=1, max_size=30))
def test_any_entry_text_can_be_indexed(title: str) -> None:
    """Odd characters in an entry (lone surrogates, NUL, astral ideographs) index fine."""
    entry = _entry("ODD-1", title, title + "。")
    index = SearchIndex.build([entry, *FIXTURE[:2]])
    index.upsert(_entry("ODD-2", "𠀀𠀁" + title, "答复"))
    assert index.search(title, TODAY, limit=3) is not None


_CACHE: list[SearchIndex] = []


def _shared_index() -> SearchIndex:
    if not _CACHE:
        _CACHE.append(SearchIndex.build(FIXTURE))
    return _CACHE[0]
