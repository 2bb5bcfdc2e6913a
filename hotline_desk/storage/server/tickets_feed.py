"""Reading tickets: the desks' change feed, one ticket, the team lead's lists.

Who sees which tickets (第三十四条 授权访问):

* an operator: the tickets they created and those created at their seat (the seat label
  of their last heartbeat — a seat shared across shifts); any ticket by its number
  (callers ask about their tickets by number, 第十九条);
* an expert seat: the tickets they created and those transferred to them (accepted
  transfers that reference a ticket); any ticket by its number;
* a team lead: every ticket;
* a unit handler: the tickets dispatched to their unit, as lead or co-handling unit;
* an admin: none (admins manage accounts and the knowledge base, not tickets).

Every list and the feed are masked. The full view of one ticket (``unmasked``) is for
those who must reach the requester: a team lead; the operator or expert who created it;
the handler of the lead or a co-handling unit (第十五条: contact within one working day);
an operator when the ticket awaits its rating or a revisit (第二十五条); the expert who
accepted a transfer of the ticket, while that transfer is accepted and not yet completed
(第八条 专家座席: the expert calls back and answers; the need ends when the work ends).
Every full read is audited.

The feed: tickets whose change version is after the cursor, in change order, each once
at its latest change (``tickets.change_version`` is unique and moves on every change; see
``tickets_txn``). A cursor ahead of the server (a restored database) answers "reset
required", like the knowledge-base feed.
"""

from __future__ import annotations

from datetime import datetime

import peewee

from hotline_desk.core.protocol import (
    HANDLING_STATES,
    ForbiddenError,
    NotFoundError,
    ResetRequiredError,
    TicketChangesPage,
    TicketList,
    TicketOut,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.core.ticket_flow import Rating
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.storage.server import audit, counters, tickets_deadlines
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import Seat, Transfer
from hotline_desk.storage.server.tickets_models import (
    TICKET_VERSION,
    TicketEventRow,
    TicketRow,
    TicketUnitRow,
)
from hotline_desk.storage.server.tickets_views import to_out, usernames, views

LIST_LIMIT = 500


def _seat_label(db: peewee.Database, actor: Actor) -> str:
    label = Seat.select(Seat.seat_label).where(Seat.account_id == actor.account_id).scalar(db)
    return str(label or "")


def visible(db: peewee.Database, actor: Actor) -> peewee.Expression:
    """The condition selecting the tickets ``actor`` may list."""
    if actor.role is Role.TEAM_LEAD:
        return TicketRow.id.is_null(False)
    if actor.role is Role.OPERATOR:
        condition = TicketRow.created_by == actor.account_id
        label = _seat_label(db, actor)
        if label:
            condition = condition | (TicketRow.seat_label == label)
        return condition
    if actor.role is Role.EXPERT:
        transferred = Transfer.select(Transfer.reference).where(
            (Transfer.accepted_by == actor.account_id)
            & (Transfer.reference_kind == TransferReferenceKind.TICKET.value))
        return (TicketRow.created_by == actor.account_id) | TicketRow.ticket_no.in_(transferred)
    if actor.role is Role.UNIT_HANDLER and actor.unit:
        mine = TicketUnitRow.select(TicketUnitRow.ticket_id).where(
            TicketUnitRow.unit == actor.unit)
        return TicketRow.id.in_(mine)
    return TicketRow.id.is_null(True)


def changes(db: peewee.Database, actor: Actor, since: int, limit: int, *,
            now: datetime) -> TicketChangesPage:
    """Changes after ``since`` that ``actor`` may see (inside a read transaction)."""
    current = counters.read(db, TICKET_VERSION)
    if since > current:
        raise ResetRequiredError(f"cursor {since} is ahead of the ticket version {current}",
                                 current_version=current)
    rows = list(TicketRow.select()
                .where((TicketRow.change_version > since)
                       & (TicketRow.change_version <= current) & visible(db, actor))
                .order_by(TicketRow.change_version).limit(limit + 1).execute(db))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1].change_version if has_more else current
    return TicketChangesPage(items=views(db, rows, now=now), next_cursor=next_cursor,
                             has_more=has_more, current_version=current, server_time=now)


def _may_read(db: peewee.Database, actor: Actor, row: TicketRow) -> bool:
    if actor.role in (Role.TEAM_LEAD, Role.OPERATOR, Role.EXPERT):
        return True
    if actor.role is Role.UNIT_HANDLER and actor.unit:
        return bool(TicketUnitRow.select().where(
            (TicketUnitRow.ticket_id == row.id) & (TicketUnitRow.unit == actor.unit)).exists(db))
    return False


