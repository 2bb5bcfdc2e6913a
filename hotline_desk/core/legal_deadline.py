"""A completion deadline set by law, and the progress reports still owed (第十七条(三)).

第十七条(三): "法律法规规章等另有规定的从其规定，但应动态反馈办理进展情况". When a law,
regulation or rule sets its own period for the matter (e.g. 《政府信息公开条例》第三十三条:
20 working days), that period replaces the 3 or 10 working days of 第十七条(一)(二); the
unit must still report progress as it goes.

:class:`LegalDeadline` is the law's period as the law states it — a number of working days,
a number of natural (calendar) days, or an absolute date — with its basis (the name of the
law and the article, both required). :func:`apply_legal_deadline` applies it to a ticket's
:class:`~hotline_desk.core.deadlines.TicketDeadlines`:

* the completion deadline becomes the legal one, counted from the day the unit received the
  ticket (the day of dispatch), that day not counted (民法典第二百零一条, as 第十七条 counts):
  N working days end at 24:00 of the N-th working day after it; N natural days end at
  24:00 of the N-th day after it, or — when that day is a day off — of the next working
  day (民法典第二百零三条); an absolute date is taken as it is (it must not be before the
  day of receipt; no holiday calendar moves it, so it is never 暂定). When the law counts
  from another day (e.g. 收到申请之日, before the hotline dispatched it), the unit records
  the absolute date the law gives;
* a *progress report* is due at the regular 第十七条 deadline — the deadline the ticket
  would have had without the law (3 or 10 working days, moved by any extension granted
  before the law's deadline was recorded). Progress is reported "动态" (as it goes), so each
  report (:func:`report_progress`) makes the next one due one regular limit (3 or 10
  working days) after the day of that report. A report is never due at or after the
  completion deadline: completing the ticket is its final report. So when the law's
  deadline is not later than the regular one, no progress report is due at all (the
  ticket must be completed before the regular limit would have come). The regulation names
  no interval for "动态反馈"; the regular limit is the desk's choice — no longer than the
  unit would have had to finish the whole matter under 第十七条 — and what a centre can
  supervise (第二十条(二)).

Extensions (第十八条) on a ticket with a legal deadline — the decision, from the text:
第十八条 lets a unit that cannot finish "在办理时限内" apply to the hotline working body
(热线工作机构) for an extension "不得超过首次办理时限". That is the working body's own limit
of 第十七条(一)(二). A period set by law is not the working body's to lengthen (第十七条(三):
从其规定), and "no longer than the first limit" has no meaning for it. So the legal deadline
governs: once one is recorded, :func:`~hotline_desk.core.deadlines.apply_extension` refuses
a 第十八条 extension (its Chinese reason says so). Where the law itself allows the period to
be lengthened (e.g. 《政府信息公开条例》第三十三条第二款, at most 20 more working days), the
unit records the new legal deadline with that article as its basis — a legal deadline may
be recorded again, it replaces the previous one. Extensions granted *before* the legal
deadline was recorded stay in the history and in the regular deadline (hence the first
progress report); they no longer move the completion deadline.

Pure: the caller passes the calendar and the values; nothing here reads files or clocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hotline_desk.core.deadlines import (
    DueDate,
    TicketDeadlines,
    due_after,
    local_date,
    require_aware,
)
from hotline_desk.core.errors import DataFormatError, RuleViolation
from hotline_desk.core.vocabulary import LabeledEnum
from hotline_desk.core.workdays import DaySource, WorkCalendar, weakest

__all__ = [
    "LAW_MAX_LENGTH",
    "MAX_LEGAL_DAYS",
    "LegalDayKind",
    "LegalDeadline",
    "apply_legal_deadline",
    "next_progress_report",
    "report_progress",
]

MAX_LEGAL_DAYS = 3650  # ten years: longer is a typing error, not a law
LAW_MAX_LENGTH = 100
ARTICLE_MAX_LENGTH = 60
LOCATION = "legal_deadline"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOK_MARKS = "《》<>〈〉 \t"


class LegalDayKind(LabeledEnum):
    """How the law counts its days: "N个工作日" or "N日" (natural days)."""

    WORKING_DAYS = ("working_days", "工作日")
    CALENDAR_DAYS = ("calendar_days", "自然日")


@dataclass(frozen=True, slots=True)
class LegalDeadline:
    """A period set by law for the matter (第十七条(三)), as the law states it.

    ``law``: the law, regulation or rule (《》 optional); ``article``: the article (and
    paragraph) that sets the period. Exactly one of ``days`` (counted as ``day_kind``
    says) and ``until`` (an absolute date) is given. Invalid values raise
    :class:`DataFormatError` listing every problem in Chinese.
    """

    law: str
    article: str
    days: int | None = None
    day_kind: LegalDayKind = LegalDayKind.WORKING_DAYS
    until: date | None = None

    def __post_init__(self) -> None:
        problems = _problems(self.law, self.article, self.days, self.until)
        if problems:
            raise DataFormatError("invalid legal deadline", "法定期限填写有误", problems)

    # ------------------------------------------------------------ constructors

    @classmethod
    def working_days(cls, law: str, article: str, days: int) -> LegalDeadline:
        return cls(law, article, days, LegalDayKind.WORKING_DAYS)

    @classmethod
    def calendar_days(cls, law: str, article: str, days: int) -> LegalDeadline:
        return cls(law, article, days, LegalDayKind.CALENDAR_DAYS)

    @classmethod
    def fixed(cls, law: str, article: str, until: date) -> LegalDeadline:
        return cls(law, article, until=until)

    @classmethod
    def from_fields(
        cls,
        *,
        law: object,
        article: object,
        days: object = None,
        day_kind: object = None,
        until: object = None,
    ) -> LegalDeadline:
        """A legal deadline from form or payload values (text, numbers, ``None``).

        ``law`` loses surrounding 《》; ``days`` may be an ``int`` or its digits;
        ``day_kind`` a :class:`LegalDayKind`, its code or its label (required with
        ``days``); ``until`` a ``date`` or ``YYYY-MM-DD``. Raises :class:`DataFormatError`
        with every problem, each naming its payload field (``law``, ``law_article``,
        ``legal_days``, ``legal_day_kind``, ``legal_due_date``).
        """
        problems: list[tuple[str, str, str]] = []
        law_text = law.strip().strip(_BOOK_MARKS) if isinstance(law, str) else ""
        article_text = article.strip() if isinstance(article, str) else ""
        number = _parse_days(days, problems)
        kind = _parse_kind(day_kind, number, problems)
        until_day = _parse_date(until, problems)
        seen = {field for _, field, _ in problems}
        problems += [item for item in _problems(law_text, article_text, number, until_day)
                     if item[1] not in seen]
        if problems:
            raise DataFormatError("invalid legal deadline", "法定期限填写有误", problems)
        return cls(law_text, article_text, number, kind, until_day)

    # ------------------------------------------------------------ reading

    @property
    def basis_zh(self) -> str:
        """``《政府信息公开条例》第三十三条``."""
        return f"《{self.law.strip().strip(_BOOK_MARKS)}》{self.article.strip()}"

    @property
    def term_zh(self) -> str:
        """The period as the law states it: ``20个工作日``, ``30日``, ``2027-03-31前``."""
        if self.until is not None:
            return f"{self.until.isoformat()}前"
        unit = "个工作日" if self.day_kind is LegalDayKind.WORKING_DAYS else "日"
        return f"{self.days}{unit}"

    def due(self, calendar: WorkCalendar, received: date) -> DueDate:
        """The deadline for a ticket the unit received on ``received`` (not counted)."""
        if self.until is not None:
            if self.until < received:
                message = (f"法定期限截止日期（{self.until.isoformat()}）不能早于承办单位接到"
                           f"工单的日期（{received.isoformat()}）")
                raise DataFormatError(
                    f"legal deadline {self.until} is before the day of receipt {received}",
                    message, [(LOCATION, "legal_due_date", message)])
            # not counted on the calendar: no holiday notice can move it (never 暂定)
            return DueDate.on(self.until, DaySource.OFFICIAL)
        assert self.days is not None  # __post_init__: exactly one of days and until
        if self.day_kind is LegalDayKind.WORKING_DAYS:
            return due_after(calendar, received, self.days)
        last = received + timedelta(days=self.days)
        info = calendar.day(last)
        if info.workday:
            return DueDate.on(last, info.source)
        # the last day is a day off: the period ends on the next working day (民法典第二百零三条)
        shifted = calendar.add_workdays(last, 1)
        return DueDate.on(shifted.day, weakest((info.source, shifted.source)))


def _problems(law: str, article: str, days: int | None,
              until: date | None) -> list[tuple[str, str, str]]:
    problems: list[tuple[str, str, str]] = []
    if not law.strip().strip(_BOOK_MARKS):
        problems.append((LOCATION, "law", "请填写法定期限的法律法规规章名称"))
    elif len(law) > LAW_MAX_LENGTH:
        problems.append((LOCATION, "law", f"法律法规规章名称不能超过{LAW_MAX_LENGTH}个字"))
    if not article.strip():
        problems.append((LOCATION, "law_article", "请填写规定期限的条款（如“第三十三条”）"))
    elif len(article) > ARTICLE_MAX_LENGTH:
        problems.append((LOCATION, "law_article", f"条款不能超过{ARTICLE_MAX_LENGTH}个字"))
    if days is None and until is None:
        problems.append((LOCATION, "legal_days", "请填写法定期限的天数或截止日期"))
    elif days is not None and until is not None:
        problems.append((LOCATION, "legal_due_date",
                         "法定期限请按法律规定填写天数或截止日期，不能同时填写"))
    elif days is not None and not 1 <= days <= MAX_LEGAL_DAYS:
        problems.append((LOCATION, "legal_days",
                         f"法定期限天数应为1至{MAX_LEGAL_DAYS}之间的整数"))
    return problems


def _parse_days(value: object, problems: list[tuple[str, str, str]]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    problems.append((LOCATION, "legal_days", "法定期限天数应为正整数"))
    return None


def _parse_kind(value: object, days: int | None,
                problems: list[tuple[str, str, str]]) -> LegalDayKind:
    if value is None or (isinstance(value, str) and not value.strip()):
        if days is not None:
            problems.append((LOCATION, "legal_day_kind",
                             "请注明法定期限按工作日还是自然日计算（法律写“N个工作日”或“N日”）"))
        return LegalDayKind.WORKING_DAYS
    if isinstance(value, str):
        try:
            return LegalDayKind.from_label(value)
        except ValueError:
            pass
    problems.append((LOCATION, "legal_day_kind", "法定期限计算方式应为“工作日”或“自然日”"))
    return LegalDayKind.WORKING_DAYS


def _parse_date(value: object, problems: list[tuple[str, str, str]]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        problems.append((LOCATION, "legal_due_date", "截止日期应为日期（如2027-03-31）"))
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append((LOCATION, "legal_due_date", "截止日期应为日期（如2027-03-31）"))
    return None


# ---------------------------------------------------------------- applying it


def next_progress_report(calendar: WorkCalendar, deadlines: TicketDeadlines) -> DueDate | None:
    """When the next progress report is due (see the module doc), ``None`` when none is.

    Before any report: the regular 第十七条 deadline; after one: one regular limit
    (``completion_limit_days`` working days) after the day of the latest report. Never at
    or after the completion deadline. ``None`` without a legal deadline.
    """
    if deadlines.legal is None:
        return None
    if deadlines.progress_reported_at is None:
        due = deadlines.regular_completion or deadlines.completion
    else:
        due = due_after(calendar, local_date(deadlines.progress_reported_at),
                        deadlines.completion_limit_days)
    return due if due.deadline < deadlines.completion.deadline else None


def apply_legal_deadline(calendar: WorkCalendar, deadlines: TicketDeadlines,
                         legal: LegalDeadline) -> TicketDeadlines:
    """``deadlines`` with ``legal`` as the completion deadline (第十七条(三)).

    The regular deadline it replaces is kept (``regular_completion``) and sets the first
    progress report; a legal deadline recorded again replaces the previous one, counted
    from the same day of receipt. Progress already reported is kept. Raises
    :class:`DataFormatError` when an absolute date is before the day of receipt.
    """
    regular = deadlines.regular_completion or deadlines.completion
    completion = legal.due(calendar, local_date(deadlines.received_at))
    applied = replace(deadlines, completion=completion, regular_completion=regular,
                      legal=legal)
    return replace(applied, progress_report=next_progress_report(calendar, applied))


def report_progress(calendar: WorkCalendar, deadlines: TicketDeadlines,
                    reported_at: datetime) -> TicketDeadlines:
    """``deadlines`` after the unit reported progress at ``reported_at`` (aware): the next
    report is due one regular limit later, or none (see :func:`next_progress_report`).

    Raises :class:`RuleViolation` when the ticket has no legal deadline: under the regular
    limits of 第十七条(一)(二) the result itself is due, and 第十七条(三) asks for progress
    reports only where a law sets a longer period.
    """
    require_aware(reported_at)
    if deadlines.legal is None:
        raise RuleViolation(
            "progress report on a ticket without a legal deadline",
            "本工单未登记法定期限，按第十七条规定的时限办结即可；"
            "动态反馈办理进展适用于法律法规另有规定期限的工单（第十七条(三)）")
    reported = replace(deadlines, progress_reported_at=reported_at)
    return replace(reported, progress_report=next_progress_report(calendar, reported))
