"""Ticket draft validation (第十一条, 第十二条, 第二十四条)."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.ticket_draft import (
    CONTENT_MAX,
    CONTENT_MIN,
    NAME_MAX,
    ON_SITE_TYPES,
    DraftPurpose,
    TicketDraft,
    check_form,
    clean_draft,
    draft_from_form,
    validate_draft,
)
from hotline_desk.core.vocabulary import Area, Channel, Priority, RequestType, Source

DISPATCH = DraftPurpose.DISPATCH
ON_SPOT = DraftPurpose.ANSWER_ON_SPOT
RECORD = DraftPurpose.RECORD

GOOD_DISPATCH = TicketDraft(
    requester_phone="138 1234 5678",
    content="小区门口路灯连续三晚不亮，夜间出行不便",
    request_type=RequestType.HELP,
    area=Area.PUBLIC_SERVICE,
    channel=Channel.PHONE,
    source=Source.DIRECT,
    priority=Priority.GENERAL,
    requester_name="张三",
    location="合肥市蜀山区三里庵街道长江西路",
    lead_unit="蜀山区城管局",
    co_units=("三里庵街道办事处",),
    handling_requirements="请核实并修复路灯，1个工作日内联系诉求人",
)

GOOD_ON_SPOT = TicketDraft(
    requester_phone="0551-62345678",
    content="咨询新生儿医保参保办理流程",
    request_type=RequestType.CONSULTATION,
    area=Area.PUBLIC_SERVICE,
    channel=Channel.PHONE,
    kb_entry_id="kb-00042",
)


def test_good_drafts_pass() -> None:
    assert validate_draft(GOOD_DISPATCH, DISPATCH) == {}
    assert validate_draft(GOOD_ON_SPOT, ON_SPOT) == {}
    assert validate_draft(replace(GOOD_DISPATCH, lead_unit="", co_units=()), RECORD) == {}


def test_empty_draft_reports_every_required_field_at_once() -> None:
    """第十一条: contact, content and category; 第十二条(二): unit and requirements."""
    problems = validate_draft(TicketDraft(), DISPATCH)
    assert set(problems) == {
        "requester_phone", "content", "request_type", "area", "channel",
        "lead_unit", "handling_requirements",
    }
    assert problems["requester_phone"] == "请填写诉求人联系电话"
    assert problems["content"] == "请填写诉求内容"
    assert problems["request_type"] == "请选择诉求类型"
    assert all(message for message in problems.values())


def test_anonymous_requester_is_allowed() -> None:
    assert validate_draft(replace(GOOD_DISPATCH, requester_name=""), DISPATCH) == {}
    assert validate_draft(replace(GOOD_DISPATCH, requester_name="  "), DISPATCH) == {}


@pytest.mark.parametrize(
    ("name", "ok"),
    [("张三", True), ("欧阳娜娜", True), ("张先生", True), ("买买提·艾力", True),
     ("x" * NAME_MAX, True), ("x" * (NAME_MAX + 1), False), ("13812345678", False),
     ("张3", False)],
)
def test_requester_name(name: str, ok: bool) -> None:
    problems = validate_draft(replace(GOOD_DISPATCH, requester_name=name), DISPATCH)
    assert ("requester_name" not in problems) is ok


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("13812345678", True), ("０５５１－６２３４５６７８", True), ("12345", False),
     ("110", False), ("62345678", False), ("abc", False), ("", False)],
)
def test_requester_phone_must_be_valid(phone: str, ok: bool) -> None:
    """第十一条: the requester's contact details are required and must reach them."""
    problems = validate_draft(replace(GOOD_DISPATCH, requester_phone=phone), DISPATCH)
    assert ("requester_phone" not in problems) is ok


@pytest.mark.parametrize(
    ("content", "ok"),
    [("路灯不亮了", True), ("  路灯不亮了  ", True), ("路灯坏了", False), ("     ", False),
     ("\n\t", False), ("啊" * CONTENT_MAX, True), ("啊" * (CONTENT_MAX + 1), False)],
)
def test_content_length(content: str, ok: bool) -> None:
    """第十一条: the content of the request, at least CONTENT_MIN characters trimmed."""
    problems = validate_draft(replace(GOOD_DISPATCH, content=content), DISPATCH)
    assert ("content" not in problems) is ok
    assert CONTENT_MIN == 5


