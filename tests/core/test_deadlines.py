"""Ticket deadlines and extensions (第十五、十六、十七、十八条)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.deadlines import (
    SHANGHAI,
    DueDate,
    TicketDeadlines,
    apply_extension,
    completion_limit,
    end_of_day,
    local_date,
    ticket_deadlines,
)
from hotline_desk.core.errors import DataFormatError, RuleViolation
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.core.workdays import DaySource, HolidayYear, WorkCalendar

CALENDAR = WorkCalendar()


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def complaint(received: datetime, calendar: WorkCalendar = CALENDAR) -> TicketDeadlines:
    return ticket_deadlines(calendar, received, RequestType.COMPLAINT)


def test_completion_limits_by_request_type() -> None:
    """第十七条(一)(二): consultation 3 working days, every other type 10."""
    assert completion_limit(RequestType.CONSULTATION) == 3
    for kind in (RequestType.HELP, RequestType.COMPLAINT, RequestType.REPORT,
                 RequestType.SUGGESTION):
        assert completion_limit(kind) == 10


def test_ticket_received_before_mid_autumn_2026() -> None:
    """Received Thu 2026-09-24: 中秋 9-25..27 and 国庆 10-01..07 are off, Sat 10-10 is worked.
    第十五条 first contact 1, 第十六条 return 2, 第十七条 completion 10 (咨询 3)."""
    ticket = complaint(at(2026, 9, 24))
    assert ticket.first_contact.date == date(2026, 9, 28)
    assert ticket.return_request.date == date(2026, 9, 29)
    assert ticket.completion.date == date(2026, 10, 15)
    assert ticket.completion_limit_days == 10
    assert not ticket.provisional and ticket.source is DaySource.OFFICIAL
    consultation = ticket_deadlines(CALENDAR, at(2026, 9, 24), RequestType.CONSULTATION)
    assert consultation.completion.date == date(2026, 9, 30)


def test_make_up_working_days_count() -> None:
    """Sun 2026-09-20 and Sat 2026-10-10 are worked (调休): 1-day deadlines land on them."""
    assert complaint(at(2026, 9, 18, 16)).first_contact.date == date(2026, 9, 20)
    assert complaint(at(2026, 10, 9, 9)).first_contact.date == date(2026, 10, 10)
    assert complaint(at(2026, 9, 30, 23, 59)).first_contact.date == date(2026, 10, 8)


def test_the_day_of_receipt_is_the_beijing_day() -> None:
    """2026-09-17 16:30 UTC is Fri 2026-09-18 00:30 in Beijing: the receipt day is the 18th."""
    received = datetime(2026, 9, 17, 16, 30, tzinfo=UTC)
    assert local_date(received) == date(2026, 9, 18)
    assert complaint(received).first_contact.date == date(2026, 9, 20)
    with pytest.raises(DataFormatError) as caught:
        complaint(datetime(2026, 9, 17, 16, 30))
    assert "时区" in caught.value.message_zh


def test_deadline_is_24_00_beijing_of_the_due_day() -> None:
    """A deadline ends at 24:00 of its N-th working day (第十五–十七条)."""
    due = complaint(at(2026, 9, 24)).first_contact
    assert due.deadline == datetime(2026, 9, 29, 0, 0, tzinfo=SHANGHAI)
    assert due.deadline == end_of_day(date(2026, 9, 28))
    assert not due.is_overdue(datetime(2026, 9, 28, 23, 59, 59, tzinfo=SHANGHAI))
    assert not due.is_overdue(datetime(2026, 9, 28, 15, 59, 59, tzinfo=UTC))
    assert due.is_overdue(datetime(2026, 9, 28, 16, 0, tzinfo=UTC))
    with pytest.raises(DataFormatError):
        due.is_overdue(datetime(2026, 9, 30))


def test_completion_running_into_2027_is_provisional() -> None:
    """Received 2026-12-24: the 10-working-day completion deadline falls in 2027, which no
    official data covers; the statutory rules make 2027-01-01 元旦 a day off -> 2027-01-08,
    marked provisional. First contact (12-25) and return (12-28) stay official."""
    ticket = complaint(at(2026, 12, 24, 9, 30))
    assert ticket.first_contact == DueDate.on(date(2026, 12, 25), DaySource.OFFICIAL)
    assert ticket.return_request.date == date(2026, 12, 28)
    assert ticket.completion.date == date(2027, 1, 8)
    assert ticket.completion.provisional
    assert ticket.completion.source is DaySource.STATUTORY_FALLBACK
    assert ticket.provisional and ticket.source is DaySource.STATUTORY_FALLBACK
    assert not ticket.first_contact.provisional


def test_an_admin_2027_file_changes_the_answer() -> None:
    """With the admin's 2027 arrangement the same ticket is no longer provisional, and a
    ticket received before 春节 gets the notice's longer break and worked Saturday."""
    spring = {date(2027, 2, 5) + timedelta(days=k): "春节" for k in range(8)}
    admin = HolidayYear(2027, {date(2027, 1, 1): "元旦", **spring},
                        {date(2027, 2, 20): "春节"}, "国务院办公厅", "测试用通知")
    calendar = WorkCalendar([admin])
    ticket = complaint(at(2026, 12, 24, 9, 30), calendar)
    assert ticket.completion == DueDate.on(date(2027, 1, 8), DaySource.ADMIN_FILE)
    assert not ticket.provisional
    assert complaint(at(2027, 2, 1), CALENDAR).completion.date == date(2027, 2, 19)
    assert complaint(at(2027, 2, 1), calendar).completion.date == date(2027, 2, 22)


