"""A ticket's life on the server: contact, return, extension, completion, rating, revisit,
with the deadlines computed by the core calendar (第十五–十八条、第二十四–二十五条), both
backends."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

from tickets_kit import (
    UNIT,
    applied,
    create,
    event,
    op,
    problems,
    push,
    row,
    ticket_payload,
)

from hotline_desk.core.protocol import ErrorCode, PushStatus
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.paths import resource
from hotline_desk.storage.holiday_files import installed_path
from hotline_desk.storage.server.tickets_calendar import CalendarSource

CONTACT = {"unit_contact": "城管局 0551-62345678"}
RETURN = {"reason": "路灯由供电公司维护", "policy_basis": "《合肥市城市照明管理办法》"}


def _people(make_actor):
    return (make_actor("op1", Role.OPERATOR), make_actor("unit1", Role.UNIT_HANDLER, UNIT),
            make_actor("lead1", Role.TEAM_LEAD))


def test_the_whole_way_to_a_revisit(db, clock, make_actor):
    """第十五条 contact, 第十七条 complete, 第二十四条 sign-off, 第二十五条 rate and revisit."""
    operator, unit, _ = _people(make_actor)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock.advance(3600))
    applied(db, unit, event(number, "complete", reply="已修复路灯", approver="王局长"),
            now=clock.advance(86400))
    stored = row(db, number)
    assert stored.completed_on_time and stored.details["approver"] == "王局长"
    applied(db, operator, event(number, "rate", rating="不满意"), now=clock.advance(3600))
    result = applied(db, operator, event(number, "revisit", revisit_result="已向诉求人解释"),
                     now=clock.advance(3600))
    assert result.state is TicketState.REVISITED and result.version == 6
    (again,) = push(db, operator, event(number, "rate", rating="满意"), now=clock())
    assert "一事一评" in problems(again)[0]  # 第二十五条: one rating per matter


def test_a_good_rating_is_not_revisited(db, clock, make_actor):
    """第二十五条: only poor ratings are revisited."""
    operator, unit, _ = _people(make_actor)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    applied(db, unit, event(number, "complete", reply="已修复", approver="王局长"), now=clock())
    applied(db, operator, event(number, "rate", rating="satisfied"), now=clock())
    (revisit,) = push(db, operator, event(number, "revisit", revisit_result="x"), now=clock())
    assert "只对差评工单回访" in problems(revisit)[0]


def test_return_within_two_working_days_then_redispatch(db, clock, make_actor):
    """第十六条: a unit asks to return within 2 working days; the centre re-dispatches."""
    operator, unit, lead = _people(make_actor)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "request_return", **RETURN), now=clock.advance(86400))
    applied(db, lead, event(number, "approve_return"), now=clock.advance(600))
    returned = row(db, number)
    assert returned.state == TicketState.RETURNED.value and returned.completion_due is None
    assert returned.supervision_flags["responsibility_unclear"]  # 第二十条(三)
    later = clock.advance(2 * 86400)
    applied(db, operator, event(number, "dispatch", lead_unit="国网合肥供电公司",
                                handling_requirements="请维修路灯"), now=later)
    redispatched = row(db, number)
    assert redispatched.lead_unit == "国网合肥供电公司"
    assert redispatched.dispatched_at == later  # the deadlines run again from re-dispatch


def test_a_denied_return_resumes_where_it_was(db, clock, make_actor):
    operator, unit, lead = _people(make_actor)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    applied(db, unit, event(number, "request_return", **RETURN), now=clock())
    result = applied(db, lead, event(number, "deny_return", reason="属于本单位职责"),
                     now=clock())
    assert result.state is TicketState.CONTACTED


def test_a_late_return_request_counts_as_accepted(db, clock, make_actor):
    """第十六条: after 2 working days the ticket counts as accepted (视同已接收)."""
    operator, unit, _ = _people(make_actor)
    number = create(db, operator, now=clock())  # Monday 2026-06-01; return due 06-03
    clock.now = datetime(2026, 6, 3, 16, 0, tzinfo=UTC)  # 24:00 of 06-03 in Shanghai
    (late,) = push(db, unit, event(number, "request_return", **RETURN), now=clock())
    assert late.reason.code is ErrorCode.RULE_VIOLATION
    assert "视同已接收转办工单" in problems(late)[0]


def test_extensions_follow_article_18(db, clock, make_actor):
    """第十八条: before the deadline, at most the first limit, at most 2 without approval."""
    operator, unit, lead = _people(make_actor)
    number = create(db, operator, now=clock())  # complaint: due 2026-06-15
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    (too_long,) = push(db, unit, event(number, "request_extension", reason="需协调",
                                       days=11), now=clock())
    assert "不得超过首次办理时限" in problems(too_long)[0]
    for expected_due in ("2026-06-23", "2026-06-30"):  # 5 working days each (端午 06-19)
        applied(db, unit, event(number, "request_extension", reason="需协调", days=5),
                now=clock())
        applied(db, lead, event(number, "approve_extension"), now=clock())
        assert row(db, number).completion_due.isoformat() == expected_due
    applied(db, unit, event(number, "request_extension", reason="仍需协调", days=2),
            now=clock())
    (third,) = push(db, lead, event(number, "approve_extension"), now=clock())
    assert "不得超过2次" in problems(third)[0]
    applied(db, lead, event(number, "approve_extension", special_approval=True), now=clock())
    stored = row(db, number)
    assert len(stored.extensions) == 3 and stored.extensions[2]["special_approval"]
    clock.now = datetime(2026, 7, 1, 1, tzinfo=UTC)  # before the 3rd deadline (07-02)
    applied(db, unit, event(number, "request_extension", reason="再次延期", days=1),
            now=clock())
    assert row(db, number).pending_extension["days"] == 1
    clock.now = datetime(2026, 7, 30, tzinfo=UTC)  # past the extended deadline
    (after,) = push(db, lead, event(number, "deny_extension", reason="不同意"), now=clock())
    assert after.status is PushStatus.APPLIED
    (late,) = push(db, unit, event(number, "request_extension", reason="太晚", days=1),
                   now=clock())
    assert "延期应在办理时限内提前申请" in problems(late)[0]


def test_completion_after_the_deadline_is_recorded_late(db, clock, make_actor):
    """第十七条: the on-time flag feeds the on-time completion rate (第二十七条)."""
    operator, unit, lead = _people(make_actor)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    clock.now = datetime(2026, 6, 20, tzinfo=UTC)
    applied(db, unit, event(number, "complete", reply="已修复", approver="王局长"), now=clock())
    assert row(db, number).completed_on_time is False
    result = applied(db, lead, event(number, "reject_completion", reason="未实际修复"),
                     now=clock())
    assert result.state is TicketState.CONTACTED
    stored = row(db, number)
    assert stored.completed_at is None and stored.supervised  # 第二十条(四)


def test_deadlines_use_the_admin_holiday_files_of_the_data_dir(db, clock, make_actor,
                                                               tmp_path):
    """第十四–十八条: a year chinesecalendar does not know uses the admin's file, else
    the statutory fallback marked provisional (暂定)."""
    operator, _, _ = _people(make_actor)
    source = CalendarSource(tmp_path, recheck_seconds=0)
    december = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
    guessed = applied(db, operator, op("ticket", ticket_payload()), now=december,
                      calendar=source.calendar())
    assert row(db, guessed.server_no).deadlines_provisional
    target = installed_path(tmp_path, 2027)
    target.parent.mkdir(parents=True)
    shutil.copy(resource("calendar", "example-2027.json"), target)
    known = applied(db, operator, op("ticket", ticket_payload(topic="另一盏路灯")),
                    now=december, calendar=source.calendar())
    stored = row(db, known.server_no)
    assert not stored.deadlines_provisional and stored.calendar_source == "admin_file"
    assert stored.dispatched_at + timedelta(days=1) > december
