"""``/api/v1/seats``: desk heartbeats and the team lead's seat board."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from hotline_desk.core.protocol import HeartbeatAck, SeatBoard, SeatHeartbeat
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import DESK_ROLES, require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import seats
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/seats", tags=["seats"])

DeskAccount = Annotated[Actor, Depends(require(*DESK_ROLES))]
TeamLead = Annotated[Actor, Depends(require(Role.TEAM_LEAD))]


@router.put("/me", response_model=HeartbeatAck, responses=responses(401, 403, 422, 503))
def heartbeat(body: SeatHeartbeat, actor: DeskAccount, request: Request) -> HeartbeatAck:
    """Report this seat's state (every few seconds and on every change). The answer
    carries the server time, so the desk can measure its clock skew. A seat silent
    for `offline_after_seconds` counts as offline (server clock)."""
    context = get_context(request)
    with write_transaction(context.db):
        return seats.heartbeat(context.db, actor, body, now=context.settings.now(),
                               offline_after=context.settings.seat_offline_after)


@router.get("", response_model=SeatBoard, responses=responses(401, 403, 422, 503))
def seat_board(
    actor: TeamLead,
    request: Request,
    since: Annotated[str | None, Query(max_length=64, pattern=r"^[0-9-]*$",
                                       description="the `cursor` of the previous read")
                     ] = None,
    changes: Annotated[Literal["all", "only"], Query(
        description="`only`: with `since`, list only the seats changed since it")] = "all",
) -> SeatBoard:
    """Every seat's state, offline ones computed from silence. With `since` = the
    previous answer's `cursor`, an answer with `unchanged: true` and no seats means
    nothing on the board changed (including no seat falling silent); keep the new
    `cursor`. With `changes=only` as well, an answer with `delta: true` lists only the
    seats that changed (state, reason, label, outbox, version, or fell silent): replace
    those by `account_id` in the board you have."""
    context = get_context(request)
    with read_transaction(context.db):
        return seats.board(context.db, since, now=context.settings.now(),
                           offline_after=context.settings.seat_offline_after,
                           changes_only=changes == "only")
