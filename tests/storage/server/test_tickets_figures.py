"""The centre's figures (第二十七条 按时办结率、满意率; 第三十三条 热点): definitions in
``storage.server.figures``; both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tickets_kit import OTHER_UNIT, UNIT, applied, create, event, op, ticket_payload

from hotline_desk.core.protocol import rising_ratio
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import figures

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
