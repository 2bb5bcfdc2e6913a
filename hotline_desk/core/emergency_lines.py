"""Emergency and public-utility lines the desk hands calls to (第十二条(三)).

第十二条(三): requests for help or reports about natural disasters and public
emergencies are linked with the emergency lines 110, 119, 120, 122 and the water,
power, gas and heating (水电气热) utility lines. The numbers are data
(``resources/scripts/emergency_lines.json``), versioned and configurable per city:

* every line has a national default; a line whose number differs from city to city
  (water, gas, heating) is marked ``"national": false`` and usually has no default
  number at all;
* ``"cities"`` holds per-city overrides for Anhui's 16 cities, only where the number
  is actually known (each override records where it came from);
* :meth:`EmergencyLineCatalogue.lines_for_city` resolves the lines for one city. A
  local line with no override for that city keeps the default and is flagged
  ``needs_local_number``: the desk must tell the operator the number has to be
  confirmed instead of showing a guessed one.

Pure: :func:`parse_emergency_lines` takes the JSON text; the storage layer reads the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NoReturn

from hotline_desk.core.centre import ANHUI_CITIES, normalise_city
from hotline_desk.core.data_checks import Problem, raise_problems, text_field, version_field
from hotline_desk.core.errors import DataFormatError

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_HOTKEY_RE = re.compile(r"^[0-9A-Z]$")

#: Numbers a caller can be referred or transferred to: 3-digit emergency numbers
#: (110), 5-digit national service numbers (12345, 95598), 5–6 digit local 96xxx
#: numbers, landlines written with their area code and a hyphen (0551-64422666),
#: and 400/800 numbers.
DIALABLE_NUMBER_RE = re.compile(
    r"^(?:1\d{2}|1\d{4}|9\d{4,5}|0\d{2,3}-\d{7,8}|[48]00-?\d{3}-?\d{4})$"
)


def is_dialable_number(text: str) -> bool:
    """Whether ``text`` is a referral/transfer number in the canonical written form."""
    return DIALABLE_NUMBER_RE.fullmatch(text) is not None


class LineKind(StrEnum):
    """紧急热线 or 公共事业服务热线 (第十二条(三) names both)."""

    EMERGENCY = "emergency"
    UTILITY = "utility"

    @property
    def label(self) -> str:
        return "紧急热线" if self is LineKind.EMERGENCY else "公共事业服务热线"


@dataclass(frozen=True, slots=True)
class EmergencyLine:
    """One line with its national default."""

    code: str
    name: str  # what the button says: "匪警 110"
    kind: LineKind
    national: bool  # the default number holds everywhere (110, 95598)
    number: str | None  # the default number; None when there is no national one
    unit: str  # who answers: "公安机关", "当地供水企业"
    when: str  # what the operator listens for (Chinese)
    advice: str  # what to tell the caller while transferring
    order: int  # position in the emergency panel
    hotkey: str  # key shown next to the button, e.g. "1" for Alt+1


@dataclass(frozen=True, slots=True)
class LocalNumber:
    """A city's own number for a line (an override of the default)."""

    city: str
    code: str
    number: str
    unit: str
    source: str  # where the number was taken from, for whoever re-checks it


@dataclass(frozen=True, slots=True)
class ResolvedLine:
    """A line as the desk of one centre shows it."""

    line: EmergencyLine
    city: str | None
    number: str | None
    unit: str
    is_local_override: bool
    needs_local_number: bool
    source: str = ""

    @property
    def code(self) -> str:
        return self.line.code

    @property
    def name(self) -> str:
        return self.line.name

    @property
    def hotkey(self) -> str:
        return self.line.hotkey

    @property
    def notice_zh(self) -> str:
        """What the desk says when the number must still be confirmed ("" otherwise)."""
        if not self.needs_local_number:
            return ""
        where = self.city or "本地"
        hint = f"（参考号码{self.number}，请先核实）" if self.number else ""
        return (f"{where}{self.line.name}号码尚未配置{hint}：请向值班长确认当地号码，"
                f"或以工单转办{self.unit}，并如实记录。")


