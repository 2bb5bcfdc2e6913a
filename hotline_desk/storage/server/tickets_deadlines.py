"""A ticket's deadlines as stored columns, computed with the core calendar (第十五–十八条).

The rules are ``core.deadlines``: :func:`compute` calls ``ticket_deadlines`` when a ticket
is dispatched (the handling unit receives it then, so the day of dispatch is the day of
receipt that is not counted), :func:`rebuild` recomputes them and replays the granted
extensions (``apply_extension``) so an extension is checked against the ticket's real
history, and :func:`columns` turns them into the row's columns (due dates, the instants
they end, the provisional flag, the weakest calendar source and the calendar fingerprint).

The calendar fingerprint (``tickets.calendar_fingerprint``, :func:`calendar_fingerprint`)
says exactly which calendar data the stored deadlines were counted on: one token
``YEAR:SOURCE:HASH`` for each year from the day of dispatch to the latest due date, where
``HASH`` is a digest of that year's working-day table and ``SOURCE`` the source that
answered for it (``official`` / ``admin_file`` / ``statutory_fallback``). Those are the
only calendar facts a deadline depends on (``WorkCalendar.add_workdays`` counts the
working days of those years and reports their weakest source), so the deadlines must be
recomputed when, and only when, a token differs from the current calendar's
(``tickets_recalendar``). ``columns`` writes the fingerprint only when it is given the
calendar the deadlines were computed with; without it the column is cleared (NULL =
"not known: check at the next recompute pass"), so a stored fingerprint never describes
deadlines it was not computed with.

A deadline set by law (第十七条(三), ``core.legal_deadline``): ``tickets.legal_deadline``
holds the law's period as the lead unit recorded it (:func:`legal_record`; the inputs,
with the moment it was recorded) and ``tickets.progress_reported_at`` the latest progress
report. :func:`rebuild` applies both after the extensions (a legal deadline ends
extensions, so every granted one came before it): the completion columns then hold the
law's deadline, and ``progress_due``/``progress_deadline`` when the next progress report
is due (NULL: none is due). A recompute with another calendar therefore keeps the legal
deadline, counting its working or natural days on the new calendar.

Overdue (第二十条(二) 逾期未办理（结）): a ticket still with its unit is overdue once its
completion deadline has passed, or — not yet contacted — once its first-contact deadline
(第十五条) has passed. :func:`is_overdue` decides it from the row; the scheduler stores it
and every read recomputes it. Separately, :func:`is_progress_overdue`: a progress report
due under a legal deadline was not made by its deadline (its own supervision ground).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

import peewee

from hotline_desk.core.deadlines import (
    Extension,
    TicketDeadlines,
    apply_extension,
    due_after,
    local_date,
    ticket_deadlines,
)
from hotline_desk.core.errors import RuleViolation
from hotline_desk.core.legal_deadline import (
    LegalDayKind,
    LegalDeadline,
    apply_legal_deadline,
    report_progress,
)
from hotline_desk.core.protocol import (
    HANDLING_STATES,
    DeadlinesOut,
    ExtensionOut,
    LegalDeadlineOut,
)
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.core.workdays import DaySource, WorkCalendar
from hotline_desk.storage.server.tickets_models import TicketRow


def compute(calendar: WorkCalendar, dispatched_at: datetime,
            request_type: RequestType) -> TicketDeadlines:
    return ticket_deadlines(calendar, dispatched_at, request_type)


def _extension_record(extension: Extension) -> dict[str, Any]:
    return {"applied_at": extension.applied_at.isoformat(), "days": extension.days,
            "reason": extension.reason, "special_approval": extension.special_approval,
            "previous_due": extension.previous.date.isoformat(),
            "new_due": extension.new.date.isoformat()}


def legal_record(legal: LegalDeadline, recorded_at: datetime) -> dict[str, Any]:
    """The ``tickets.legal_deadline`` value: the law's period as recorded (第十七条(三))."""
    return {"law": legal.law, "article": legal.article, "days": legal.days,
            "day_kind": legal.day_kind.value if legal.days is not None else None,
            "until": legal.until.isoformat() if legal.until is not None else None,
            "recorded_at": recorded_at.isoformat()}


def legal_of(record: dict[str, Any]) -> LegalDeadline:
    """The :class:`LegalDeadline` of a stored ``legal_record``."""
    until = record.get("until")
    return LegalDeadline(
        law=str(record["law"]), article=str(record["article"]),
        days=int(record["days"]) if record.get("days") is not None else None,
        day_kind=LegalDayKind(record.get("day_kind") or LegalDayKind.WORKING_DAYS.value),
        until=date.fromisoformat(until) if until else None)


