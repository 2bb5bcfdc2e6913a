"""A legal deadline recorded on a ticket, and its progress reports (第十七条(三): 法律法规规章
等另有规定的从其规定，但应动态反馈办理进展情况), through the real push path on both backends:
stored, shown, checked for overdue by the scheduler (第二十条(二)) and kept by a calendar
recompute.

The clock starts Mon 2026-06-01 09:00 in Shanghai: a complaint dispatched then is due
2026-06-15 under 第十七条(二) (10 working days); 20 working days end 2026-06-30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tickets_kit import CALENDAR, OTHER_UNIT, UNIT, applied, create, event, problems, push, row

from hotline_desk.core.protocol import ErrorCode, PushStatus
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.paths import resource
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.holiday_files import build_calendar, install_holiday_file
from hotline_desk.storage.server import audit, tickets_feed, tickets_overdue
from hotline_desk.storage.server.tickets_models import TicketEventRow
from hotline_desk.storage.server.tickets_recalendar import recompute_open
from hotline_desk.storage.server.tickets_views import event_out, to_out

LEGAL = {"law": "《政府信息公开条例》", "law_article": "第三十三条", "legal_days": 20,
         "legal_day_kind": "working_days"}
CONTACT = {"unit_contact": "城管局 0551-62345678"}
#: 24:00 of a day of June 2026 in Shanghai (16:00 UTC): the instant a due date ends
END_OF = {day: datetime(2026, 6, day, 16, 0, tzinfo=UTC) for day in range(1, 31)}


@pytest.fixture
def people(make_actor):
    return (make_actor("op1", Role.OPERATOR), make_actor("unit1", Role.UNIT_HANDLER, UNIT),
            make_actor("lead1", Role.TEAM_LEAD))


def _view(db, number: str, now: datetime):
    with read_transaction(db):
        return to_out(row(db, number), now=now)


def _refused(db, actor, operation, now):
    (result,) = push(db, actor, operation, now=now)
    assert result.status is PushStatus.REJECTED, result
    assert result.reason is not None
    return result.reason


def test_the_lead_unit_records_a_legal_deadline(db, clock, people):
    """第十七条(三): the law's 20 working days replace the 10 of 第十七条(二) (06-15 -> 06-30);
    a progress report stays due at 06-15; the desk sees the basis, the event is in the
    history."""
    operator, unit, _ = people
    number = create(db, operator, now=clock())
    before = row(db, number)
    assert before.completion_due == date(2026, 6, 15)
    applied(db, unit, event(number, "set_legal_deadline", **LEGAL), now=clock())

    stored = row(db, number)
    assert (stored.completion_due, stored.completion_deadline) == (date(2026, 6, 30), END_OF[30])
    assert (stored.progress_due, stored.progress_deadline) == (date(2026, 6, 15), END_OF[15])
    assert stored.first_contact_due == date(2026, 6, 2)  # 第十五条 is unchanged
    assert stored.state == TicketState.DISPATCHED.value
    assert stored.version == before.version + 1
    assert stored.legal_deadline["law"] == "政府信息公开条例"
    view = _view(db, number, clock())
    assert view.deadlines is not None and view.deadlines.legal is not None
    legal = view.deadlines.legal
    assert (legal.basis, legal.term, legal.due) == (
        "《政府信息公开条例》第三十三条", "20个工作日", date(2026, 6, 30))
    assert (legal.days, legal.day_kind, legal.until) == (20, "working_days", None)
    assert legal.recorded_at == clock()
    assert view.deadlines.completion_due == date(2026, 6, 30)
    assert view.deadlines.progress_report_due == date(2026, 6, 15)
    assert view.deadlines.completion_limit_days == 10
    assert not view.progress_overdue
    with read_transaction(db):
        history = list(TicketEventRow.select().where(
            TicketEventRow.ticket_id == stored.id).order_by(TicketEventRow.id).execute(db))
    assert history[-1].event == "set_legal_deadline"
    assert history[-1].details["law_article"] == "第三十三条"


def test_the_basis_is_required_and_the_period_checked_in_chinese(db, clock, people):
    """第十七条(三): no basis, no legal deadline; every problem is named in Chinese."""
    operator, unit, _ = people
    number = create(db, operator, now=clock())
    version = row(db, number).version
    reason = _refused(db, unit, event(number, "set_legal_deadline", legal_days=20,
                                      legal_day_kind="工作日"), clock())
    assert reason.code is ErrorCode.VALIDATION_ERROR
    assert [p.message for p in reason.problems] == ["请填写法律法规规章名称", "请填写法律法规条款"]
    reason = _refused(db, unit, event(number, "set_legal_deadline", law="某条例",
                                      law_article="第九条", legal_days=20,
                                      legal_day_kind="工作日", legal_due_date="2026-07-31"),
                      clock())
    assert reason.code is ErrorCode.VALIDATION_ERROR
    assert [(p.field, p.message) for p in reason.problems] == [
        ("legal_due_date", "法定期限请按法律规定填写天数或截止日期，不能同时填写")]
    reason = _refused(db, unit, event(number, "set_legal_deadline", law="某条例",
                                      law_article="第九条", legal_days=20), clock())
    assert reason.problems[0].field == "legal_day_kind" and "自然日" in reason.problems[0].message
    reason = _refused(db, unit, event(number, "set_legal_deadline", law="某条例",
                                      law_article="第九条", legal_due_date="2026-05-31"), clock())
    assert reason.problems[0].message == (
        "法定期限截止日期（2026-05-31）不能早于承办单位接到工单的日期（2026-06-01）")
    stored = row(db, number)
    assert stored.legal_deadline is None and stored.completion_due == date(2026, 6, 15)
    assert stored.version == version


def test_only_the_lead_unit_or_a_team_lead_records_it(db, clock, people, make_actor):
    """第十四条 首接负责制 with 第十七条(三): the lead unit's handler or a team lead; not an
    operator, not another unit, not a co-handling unit."""
    operator, unit, lead = people
    other = make_actor("unit2", Role.UNIT_HANDLER, OTHER_UNIT)
    expert = make_actor("exp1", Role.EXPERT)
    number = create(db, operator, now=clock(), co_units=[OTHER_UNIT])
    for actor in (operator, expert, other):
        reason = _refused(db, actor, event(number, "set_legal_deadline", **LEGAL), clock())
        assert reason.code is ErrorCode.FORBIDDEN, actor.username
    assert "第十四条" in problems(push(db, other, event(
        number, "set_legal_deadline", **LEGAL), now=clock())[0])[0]
    applied(db, lead, event(number, "set_legal_deadline", **LEGAL), now=clock())
    assert row(db, number).completion_due == date(2026, 6, 30)
    applied(db, unit, event(number, "set_legal_deadline", law="政府信息公开条例",
                            law_article="第三十三条第二款", legal_due_date="2026-07-31"),
            now=clock())
    assert row(db, number).completion_due == date(2026, 7, 31)  # recorded again: replaced
    assert "无权" in problems(push(db, lead, event(number, "report_progress",
                                                  progress="已调档"), now=clock())[0])[0]


def test_a_missed_progress_report_is_flagged_and_a_report_clears_it(db, clock, people):
    """第十七条(三) 应动态反馈办理进展 and 第二十条(二): past the progress report's deadline
    (06-15 24:00) the scheduler flags the ticket (its own supervision ground) once; reads see
    it before the scheduler; the report clears it. Made on 06-16, the next one would be due
    10 working days later (07-01), after the completion (06-30): none is due."""
    operator, unit, _ = people
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    applied(db, unit, event(number, "set_legal_deadline", **LEGAL), now=clock())
    assert tickets_overdue.detect(db, now=END_OF[14], calendar=CALENDAR) == 0
    late = END_OF[15]
    view = _view(db, number, late)  # computed on read, before the scheduler
    assert view.progress_overdue and not view.overdue
    assert [s.code for s in view.supervision] == ["progress_overdue"]
    with read_transaction(db):
        assert [t.ticket_no for t in tickets_feed.supervised(db, now=late).items] == [number]
        assert tickets_feed.overdue(db, now=late).items == []  # the ticket itself is on time

    assert tickets_overdue.detect(db, now=late, calendar=CALENDAR) == 1
    assert tickets_overdue.detect(db, now=late, calendar=CALENDAR) == 0  # once
    flagged = row(db, number)
    assert flagged.progress_overdue and not flagged.overdue
    assert [s["code"] for s in flagged.supervision] == ["progress_overdue"]
    assert flagged.supervision[0]["clause"] == "第二十条(二)"
    with read_transaction(db):
        audited = audit.page(db, action="ticket.progress_overdue").items
    assert [item.object_id for item in audited] == [number]

    applied(db, unit, event(number, "report_progress", progress="已调取档案，正在核对"),
            now=late)
    reported = row(db, number)
    assert not reported.progress_overdue and reported.supervision == []
    assert reported.progress_reported_at == late
    assert reported.progress_due is None  # 06-16 + 10 working days reaches the completion
    assert reported.completion_due == date(2026, 6, 30)
    with read_transaction(db):
        last = TicketEventRow.select().where(TicketEventRow.ticket_id == reported.id).order_by(
            TicketEventRow.id.desc()).first(db)
    assert event_out(last).note == "已调取档案，正在核对"


def test_an_early_report_makes_the_next_one_due_a_regular_limit_later(db, clock, people):
    """第十七条(三): a report on 06-10 makes the next one due 10 working days later (06-25)."""
    operator, unit, _ = people
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "set_legal_deadline", **LEGAL), now=clock())
    june_10 = datetime(2026, 6, 10, 2, tzinfo=UTC)
    applied(db, unit, event(number, "report_progress", progress="已约谈当事人"), now=june_10)
    assert row(db, number).progress_due == date(2026, 6, 25)
    assert tickets_overdue.detect(db, now=END_OF[15], calendar=CALENDAR) == 0


def test_progress_reports_need_a_legal_deadline(db, clock, people):
    operator, unit, _ = people
    number = create(db, operator, now=clock())
    reason = _refused(db, unit, event(number, "report_progress", progress="正在办理"), clock())
    assert reason.code is ErrorCode.RULE_VIOLATION
    assert "第十七条(三)" in reason.problems[0].message
    reason = _refused(db, unit, event(number, "report_progress", progress=" "), clock())
    assert reason.problems[0].message == "请填写办理进展情况"


def test_completion_overdue_follows_the_legal_deadline(db, clock, people):
    """第十七条(三) with 第二十条(二): after the regular 06-15 the ticket is not overdue (its
    deadline is the law's 06-30); after 06-30 it is; completion counts against 06-30."""
    operator, unit, _ = people
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    applied(db, unit, event(number, "set_legal_deadline", **LEGAL), now=clock())
    applied(db, unit, event(number, "report_progress", progress="已核实"),
            now=datetime(2026, 6, 12, 2, tzinfo=UTC))
    assert row(db, number).progress_due == date(2026, 6, 29)
    assert tickets_overdue.detect(db, now=END_OF[15], calendar=CALENDAR) == 0
    assert not _view(db, number, END_OF[15]).overdue
    applied(db, unit, event(number, "report_progress", progress="已形成答复意见"),
            now=datetime(2026, 6, 22, 2, tzinfo=UTC))
    assert row(db, number).progress_due is None
    assert tickets_overdue.detect(db, now=END_OF[29], calendar=CALENDAR) == 0
    assert tickets_overdue.detect(db, now=END_OF[30], calendar=CALENDAR) == 1
    assert row(db, number).overdue
    on_time = create(db, operator, now=clock(), topic="另一件")
    applied(db, unit, event(on_time, "contact", **CONTACT), now=clock())
    applied(db, unit, event(on_time, "set_legal_deadline", **LEGAL), now=clock())
    applied(db, unit, event(on_time, "complete", reply="已公开", approver="王局"),
            now=END_OF[20])
    assert row(db, on_time).completed_on_time is True


def test_no_extension_under_a_legal_deadline(db, clock, people):
    """The decision pinned (第十七条(三), 第十八条): a 第十八条 extension is refused once a legal
    deadline governs, both when requested and when approved."""
    operator, unit, lead = people
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", **CONTACT), now=clock())
    applied(db, unit, event(number, "request_extension", reason="需现场勘查", days=5),
            now=clock())
    applied(db, unit, event(number, "set_legal_deadline", **LEGAL), now=clock())
    reason = _refused(db, lead, event(number, "approve_extension"), clock())
    assert reason.code is ErrorCode.RULE_VIOLATION
    assert "不适用第十八条延期" in reason.problems[0].message
    applied(db, lead, event(number, "deny_extension", reason="适用法定期限"), now=clock())
    reason = _refused(db, unit, event(number, "request_extension", reason="需核实", days=3),
                      clock())
    assert "第十七条(三)" in reason.problems[0].message
    assert row(db, number).completion_due == date(2026, 6, 30)


def test_an_approved_return_drops_the_legal_deadline(db, clock, people):
    """第十六条: a returned ticket goes to another unit, which records its own deadline."""
    operator, unit, lead = people
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "set_legal_deadline", **LEGAL), now=clock())
    applied(db, unit, event(number, "request_return", reason="不属本单位职责",
                            policy_basis="《三定方案》"), now=clock())
    applied(db, lead, event(number, "approve_return"), now=clock())
    returned = row(db, number)
    assert returned.legal_deadline is None and returned.progress_due is None
    applied(db, lead, event(number, "dispatch", lead_unit=OTHER_UNIT,
                            handling_requirements="请核实"), now=clock())
    again = row(db, number)
    assert again.legal_deadline is None and again.progress_due is None
    assert again.completion_due == date(2026, 6, 15)