@pytest.mark.parametrize("request_type", list(RequestType))
def test_location_required_for_on_site_types(request_type: RequestType) -> None:
    """求助/投诉/举报 are handled on site; consultations and suggestions need no place."""
    draft = replace(GOOD_DISPATCH, request_type=request_type, location="")
    problems = validate_draft(draft, DISPATCH)
    assert ("location" in problems) is (request_type in ON_SITE_TYPES)
    assert {RequestType.HELP, RequestType.COMPLAINT, RequestType.REPORT} == ON_SITE_TYPES


def test_dispatch_needs_lead_unit_and_requirements() -> None:
    """第十二条(二): 转办承办单位，并明确具体办理要求."""
    problems = validate_draft(
        replace(GOOD_DISPATCH, lead_unit=" ", co_units=(), handling_requirements=""), DISPATCH
    )
    assert set(problems) == {"lead_unit", "handling_requirements"}


@pytest.mark.parametrize(
    ("co_units", "message_part"),
    [
        (("三里庵街道办事处", "三里庵街道办事处"), "重复"),
        (("蜀山区城管局",), "牵头单位相同"),
        ((" 蜀山区城管局 ",), "牵头单位相同"),
        (("供电公司", 3), "列表"),
    ],
)
def test_co_units_rules(co_units: tuple[Any, ...], message_part: str) -> None:
    """第十二条(四): one lead unit and distinct co-handling units."""
    problems = validate_draft(replace(GOOD_DISPATCH, co_units=co_units), DISPATCH)
    assert message_part in problems["co_units"]


def test_co_units_without_lead_unit_when_recording() -> None:
    problems = validate_draft(replace(GOOD_DISPATCH, lead_unit=""), RECORD)
    assert "牵头单位" in problems["co_units"]


def test_answer_on_spot_needs_kb_entry_and_no_units() -> None:
    """第十二条(一): 依托知识库及时答复; the ticket is not dispatched."""
    problems = validate_draft(
        replace(GOOD_ON_SPOT, kb_entry_id="", lead_unit="医保局", co_units=("税务局",)),
        ON_SPOT,
    )
    assert set(problems) == {"kb_entry_id", "lead_unit", "co_units"}


NOT_CONSULTATION = [t for t in RequestType if t is not RequestType.CONSULTATION]


@pytest.mark.parametrize("request_type", NOT_CONSULTATION)
def test_only_consultations_are_answered_on_the_spot(request_type: RequestType) -> None:
    """第十二条(一): 能够即时解答的咨询类问题."""
    draft = replace(GOOD_ON_SPOT, request_type=request_type, location="合肥市蜀山区")
    problems = validate_draft(draft, ON_SPOT)
    assert set(problems) == {"request_type"}
    assert "须转办" in problems["request_type"]


@pytest.mark.parametrize("source", [s for s in Source if s is not Source.DIRECT])
def test_tickets_from_other_platforms_keep_their_number(source: Source) -> None:
    """第九条(二)(三): 国家级平台交办、同级平台转办、长三角联动 — report back by number."""
    draft = replace(GOOD_DISPATCH, source=source)
    assert set(validate_draft(draft, DISPATCH)) == {"source_ticket_no"}
    assert validate_draft(replace(draft, source_ticket_no="GJ2024-0001"), DISPATCH) == {}


def test_wrong_types_and_enum_strings_are_messages_not_crashes() -> None:
    bad: Any = TicketDraft(
        requester_phone=None,  # type: ignore[arg-type]
        content=42,  # type: ignore[arg-type]
        request_type="urgent",  # type: ignore[arg-type]
        area="",  # type: ignore[arg-type]
        channel=Channel.WECHAT,
        source=None,  # type: ignore[arg-type]
        priority="紧急",  # type: ignore[arg-type]
        location=["x"],  # type: ignore[arg-type]
        co_units="a、a",  # type: ignore[arg-type]
    )
    problems = validate_draft(bad, DISPATCH)
    assert problems["content"] == "诉求内容应为文字"
    assert "无效" in problems["request_type"] and "咨询" in problems["request_type"]
    assert problems["area"] == "请选择诉求领域"
    assert problems["source"] == "请选择诉求来源"
    assert "重点" in problems["priority"]
    assert problems["location"] == "事发地点应为文字"
    assert "重复" in problems["co_units"]


