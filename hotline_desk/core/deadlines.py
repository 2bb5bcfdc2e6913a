"""Ticket deadlines in working days and their extension (第十五–十八条).

The day of receipt is not counted: N working days from a ticket received on day D end at
24:00 (Asia/Shanghai) of the N-th working day after D. The limits:

- first contact with the requester: 1 working day (第十五条);
- return request for a ticket outside the unit's remit: 2 working days (第十六条);
- completion: consultation 3, every other type 10 working days (第十七条(一)(二)); a legal
  deadline overrides (第十七条(三)) — :class:`LegalLimit`;
- extension (第十八条): applied for before the completion deadline, with a reason; each
  no longer than the first completion limit; at most 2 unless special circumstances are
  approved — :func:`apply_extension`, which raises :class:`RuleViolation` otherwise.

A deadline is the instant 24:00 of its day, i.e. 00:00 of the next day: a ticket is on
time while ``now < deadline``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_desk.core.errors import DataFormatError, RuleViolation
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.core.workdays import DaySource, WorkCalendar, weakest

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
class LegalLimit:
    """A completion limit set by law, regulation or rules (第十七条(三)).

    ``calendar_days``: the law counts natural days, not working days; the period then
    ends on the next working day if its last day is a day off (民法典第二百零三条).
    """

    days: int
    basis: str
    calendar_days: bool = False

    def __post_init__(self) -> None:
        problems = []
        if self.days < 1:
            problems.append(("legal_limit", "days", "法定办理时限必须是正整数"))
        if not self.basis.strip():
            problems.append(("legal_limit", "basis", "请填写法定时限的法律法规依据"))
        if problems:
            raise DataFormatError("invalid legal limit", "法定办理时限填写有误", problems)

    def unit_zh(self) -> str:
        return "日" if self.calendar_days else "个工作日"


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
    """Every deadline of one dispatched ticket."""

    received_at: datetime
    request_type: RequestType
    first_contact: DueDate  # 第十五条
    return_request: DueDate  # 第十六条
    completion: DueDate  # 第十七条; moved by each extension
    completion_limit_days: int  # the first completion limit (第十八条 caps extensions by it)
    legal_limit: LegalLimit | None = None
    extensions: tuple[Extension, ...] = ()

    @property
    def original_completion(self) -> DueDate:
        return self.extensions[0].previous if self.extensions else self.completion

    @property
    def provisional(self) -> bool:
        return any(due.provisional for due in self._all())

    @property
    def source(self) -> DaySource:
        return weakest(due.source for due in self._all())

    def _all(self) -> tuple[DueDate, ...]:
        return (self.first_contact, self.return_request, self.completion)


def _advance(
    calendar: WorkCalendar, start: date, days: int, legal: LegalLimit | None,
) -> DueDate:
    if legal is None or not legal.calendar_days:
        return due_after(calendar, start, days)
    last = start + timedelta(days=days)
    info = calendar.day(last)
    if info.workday:
        return DueDate.on(last, info.source)
    # the last day is a day off: the period ends on the next working day (民法典第二百零三条)
    shifted = calendar.add_workdays(last, 1)
    return DueDate.on(shifted.day, weakest((info.source, shifted.source)))


def ticket_deadlines(
    calendar: WorkCalendar,
    received_at: datetime,
    request_type: RequestType,
    legal_limit: LegalLimit | None = None,
) -> TicketDeadlines:
    """First-contact, return-request and completion deadlines of a ticket received at
    ``received_at`` (aware datetime; its Asia/Shanghai day is not counted)."""
    received = local_date(received_at)
    limit = legal_limit.days if legal_limit is not None else completion_limit(request_type)
    return TicketDeadlines(
        received_at=received_at,
        request_type=request_type,
        first_contact=due_after(calendar, received, FIRST_CONTACT_DAYS),
        return_request=due_after(calendar, received, RETURN_REQUEST_DAYS),
        completion=_advance(calendar, received, limit, legal_limit),
        completion_limit_days=limit,
        legal_limit=legal_limit,
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

    The new completion deadline is ``days`` (working, or natural under a natural-day legal
    limit) after the current one. Raises :class:`RuleViolation` — with the reason in
    Chinese, citing 第十八条 — when the application comes at or after the current
    deadline, has no reason, is longer than the first completion limit, or would be a
    third (or later) extension without ``special_approval`` recorded.
    """
    current = deadlines.completion
    unit = deadlines.legal_limit.unit_zh() if deadlines.legal_limit else "个工作日"
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
    moved = _advance(calendar, current.date, days, deadlines.legal_limit)
    extension = Extension(applied_at, days, reason.strip(), special_approval, current, moved)
    return replace(deadlines, completion=moved, extensions=(*deadlines.extensions, extension))
