"""The centre's figures (第二十七条 按时办结率、满意率; 第三十三条 热点): definitions in
``storage.server.figures``; both backends."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import uuid6
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tickets_kit import OTHER_UNIT, PHONE, UNIT, applied, create, event, op, ticket_payload

from hotline_desk.core.deadlines import SHANGHAI
from hotline_desk.core.protocol import rising_ratio
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import figures
from hotline_desk.storage.server.models import Transfer
from hotline_desk.storage.server.tickets_models import CallMarkRow, TicketRow

CONTACT = {"unit_contact": "0551-62345678"}


def _finish(db, unit, operator, number, at, rating):
    applied(db, unit, event(number, "contact", **CONTACT), now=at)
    applied(db, unit, event(number, "complete", reply="已办结", approver="王局"), now=at)
    applied(db, operator, event(number, "rate", rating=rating), now=at)


def test_on_time_and_satisfaction_rates_per_unit_and_day(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    numbers = [create(db, operator, now=clock(), topic=f"事项{i}", location=f"{i}号")
               for i in range(4)]
    create(db, operator, now=clock(), topic="环保", lead_unit=OTHER_UNIT)
    on_day = datetime(2026, 6, 10, 2, tzinfo=UTC)  # 10:00 on 06-10, before the 06-15 due
    _finish(db, unit, operator, numbers[0], on_day, "satisfied")
    _finish(db, unit, operator, numbers[1], on_day, "very_dissatisfied")
    late = datetime(2026, 6, 16, 2, tzinfo=UTC)  # after 24:00 of 06-15
    _finish(db, unit, operator, numbers[2], late, "basically_satisfied")
    with read_transaction(db):
        result = figures.unit_figures(db, date(2026, 6, 10), date(2026, 6, 16), now=late)
    rows = {(item.unit, item.day.isoformat()): item for item in result.items}
    first = rows[(UNIT, "2026-06-10")]
    assert (first.completed, first.completed_on_time, first.on_time_rate) == (2, 2, 1.0)
    assert (first.rated, first.satisfied, first.satisfaction_rate) == (2, 1, 0.5)
    due = rows[(UNIT, "2026-06-15")]  # numbers[3] still open and past its deadline
    assert (due.completed, due.overdue_unfinished, due.on_time_rate) == (0, 1, 0.0)
    assert rows[(OTHER_UNIT, "2026-06-15")].overdue_unfinished == 1
    last = rows[(UNIT, "2026-06-16")]
    assert (last.completed, last.completed_on_time, last.on_time_rate) == (1, 0, 0.0)
    assert last.satisfaction_rate == 1.0
    with read_transaction(db):
        only = figures.unit_figures(db, date(2026, 6, 10), date(2026, 6, 16), now=late,
                                    unit=OTHER_UNIT)
    assert {item.unit for item in only.items} == {OTHER_UNIT}


def test_one_day_by_kind_type_area_and_hour(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    nine = datetime(2026, 6, 1, 1, 5, tzinfo=UTC)  # 09:05 Shanghai
    create(db, operator, now=nine)
    applied(db, operator, op("ticket", ticket_payload(request_type="consultation",
                                                      area="public_service", location="",
                                                      topic="社保")),
            now=nine + timedelta(hours=5))
    applied(db, operator, op("emergency_handoff", {"line": "fire", "number": "119"}),
            now=datetime(2026, 6, 1, 15, 59, tzinfo=UTC))  # 23:59 the same day
    create(db, operator, now=datetime(2026, 6, 1, 16, 0, tzinfo=UTC), topic="次日")
    with read_transaction(db):
        day = figures.day_figures(db, date(2026, 6, 1))
    assert day.total == 3
    assert day.per_kind == {"emergency_handoff": 1, "ticket": 2}
    assert day.per_type == {"complaint": 1, "consultation": 1}
    assert day.per_area == {"public_service": 1, "social": 1}
    assert (day.per_hour[9], day.per_hour[14], day.per_hour[23], sum(day.per_hour)) == (
        1, 1, 1, 3)


def test_rising_topics_against_the_previous_week(db, clock, make_actor):
    """第三十三条 聚焦热点: last 24 h against the 7 days before, with a minimum count."""
    operator = make_actor("op1", Role.OPERATOR)
    at = datetime(2026, 6, 10, 4, tzinfo=UTC)

    def report(topic, when, i):
        applied(db, operator, op("ticket", ticket_payload(
            topic=topic, location=f"{topic}{i}号", requester_phone=f"139{i:08d}")), now=when)

    for i in range(7):  # steady: one a day for the previous week, one today
        report("供暖", at - timedelta(days=i + 1, hours=2), i)
    for i in range(3):
        report("供暖", at - timedelta(hours=i + 1), 10 + i)
    for i in range(4):  # new today
        report("共享单车乱停", at - timedelta(hours=i + 1), 20 + i)
    for i in range(2):  # too few
        report("广场舞", at - timedelta(hours=i + 1), 30 + i)
    with read_transaction(db):
        rising = figures.rising_topics(db, at=at)
    assert [(t.topic, t.last_24h, t.previous_7d) for t in rising.items] == [
        ("共享单车乱停", 4, 0), ("供暖", 3, 7)]
    assert rising.items[0].ratio == rising_ratio(4, 0) == 28.0
    assert rising.items[1].ratio == 3.0


def _shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` Asia/Shanghai on 2026-06-``day``, as UTC."""
    return datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def test_calls_per_hour_count_each_call_once_in_the_hour_of_its_first_record(
        db, clock, make_actor):
    """第二十七条、第三十三条: the lead's calls per hour count calls, not records. One call
    that ended in two tickets, a refusal, a handoff (第十条、第十二条), a mark (第十三条)
    and a transfer (第八条) is one call; a call that ended only in a mark or a transfer
    counts; a ticket record of an older desk (no call id) is one call; a mark without a
    call id names no call; a call is counted on the day of its first record only."""
    operator = make_actor("op1", Role.OPERATOR)
    lead = make_actor("lead1", Role.TEAM_LEAD)
    a, b, c, d, f = (str(uuid6.uuid7()) for _ in range(5))

    def push_at(actor, kind, payload, when):
        applied(db, actor, op(kind, payload), now=when)

    push_at(operator, "ticket", ticket_payload(call_id=a), _shanghai(1, 9, 50))
    push_at(operator, "ticket", ticket_payload(call_id=a, topic="另一件事",
                                               location="长江西路200号"), _shanghai(1, 9, 51))
    push_at(operator, "refusal", {"ground": "litigation", "reason": "属于诉讼事项",
                                  "call_id": a}, _shanghai(1, 9, 52))
    push_at(operator, "emergency_handoff", {"line": "fire", "number": "119", "call_id": a},
            _shanghai(1, 9, 53))
    push_at(operator, "abusive_call", {"phone": PHONE, "note": "辱骂", "call_id": a},
            _shanghai(1, 10, 5))
    push_at(operator, "expert_transfer", {"reference_kind": "call", "reference": a,
                                          "note": "请专家解答", "call_id": a},
            _shanghai(1, 10, 10))
    push_at(operator, "abusive_call", {"phone": PHONE, "note": "骚扰", "call_id": b},
            _shanghai(1, 11, 0))
    push_at(operator, "expert_transfer", {"reference_kind": "call", "reference": c,
                                          "note": "请专家解答", "call_id": c},
            _shanghai(1, 11, 30))
    for minute in (0, 1):  # an older desk: no call ids
        push_at(operator, "ticket", ticket_payload(topic=f"旧{minute}"),
                _shanghai(1, 14, minute))
    push_at(lead, "abusive_call", {"phone": PHONE, "note": "班长补记"}, _shanghai(1, 15))
    push_at(operator, "ticket", ticket_payload(call_id=d, topic="跨午夜"), _shanghai(1, 23, 58))
    push_at(operator, "expert_transfer", {"reference_kind": "call", "reference": d,
                                          "note": "请专家解答", "call_id": d},
            _shanghai(2, 0, 5))
    push_at(operator, "ticket", ticket_payload(call_id=f, topic="次日"), _shanghai(2, 0, 10))
    with read_transaction(db):
        first = figures.day_figures(db, date(2026, 6, 1))
        second = figures.day_figures(db, date(2026, 6, 2))
    hours = {hour: count for hour, count in enumerate(first.per_hour) if count}
    assert hours == {9: 1, 11: 2, 14: 2, 23: 1}
    assert first.total == 7  # the ticket records: a's four, the older desk's two, d's
    assert first.per_kind == {"emergency_handoff": 1, "refusal": 1, "ticket": 5}
    assert {hour: count for hour, count in enumerate(second.per_hour) if count} == {0: 1}
    assert second.total == 1