def test_two_extensions_then_a_third_is_refused() -> None:
    """第十八条: 无特殊情况延期申请不得超过2次; each extension counts from the current deadline."""
    ticket = complaint(at(2026, 9, 24))  # completion 2026-10-15
    once = apply_extension(CALENDAR, ticket, applied_at=at(2026, 10, 14), days=10,
                           reason="需现场勘查")
    assert once.completion.date == date(2026, 10, 29)
    assert once.original_completion.date == date(2026, 10, 15)
    twice = apply_extension(CALENDAR, once, applied_at=at(2026, 10, 28), days=5,
                            reason="等待检测报告")
    assert twice.completion.date == date(2026, 11, 5)
    assert [e.days for e in twice.extensions] == [10, 5]
    with pytest.raises(RuleViolation) as caught:
        apply_extension(CALENDAR, twice, applied_at=at(2026, 11, 2), days=3, reason="仍需协调")
    assert "第十八条" in caught.value.message_zh
    assert "不得超过2次" in caught.value.message_zh
    approved = apply_extension(CALENDAR, twice, applied_at=at(2026, 11, 2), days=3,
                               reason="跨部门协调，经批准", special_approval=True)
    assert approved.completion.date == date(2026, 11, 10)
    assert approved.extensions[-1].special_approval


def test_an_extension_longer_than_the_first_limit_is_refused() -> None:
    """第十八条: 申请延期时限不得超过首次办理时限 (3 working days for a consultation)."""
    ticket = ticket_deadlines(CALENDAR, at(2026, 9, 24), RequestType.CONSULTATION)
    with pytest.raises(RuleViolation) as caught:
        apply_extension(CALENDAR, ticket, applied_at=at(2026, 9, 29), days=4, reason="需核实")
    assert "第十八条" in caught.value.message_zh
    assert "3个工作日" in caught.value.message_zh
    exact = apply_extension(CALENDAR, ticket, applied_at=at(2026, 9, 29), days=3, reason="需核实")
    assert exact.completion.date == date(2026, 10, 10)  # 10-08, 10-09, Sat 10-10 worked


def test_an_extension_after_the_deadline_is_refused() -> None:
    """第十八条: 应提前…申请延期 — at or after 24:00 of the due day it is too late."""
    ticket = complaint(at(2026, 9, 24))  # due 2026-10-15 24:00
    with pytest.raises(RuleViolation) as caught:
        apply_extension(CALENDAR, ticket, applied_at=at(2026, 10, 16, 0, 0), days=2,
                        reason="来不及")
    assert "第十八条" in caught.value.message_zh and "2026-10-15" in caught.value.message_zh
    late_evening = datetime(2026, 10, 15, 23, 59, 59, tzinfo=SHANGHAI)
    assert apply_extension(CALENDAR, ticket, applied_at=late_evening, days=2,
                           reason="需补充材料").completion.date == date(2026, 10, 19)


@pytest.mark.parametrize(("days", "reason", "expected"), [
    (2, "  ", "说明理由"),
    (0, "需核实", "正整数"),
])
def test_an_extension_needs_a_reason_and_days(days: int, reason: str, expected: str) -> None:
    ticket = complaint(at(2026, 9, 24))
    with pytest.raises(RuleViolation) as caught:
        apply_extension(CALENDAR, ticket, applied_at=at(2026, 9, 25), days=days, reason=reason)
    assert expected in caught.value.message_zh


received_moments = st.datetimes(
    min_value=datetime(2004, 1, 2), max_value=datetime(2035, 12, 1), timezones=st.just(UTC),
)


@given(received_moments, st.sampled_from(list(RequestType)))
def test_deadlines_are_ordered_working_days(received: datetime, kind: RequestType) -> None:
    """第十五条 (1) < 第十六条 (2) <= 第十七条 (3 or 10), all on working days after receipt."""
    ticket = ticket_deadlines(CALENDAR, received, kind)
    day = local_date(received)
    dues = (ticket.first_contact, ticket.return_request, ticket.completion)
    assert day < dues[0].date < dues[1].date < dues[2].date
    assert all(CALENDAR.is_workday(due.date) for due in dues)
    assert all(due.deadline == end_of_day(due.date) for due in dues)


@given(received_moments, st.integers(min_value=1, max_value=10))
def test_an_extension_moves_the_deadline_by_exactly_its_days(
    received: datetime, days: int,
) -> None:
    """第十八条: an extension of N working days ends N working days after the old deadline."""
    ticket = complaint(received)
    applied = ticket.completion.deadline - timedelta(hours=1)
    moved = apply_extension(CALENDAR, ticket, applied_at=applied, days=days, reason="需协调")
    assert moved.completion.date == CALENDAR.add_workdays(ticket.completion.date, days).day
    assert moved.first_contact == ticket.first_contact
