"""Non-acceptance reasons and scripts as versioned data (第十条)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.refusals import (
    CLAUSE_1,
    CLAUSE_2,
    CLAUSE_3,
    Referral,
    RefusalGround,
    parse_non_acceptance_reasons,
)


def _reason(ground: RefusalGround, code: str | None = None, *,
            number: str | None = "12368") -> dict[str, Any]:
    referrals = [{"unit": "有管辖权的人民法院", "contact": "12368诉讼服务热线", "number": number}]
    script = (f"您反映的事项属于{ground.label}。根据《安徽省12345政务服务便民热线管理暂行办法》"
              f"第十条规定，12345热线不予受理。依照《示例法》，可以联系人民法院"
              f"{number or '诉讼服务中心'}。")
    return {
        "code": code or ground.value,
        "name": f"{ground.label}事项",
        "ground": ground.value,
        "clause": ground.clause,
        "basis": "《示例法》：应当依照法定程序办理。",
        "script": script,
        "examples": ["示例说法"],
        "note": "座席提示",
        "referrals": referrals,
    }


def _data() -> dict[str, Any]:
    return {"version": 2, "updated": "2026-06-01",
            "reasons": [_reason(ground) for ground in RefusalGround]}


def _problems(data: dict[str, Any] | str) -> set[tuple[str, str]]:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(DataFormatError) as info:
        parse_non_acceptance_reasons(text)
    assert info.value.message_zh.startswith("不予受理口径数据有误")
    return {(loc, field) for loc, field, _message in info.value.problems}


def test_the_eleven_grounds_of_article_10() -> None:
    """第十条(一) has six matters, (二) four, (三) one."""
    by_clause: dict[str, list[RefusalGround]] = {}
    for ground in RefusalGround:
        by_clause.setdefault(ground.clause, []).append(ground)
    assert [g.label for g in by_clause[CLAUSE_1]] == [
        "诉讼", "仲裁", "纪检监察", "行政复议", "政府信息公开", "已进入信访渠道"]
    assert [g.label for g in by_clause[CLAUSE_2]] == [
        "国家秘密", "商业秘密", "个人隐私", "违反社会公序良俗"]
    assert [g.label for g in by_clause[CLAUSE_3]] == ["法律法规规章规定不予受理的其他事项"]


def test_parses_a_complete_catalogue() -> None:
    """第十条: every ground has a script, a basis and, where known, a referral."""
    catalogue = parse_non_acceptance_reasons(json.dumps(_data(), ensure_ascii=False))
    assert catalogue.version == 2
    assert catalogue.updated == date(2026, 6, 1)
    assert len(catalogue.reasons) == len(RefusalGround)
    reason = catalogue.get("arbitration")
    assert reason.ground is RefusalGround.ARBITRATION
    assert reason.clause == "第十条(一)"
    assert reason.referrals == (Referral("有管辖权的人民法院", "12368诉讼服务热线", "12368"),)
    assert reason.examples == ("示例说法",)
    assert catalogue.for_ground(RefusalGround.PRIVACY)[0].code == "privacy"
    assert {r.code for r in catalogue.for_clause(CLAUSE_2)} == {
        "state_secret", "trade_secret", "privacy", "public_order"}
    with pytest.raises(KeyError):
        catalogue.get("missing")
    with pytest.raises(AttributeError):
        reason.script = "x"  # type: ignore[misc]


def test_ground_accepts_chinese_label() -> None:
    """第十条: the data may name the matter in Chinese (诉讼) or by code."""
    data = _data()
    data["reasons"][0]["ground"] = "诉讼"
    catalogue = parse_non_acceptance_reasons(json.dumps(data, ensure_ascii=False))
    assert catalogue.reasons[0].ground is RefusalGround.LITIGATION


def test_record_text_is_a_truthful_record() -> None:
    """第十条: 如实记录 — the record names the reason, the clause, the basis and the referral."""
    catalogue = parse_non_acceptance_reasons(json.dumps(_data(), ensure_ascii=False))
    text = catalogue.get("petition").record_text()
    assert text.startswith("不予受理：已进入信访渠道事项（第十条(一)）")
    assert "《示例法》" in text
    assert "有管辖权的人民法院（12368诉讼服务热线）" in text


def test_record_text_without_referral() -> None:
    """第十条: where no unit can be determined, nothing is invented."""
    data = _data()
    data["reasons"][9]["referrals"] = []
    data["reasons"][9]["script"] = "违背公序良俗，根据《示例法》不予受理。"
    catalogue = parse_non_acceptance_reasons(json.dumps(data, ensure_ascii=False))
    assert "已告知" not in catalogue.get("public_order").record_text()


def test_missing_ground_is_reported() -> None:
    """第十条: a centre must have a script for every matter it refuses."""
    data = _data()
    data["reasons"] = [r for r in data["reasons"] if r["ground"] not in ("trade_secret", "other")]
    with pytest.raises(DataFormatError) as info:
        parse_non_acceptance_reasons(json.dumps(data, ensure_ascii=False))
    messages = [message for _loc, _field, message in info.value.problems]
    assert any("第十条(二)「商业秘密」" in m for m in messages)
    assert any("第十条(三)" in m for m in messages)


def test_script_must_tell_the_basis_and_the_contact() -> None:
    """第十条: 应当告知来电人不予受理的依据 … 告知来电人单位名称、联系方式."""
    data = _data()
    data["reasons"][0]["script"] = "您反映的事项12345热线不予受理。12368"  # no basis named
    data["reasons"][1]["script"] = "依照《示例法》不予受理。"  # no referral number
    data["reasons"][2]["basis"] = "应当依照法定程序办理。"  # basis names no document
    problems = _problems(data)
    assert problems == {("reasons第1项", "script"), ("reasons第2项", "script"),
                        ("reasons第3项", "basis")}


def test_every_problem_is_listed_at_once() -> None:
    """第十条: a broken script file is rejected with all its problems."""
    data = _data()
    data["version"] = "1"
    del data["updated"]
    data["unexpected"] = True
    reasons = data["reasons"]
    reasons[1]["code"] = "litigation"  # duplicate
    reasons[2]["clause"] = "第十条(二)"  # discipline belongs to (一)
    reasons[3]["ground"] = "lawsuit"
    del reasons[4]["script"]
    reasons[5]["name"] = "  "
    reasons[6]["referrals"] = [{"unit": "国家安全机关", "number": "1233"}]
    reasons[7]["referrals"] = [{"contact": "无单位"}]
    reasons[8]["examples"] = "不是数组"
    reasons[9]["code"] = "Public Order"
    reasons[10]["colour"] = "red"
    reasons.append("not an object")
    problems = _problems(data)
    assert problems >= {
        ("文件", "version"), ("文件", "updated"), ("文件", "unexpected"),
        ("reasons第2项", "code"), ("reasons第3项", "clause"), ("reasons第4项", "ground"),
        ("reasons第5项", "script"), ("reasons第6项", "name"),
        ("reasons第7项.referrals第1项", "number"), ("reasons第8项.referrals第1项", "unit"),
        ("reasons第9项", "examples"), ("reasons第10项", "code"), ("reasons第11项", "colour"),
        ("reasons第12项", ""),
    }
    # a broken item is not also reported as a missing ground
    assert ("文件", "reasons") not in problems


@pytest.mark.parametrize("text", ["", "{", "[]", '{"version": 1, "updated": "2026-01-01"}',
                                  '{"version": 1, "updated": "2026-01-01", "reasons": []}'])
def test_malformed_files(text: str) -> None:
    """第十条: bad script data never crashes the desk."""
    assert _problems(text)


def test_unknown_referral_number_must_be_null_not_invented() -> None:
    """第十条: only real numbers; an unknown local number is null, never made up."""
    data = _data()
    data["reasons"][0] = _reason(RefusalGround.LITIGATION, number=None)
    catalogue = parse_non_acceptance_reasons(json.dumps(data, ensure_ascii=False))
    assert catalogue.get("litigation").referrals[0].number is None


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["version", "updated", "reasons", "code", "ground",
                                       "clause", "script", "referrals", "number", "unit"]),
                      children, max_size=4),
    max_leaves=12,
)


@given(_json_values)
def test_arbitrary_json_never_crashes(value: object) -> None:
    """第十条: whatever the file holds, the loader answers with data or a DataFormatError."""
    try:
        parse_non_acceptance_reasons(json.dumps(value))
    except DataFormatError as exc:
        assert exc.problems