@dataclass(frozen=True, slots=True)
class EmergencyLineCatalogue:
    version: int
    updated: date
    lines: tuple[EmergencyLine, ...]  # in panel order
    local_numbers: tuple[LocalNumber, ...] = ()

    def line(self, code: str) -> EmergencyLine:
        for item in self.lines:
            if item.code == code:
                return item
        raise KeyError(code)

    def lines_for_city(self, city: str | None) -> tuple[ResolvedLine, ...]:
        """Every line resolved for ``city`` ("合肥"/"合肥市"; ``None`` for the province level).

        Raises :class:`DataFormatError` when ``city`` is not one of Anhui's 16 cities.
        """
        canonical: str | None = None
        if city is not None and city.strip():
            canonical = normalise_city(city)
            if canonical is None:
                message = f"「{city.strip()}」不是安徽省的设区市，无法确定当地公共事业热线"
                raise DataFormatError(f"unknown city {city!r}", message,
                                      problems=[("配置", "city", message)])
        overrides = {item.code: item for item in self.local_numbers
                     if canonical is not None and item.city == canonical}
        resolved: list[ResolvedLine] = []
        for line in self.lines:
            local = overrides.get(line.code)
            if local is not None:
                resolved.append(ResolvedLine(line, canonical, local.number, local.unit,
                                             is_local_override=True,
                                             needs_local_number=False, source=local.source))
            else:
                resolved.append(ResolvedLine(line, canonical, line.number, line.unit,
                                             is_local_override=False,
                                             needs_local_number=not line.national))
        return tuple(resolved)


# ---------------------------------------------------------------- parsing

_LINE_FIELDS = frozenset({"code", "name", "kind", "national", "number", "unit", "when",
                          "advice", "order", "hotkey"})
_LOCAL_FIELDS = frozenset({"number", "unit", "source"})
_TOP_FIELDS = frozenset({"version", "updated", "note", "lines", "cities"})


def parse_emergency_lines(text: str) -> EmergencyLineCatalogue:
    """Parse and validate the emergency-lines JSON; every problem is reported at once."""
    problems: list[Problem] = []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _raise([(f"第{exc.lineno}行", "", f"JSON格式错误：{exc.msg}（第{exc.colno}列）")])
    if not isinstance(data, dict):
        _raise([("文件", "", "顶层应为JSON对象")])

    for key in sorted(set(data) - _TOP_FIELDS):
        problems.append(("文件", key, f"未知字段「{key}」"))
    version = _version(data, problems)
    updated = _date(data, "updated", "文件", problems)
    raw_lines = data.get("lines")
    lines = _lines(raw_lines, problems)
    # Codes declared by any line, even one with other problems: an override of such a
    # line is checked on its own merits instead of being reported as unknown.
    declared = {item.get("code") for item in raw_lines
                if isinstance(item, dict)} if isinstance(raw_lines, list) else set()
    local_numbers = _local_numbers(data.get("cities", {}), declared, problems)
    if problems:
        _raise(problems)
    assert version is not None and updated is not None
    return EmergencyLineCatalogue(version, updated,
                                  tuple(sorted(lines, key=lambda line: line.order)),
                                  tuple(local_numbers))


