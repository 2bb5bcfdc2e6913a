"""``/api/v1/transfers``: operators hand calls or tickets to the expert queue (第八条)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from hotline_desk.core.protocol import (
    MAX_INT,
    TransferComplete,
    TransferCreate,
    TransferList,
    TransferOut,
    TransferStatus,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import transfers
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/transfers", tags=["transfers"])

Operator = Annotated[Actor, Depends(require(Role.OPERATOR))]
Expert = Annotated[Actor, Depends(require(Role.EXPERT))]
Viewer = Annotated[Actor, Depends(require(Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD))]
TransferId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.post("", response_model=TransferOut, status_code=201,
             responses=responses(401, 403, 422, 503))
def create_transfer(body: TransferCreate, actor: Operator, request: Request) -> TransferOut:
    """Put a call or ticket into the expert queue, with a note for the expert."""
    context = get_context(request)
    with write_transaction(context.db):
        return transfers.create(context.db, body, actor=actor, now=context.settings.now())


@router.get("", response_model=TransferList, responses=responses(401, 403, 422, 503))
def list_transfers(
    actor: Viewer,
    request: Request,
    status: TransferStatus | None = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> TransferList:
    """Transfers oldest first (`status=queued` is the expert queue), caller data masked.
    Operators see the ones they created; `mine=true` gives an expert the ones they
    accepted."""
    context = get_context(request)
    with read_transaction(context.db):
        return TransferList(items=transfers.list_transfers(
            context.db, actor=actor, status=status, mine=mine, limit=limit))


@router.get("/{transfer_id}", response_model=TransferOut,
            responses=responses(401, 403, 404, 422, 503))
def read_transfer(transfer_id: TransferId, actor: Viewer, request: Request) -> TransferOut:
    """One transfer. The expert who accepted it sees the caller's data in full (the read
    is audited); everybody else sees it masked."""
    context = get_context(request)
    with write_transaction(context.db):
        return transfers.get(context.db, transfer_id, actor=actor, now=context.settings.now())


@router.post("/{transfer_id}/accept", response_model=TransferOut,
             responses=responses(401, 403, 404, 409, 422, 503))
def accept_transfer(transfer_id: TransferId, actor: Expert, request: Request) -> TransferOut:
    """Take a queued transfer. When several experts accept at once exactly one wins;
    the others get 409 `transfer_taken`."""
    context = get_context(request)
    with write_transaction(context.db):
        return transfers.accept(context.db, transfer_id, actor=actor,
                                now=context.settings.now())


@router.post("/{transfer_id}/complete", response_model=TransferOut,
             responses=responses(401, 403, 404, 409, 422, 503))
def complete_transfer(transfer_id: TransferId, body: TransferComplete, actor: Expert,
                      request: Request) -> TransferOut:
    """Finish a transfer I accepted, with notes."""
    context = get_context(request)
    with write_transaction(context.db):
        return transfers.complete(context.db, transfer_id, body.notes, actor=actor,
                                  now=context.settings.now())


@router.post("/{transfer_id}/cancel", response_model=TransferOut,
             responses=responses(401, 403, 404, 409, 422, 503))
def cancel_transfer(transfer_id: TransferId, actor: Operator, request: Request) -> TransferOut:
    """Withdraw a transfer I created while it is still queued (e.g. the caller hung up)."""
    context = get_context(request)
    with write_transaction(context.db):
        return transfers.cancel(context.db, transfer_id, actor=actor,
                                now=context.settings.now())
