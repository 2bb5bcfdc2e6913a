"""Emergency and utility lines as versioned data, per city (第十二条(三))."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.centre import ANHUI_CITIES
from hotline_desk.core.emergency_lines import (
    LineKind,
    is_dialable_number,
    parse_emergency_lines,
)
from hotline_desk.core.errors import DataFormatError


def _line(code: str, number: str | None, order: int, *, national: bool = True,
          kind: str = "emergency") -> dict[str, Any]:
    return {
        "code": code, "name": f"{code}热线", "kind": kind, "national": national,
        "number": number, "unit": f"{code}单位", "when": "听到相关情况时转接",
        "advice": "提醒来电人注意安全", "order": order, "hotkey": str(order),
    }


def _data() -> dict[str, Any]:
    return {
        "version": 3,
        "updated": "2026-06-01",
        "lines": [
            _line("fire", "119", 2),
            _line("police", "110", 1),
            _line("power", "95598", 3, kind="utility"),
            _line("water", None, 4, national=False, kind="utility"),
            _line("gas", None, 5, national=False, kind="utility"),
        ],
        "cities": {
            "合肥市": {"water": {"number": "0551-64422666", "unit": "合肥供水集团有限公司",
                              "source": "供水公告"}},
            "芜湖": {"gas": {"number": "96111", "unit": "示例燃气", "source": "测试"}},
        },
    }


def _parse(data: dict[str, Any]) -> Any:
    return parse_emergency_lines(json.dumps(data, ensure_ascii=False))


def _problems(data: dict[str, Any] | str) -> set[tuple[str, str]]:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(DataFormatError) as info:
        parse_emergency_lines(text)
    assert info.value.message_zh
    return {(loc, field) for loc, field, _message in info.value.problems}


def test_parses_into_frozen_lines_in_panel_order() -> None:
    """第十二条(三): the linked lines, versioned, shown in a fixed order."""
    catalogue = _parse(_data())
    assert catalogue.version == 3
    assert catalogue.updated == date(2026, 6, 1)
    assert [line.code for line in catalogue.lines] == ["police", "fire", "power", "water", "gas"]
    police = catalogue.line("police")
    assert police.number == "110" and police.kind is LineKind.EMERGENCY
    assert catalogue.line("power").kind.label == "公共事业服务热线"
    with pytest.raises(AttributeError):
        police.number = "999"  # type: ignore[misc]
    with pytest.raises(KeyError):
        catalogue.line("nope")


def test_city_override_replaces_the_default() -> None:
    """第十二条(三): 水电气热 numbers are configurable per city."""
    lines = {line.code: line for line in _parse(_data()).lines_for_city("合肥")}
    water = lines["water"]
    assert water.number == "0551-64422666"
    assert water.unit == "合肥供水集团有限公司"
    assert water.is_local_override and not water.needs_local_number
    assert water.source == "供水公告"
    assert water.notice_zh == ""
    assert water.city == "合肥市"


def test_city_without_override_falls_back_and_flags_the_number() -> None:
    """第十二条(三): no invented numbers — an unknown local number must be confirmed."""
    lines = {line.code: line for line in _parse(_data()).lines_for_city("合肥市")}
    gas = lines["gas"]
    assert gas.number is None
    assert gas.needs_local_number and not gas.is_local_override
    assert "合肥市" in gas.notice_zh and "确认" in gas.notice_zh
    # national numbers hold everywhere and never need confirming
    assert lines["police"].number == "110" and not lines["police"].needs_local_number
    assert lines["power"].number == "95598" and not lines["power"].needs_local_number


def test_city_key_without_shi_is_normalised() -> None:
    """第十二条(三): a city override written "芜湖" applies to 芜湖市."""
    gas = {line.code: line for line in _parse(_data()).lines_for_city("芜湖市")}["gas"]
    assert gas.number == "96111" and gas.city == "芜湖市"


def test_province_level_has_no_local_numbers() -> None:
    """第三条/第十二条(三): the province centre has no city; local lines stay flagged."""
    lines = {line.code: line for line in _parse(_data()).lines_for_city(None)}
    assert lines["water"].needs_local_number and lines["water"].number is None
    assert "本地" in lines["water"].notice_zh
    assert not lines["fire"].needs_local_number
    assert lines == {line.code: line for line in _parse(_data()).lines_for_city("  ")}


def test_default_number_of_a_local_line_is_only_a_hint() -> None:
    """第十二条(三): a non-national default is shown, but still flagged for confirmation."""
    data = _data()
    data["lines"][3]["number"] = "96116"
    water = {line.code: line for line in _parse(data).lines_for_city("黄山")}["water"]
    assert water.number == "96116" and water.needs_local_number
    assert "96116" in water.notice_zh and "核实" in water.notice_zh


@pytest.mark.parametrize("city", ANHUI_CITIES)
def test_every_anhui_city_resolves(city: str) -> None:
    """第十二条(三): every one of the 16 cities gets the full set of lines."""
    lines = _parse(_data()).lines_for_city(city)
    assert [line.code for line in lines] == ["police", "fire", "power", "water", "gas"]


def test_unknown_city_is_refused() -> None:
    """第十二条(三): numbers for a city outside Anhui cannot be determined."""
    with pytest.raises(DataFormatError) as info:
        _parse(_data()).lines_for_city("南京")
    assert "南京" in info.value.message_zh


def test_every_problem_is_listed_at_once() -> None:
    """第十二条(三): a broken data file is rejected with every problem, not the first."""
    data = _data()
    del data["version"]
    data["updated"] = "2026-13-01"
    data["extra"] = 1
    lines = data["lines"]
    lines[1]["code"] = "fire"  # duplicate code
    lines[1]["hotkey"] = "2"  # duplicate hotkey
    lines[2]["order"] = 2  # duplicate order (with fire)
    lines[2]["number"] = "9559"  # not a dialable number
    lines[3]["kind"] = "other"
    lines[3]["national"] = "yes"
    lines[4]["national"] = True  # national but without a number
    del lines[4]["when"]
    lines[4]["colour"] = "red"
    data["cities"]["南京"] = {}
    data["cities"]["合肥市"]["steam"] = {"number": "110", "unit": "x", "source": "y"}
    data["cities"]["合肥市"]["water"]["number"] = "64422666"  # no area code
    data["cities"]["合肥"] = {}  # same city twice
    problems = _problems(data)
    assert problems >= {
        ("文件", "version"), ("文件", "updated"), ("文件", "extra"),
        ("lines第2项", "code"), ("lines第2项", "hotkey"), ("lines第3项", "order"),
        ("lines第3项", "number"), ("lines第4项", "kind"), ("lines第4项", "national"),
        ("lines第5项", "number"), ("lines第5项", "when"), ("lines第5项", "colour"),
        ("cities「南京」", "city"), ("cities「合肥市」.steam", "code"),
        ("cities「合肥市」.water", "number"), ("cities「合肥」", "city"),
    }


@pytest.mark.parametrize("text", ["", "{", "[]", "3", '{"version": 1}', "null"])
def test_malformed_json_is_a_data_format_error(text: str) -> None:
    """第十二条(三): bad data never crashes the desk."""
    assert _problems(text)


def test_bad_version_values() -> None:
    """第十二条(三): the data carries a positive integer version."""
    for bad in (0, -1, "1", 1.5, True):
        data = copy.deepcopy(_data())
        data["version"] = bad
        assert ("文件", "version") in _problems(data)


def test_empty_lines_and_bad_cities_shape() -> None:
    """第十二条(三): the lines are required; cities is a mapping."""
    data = _data()
    data["lines"] = []
    data["cities"] = []
    assert _problems(data) >= {("文件", "lines"), ("文件", "cities")}


@pytest.mark.parametrize("number", ["110", "119", "120", "122", "12345", "95598", "96116",
                                    "963511", "0551-64422666", "0552-4029111", "010-12345678",
                                    "400-123-4567", "4001234567"])
def test_dialable_numbers(number: str) -> None:
    """第十二条(三)/第十条: referral numbers are written in one canonical form."""
    assert is_dialable_number(number)


@pytest.mark.parametrize("number", ["", "11", "1100", "055164422666", "0551 64422666", "abc",
                                    "13812345678", "110 ", "+86110", "0551-123"])
def test_not_dialable_numbers(number: str) -> None:
    """第十二条(三): a malformed number is refused rather than shown to an operator."""
    assert not is_dialable_number(number)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["version", "updated", "lines", "cities", "code",
                                       "number", "order", "hotkey", "合肥市", "water"]),
                      children, max_size=4),
    max_leaves=12,
)


@given(_json_values)
def test_arbitrary_json_never_crashes(value: object) -> None:
    """第十二条(三): whatever the file holds, the loader answers with data or a DataFormatError."""
    try:
        parse_emergency_lines(json.dumps(value))
    except DataFormatError as exc:
        assert exc.problems
