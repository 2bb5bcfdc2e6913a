"""The requester's progress query (第十九条): number + phone finds the ticket, nothing
else leaks, and guessing is throttled like logins; both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tickets_kit import PHONE, UNIT, applied, create, event

from hotline_desk.core.protocol import ErrorCode, NotFoundError, ProgressQuery, ThrottledError
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.storage.server import tickets_progress
from hotline_desk.storage.server.login_throttle import ThrottlePolicy

POLICY = ThrottlePolicy(per_account=3, per_address=5, window=timedelta(minutes=15))


def _query(db, clock, number, phone=PHONE, address="203.0.113.7"):
    return tickets_progress.query(db, ProgressQuery(ticket_no=number, phone=phone),
                                  client_address=address, now=clock(), policy=POLICY)


def test_number_and_phone_give_state_and_progress_only(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    number = create(db, operator, now=clock(),
                    content="我叫张三电话13812345678，小区门口路灯不亮已经一周了")
    applied(db, unit, event(number, "contact", unit_contact="0551-62345678"), now=clock())
    answer = _query(db, clock, number.lower(), phone="138-1234-5678")
    assert answer.state is TicketState.CONTACTED and answer.state_label == "已联系诉求人"
    assert [s.event for s in answer.steps] == ["record", "dispatch", "contact"]
    assert answer.handling_unit == UNIT and answer.completion_due.isoformat() == "2026-06-15"
    text = answer.model_dump_json()
    assert "13812345678" not in text and "张三" not in text
    assert answer.summary == "投诉：路灯不亮"  # type and topic, never the content


def test_wrong_phone_and_unknown_number_look_the_same(db, clock, make_actor):
    number = create(db, make_actor("op1", Role.OPERATOR), now=clock())
    with pytest.raises(NotFoundError) as wrong_phone:
        _query(db, clock, number, phone="13912345678")
    with pytest.raises(NotFoundError) as unknown:
        _query(db, clock, "AH20260601999999")
    assert (wrong_phone.value.code, wrong_phone.value.message) == (
        unknown.value.code, unknown.value.message)


def test_guessing_a_ticket_is_throttled_per_number_and_per_address(db, clock, make_actor):
    number = create(db, make_actor("op1", Role.OPERATOR), now=clock())
    for i in range(3):
        with pytest.raises(NotFoundError):
            _query(db, clock, number, phone=f"1391234567{i}", address=f"198.51.100.{i}")
    with pytest.raises(ThrottledError) as caught:  # even the right phone, from anywhere
        _query(db, clock, number, address="192.0.2.1")
    assert 0 < caught.value.retry_after <= 900
    # Its own code and message: the requester did not try to log in.
    assert caught.value.code is ErrorCode.PROGRESS_THROTTLED
    assert caught.value.message_zh == "查询失败次数过多，请稍后再试"
    clock.advance(15 * 60 + 1)
    assert _query(db, clock, number, address="192.0.2.1").ticket_no == number
    for i in range(5):
        with pytest.raises(NotFoundError):
            _query(db, clock, f"AH2026060100{i:04d}", phone="13912345600",
                   address="192.0.2.99")
    with pytest.raises(ThrottledError) as caught:
        _query(db, clock, number, address="192.0.2.99")
    assert caught.value.code is ErrorCode.PROGRESS_THROTTLED
