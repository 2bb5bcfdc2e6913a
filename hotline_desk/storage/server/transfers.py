"""Transfers of calls or tickets to the expert-seat queue (第八条 专家座席).

An operator puts a call or a ticket (by reference, with a note and optionally the
caller's name and phone) into the queue; experts list the queue and accept one.
Accepting is a conditional update (``… WHERE status = 'queued'``): when several
experts press "accept" at once, exactly one update matches and wins; the others
get ``transfer_taken``. The accepting expert completes it with notes; the operator
may withdraw it while it is still queued.

Caller data is masked (``core.masking``) for everybody except the expert who
accepted the transfer; each unmasked answer is audited (第三十四条).
"""

from __future__ import annotations

from datetime import datetime

import peewee

from hotline_desk.core.masking import mask_name, mask_phone
from hotline_desk.core.protocol import (
    ConflictError,
    ErrorCode,
    ForbiddenError,
    NotFoundError,
    RefusedError,
    TransferCreate,
    TransferOut,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.server import audit
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import Account, Transfer


def _usernames(db: peewee.Database, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = Account.select(Account.id, Account.username).where(Account.id.in_(list(ids)))
    return {int(row_id): str(name) for row_id, name in rows.tuples().execute(db)}


def _views(db: peewee.Database, rows: list[Transfer], *, unmasked_for: int | None = None,
           ) -> list[TransferOut]:
    names = _usernames(db, {row.created_by for row in rows}
                       | {row.accepted_by for row in rows if row.accepted_by is not None})
    views = []
    for row in rows:
        full = unmasked_for is not None and row.accepted_by == unmasked_for and (
            row.status == TransferStatus.ACCEPTED.value)
        name, phone = row.caller_name, row.caller_phone
        if not full:
            name = mask_name(name) if name else name
            phone = mask_phone(phone) if phone else phone
        views.append(TransferOut(
            id=row.id, reference_kind=TransferReferenceKind(row.reference_kind),
            reference=row.reference, note=row.note, caller_name=name, caller_phone=phone,
            masked=not full, status=TransferStatus(row.status),
            created_by=names.get(row.created_by, str(row.created_by)), created_at=row.created_at,
            accepted_by=names.get(row.accepted_by) if row.accepted_by is not None else None,
            accepted_at=row.accepted_at, completed_at=row.completed_at,
            completion_notes=row.completion_notes, cancelled_at=row.cancelled_at,
        ))
    return views


def _get_row(db: peewee.Database, transfer_id: int) -> Transfer:
    row = Transfer.select().where(Transfer.id == transfer_id).get_or_none(db)
    if row is None:
        raise NotFoundError(f"transfer {transfer_id} not found")
    return row


def _audit_unmasked(db: peewee.Database, actor: Actor, views: list[TransferOut],
                    now: datetime) -> None:
    for view in views:
        if not view.masked and (view.caller_name or view.caller_phone):
            audit.record(db, actor, "transfer.read_unmasked", "transfer", view.id,
                         {"fields": [f for f in ("caller_name", "caller_phone")
                                     if getattr(view, f)]}, now=now)


def create(db: peewee.Database, data: TransferCreate, *, actor: Actor,
           now: datetime) -> TransferOut:
    if actor.account_id is None:
        raise ValueError("a transfer needs an account")
    transfer_id = Transfer.insert(
        reference_kind=data.reference_kind.value, reference=data.reference, note=data.note,
        caller_name=data.caller_name or None, caller_phone=data.caller_phone,
        status=TransferStatus.QUEUED.value, created_by=actor.account_id, created_at=now,
        call_id=data.call_id,
    ).execute(db)
    audit.record(db, actor, "transfer.create", "transfer", int(transfer_id),
                 {"reference_kind": data.reference_kind.value, "reference": data.reference},
                 now=now)
    return _views(db, [_get_row(db, int(transfer_id))])[0]


def list_transfers(db: peewee.Database, *, actor: Actor, status: TransferStatus | None = None,
                   mine: bool = False, limit: int = 200) -> list[TransferOut]:
    """Oldest first. Operators see the transfers they created; experts and team leads all.

    ``mine``: for an expert, the transfers they accepted; for an operator, always implied.
    """
    query = Transfer.select()
    if actor.role is Role.OPERATOR:
        query = query.where(Transfer.created_by == actor.account_id)
    elif mine:
        query = query.where(Transfer.accepted_by == actor.account_id)
    if status is not None:
        query = query.where(Transfer.status == status.value)
    rows = list(query.order_by(Transfer.id).limit(limit).execute(db))
    return _views(db, rows)  # lists are always masked; open one transfer to see it in full


def get(db: peewee.Database, transfer_id: int, *, actor: Actor, now: datetime) -> TransferOut:
    row = _get_row(db, transfer_id)
    if actor.role is Role.OPERATOR and row.created_by != actor.account_id:
        raise ForbiddenError(f"transfer {transfer_id} belongs to another operator",
                             "只能查看自己提交的转接")
    views = _views(db, [row], unmasked_for=actor.account_id if actor.role is Role.EXPERT
                   else None)
    _audit_unmasked(db, actor, views, now)
    return views[0]


def _refuse_state(row: Transfer, action: str) -> RefusedError:
    status = TransferStatus(row.status)
    return RefusedError(f"cannot {action} a transfer that is {status.value}",
                        f"该转接当前为「{status.label}」，不能进行此操作",
                        code=ErrorCode.INVALID_TRANSITION)


def accept(db: peewee.Database, transfer_id: int, *, actor: Actor, now: datetime) -> TransferOut:
    """The first expert to accept wins (conditional update); others get ``transfer_taken``."""
    won = (Transfer.update(status=TransferStatus.ACCEPTED.value, accepted_by=actor.account_id,
                           accepted_at=now)
           .where((Transfer.id == transfer_id)
                  & (Transfer.status == TransferStatus.QUEUED.value))
           .execute(db))
    row = _get_row(db, transfer_id)
    if won != 1:
        if row.status in (TransferStatus.ACCEPTED.value, TransferStatus.COMPLETED.value):
            raise ConflictError(f"transfer {transfer_id} was already accepted",
                                code=ErrorCode.TRANSFER_TAKEN)
        raise _refuse_state(row, "accept")
    audit.record(db, actor, "transfer.accept", "transfer", transfer_id, now=now)
    views = _views(db, [row], unmasked_for=actor.account_id)
    _audit_unmasked(db, actor, views, now)
    return views[0]


def complete(db: peewee.Database, transfer_id: int, notes: str, *, actor: Actor,
             now: datetime) -> TransferOut:
    done = (Transfer.update(status=TransferStatus.COMPLETED.value, completed_at=now,
                            completion_notes=notes)
            .where((Transfer.id == transfer_id)
                   & (Transfer.status == TransferStatus.ACCEPTED.value)
                   & (Transfer.accepted_by == actor.account_id))
            .execute(db))
    row = _get_row(db, transfer_id)
    if done != 1:
        if row.accepted_by is not None and row.accepted_by != actor.account_id:
            raise ForbiddenError(f"transfer {transfer_id} was accepted by another expert",
                                 "只有受理该转接的专家可以办结")
        raise _refuse_state(row, "complete")
    audit.record(db, actor, "transfer.complete", "transfer", transfer_id, now=now)
    return _views(db, [row])[0]


def cancel(db: peewee.Database, transfer_id: int, *, actor: Actor, now: datetime) -> TransferOut:
    done = (Transfer.update(status=TransferStatus.CANCELLED.value, cancelled_at=now)
            .where((Transfer.id == transfer_id)
                   & (Transfer.status == TransferStatus.QUEUED.value)
                   & (Transfer.created_by == actor.account_id))
            .execute(db))
    row = _get_row(db, transfer_id)
    if done != 1:
        if row.created_by != actor.account_id:
            raise ForbiddenError(f"transfer {transfer_id} belongs to another operator",
                                 "只能撤回自己提交的转接")
        raise _refuse_state(row, "cancel")
    audit.record(db, actor, "transfer.cancel", "transfer", transfer_id, now=now)
    return _views(db, [row])[0]
