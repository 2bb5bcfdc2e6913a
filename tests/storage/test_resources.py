"""The bundled refusal scripts (第十条) and emergency lines (第十二条(三))."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from hotline_desk import paths
from hotline_desk.core.centre import ANHUI_CITIES
from hotline_desk.core.emergency_lines import LineKind
from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.refusals import CLAUSE_1, CLAUSE_2, CLAUSE_3, RefusalGround
from hotline_desk.storage.resources import (
    EMERGENCY_LINES_FILE,
    NON_ACCEPTANCE_FILE,
    load_emergency_lines,
    load_non_acceptance_reasons,
)

#: Well-known national numbers a refusal may refer callers to; nothing local.
NATIONAL_REFERRAL_NUMBERS = {
    "12368",  # 人民法院诉讼服务热线
    "12348",  # 公共法律服务热线
    "12309",  # 检察服务热线
    "12333",  # 人社服务热线
    "12388",  # 纪检监察举报电话
    "12339",  # 国家安全机关举报受理电话
    "12315",  # 市场监管投诉举报热线
    "12338",  # 妇女维权公益服务热线
}
_NUMBER_RE = re.compile(r"(?<!\d)(1\d{2,4}|9\d{4}|0\d{2,3}-\d{7,8})(?!\d)")


def test_bundled_reasons_cover_every_item_of_article_10() -> None:
    """第十条(一)(二) each matter separately, plus (三), at least 12 reasons in all."""
    catalogue = load_non_acceptance_reasons()
    assert catalogue.version >= 1
    assert len(catalogue.reasons) >= 12
    assert {reason.ground for reason in catalogue.reasons} == set(RefusalGround)
    assert len(catalogue.for_clause(CLAUSE_1)) >= 6
    assert len(catalogue.for_clause(CLAUSE_2)) >= 4
    assert [r.code for r in catalogue.for_clause(CLAUSE_3)] == ["other_statutory"]


def test_bundled_scripts_tell_basis_and_regulation() -> None:
    """第十条: 应当告知来电人不予受理的依据 — every script cites the regulation and a law."""
    for reason in load_non_acceptance_reasons().reasons:
        assert "《安徽省12345政务服务便民热线管理暂行办法》第十条" in reason.script, reason.code
        assert "12345热线不予受理" in reason.script, reason.code
        assert "《" in reason.basis, reason.code


def test_bundled_referrals_use_only_real_national_numbers() -> None:
    """第十条: 能够确定办理单位的，应告知 … 联系方式 — only real, well-known numbers."""
    for reason in load_non_acceptance_reasons().reasons:
        for referral in reason.referrals:
            assert referral.number is None or referral.number in NATIONAL_REFERRAL_NUMBERS
            assert referral.unit
        spoken = set(_NUMBER_RE.findall(reason.script)) - {"12345"}
        assert spoken <= NATIONAL_REFERRAL_NUMBERS | {"110"}, (reason.code, spoken)


def test_bundled_laws_route_each_matter() -> None:
    """第十条: the basis names the law that routes the matter elsewhere."""
    catalogue = load_non_acceptance_reasons()
    expected = {
        RefusalGround.LITIGATION: "《中华人民共和国民事诉讼法》",
        RefusalGround.ARBITRATION: "《中华人民共和国劳动争议调解仲裁法》",
        RefusalGround.DISCIPLINE: "《中华人民共和国监察法》",
        RefusalGround.RECONSIDERATION: "《中华人民共和国行政复议法》",
        RefusalGround.INFORMATION_DISCLOSURE: "《中华人民共和国政府信息公开条例》",
        RefusalGround.PETITION: "《信访工作条例》",
        RefusalGround.STATE_SECRET: "《中华人民共和国保守国家秘密法》",
        RefusalGround.TRADE_SECRET: "《中华人民共和国反不正当竞争法》",
        RefusalGround.PRIVACY: "《中华人民共和国个人信息保护法》",
        RefusalGround.PUBLIC_ORDER: "《中华人民共和国民法典》第八条",
    }
    for ground, law in expected.items():
        assert any(law in reason.basis for reason in catalogue.for_ground(ground)), ground


def test_bundled_emergency_lines() -> None:
    """第十二条(三): 110、119、120、122 and the 水电气热 lines."""
    catalogue = load_emergency_lines()
    numbers = {line.code: line.number for line in catalogue.lines}
    assert numbers["police"] == "110"
    assert numbers["fire"] == "119"
    assert numbers["ambulance"] == "120"
    assert numbers["traffic"] == "122"
    assert numbers["power"] == "95598"
    for code in ("water", "gas", "heating"):
        line = catalogue.line(code)
        assert line.kind is LineKind.UTILITY and not line.national
    assert [line.hotkey for line in catalogue.lines] == [str(n) for n in range(1, 9)]
    assert all(line.when and line.advice for line in catalogue.lines)


@pytest.mark.parametrize("city", ANHUI_CITIES)
def test_bundled_lines_for_every_city(city: str) -> None:
    """第十二条(三): every city gets every line; unknown local numbers are flagged, not invented."""
    lines = load_emergency_lines().lines_for_city(city)
    assert len(lines) == 8
    for line in lines:
        if line.needs_local_number:
            assert line.code in {"water", "gas", "heating"}
            assert line.number is None and line.notice_zh
        else:
            assert line.number


def test_bundled_overrides_are_sourced_local_numbers() -> None:
    """第十二条(三): every per-city number says where it came from."""
    catalogue = load_emergency_lines()
    assert catalogue.local_numbers
    for local in catalogue.local_numbers:
        assert local.code in {"water", "gas", "heating"}
        assert local.number.startswith("0") and local.source
    hefei = {line.code: line for line in catalogue.lines_for_city("合肥")}
    assert hefei["water"].number == "0551-64422666" and hefei["water"].is_local_override


def _copy_resources(tmp_path: Path) -> Path:
    folder = tmp_path / "resources"
    shutil.copytree(paths.resources_dir() / "scripts", folder / "scripts")
    return folder


def test_broken_bundled_file_names_the_file(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """第十条: a broken script file is reported with its name and every problem."""
    folder = _copy_resources(tmp_path)
    path = folder.joinpath(*NON_ACCEPTANCE_FILE)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["version"]
    data["reasons"][0]["clause"] = "第十条(三)"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("HOTLINE_DESK_RESOURCES", str(folder))
    with pytest.raises(DataFormatError) as info:
        load_non_acceptance_reasons()
    assert info.value.message_zh.startswith("non_acceptance.json：")
    assert {(loc, field) for loc, field, _ in info.value.problems} == {
        ("文件", "version"), ("reasons第1项", "clause")}


def test_missing_bundled_file_is_a_storage_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """第十二条(三): a broken installation says so in Chinese."""
    folder = _copy_resources(tmp_path)
    folder.joinpath(*EMERGENCY_LINES_FILE).unlink()
    monkeypatch.setenv("HOTLINE_DESK_RESOURCES", str(folder))
    with pytest.raises(StorageError) as info:
        load_emergency_lines()
    assert "emergency_lines.json" in info.value.message_zh


def test_non_utf8_bundled_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """第十二条(三): a file saved in another encoding is a data format error."""
    folder = _copy_resources(tmp_path)
    path = folder.joinpath(*EMERGENCY_LINES_FILE)
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    monkeypatch.setenv("HOTLINE_DESK_RESOURCES", str(folder))
    with pytest.raises(DataFormatError):
        load_emergency_lines()
