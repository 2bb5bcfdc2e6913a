"""Admin holiday files: read, validate, install, and build the working-day calendar.

When ``chinesecalendar`` has no data for a year yet, the admin transcribes the State
Council's notice (国务院办公厅关于XXXX年部分节假日安排的通知) into a JSON file and installs
it with ``hotline-desk calendar load FILE``. The format is documented in
``resources/calendar/README.md``; in short::

    {
      "year": 2027,
      "issued_by": "国务院办公厅",
      "notice": "国办发明电〔2026〕X号",
      "holidays": [{"date": "2027-01-01", "name": "元旦"}, ...],
      "makeup_workdays": [{"date": "2027-02-20", "name": "春节"}, ...],
      "comment": "optional free text"
    }

A bad file is refused as a whole with *every* problem listed, in Chinese
(:class:`~hotline_desk.core.errors.DataFormatError`). Installed files live in
``<data dir>/calendar/holidays-<year>.json``, written atomically in a canonical form.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.statutory_holidays import LAST_SUPPORTED_YEAR
from hotline_desk.core.workdays import HolidayYear, WorkCalendar, weekday_zh

log = logging.getLogger(__name__)

CALENDAR_DIR = "calendar"
FIRST_YEAR = 2000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS = {"year", "issued_by", "notice", "holidays", "makeup_workdays", "comment"}
_ENTRY_KEYS = {"date", "name"}
_FILE = "文件"

Problem = tuple[str, str, str]


def installed_path(data_dir: Path, year: int) -> Path:
    return data_dir / CALENDAR_DIR / f"holidays-{year}.json"


def parse_holiday_file(content: bytes | str) -> HolidayYear:
    """Validate a holiday file's content and return it as core data.

    Raises :class:`DataFormatError` listing every problem as ``(location, field, 说明)``.
    """
    data, problems = _decode(content)
    if data is None:
        raise _refusal(problems)
    if not isinstance(data, dict):
        raise _refusal([(_FILE, "", "文件内容应为一个 JSON 对象（{ … }）")])

    problems = [(_FILE, key, "未知字段（允许的字段：year、issued_by、notice、holidays、"
                             "makeup_workdays、comment）")
                for key in sorted(set(data) - _TOP_KEYS)]
    year = data.get("year")
    if "year" not in data:
        problems.append((_FILE, "year", "缺少年份 year"))
        year = None
    elif not isinstance(year, int) or isinstance(year, bool):
        problems.append((_FILE, "year", f"年份应为整数，如 2027（收到 {year!r}）"))
        year = None
    elif not FIRST_YEAR <= year <= LAST_SUPPORTED_YEAR:
        problems.append(
            (_FILE, "year", f"年份应在 {FIRST_YEAR}—{LAST_SUPPORTED_YEAR} 之间（收到 {year}）"))
        year = None
    for key, what in (("issued_by", "发布机关（如 国务院办公厅）"), ("notice", "通知文号或标题")):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append((_FILE, key, f"请填写{what}"))
    comment = data.get("comment")
    if comment is not None and not isinstance(comment, str):
        problems.append((_FILE, "comment", "备注 comment 应为文字"))

    holidays = _entries(data, "holidays", year, problems, required=True)
    makeup = _entries(data, "makeup_workdays", year, problems, required=False)
    if "holidays" in data and isinstance(data["holidays"], list) and not data["holidays"]:
        problems.append(("holidays", "", "节假日列表为空"))
    for day, (where, _) in makeup.items():
        if day.weekday() < 5:
            problems.append((where, "date",
                             f"{day.isoformat()} 是{weekday_zh(day)}，调休上班日应为周六或周日"))
        if day in holidays:
            problems.append((where, "date", f"{day.isoformat()} 同时列在 holidays 中，"
                                            "同一天不能既放假又调休上班"))
    if problems:
        raise _refusal(problems)
    assert isinstance(year, int)
    return HolidayYear(
        year=year,
        holidays={day: name for day, (_, name) in sorted(holidays.items())},
        makeup_workdays={day: name for day, (_, name) in sorted(makeup.items())},
        issued_by=str(data["issued_by"]).strip(),
        notice=str(data["notice"]).strip(),
    )


def read_holiday_file(path: Path) -> HolidayYear:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise _refusal([(str(path), "", f"无法读取文件：{exc.strerror or exc}")]) from exc
    return parse_holiday_file(content)


def to_json(holiday_year: HolidayYear) -> str:
    """The canonical text of an installed holiday file (what :func:`parse_holiday_file` reads),
    one day per line so that a person can check it against the notice."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    def days(entries: dict[date, str]) -> str:
        lines = [f'    {{"date": "{day.isoformat()}", "name": {dump(name)}}}'
                 for day, name in sorted(entries.items())]
        return "[\n" + ",\n".join(lines) + "\n  ]" if lines else "[]"

    return (
        "{\n"
        f'  "year": {holiday_year.year},\n'
        f'  "issued_by": {dump(holiday_year.issued_by)},\n'
        f'  "notice": {dump(holiday_year.notice)},\n'
        f'  "holidays": {days(dict(holiday_year.holidays))},\n'
        f'  "makeup_workdays": {days(dict(holiday_year.makeup_workdays))}\n'
        "}\n"
    )


