"""A ticket's deadlines as stored columns, computed with the core calendar (第十五–十八条).

The rules are ``core.deadlines``: :func:`compute` calls ``ticket_deadlines`` when a ticket
is dispatched (the handling unit receives it then, so the day of dispatch is the day of
receipt that is not counted), :func:`rebuild` recomputes them and replays the granted
extensions (``apply_extension``) so an extension is checked against the ticket's real
history, and :func:`columns` turns them into the row's columns (due dates, the instants
they end, the provisional flag and the weakest calendar source).

Overdue (第二十条(二) 逾期未办理（结）): a ticket still with its unit is overdue once its
completion deadline has passed, or — not yet contacted — once its first-contact deadline
(第十五条) has passed. :func:`is_overdue` decides it from the row; the scheduler stores it
and every read recomputes it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from hotline_desk.core.deadlines import (
    DueDate,
    Extension,
    TicketDeadlines,
    apply_extension,
    ticket_deadlines,
)
from hotline_desk.core.errors import RuleViolation
from hotline_desk.core.protocol import HANDLING_STATES, DeadlinesOut, ExtensionOut
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.server.tickets_models import TicketRow


def compute(calendar: WorkCalendar, dispatched_at: datetime,
            request_type: RequestType) -> TicketDeadlines:
    return ticket_deadlines(calendar, dispatched_at, request_type)


def _extension_record(extension: Extension) -> dict[str, Any]:
    return {"applied_at": extension.applied_at.isoformat(), "days": extension.days,
            "reason": extension.reason, "special_approval": extension.special_approval,
            "previous_due": extension.previous.date.isoformat(),
            "new_due": extension.new.date.isoformat()}


def rebuild(calendar: WorkCalendar, row: TicketRow) -> TicketDeadlines | None:
    """The ticket's deadlines recomputed from its dispatch, with its extensions replayed.

    An extension that no longer replays (the calendar changed under it) keeps its stored
    due date: what was granted stays granted.
    """
    if row.dispatched_at is None or row.request_type is None:
        return None
    deadlines = compute(calendar, row.dispatched_at, RequestType(row.request_type))
    for item in row.extensions or []:
        try:
            deadlines = apply_extension(
                calendar, deadlines, applied_at=datetime.fromisoformat(item["applied_at"]),
                days=int(item["days"]), reason=str(item["reason"]),
                special_approval=bool(item.get("special_approval")))
        except RuleViolation:
            granted = DueDate.on(date.fromisoformat(item["new_due"]),
                                 deadlines.completion.source)
            deadlines = replace(deadlines, completion=granted)
    return deadlines


def columns(deadlines: TicketDeadlines | None) -> dict[str, Any]:
    """The row columns for ``deadlines`` (all ``None`` to clear them)."""
    if deadlines is None:
        return {"first_contact_due": None, "first_contact_deadline": None, "return_due": None,
                "return_deadline": None, "completion_due": None, "completion_deadline": None,
                "completion_limit_days": None, "deadlines_provisional": False,
                "calendar_source": None, "extensions": []}
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
    }


def is_overdue(row: TicketRow, now: datetime) -> bool:
    """Whether the ticket is with its unit and past a deadline (see module doc)."""
    if TicketState(row.state) not in HANDLING_STATES:
        return False
    if row.completion_deadline is not None and now >= row.completion_deadline:
        return True
    return bool(row.contacted_at is None and row.first_contact_deadline is not None
                and now >= row.first_contact_deadline)


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
    )