def _lines(raw: Any, problems: list[Problem]) -> list[EmergencyLine]:
    if not isinstance(raw, list) or not raw:
        problems.append(("文件", "lines", "缺少热线列表 lines（应为非空数组）"))
        return []
    lines: list[EmergencyLine] = []
    seen: dict[str, dict[Any, str]] = {"code": {}, "order": {}, "hotkey": {}}
    for index, item in enumerate(raw, start=1):
        loc = f"lines第{index}项"
        if not isinstance(item, dict):
            problems.append((loc, "", "应为JSON对象"))
            continue
        before = len(problems)
        for key in sorted(set(item) - _LINE_FIELDS):
            problems.append((loc, key, f"未知字段「{key}」"))
        code = _text(item, "code", loc, problems)
        if code is not None and not _CODE_RE.fullmatch(code):
            problems.append((loc, "code", "代码应为小写英文字母、数字或下划线，以字母开头"))
        name = _text(item, "name", loc, problems)
        kind_raw = _text(item, "kind", loc, problems)
        kind: LineKind | None = None
        if kind_raw is not None:
            try:
                kind = LineKind(kind_raw)
            except ValueError:
                problems.append((loc, "kind",
                                 "类型应为 emergency（紧急热线）或 utility（公共事业服务热线）"))
        national = item.get("national")
        if not isinstance(national, bool):
            problems.append((loc, "national", "national 应为 true 或 false"))
        number = item.get("number")
        if number is not None and not (isinstance(number, str) and is_dialable_number(number)):
            problems.append((loc, "number", f"号码「{number}」格式不正确"))
        if national is True and number is None:
            problems.append((loc, "number", "全国统一号码（national 为 true）必须填写号码"))
        unit = _text(item, "unit", loc, problems)
        when = _text(item, "when", loc, problems)
        advice = _text(item, "advice", loc, problems, required=False) or ""
        order = item.get("order")
        if not isinstance(order, int) or isinstance(order, bool) or order < 1:
            problems.append((loc, "order", "顺序 order 应为正整数"))
        hotkey = item.get("hotkey")
        if not isinstance(hotkey, str) or not _HOTKEY_RE.fullmatch(hotkey):
            problems.append((loc, "hotkey", "快捷键 hotkey 应为一个数字或大写字母"))
        for key, value in (("code", code), ("order", order), ("hotkey", hotkey)):
            if value is None or isinstance(value, (dict, list)):
                continue
            if value in seen[key]:
                problems.append((loc, key, f"「{value}」与{seen[key][value]}重复"))
            else:
                seen[key][value] = loc
        if len(problems) == before:
            assert code and name and kind and unit and when
            assert isinstance(order, int) and isinstance(hotkey, str)
            assert isinstance(national, bool)
            lines.append(EmergencyLine(code, name, kind, national, number, unit, when,
                                       advice, order, hotkey))
    return lines


def _local_numbers(raw: Any, declared: set[Any],
                   problems: list[Problem]) -> list[LocalNumber]:
    if not isinstance(raw, dict):
        problems.append(("文件", "cities", "cities 应为以城市名为键的JSON对象"))
        return []
    result: list[LocalNumber] = []
    seen_cities: dict[str, str] = {}
    for city_key, overrides in raw.items():
        loc = f"cities「{city_key}」"
        city = normalise_city(city_key)
        if city is None:
            problems.append((loc, "city",
                             f"「{city_key}」不是安徽省的设区市（{'、'.join(ANHUI_CITIES)}）"))
            continue
        if city in seen_cities:
            problems.append((loc, "city", f"与「{seen_cities[city]}」是同一城市，重复配置"))
            continue
        seen_cities[city] = city_key
        if not isinstance(overrides, dict):
            problems.append((loc, "", "应为以热线代码为键的JSON对象"))
            continue
        for code, item in overrides.items():
            item_loc = f"{loc}.{code}"
            if code not in declared:
                problems.append((item_loc, "code", f"未定义的热线代码「{code}」"))
                continue
            if not isinstance(item, dict):
                problems.append((item_loc, "", "应为JSON对象（number、unit、source）"))
                continue
            before = len(problems)
            for key in sorted(set(item) - _LOCAL_FIELDS):
                problems.append((item_loc, key, f"未知字段「{key}」"))
            number = _text(item, "number", item_loc, problems)
            if number is not None and not is_dialable_number(number):
                problems.append((item_loc, "number",
                                 f"号码「{number}」格式不正确（固话请写区号和连字符，如0551-64422666）"))
            unit = _text(item, "unit", item_loc, problems)
            source = _text(item, "source", item_loc, problems)
            if len(problems) == before:
                assert number and unit and source
                result.append(LocalNumber(city, code, number, unit, source))
    return result


# ---------------------------------------------------------------- field helpers
def _raise(problems: list[Problem]) -> NoReturn:
    raise_problems(problems, "emergency lines data", "紧急及公共事业热线数据有误")


_text = text_field
_version = version_field








def _date(data: dict[str, Any], key: str, loc: str, problems: list[Problem]) -> date | None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append((loc, key, f"缺少更新日期「{key}」（如 2026-06-01）"))
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append((loc, key, f"日期「{value}」格式不正确，应为 YYYY-MM-DD"))
        return None