def install_holiday_file(path: Path, data_dir: Path) -> tuple[HolidayYear, Path]:
    """Validate ``path`` and install it for its year (replacing an earlier file for that year)."""
    holiday_year = read_holiday_file(path)
    target = installed_path(data_dir, holiday_year.year)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".holidays-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(to_json(holiday_year))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("installed holiday file for %s (%s) at %s",
             holiday_year.year, holiday_year.notice, target)
    return holiday_year, target


def installed_holiday_years(data_dir: Path) -> list[HolidayYear]:
    """Every valid installed holiday file. A damaged one is logged and skipped, so that
    deadlines still compute (on the provisional statutory fallback for that year)."""
    found: list[HolidayYear] = []
    folder = data_dir / CALENDAR_DIR
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("holidays-*.json")):
        try:
            holiday_year = read_holiday_file(path)
        except DataFormatError as exc:
            log.warning("ignoring damaged holiday file %s: %s %s", path, exc, exc.problems)
            continue
        if path.name != installed_path(data_dir, holiday_year.year).name:
            log.warning("ignoring holiday file %s: it is for year %s", path, holiday_year.year)
            continue
        found.append(holiday_year)
    return found


def build_calendar(data_dir: Path | None) -> WorkCalendar:
    """The working-day calendar with the holiday files installed under ``data_dir``."""
    return WorkCalendar(installed_holiday_years(data_dir) if data_dir is not None else ())


def _decode(content: bytes | str) -> tuple[Any, list[Problem]]:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")  # Notepad saves UTF-8 with a BOM
        except UnicodeDecodeError:
            return None, [(_FILE, "", "文件不是 UTF-8 编码的文本，请另存为 UTF-8")]
    try:
        return json.loads(content), []
    except json.JSONDecodeError as exc:
        return None, [(f"第{exc.lineno}行第{exc.colno}列", "",
                       f"不是有效的 JSON：{exc.msg}")]


def _entries(
    data: dict[str, Any], key: str, year: int | None, problems: list[Problem],
    *, required: bool,
) -> dict[date, tuple[str, str]]:
    """``date -> (location, name)`` of a list of ``{"date", "name"}`` entries.

    Holidays (``required``) must name their festival; a make-up workday may name the
    festival it serves.
    """
    found: dict[date, tuple[str, str]] = {}
    if key not in data:
        if required:
            problems.append((_FILE, key, f"缺少列表 {key}"))
        return found
    items = data[key]
    if not isinstance(items, list):
        problems.append((_FILE, key, f"{key} 应为列表（[ … ]）"))
        return found
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            problems.append((where, "", '每一项应为 {"date": "YYYY-MM-DD", "name": "…"}'))
            continue
        problems.extend((where, extra, "未知字段（允许 date、name）")
                        for extra in sorted(set(item) - _ENTRY_KEYS))
        name = item.get("name", "")
        if not isinstance(name, str) or (required and not name.strip()):
            problems.append((where, "name", "请填写节日名称，如 春节" if required
                             else "name 应为文字（对应的节日名称，如 春节）"))
            name = ""
        day = _parse_day(item.get("date"), where, year, problems)
        if day is None:
            continue
        if day in found:
            problems.append((where, "date", f"{day.isoformat()} 重复，已在 {found[day][0]} 列出"))
            continue
        found[day] = (where, name.strip())
    return found


def _parse_day(raw: object, where: str, year: int | None, problems: list[Problem]) -> date | None:
    if raw is None:
        problems.append((where, "date", "缺少日期 date"))
        return None
    if not isinstance(raw, str) or not _ISO_DATE.match(raw):
        problems.append((where, "date", f"日期格式应为 YYYY-MM-DD（收到 {raw!r}）"))
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        problems.append((where, "date", f"不存在的日期：{raw}"))
        return None
    if year is not None and day.year != year:
        problems.append((where, "date", f"{raw} 不在 {year} 年内"))
        return None
    return day


def _refusal(problems: Iterable[Problem]) -> DataFormatError:
    listed = list(problems)
    lines = "\n".join(f"{_place(where, field)}：{message}" for where, field, message in listed)
    return DataFormatError(
        f"invalid holiday file: {len(listed)} problem(s)",
        f"节假日文件有误，共 {len(listed)} 处：\n{lines}",
        problems=listed,
    )


def _place(where: str, field: str) -> str:
    if where == _FILE:
        return f"字段 {field}" if field else where
    return f"{where}.{field}" if field else where