_TABLES = ("ticket", "mark", "transfer")
_sequence = itertools.count(1)


def _record(db, table, call_id, at, account_id):
    n = next(_sequence)
    if table == "ticket":
        TicketRow.insert(ticket_no=f"PT{n:020d}", kind="ticket", state="pending_dispatch",
                         version=1, change_version=10**12 + n, received_at=at, created_at=at,
                         updated_at=at, call_id=call_id).execute(db)
    elif table == "mark":
        CallMarkRow.insert(op_id=str(uuid6.uuid7()), note="骚扰", marked_by=account_id,
                           marked_at=at, call_id=call_id).execute(db)
    else:
        Transfer.insert(reference_kind="call", reference=call_id or "x", note="请解答",
                        status="queued", created_by=account_id, created_at=at,
                        call_id=call_id).execute(db)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.none() | st.integers(min_value=0, max_value=5),
                          st.sampled_from(_TABLES),
                          st.integers(min_value=-180, max_value=24 * 60 + 179)),
                max_size=25))
def test_calls_per_hour_equal_the_distinct_calls_by_their_first_record(db, make_actor,
                                                                       records):
    """Whatever records calls leave, in whichever tables and hours (also across midnight):
    each call counts once, in the hour of its earliest record, on that record's day; a
    ticket record without a call id counts one call; a mark or transfer without one none."""
    account = make_actor(f"op-{uuid6.uuid7().hex[:12]}", Role.OPERATOR).account_id
    day = date(2026, 1, 1) + timedelta(days=5 * next(_sequence))  # a day of its own
    start = figures.day_start(day)
    ids = [str(uuid6.uuid7()) for _ in range(6)]
    expected = [0] * 24
    firsts: dict[str, datetime] = {}
    with write_transaction(db):
        for call, table, minutes in records:
            at = start + timedelta(minutes=minutes)
            call_id = None if call is None else ids[call]
            _record(db, table, call_id, at, account)
            if call_id is None:
                if table == "ticket" and 0 <= minutes < 24 * 60:
                    expected[minutes // 60] += 1
            elif call_id not in firsts or at < firsts[call_id]:
                firsts[call_id] = at
    for at in firsts.values():
        minutes = int((at - start).total_seconds() // 60)
        if 0 <= minutes < 24 * 60:
            expected[minutes // 60] += 1
    with read_transaction(db):
        counted = figures.calls_per_hour(db, start, figures.day_start(day + timedelta(days=1)))
    assert counted == expected