def _holds_transfer(db: peewee.Database, actor: Actor, row: TicketRow) -> bool:
    """``actor`` accepted a transfer of this ticket and has not completed it (第八条)."""
    return bool(Transfer.select().where(
        (Transfer.accepted_by == actor.account_id)
        & (Transfer.status == TransferStatus.ACCEPTED.value)
        & (Transfer.reference_kind == TransferReferenceKind.TICKET.value)
        & (Transfer.reference == row.ticket_no)).exists(db))


def _may_unmask(db: peewee.Database, actor: Actor, row: TicketRow) -> bool:
    if actor.role is Role.TEAM_LEAD:
        return True
    if actor.role in (Role.OPERATOR, Role.EXPERT) and row.created_by == actor.account_id:
        return True
    if actor.role is Role.EXPERT:
        return _holds_transfer(db, actor, row)
    if actor.role is Role.UNIT_HANDLER:
        return _may_read(db, actor, row)
    if actor.role is Role.OPERATOR:
        state = TicketState(row.state)
        awaiting_revisit = state is TicketState.RATED and row.rating and Rating(
            row.rating).is_poor
        return state is TicketState.COMPLETED or bool(awaiting_revisit)
    return False


def read(db: peewee.Database, actor: Actor, ticket_no: str, *, unmasked: bool,
         now: datetime) -> TicketOut:
    """One ticket with its history (inside a write transaction when ``unmasked``: audited)."""
    row = TicketRow.select().where(TicketRow.ticket_no == ticket_no).get_or_none(db)
    if row is None or not _may_read(db, actor, row):
        raise NotFoundError(f"ticket {ticket_no} not found")
    if unmasked and not _may_unmask(db, actor, row):
        raise ForbiddenError(f"{actor.username} may not read {ticket_no} unmasked",
                             "无权查看该工单的完整个人信息")
    events = list(TicketEventRow.select().where(TicketEventRow.ticket_id == row.id)
                  .order_by(TicketEventRow.id).execute(db))
    view = to_out(row, now=now, masked=not unmasked, names=usernames(db, [row]), events=events)
    if unmasked:
        audit.record(db, actor, "ticket.read_unmasked", "ticket", row.ticket_no,
                     {"fields": ["requester_name", "requester_phone", "location", "content"]},
                     now=now)
    return view


def _overdue_now(now: datetime) -> peewee.Expression:
    handling = [state.value for state in HANDLING_STATES]
    return TicketRow.state.in_(handling) & (
        TicketRow.overdue
        | (TicketRow.completion_deadline <= now)
        | ((TicketRow.state == TicketState.DISPATCHED.value) & TicketRow.contacted_at.is_null()
           & (TicketRow.first_contact_deadline <= now)))


def overdue(db: peewee.Database, *, now: datetime, limit: int = LIST_LIMIT) -> TicketList:
    """Tickets with their unit and past a deadline (stored flag or computed now)."""
    rows = list(TicketRow.select().where(_overdue_now(now))
                .order_by(TicketRow.completion_deadline, TicketRow.id).limit(limit).execute(db))
    return TicketList(items=views(db, rows, now=now), server_time=now)


#: States in which a supervised ticket still needs the centre's attention.
_ACTIONABLE = [state.value for state in (
    *HANDLING_STATES, TicketState.PENDING_DISPATCH, TicketState.RETURNED,
    TicketState.COMPLETED)]
_POOR = [rating.value for rating in Rating if rating.is_poor]


def supervised(db: peewee.Database, *, now: datetime, limit: int = LIST_LIMIT) -> TicketList:
    """Supervised tickets still needing attention (第二十条): open ones, and poorly rated
    ones awaiting their revisit; overdue ones — and those whose progress report under a
    legal deadline is past due (第十七条(三)) — are supervised by definition."""
    actionable = TicketRow.state.in_(_ACTIONABLE) | (
        (TicketRow.state == TicketState.RATED.value) & TicketRow.rating.in_(_POOR))
    condition = (TicketRow.kind == "ticket") & (
        (TicketRow.supervised & actionable) | _overdue_now(now)
        | tickets_deadlines.progress_past(now))
    rows = list(TicketRow.select().where(condition)
                .order_by(TicketRow.received_at, TicketRow.id).limit(limit).execute(db))
    return TicketList(items=views(db, rows, now=now), server_time=now)