def rebuild(calendar: WorkCalendar, row: TicketRow) -> TicketDeadlines | None:
    """The ticket's deadlines recomputed from its dispatch, with its extensions replayed.

    Every deadline is recomputed from the inputs of its first computation: the moment of
    dispatch and the request type, then each granted extension (第十八条) from its own
    inputs (when it was applied for, how many working days, the reason, special
    approval) — never from stored due dates, so a recompute with another calendar moves
    an extended deadline exactly as the calendar moves it and keeps every extension.
    An extension that no longer passes ``apply_extension``'s checks under this calendar
    (the calendar moved the deadline it was applied against to before its application)
    was granted all the same: what was granted stays granted, as the same number of
    working days after the recomputed deadline. Then the legal deadline, if one was
    recorded, from its own inputs (``apply_legal_deadline``), and the latest progress
    report (``report_progress``), so the next report is counted from it.
    """
    if row.dispatched_at is None or row.request_type is None:
        return None
    deadlines = compute(calendar, row.dispatched_at, RequestType(row.request_type))
    for item in row.extensions or []:
        applied_at = datetime.fromisoformat(item["applied_at"])
        days, reason = int(item["days"]), str(item["reason"])
        special = bool(item.get("special_approval"))
        try:
            deadlines = apply_extension(calendar, deadlines, applied_at=applied_at, days=days,
                                        reason=reason, special_approval=special)
        except RuleViolation:
            current = deadlines.completion
            granted = Extension(applied_at, days, reason.strip(), special, current,
                                due_after(calendar, current.date, days))
            deadlines = replace(deadlines, completion=granted.new,
                                extensions=(*deadlines.extensions, granted))
    if row.legal_deadline:
        deadlines = apply_legal_deadline(calendar, deadlines, legal_of(row.legal_deadline))
        if row.progress_reported_at is not None:
            deadlines = report_progress(calendar, deadlines, row.progress_reported_at)
    return deadlines


_TOKENS: WeakKeyDictionary[WorkCalendar, dict[int, str]] = WeakKeyDictionary()
_TOKENS_LOCK = threading.Lock()


def year_token(calendar: WorkCalendar, year: int) -> str:
    """``YEAR:SOURCE:HASH``: the source that answers for ``year`` and a digest of its
    working days (cached per calendar object; a calendar's answers never change)."""
    with _TOKENS_LOCK:
        known = _TOKENS.setdefault(calendar, {})
        token = known.get(year)
    if token is None:
        bits = "".join("1" if info.workday else "0"
                       for month in range(1, 13) for info in calendar.month(year, month))
        digest = hashlib.sha256(bits.encode("ascii")).hexdigest()[:16]
        token = f"{year}:{calendar.source_for_year(year).value}:{digest}"
        with _TOKENS_LOCK:
            known[year] = token
    return token


def deadline_years(deadlines: TicketDeadlines) -> range:
    """The years the deadlines were counted over: the day of dispatch to the last due date."""
    dues = [deadlines.first_contact.date, deadlines.return_request.date,
            deadlines.completion.date]
    dues += [day for item in deadlines.extensions for day in (item.previous.date,
                                                                item.new.date)]
    dues += [due.date for due in (deadlines.regular_completion, deadlines.progress_report)
             if due is not None]
    return range(local_date(deadlines.received_at).year, max(dues).year + 1)


def calendar_fingerprint(calendar: WorkCalendar, deadlines: TicketDeadlines) -> str:
    """The calendar data ``deadlines`` were counted on (see the module doc)."""
    return ",".join(year_token(calendar, year) for year in deadline_years(deadlines))


def fingerprint_tokens(fingerprint: str) -> dict[int, tuple[DaySource, str]] | None:
    """``{year: (source, token)}`` of a stored fingerprint (``None`` if it is malformed)."""
    found: dict[int, tuple[DaySource, str]] = {}
    for token in fingerprint.split(","):
        parts = token.split(":")
        if len(parts) != 3 or not parts[0].isdigit():
            return None
        try:
            found[int(parts[0])] = (DaySource(parts[1]), token)
        except ValueError:
            return None
    return found or None


#: The columns that hold a ticket's deadlines (what a recompute may move).
DEADLINE_COLUMNS = ("first_contact_due", "first_contact_deadline", "return_due",
                    "return_deadline", "completion_due", "completion_deadline",
                    "completion_limit_days", "deadlines_provisional", "calendar_source",
                    "extensions", "progress_due", "progress_deadline")


