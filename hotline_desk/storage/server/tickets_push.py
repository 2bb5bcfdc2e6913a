"""The push endpoint's work: apply each desk operation once, in its own transaction.

For every operation of a batch (:func:`push`):

1. the push ledger (``ticket_ops``) is read: an op id already applied answers
   ``duplicate`` with the result it got the first time (the same ticket number) and
   changes nothing; the payload is validated (no database needed);
2. a write transaction begins and takes the ticket change version first
   (``tickets_txn.TicketWrite``), which serialises it with every other ticket writer,
   and reads the ledger again (another process may have applied the same op meanwhile);
3. the operation is applied (``tickets_create``, ``tickets_events``, ``tickets_flags``,
   or the platform's expert transfers) and its op id and result are written to the
   ledger *in the same transaction*: after a crash either both exist or neither, so a
   desk resending its whole outbox creates nothing twice (the ledger's primary key would
   refuse a second application even if the lock were bypassed);
4. a refused operation (``OpRefused``: ``rejected`` with every problem, or ``conflict``)
   rolls its transaction back and is *not* recorded, so the desk may fix it and resend it
   under the same id.

Database trouble (busy, unavailable) is not an outcome of one operation: it fails the
request (503), the desk retries the batch later, and what was applied answers
``duplicate``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import peewee

from hotline_desk.core.protocol import (
    ErrorCode,
    Problem,
    PushOp,
    PushOpKind,
    PushReason,
    PushResult,
    PushStatus,
    TransferCreate,
    uuid_version,
)
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import transfers
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_create import PREPARERS, create, received_at
from hotline_desk.storage.server.tickets_events import apply_event, prepare_event
from hotline_desk.storage.server.tickets_flags import (
    mark_abusive,
    prepare_mark,
    prepare_supervision,
    supervise,
)
from hotline_desk.storage.server.tickets_models import TicketOpRow, TicketRow
from hotline_desk.storage.server.tickets_txn import (
    OpRefused,
    TicketWrite,
    parse,
    rejected,
    seat_label_of,
)

#: Who may push each kind (the state machine checks the finer rules per event).
ALLOWED_ROLES: dict[PushOpKind, frozenset[Role]] = {
    PushOpKind.TICKET: frozenset({Role.OPERATOR, Role.EXPERT}),
    PushOpKind.KB_CLOSURE: frozenset({Role.OPERATOR, Role.EXPERT}),
    PushOpKind.REFUSAL: frozenset({Role.OPERATOR, Role.EXPERT}),
    PushOpKind.EMERGENCY_HANDOFF: frozenset({Role.OPERATOR, Role.EXPERT}),
    PushOpKind.ABUSIVE_CALL: frozenset({Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD}),
    PushOpKind.TICKET_EVENT: frozenset({Role.OPERATOR, Role.TEAM_LEAD, Role.UNIT_HANDLER}),
    PushOpKind.SUPERVISION: frozenset({Role.TEAM_LEAD}),
    PushOpKind.EXPERT_TRANSFER: frozenset({Role.OPERATOR}),
}

#: Roles that may call the push endpoint at all.
PUSH_ROLES: frozenset[Role] = frozenset().union(*ALLOWED_ROLES.values())


def _ticket_result(row: TicketRow) -> tuple[PushResult, int | None]:
    return (PushResult(op_id="", status=PushStatus.APPLIED, server_no=row.ticket_no,
                       state=TicketState(row.state), version=row.version), row.id)


Applier = Callable[[TicketWrite, datetime], tuple[PushResult, int | None]]


def _prepare(kind: PushOpKind, actor: Actor, payload: dict[str, Any]) -> Applier:
    """Validate what needs no database; returns the database work to do under the lock."""
    if kind.value in PREPARERS:
        creation = PREPARERS[kind.value](actor, payload)
        return lambda w, received: _ticket_result(create(w, creation, received))
    if kind is PushOpKind.TICKET_EVENT:
        event = prepare_event(actor, payload)
        return lambda w, received: _ticket_result(apply_event(w, event))
    if kind is PushOpKind.SUPERVISION:
        supervision = prepare_supervision(actor, payload)
        return lambda w, received: _ticket_result(supervise(w, supervision))
    if kind is PushOpKind.ABUSIVE_CALL:
        mark = prepare_mark(actor, payload)

        def apply_mark(w: TicketWrite, received: datetime) -> tuple[PushResult, int | None]:
            _, ticket_no = mark_abusive(w, mark)
            return PushResult(op_id="", status=PushStatus.APPLIED, server_no=ticket_no), None

        return apply_mark
    transfer = parse(TransferCreate, payload)

    def apply_transfer(w: TicketWrite, received: datetime) -> tuple[PushResult, int | None]:
        created = transfers.create(w.db, transfer, actor=w.actor, now=w.now)
        return PushResult(op_id="", status=PushStatus.APPLIED, transfer_id=created.id), None

    return apply_transfer


def _kind(op: PushOp, actor: Actor) -> PushOpKind:
    if uuid_version(op.op_id) != 7:
        raise rejected(ErrorCode.VALIDATION_ERROR, "op_id must be a UUIDv7",
                       [Problem(location="op", field="op_id", message="操作编号应为UUIDv7")])
    try:
        kind = PushOpKind(op.kind)
    except ValueError:
        raise rejected(ErrorCode.VALIDATION_ERROR, f"unknown operation kind {op.kind!r}",
                       [Problem(location="op", field="kind",
                                message=f"未知的操作类型：{op.kind}")]) from None
    if actor.role not in ALLOWED_ROLES[kind]:
        role = actor.role.label if actor.role else "未登录"
        raise rejected(ErrorCode.FORBIDDEN, f"role {actor.role} may not push {kind.value}",
                       [Problem(location="op", field="kind",
                                message=f"{role}无权进行「{kind.label}」")])
    return kind


class _Duplicate(Exception):
    def __init__(self, result: PushResult) -> None:
        super().__init__(result.op_id)
        self.result = result


def _stored_result(row: TicketOpRow, op: PushOp) -> PushResult:
    if row.kind != op.kind:
        raise OpRefused(PushStatus.CONFLICT, ErrorCode.VERSION_CONFLICT,
                        f"op id {op.op_id} was used for a {row.kind} operation",
                        [Problem(location="op", field="op_id",
                                 message="该操作编号已用于另一项操作")])
    stored = PushResult.model_validate({**row.result, "op_id": op.op_id})
    return stored.model_copy(update={"status": PushStatus.DUPLICATE})


def _ledger(db: peewee.Database, op: PushOp) -> PushResult | None:
    row = TicketOpRow.select().where(TicketOpRow.op_id == op.op_id).get_or_none(db)
    return None if row is None else _stored_result(row, op)


def apply_op(db: peewee.Database, op: PushOp, *, actor: Actor, now: datetime,
             calendar: WorkCalendar) -> PushResult:
    """Apply one operation in its own transaction; its outcome (never raises OpRefused).

    A resend is answered from the ledger without taking the write lock; validation runs
    before the transaction; the ledger is read again under the lock, so an operation that
    two processes receive at once is still applied once.
    """
    try:
        kind = _kind(op, actor)
        with read_transaction(db):
            known = _ledger(db, op)
            seat_label = seat_label_of(db, actor)
        if known is not None:
            return known
        work = _prepare(kind, actor, op.payload)
        with write_transaction(db):
            w = TicketWrite(db, actor, now, calendar, op.op_id, seat_label)
            known = _ledger(db, op)
            if known is not None:
                raise _Duplicate(known)
            result, ticket_id = work(w, received_at(op.occurred_at, now))
            result = result.model_copy(update={"op_id": op.op_id})
            TicketOpRow.insert(op_id=op.op_id, kind=kind.value, account_id=actor.account_id,
                               ticket_id=ticket_id,
                               result=result.model_dump(mode="json", exclude={"op_id"}),
                               applied_at=now).execute(db)
            return result
    except _Duplicate as duplicate:
        return duplicate.result
    except OpRefused as refused:
        return PushResult(op_id=op.op_id, status=refused.status, server_no=refused.server_no,
                          state=refused.state, version=refused.version,
                          reason=PushReason(code=refused.code, message=refused.message,
                                            problems=refused.problems))


def push(db: peewee.Database, ops: list[PushOp], *, actor: Actor, now: datetime,
         calendar: WorkCalendar) -> list[PushResult]:
    return [apply_op(db, op, actor=actor, now=now, calendar=calendar) for op in ops]