def test_enum_codes_and_labels_held_as_strings_are_accepted() -> None:
    draft = replace(GOOD_DISPATCH, request_type="求助", area="public_service")  # type: ignore[arg-type]
    assert validate_draft(draft, DISPATCH) == {}


def test_not_a_draft_or_unknown_purpose() -> None:
    assert set(validate_draft({"content": "x"}, DISPATCH)) == {"draft"}
    assert set(validate_draft(GOOD_DISPATCH, "publish")) == {"purpose"}
    assert validate_draft(GOOD_DISPATCH, "转办") == {}


FORM = {
    "requester_name": " 张三 ",
    "requester_phone": "１３８１２３４５６７８",
    "content": "小区门口路灯连续三晚不亮",
    "request_type": "求助",
    "area": "公共服务",
    "channel": "phone",
    "source": "",
    "priority": "重点",
    "location": "合肥市蜀山区三里庵街道",
    "lead_unit": "蜀山区城管局",
    "co_units": "三里庵街道办事处、供电公司",
    "handling_requirements": "请核实处理",
    "unknown_key": "ignored",
}


def test_draft_from_form_converts_strings() -> None:
    draft, problems = draft_from_form(FORM)
    assert problems == {}
    assert draft.request_type is RequestType.HELP
    assert draft.area is Area.PUBLIC_SERVICE
    assert draft.channel is Channel.PHONE
    assert draft.source is Source.DIRECT  # empty: the hotline's own channels
    assert draft.priority is Priority.KEY
    assert draft.requester_name == "张三"
    assert draft.co_units == ("三里庵街道办事处", "供电公司")
    assert validate_draft(draft, DISPATCH) == {}


def test_check_form_reports_conversion_and_validation_problems() -> None:
    form = dict(FORM, request_type="投拆", channel=None, requester_phone=12345, content="短")
    draft, problems = check_form(form, DISPATCH)
    assert draft.request_type is None
    assert "诉求类型无效" in problems["request_type"]  # the conversion message wins
    assert problems["channel"] == "请选择受理渠道"
    assert problems["requester_phone"].startswith("12345 是服务号码")
    assert "过短" in problems["content"]


def test_clean_draft_normalises_for_storage() -> None:
    draft = replace(GOOD_DISPATCH, requester_phone="＋86 138-1234-5678", content="  路灯不亮了  ",
                    co_units=("三里庵街道办事处", "三里庵街道办事处 "))
    cleaned = clean_draft(draft)
    assert cleaned.requester_phone == "13812345678"
    assert cleaned.content == "路灯不亮了"
    assert cleaned.co_units == ("三里庵街道办事处",)
    assert clean_draft(replace(GOOD_ON_SPOT, requester_phone="0551 62345678 转 8")
                       ).requester_phone == "0551-62345678转8"


_FIELD_NAMES = [f.name for f in fields(TicketDraft)]
_ANYTHING = st.one_of(
    st.none(), st.text(max_size=30), st.integers(), st.booleans(), st.floats(),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3),
    st.sampled_from(["咨询", "help", "公共服务", "phone", "重点", "13812345678"]),
)


@given(st.dictionaries(st.sampled_from([*_FIELD_NAMES, "junk"]), _ANYTHING),
       st.sampled_from([*DraftPurpose, "x", None]))
def test_never_raises_on_any_form(data: dict[str, object], purpose: Any) -> None:
    """Bad input gets Chinese messages, never a crash."""
    draft, problems = check_form(data, purpose)
    assert isinstance(draft, TicketDraft)
    assert all(isinstance(v, str) and v for v in problems.values())


@given(st.fixed_dictionaries({name: _ANYTHING for name in _FIELD_NAMES}),
       st.sampled_from(list(DraftPurpose)))
def test_validate_never_raises_on_any_field_values(values: dict[str, Any],
                                                   purpose: DraftPurpose) -> None:
    problems = validate_draft(TicketDraft(**values), purpose)
    assert all(isinstance(v, str) and v for v in problems.values())
    if not problems:  # whatever passed is really valid
        assert clean_draft(TicketDraft(**values)).requester_phone