def columns(deadlines: TicketDeadlines | None,
            calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """The row columns for ``deadlines`` (all ``None`` to clear them).

    ``calendar``: the calendar ``deadlines`` were computed with, for the
    ``calendar_fingerprint`` column; without it that column is cleared (unknown).
    ``legal_deadline`` (an input, written by the event that records it) is only cleared
    with the rest.
    """
    if deadlines is None:
        return {"first_contact_due": None, "first_contact_deadline": None, "return_due": None,
                "return_deadline": None, "completion_due": None, "completion_deadline": None,
                "completion_limit_days": None, "deadlines_provisional": False,
                "calendar_source": None, "extensions": [], "calendar_fingerprint": None,
                "legal_deadline": None, "progress_due": None, "progress_deadline": None,
                "progress_reported_at": None}
    progress = deadlines.progress_report
    return {
        "first_contact_due": deadlines.first_contact.date,
        "first_contact_deadline": deadlines.first_contact.deadline,
        "return_due": deadlines.return_request.date,
        "return_deadline": deadlines.return_request.deadline,
        "completion_due": deadlines.completion.date,
        "completion_deadline": deadlines.completion.deadline,
        "completion_limit_days": deadlines.completion_limit_days,
        "deadlines_provisional": deadlines.provisional,
        "calendar_source": deadlines.source.value,
        "extensions": [_extension_record(item) for item in deadlines.extensions],
        "progress_due": progress.date if progress is not None else None,
        "progress_deadline": progress.deadline if progress is not None else None,
        "progress_reported_at": deadlines.progress_reported_at,
        "calendar_fingerprint": (calendar_fingerprint(calendar, deadlines)
                                 if calendar is not None else None),
    }


def is_overdue(row: TicketRow, now: datetime) -> bool:
    """Whether the ticket is with its unit and past a deadline (see module doc)."""
    if TicketState(row.state) not in HANDLING_STATES:
        return False
    if row.completion_deadline is not None and now >= row.completion_deadline:
        return True
    return bool(row.contacted_at is None and row.first_contact_deadline is not None
                and now >= row.first_contact_deadline)


def is_progress_overdue(row: TicketRow, now: datetime) -> bool:
    """Whether a progress report due under a legal deadline (第十七条(三)) is past due: the
    ticket is with its unit and the next report's deadline has passed (each report moves
    it, so a report made clears it)."""
    return (TicketState(row.state) in HANDLING_STATES and row.progress_deadline is not None
            and now >= row.progress_deadline)


def progress_past(now: datetime) -> peewee.Expression:
    """:func:`is_progress_overdue` as a condition (for the scheduler and the lists)."""
    return (TicketRow.state.in_([state.value for state in HANDLING_STATES])
            & (TicketRow.progress_deadline <= now))


def _legal_out(row: TicketRow) -> LegalDeadlineOut | None:
    if not row.legal_deadline or row.completion_due is None:
        return None
    record = row.legal_deadline
    legal = legal_of(record)
    return LegalDeadlineOut(
        law=legal.law, article=legal.article, basis=legal.basis_zh, days=legal.days,
        day_kind=legal.day_kind.value if legal.days is not None else None,
        until=legal.until, term=legal.term_zh, due=row.completion_due,
        recorded_at=datetime.fromisoformat(record["recorded_at"]))


def to_out(row: TicketRow) -> DeadlinesOut | None:
    if row.dispatched_at is None or row.completion_due is None:
        return None
    return DeadlinesOut(
        dispatched_at=row.dispatched_at, first_contact_due=row.first_contact_due,
        return_due=row.return_due, completion_due=row.completion_due,
        completion_deadline=row.completion_deadline,
        completion_limit_days=row.completion_limit_days or 0,
        provisional=bool(row.deadlines_provisional),
        calendar_source=row.calendar_source or "",
        extensions=[ExtensionOut(
            applied_at=datetime.fromisoformat(item["applied_at"]), days=int(item["days"]),
            reason=str(item["reason"]), special_approval=bool(item.get("special_approval")),
            previous_due=date.fromisoformat(item["previous_due"]),
            new_due=date.fromisoformat(item["new_due"]))
            for item in row.extensions or []],
        legal=_legal_out(row), progress_report_due=row.progress_due,
        progress_report_deadline=row.progress_deadline,
        progress_reported_at=row.progress_reported_at,
    )
