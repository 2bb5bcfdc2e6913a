"""The requester's progress query (第十九条): a ticket number plus the requester's phone.

No account is needed (the website and the IVR call it), so the query is guarded like a
login (``login_throttle.ThrottlePolicy``, the same limits): within the window, a ticket
number is refused after ``per_account`` failed lookups and a client address after
``per_address`` failures, counted in the database across all processes
(``progress_attempts``), each check and record serialised per number and per address.
While refused, the lookup is not even made; the refusal has its own code,
``progress_throttled`` (429, "查询失败次数过多，请稍后再试"), not the login's.

A wrong phone and an unknown number give the same answer (``not_found``), after the same
work, so the query cannot tell whether a number exists; the phone is compared in constant
time. The answer holds the state and progress only (``ProgressAnswer``): no names, no
phone, no content (the summary is the request type and topic, masked), no reply text
(第三十四条).
"""

from __future__ import annotations

import hmac
import math
from datetime import datetime, timedelta

import peewee

from hotline_desk.core.deadlines import local_date
from hotline_desk.core.phone import phone_key
from hotline_desk.core.protocol import (
    ErrorCode,
    NotFoundError,
    ProgressAnswer,
    ProgressQuery,
    ProgressStep,
    ThrottledError,
    progress_summary,
)
from hotline_desk.core.ticket_flow import TicketEvent
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.storage.db import advisory_lock, write_transaction
from hotline_desk.storage.server.login_throttle import ThrottlePolicy
from hotline_desk.storage.server.tickets_deadlines import is_overdue
from hotline_desk.storage.server.tickets_models import ProgressAttempt, TicketEventRow, TicketRow

#: Events shown to the requester (the centre's internal steps are left out).
_PUBLIC_EVENTS = frozenset(event.value for event in TicketEvent)
_NO_MATCH = "0" * 11


def _wait(failures: list[datetime], limit: int, window: timedelta,
          now: datetime) -> int | None:
    if len(failures) < limit:
        return None
    return max(1, math.ceil((failures[limit - 1] + window - now).total_seconds()))


def _failures(db: peewee.Database, condition: peewee.Expression, since: datetime,
              limit: int) -> list[datetime]:
    return [row[0] for row in ProgressAttempt.select(ProgressAttempt.at)
            .where(condition & ~ProgressAttempt.succeeded & (ProgressAttempt.at > since))
            .order_by(ProgressAttempt.at.desc()).limit(limit).tuples().execute(db)]


def retry_after(db: peewee.Database, ticket_no: str, client_address: str, *, now: datetime,
                policy: ThrottlePolicy) -> int | None:
    since = now - policy.window
    waits = [wait for wait in (
        _wait(_failures(db, ProgressAttempt.ticket_no == ticket_no, since, policy.per_account),
              policy.per_account, policy.window, now),
        _wait(_failures(db, ProgressAttempt.client_address == client_address, since,
                        policy.per_address), policy.per_address, policy.window, now),
    ) if wait is not None]
    return max(waits) if waits else None


def _answer(db: peewee.Database, row: TicketRow, now: datetime) -> ProgressAnswer:
    events = TicketEventRow.select(TicketEventRow.at, TicketEventRow.event).where(
        (TicketEventRow.ticket_id == row.id)
        & TicketEventRow.event.in_(list(_PUBLIC_EVENTS))).order_by(TicketEventRow.id)
    steps = [ProgressStep(at=at, event=event, label=TicketEvent(event).label)
             for at, event in events.tuples().execute(db)]
    state = TicketState(row.state)
    return ProgressAnswer(
        ticket_no=row.ticket_no, state=state, state_label=state.label,
        received_on=local_date(row.received_at), summary=progress_summary(
            RequestType(row.request_type) if row.request_type else None, row.topic,
            row.requester_name),
        handling_unit=row.lead_unit if row.dispatched_at else None,
        completion_due=row.completion_due, overdue=bool(row.overdue) or is_overdue(row, now),
        steps=steps, server_time=now)


def query(db: peewee.Database, data: ProgressQuery, *, client_address: str, now: datetime,
          policy: ThrottlePolicy) -> ProgressAnswer:
    """Look the ticket up; ``NotFoundError`` for a wrong number *or* phone."""
    ticket_no = data.ticket_no.strip().upper()
    answer: ProgressAnswer | None = None
    with write_transaction(db):
        advisory_lock(db, f"progress:ticket:{ticket_no}")
        advisory_lock(db, f"progress:address:{client_address}")
        wait = retry_after(db, ticket_no, client_address, now=now, policy=policy)
        if wait is not None:
            raise ThrottledError(f"too many failed progress queries; retry after {wait} s",
                                 code=ErrorCode.PROGRESS_THROTTLED, retry_after=wait)
        row = TicketRow.select().where(TicketRow.ticket_no == ticket_no).get_or_none(db)
        given = phone_key(data.phone) or ""
        stored = (row.requester_phone if row is not None else None) or _NO_MATCH
        matched = hmac.compare_digest(given.encode(), stored.encode()) and row is not None
        if matched and row is not None:
            answer = _answer(db, row, now)
        ProgressAttempt.insert(ticket_no=ticket_no, client_address=client_address, at=now,
                               succeeded=matched).execute(db)
        ProgressAttempt.delete().where(ProgressAttempt.at < now - policy.window).execute(db)
    if answer is None:
        raise NotFoundError("no ticket with this number and phone",
                            "未查询到该工单，请核对工单编号和联系电话", code=ErrorCode.NOT_FOUND)
    return answer
