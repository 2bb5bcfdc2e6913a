"""Admin holiday files: validation, installation and the calendar built from them.

The admin transcribes the State Council's yearly notice so that working days — and so
every deadline of 第十五–十八条 — are right for a year chinesecalendar does not know yet.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.workdays import DaySource, HolidayYear
from hotline_desk.paths import resource
from hotline_desk.storage.holiday_files import (
    build_calendar,
    install_holiday_file,
    installed_holiday_years,
    installed_path,
    parse_holiday_file,
    read_holiday_file,
    to_json,
)

EXAMPLE = resource("calendar", "example-2027.json")

GOOD = {
    "year": 2027,
    "issued_by": "国务院办公厅",
    "notice": "国办发明电〔2026〕X号",
    "holidays": [{"date": "2027-01-01", "name": "元旦"},
                 {"date": "2027-02-05", "name": "春节"},
                 {"date": "2027-02-11", "name": "春节"}],
    "makeup_workdays": [{"date": "2027-02-20", "name": "春节"}, {"date": "2027-01-31"}],
}


def _write(folder: Path, content: object, name: str = "h.json") -> Path:
    path = folder / name
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_becomes_core_data() -> None:
    year = parse_holiday_file(json.dumps(GOOD))
    assert year.year == 2027
    assert year.holidays[date(2027, 2, 11)] == "春节"
    assert year.makeup_workdays == {date(2027, 1, 31): "", date(2027, 2, 20): "春节"}
    assert (year.issued_by, year.notice) == ("国务院办公厅", "国办发明电〔2026〕X号")


def test_the_shipped_example_is_valid() -> None:
    year = read_holiday_file(EXAMPLE)
    assert year.year == 2027
    assert year.holidays[date(2027, 10, 7)] == "国庆节"
    assert all(day.weekday() >= 5 for day in year.makeup_workdays)


def test_a_bad_file_is_refused_with_every_problem_in_chinese() -> None:
    bad = {
        "year": "2027",
        "notice": "",
        "holidays": [{"date": "2027-1-1", "name": "元旦"}, {"date": "2027-02-30", "name": "春节"},
                     {"date": "2027-02-05"}, "2027-02-06", {"date": "2027-02-07", "name": "春节",
                                                            "note": "x"}],
        "makeup_workdays": [{"date": "2027-02-22", "name": "春节"}],
        "makeup_workday": [],
    }
    with pytest.raises(DataFormatError) as caught:
        parse_holiday_file(json.dumps(bad, ensure_ascii=False))
    problems = caught.value.problems
    places = {(where, field) for where, field, _ in problems}
    assert places == {
        ("文件", "makeup_workday"), ("文件", "year"), ("文件", "issued_by"), ("文件", "notice"),
        ("holidays[0]", "date"), ("holidays[1]", "date"), ("holidays[2]", "name"),
        ("holidays[3]", ""), ("holidays[4]", "note"), ("makeup_workdays[0]", "date"),
    }
    text = caught.value.message_zh
    assert f"共 {len(problems)} 处" in text
    assert "2027-02-22 是周一，调休上班日应为周六或周日" in text
    assert "不存在的日期：2027-02-30" in text
    assert "YYYY-MM-DD" in text


def test_dates_must_be_in_the_year_unique_and_not_both_off_and_worked() -> None:
    bad = dict(GOOD, holidays=[
        {"date": "2026-12-31", "name": "元旦"},
        {"date": "2027-02-05", "name": "春节"},
        {"date": "2027-02-05", "name": "春节"},
        {"date": "2027-02-20", "name": "春节"},
    ])
    with pytest.raises(DataFormatError) as caught:
        parse_holiday_file(json.dumps(bad))
    messages = [message for _, _, message in caught.value.problems]
    assert messages == [
        "2026-12-31 不在 2027 年内",
        "2027-02-05 重复，已在 holidays[1] 列出",
        "2027-02-20 同时列在 holidays 中，同一天不能既放假又调休上班",
    ]


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xff\xfe{", "UTF-8"),
    ('{"year": 2027,\n "holidays": [}', "第2行"),
    ("[]", "JSON 对象"),
    (json.dumps(dict(GOOD, year=2101)), "2000—2099"),
    (json.dumps(dict(GOOD, holidays=[])), "节假日列表为空"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "holidays"}), "缺少列表 holidays"),
])
def test_unreadable_content_is_explained(content: bytes | str, expected: str) -> None:
    with pytest.raises(DataFormatError) as caught:
        parse_holiday_file(content)
    assert expected in caught.value.message_zh


def test_a_byte_order_mark_is_accepted() -> None:
    """Windows Notepad saves UTF-8 with a BOM."""
    content = b"\xef\xbb\xbf" + json.dumps(GOOD, ensure_ascii=False).encode()
    assert parse_holiday_file(content).year == 2027


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as caught:
        read_holiday_file(tmp_path / "nope.json")
    assert "无法读取文件" in caught.value.message_zh


def test_install_writes_the_canonical_file_and_the_calendar_uses_it(tmp_path: Path) -> None:
    """After installing a 2027 file, 2027 is answered by the admin file, not provisional."""
    data_dir = tmp_path / "data"
    assert build_calendar(data_dir).source_for_year(2027) is DaySource.STATUTORY_FALLBACK
    year, target = install_holiday_file(_write(tmp_path, GOOD), data_dir)
    assert target == installed_path(data_dir, 2027) == data_dir / "calendar" / "holidays-2027.json"
    assert read_holiday_file(target) == year
    calendar = build_calendar(data_dir)
    assert calendar.source_for_year(2027) is DaySource.ADMIN_FILE
    assert not calendar.is_workday(date(2027, 2, 11))
    assert calendar.day(date(2027, 2, 20)).makeup
    assert [p.name for p in target.parent.iterdir()] == ["holidays-2027.json"]  # no temp left


def test_installing_again_replaces_and_a_bad_file_installs_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    install_holiday_file(_write(tmp_path, GOOD), data_dir)
    changed = dict(GOOD, holidays=[{"date": "2027-01-01", "name": "元旦"}])
    install_holiday_file(_write(tmp_path, changed, "changed.json"), data_dir)
    assert list(read_holiday_file(installed_path(data_dir, 2027)).holidays) == [date(2027, 1, 1)]
    with pytest.raises(DataFormatError):
        install_holiday_file(_write(tmp_path, dict(GOOD, year=2028), "bad.json"), data_dir)
    assert not installed_path(data_dir, 2028).exists()


def test_damaged_or_misnamed_installed_files_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """Deadlines must still compute: a damaged file is logged and the year falls back to the
    provisional statutory rules."""
    folder = tmp_path / "calendar"
    folder.mkdir()
    _write(folder, "{not json", "holidays-2027.json")
    _write(folder, dict(GOOD, year=2029, holidays=[{"date": "2029-01-01", "name": "元旦"}],
                        makeup_workdays=[]), "holidays-2028.json")
    with caplog.at_level(logging.WARNING):
        assert installed_holiday_years(tmp_path) == []
        calendar = build_calendar(tmp_path)
    assert calendar.source_for_year(2027) is DaySource.STATUTORY_FALLBACK
    assert "damaged holiday file" in caplog.text and "for year 2029" in caplog.text
    assert installed_holiday_years(tmp_path / "missing") == []
    assert build_calendar(None).source_for_year(2027) is DaySource.STATUTORY_FALLBACK


@st.composite
def holiday_years(draw: st.DrawFn) -> HolidayYear:
    year = draw(st.integers(min_value=2000, max_value=2099))
    days = st.integers(min_value=0, max_value=364).map(
        lambda k: date(year, 1, 1) + timedelta(days=k))
    names = st.text(alphabet="春节国庆元旦清明劳动端午中秋\"\\ ", min_size=1, max_size=6).filter(
        lambda s: s.strip() == s and s)
    holidays = draw(st.dictionaries(days, names, min_size=1, max_size=20))
    weekend = days.filter(lambda d: d.weekday() >= 5 and d not in holidays)
    makeup = draw(st.dictionaries(weekend, names | st.just(""), max_size=5))
    return HolidayYear(year, holidays, makeup, draw(names), draw(names))


@given(holiday_years())
def test_canonical_json_round_trips(year: HolidayYear) -> None:
    assert parse_holiday_file(to_json(year)) == year