@pytest.fixture
def installed(tmp_path: Path) -> WorkCalendar:
    install_holiday_file(resource("calendar", "example-2027.json"), tmp_path)
    return build_calendar(tmp_path)


def test_a_calendar_recompute_keeps_the_legal_deadline(db, people, installed):
    """第十七条(三) after ``calendar load``: a legal period in working days is counted again on
    the installed 2027 file (03-05 -> 03-08), the progress report with it (02-19 -> 02-22);
    an absolute date stays as the law gave it."""
    operator, unit, _ = people
    feb_1 = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
    counted = create(db, operator, now=feb_1)
    fixed = create(db, operator, now=feb_1, topic="另一件")
    applied(db, unit, event(counted, "set_legal_deadline", **LEGAL), now=feb_1)
    applied(db, unit, event(fixed, "set_legal_deadline", law="某条例", law_article="第九条",
                            legal_due_date="2027-03-31"), now=feb_1)
    before = row(db, counted)
    assert (before.completion_due, before.progress_due) == (date(2027, 3, 5), date(2027, 2, 19))

    report = recompute_open(db, installed, now=feb_1)

    assert sorted(report.moved) == sorted([counted, fixed]) and report.failed == []
    after = row(db, counted)
    assert (after.completion_due, after.progress_due) == (date(2027, 3, 8), date(2027, 2, 22))
    assert after.legal_deadline == before.legal_deadline
    assert row(db, fixed).completion_due == date(2027, 3, 31)
    assert row(db, fixed).progress_due == date(2027, 2, 22)
    with read_transaction(db):
        last = TicketEventRow.select().where(TicketEventRow.ticket_id == after.id).order_by(
            TicketEventRow.id.desc()).first(db)
    note = event_out(last).note
    assert "进展反馈时限（第十七条(三)） 2027-02-19 → 2027-02-22" in note
    assert "法定期限保留（第十七条(三)）" in note
    assert recompute_open(db, installed, now=feb_1).moved == []  # idempotent
