"""Ticket deadlines in working days and their extension (第十五–十八条).

The day of receipt is not counted: N working days from a ticket received on day D end at
24:00 (Asia/Shanghai) of the N-th working day after D. The limits:

- first contact with the requester: 1 working day (第十五条);
- return request for a ticket outside the unit's remit: 2 working days (第十六条);
- completion: consultation 3, every other type 10 working days (第十七条(一)(二)); a legal
  deadline overrides, with progress reports still due (第十七条(三)) —
  ``core.legal_deadline`` (``apply_legal_deadline``);
- extension (第十八条): applied for before the completion deadline, with a reason; each
  no longer than the first completion limit; at most 2 unless special circumstances are
  approved — :func:`apply_extension`, which raises :class:`RuleViolation` otherwise, and
  always once a legal deadline governs the ticket (the decision is explained in
  ``core.legal_deadline``).

A deadline is the instant 24:00 of its day, i.e. 00:00 of the next day: a ticket is on
time while ``now < deadline``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hotline_desk.core.errors import DataFormatError, RuleViolation
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.core.workdays import DaySource, WorkCalendar, weakest

if TYPE_CHECKING:  # legal_deadline builds on this module
    from hotline_desk.core.legal_deadline import LegalDeadline

SHANGHAI = ZoneInfo("Asia/Shanghai")

FIRST_CONTACT_DAYS = 1  # 第十五条
RETURN_REQUEST_DAYS = 2  # 第十六条
CONSULTATION_DAYS = 3  # 第十七条(一)
OTHER_REQUEST_DAYS = 10  # 第十七条(二)
MAX_EXTENSIONS = 2  # 第十八条: 无特殊情况延期申请不得超过2次


def completion_limit(request_type: RequestType) -> int:
    """Working days to complete a ticket of this type (第十七条(一)(二))."""
    return CONSULTATION_DAYS if request_type is RequestType.CONSULTATION else OTHER_REQUEST_DAYS


def require_aware(moment: datetime) -> datetime:
    """``moment`` itself; a naive datetime is refused (its day would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DataFormatError(
            f"datetime without a time zone: {moment.isoformat()}",
            "时间缺少时区信息，无法确定北京时间的日期",
        )
    return moment


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai calendar day of an aware datetime."""
    return require_aware(moment).astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """24:00 of ``day`` in Asia/Shanghai (== 00:00 of the next day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


@dataclass(frozen=True, slots=True)
class DueDate:
    """A deadline: its day, the instant it ends, and how sure the calendar is of it."""

    date: dt.date
    deadline: datetime  # 24:00 of ``date``, Asia/Shanghai
    provisional: bool
    source: DaySource

    @classmethod
    def on(cls, day: dt.date, source: DaySource) -> DueDate:
        return cls(day, end_of_day(day), source.provisional, source)

    def is_overdue(self, now: datetime) -> bool:
        return require_aware(now) >= self.deadline


def due_after(calendar: WorkCalendar, start: date, working_days: int) -> DueDate:
    """The deadline ``working_days`` working days after ``start`` (``start`` not counted)."""
    shifted = calendar.add_workdays(start, working_days)
    return DueDate.on(shifted.day, shifted.source)


@dataclass(frozen=True, slots=True)
class Extension:
    """One granted extension (第十八条)."""

    applied_at: datetime
    days: int  # in the unit of the first completion limit
    reason: str
    special_approval: bool
    previous: DueDate
    new: DueDate


@dataclass(frozen=True, slots=True)
class TicketDeadlines:
    """Every deadline of one dispatched ticket.

    With a legal deadline (第十七条(三), ``core.legal_deadline``): ``completion`` is the
    law's, ``regular_completion`` the 第十七条(一)(二) deadline it replaced, and
    ``progress_report`` when the next progress report is due (``None``: none is due).
    """

    received_at: datetime
    request_type: RequestType
    first_contact: DueDate  # 第十五条
    return_request: DueDate  # 第十六条
    completion: DueDate  # 第十七条; moved by each extension, replaced by a legal deadline
    completion_limit_days: int  # the first completion limit (第十八条 caps extensions by it)
    extensions: tuple[Extension, ...] = ()
    legal: LegalDeadline | None = None  # 第十七条(三)
    regular_completion: DueDate | None = None  # set with ``legal``: what it replaced
    progress_report: DueDate | None = None  # 第十七条(三): the next progress report
    progress_reported_at: datetime | None = None  # the latest progress report

    @property
    def original_completion(self) -> DueDate:
        """The first 第十七条 completion deadline (before extensions and a legal one)."""
        if self.extensions:
            return self.extensions[0].previous
        return self.regular_completion or self.completion

    @property
    def provisional(self) -> bool:
        return any(due.provisional for due in self._all())

    @property
    def source(self) -> DaySource:
        return weakest(due.source for due in self._all())

    def _all(self) -> tuple[DueDate, ...]:
        progress = () if self.progress_report is None else (self.progress_report,)
        return (self.first_contact, self.return_request, self.completion, *progress)


def ticket_deadlines(
    calendar: WorkCalendar,
    received_at: datetime,
    request_type: RequestType,
) -> TicketDeadlines:
    """First-contact, return-request and completion deadlines of a ticket received at
    ``received_at`` (aware datetime; its Asia/Shanghai day is not counted)."""
    received = local_date(received_at)
    limit = completion_limit(request_type)
    return TicketDeadlines(
        received_at=received_at,
        request_type=request_type,
        first_contact=due_after(calendar, received, FIRST_CONTACT_DAYS),
        return_request=due_after(calendar, received, RETURN_REQUEST_DAYS),
        completion=due_after(calendar, received, limit),
        completion_limit_days=limit,
    )


def apply_extension(
    calendar: WorkCalendar,
    deadlines: TicketDeadlines,
    *,
    applied_at: datetime,
    days: int,
    reason: str,
    special_approval: bool = False,
) -> TicketDeadlines:
    """Grant an extension of ``days`` (第十八条) and return the moved deadlines.

    The new completion deadline is ``days`` working days after the current one. Raises
    :class:`RuleViolation` — with the reason in Chinese, citing 第十八条 — when the
    application comes at or after the current deadline, has no reason, is longer than the
    first completion limit, or would be a third (or later) extension without
    ``special_approval`` recorded; and whenever a legal deadline governs the ticket
    (第十七条(三): the law's period is not the hotline's to extend — see
    ``core.legal_deadline``).
    """
    current = deadlines.completion
    unit = "个工作日"  # the unit of the first completion limit (第十七条(一)(二))
    if deadlines.legal is not None:
        raise RuleViolation(
            "extension of a ticket with a legal deadline",
            f"本工单适用法定期限（{deadlines.legal.basis_zh}，{deadlines.legal.term_zh}），"
            f"依据第十七条(三)从其规定，不适用第十八条延期；法律法规允许延长期限的，"
            f"请按其规定重新登记法定期限",
        )
    if days < 1:
        raise RuleViolation(f"extension of {days} days", "延期天数必须是正整数")
    if not reason.strip():
        raise RuleViolation(
            "extension without a reason",
            "依据第十八条，申请延期应当说明理由",
        )
    if require_aware(applied_at) >= current.deadline:
        raise RuleViolation(
            f"extension applied at {applied_at.isoformat()}, after the deadline "
            f"{current.deadline.isoformat()}",
            f"依据第十八条，延期应在办理时限内提前申请；本工单已于"
            f"{current.date.isoformat()} 24:00 到期，不能再申请延期",
        )
    if days > deadlines.completion_limit_days:
        raise RuleViolation(
            f"extension of {days} days exceeds the first limit of "
            f"{deadlines.completion_limit_days}",
            f"依据第十八条，申请延期时限不得超过首次办理时限"
            f"（{deadlines.completion_limit_days}{unit}），本次申请 {days}{unit}",
        )
    if len(deadlines.extensions) >= MAX_EXTENSIONS and not special_approval:
        raise RuleViolation(
            f"extension number {len(deadlines.extensions) + 1} without special approval",
            f"依据第十八条，无特殊情况延期申请不得超过{MAX_EXTENSIONS}次；本工单已延期"
            f"{len(deadlines.extensions)}次，如确有特殊情况须经批准并登记后再申请",
        )
    moved = due_after(calendar, current.date, days)
    extension = Extension(applied_at, days, reason.strip(), special_approval, current, moved)
    return replace(deadlines, completion=moved, extensions=(*deadlines.extensions, extension))
