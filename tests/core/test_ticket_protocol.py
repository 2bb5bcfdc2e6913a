"""The pure rules of the ticket protocol: ticket numbers, same-matter keys (第二十条(六)),
topics and rising ratio (第三十三条), the progress summary (第十九条、第三十四条).

Imported through ``core.protocol``, the one protocol import point."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.centre import centre_name
from hotline_desk.core.protocol import (
    TICKET_NO_PATTERN,
    AbusiveCallPayload,
    EmergencyHandoffPayload,
    KBClosurePayload,
    PushOp,
    RefusalPayload,
    TicketCreatePayload,
    TicketEventPayload,
    TransferCreate,
    default_ticket_prefix,
    format_ticket_no,
    matter_key,
    normalise_key,
    place_key,
    progress_summary,
    rising_ratio,
    topic_for,
    uuid_version,
)
from hotline_desk.core.vocabulary import Area, RequestType


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.integers(min_value=1, max_value=10**9),
       st.from_regex(r"[A-Z]{1,8}", fullmatch=True))
def test_ticket_numbers_match_the_pattern_and_keep_their_parts(day, counter, prefix):
    number = format_ticket_no(prefix, day, counter)
    assert re.fullmatch(TICKET_NO_PATTERN, number)
    assert number.startswith(prefix + day.strftime("%Y%m%d"))
    assert int(number[len(prefix) + 8:]) == counter


def test_bad_prefixes_and_counters_are_refused():
    with pytest.raises(ValueError):
        format_ticket_no("hf", date(2026, 1, 1), 1)
    with pytest.raises(ValueError):
        format_ticket_no("HF", date(2026, 1, 1), 0)


def test_the_prefix_is_the_city_initials_第三条():
    assert default_ticket_prefix(centre_name("合肥市")) == "HF"
    assert default_ticket_prefix(centre_name("蚌埠")) == "BB"
    assert default_ticket_prefix(None) == "AH"


@given(st.text(max_size=40))
def test_normalising_is_idempotent_and_drops_spaces_and_punctuation(text):
    key = normalise_key(text)
    assert normalise_key(key) == key
    assert not any(c.isspace() for c in key)


def test_the_same_place_written_differently_is_the_same_matter():
    """第二十条(六): 5人次集中反映 of one place, however each operator typed it."""
    first = place_key("合肥市城管局", RequestType.COMPLAINT, "长江西路 123号")
    second = place_key("合肥市城管局 ", RequestType.COMPLAINT, "长江西路１２３号。")
    assert first == second is not None
    assert place_key("合肥市城管局", RequestType.REPORT, "长江西路123号") != first
    assert place_key("", RequestType.COMPLAINT, "长江西路123号") is None
    assert matter_key("gjj-001", "公积金") == "kb:gjj-001"
    assert matter_key("", " 公积金 提取 ") == matter_key(None, "公积金提取") == "topic:公积金提取"
    assert matter_key("", "。") is None


def test_topics_prefer_the_operator_then_the_kb_entry_then_the_category():
    assert topic_for("路灯", ["公积金"], "标题") == "路灯"
    assert topic_for("", ["公积金提取"], "标题") == "公积金提取"
    assert topic_for(None, [], "住房公积金提取条件") == "住房公积金提取条件"
    assert topic_for(None, [], None, Area.MARKET, RequestType.COMPLAINT) == "市场监管·投诉"
    assert topic_for(None) is None


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_the_rising_ratio_grows_with_today_and_falls_with_the_week(today, week):
    assert rising_ratio(today + 1, week) > rising_ratio(today, week)
    assert rising_ratio(today + 1, week + 7) <= rising_ratio(today + 1, week)
    assert rising_ratio(7, 49) == 1.0  # as many as the daily average


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.text(max_size=30))
def test_the_progress_summary_never_shows_a_phone_number_第三十四条(phone, words):
    summary = progress_summary(RequestType.HELP, words + phone + words, "张三")
    assert phone not in summary
    assert summary.startswith("求助")
    assert "张三" not in progress_summary(RequestType.HELP, "张三家门口积水", "张三")


def test_op_ids_must_be_uuids_and_v7_is_recognised():
    assert uuid_version("01a2263b-9d68-70ad-a746-cdd8296169ac") == 7
    assert uuid_version("01234567-89ab-4def-8123-456789abcdef") == 4
    assert uuid_version("not-a-uuid") is None
    with pytest.raises(ValueError):
        PushOp(op_id="x", kind="ticket")
    with pytest.raises(ValueError):
        TicketEventPayload(ticket_no="HF20261129000001", event="contact", reply="a\x00b")


#: One payload of each kind a call can end in, without its call id (an older desk's).
_CALL_RECORD_PAYLOADS = [
    (TicketCreatePayload, {}),
    (KBClosurePayload, {"kb_entry_id": "KB-1", "kb_entry_version": 1}),
    (RefusalPayload, {"ground": "litigation", "reason": "属于诉讼事项"}),
    (EmergencyHandoffPayload, {"line": "fire", "number": "119"}),
    (AbusiveCallPayload, {"note": "辱骂话务员"}),
    (TransferCreate, {"reference_kind": "call", "reference": "x", "note": "请专家解答"}),
]


@pytest.mark.parametrize(("model", "base"), _CALL_RECORD_PAYLOADS,
                         ids=[m.__name__ for m, _ in _CALL_RECORD_PAYLOADS])
@given(st.uuids())
def test_every_record_of_a_call_may_carry_its_call_id(model, base, call):
    """第十条、第十二条、第十三条、第八条: a call may end in several records; each carries
    the call's id (optional: older desks send none), as lower-case UUID text."""
    assert model.model_validate(base).call_id is None
    assert "call_id" not in model.model_validate(base).model_dump(exclude_none=True)
    given_id = str(call).upper()
    assert model.model_validate({**base, "call_id": given_id}).call_id == str(call)


@pytest.mark.parametrize("bad", ["", "call-1", "01a2263b9d6870ada746cdd8296169ac",
                                 "01a2263b-9d68-70ad-a746-cdd8296169ac\n"])
def test_a_call_id_that_is_not_a_uuid_is_refused(bad):
    with pytest.raises(ValueError):
        AbusiveCallPayload(note="辱骂话务员", call_id=bad)
    with pytest.raises(ValueError):
        TicketCreatePayload(call_id=bad)
