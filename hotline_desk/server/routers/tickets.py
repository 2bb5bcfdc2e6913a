"""``/api/v1/tickets``: desks push their operations; desks, units and team leads read tickets
(第十至二十条、第二十五条、第三十四条)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from hotline_desk.core.protocol import (
    MAX_INT,
    TICKET_NO_PATTERN,
    CallerHistory,
    CallerHistoryRequest,
    PushRequest,
    PushResponse,
    TicketChangesPage,
    TicketList,
    TicketOut,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.server.ticket_calendar import calendar_for
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import counters, tickets_feed, tickets_history, tickets_push
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_models import TICKET_VERSION

router = APIRouter(prefix="/tickets", tags=["tickets"])

#: Roles that read tickets (admins manage accounts and the knowledge base, not tickets).
TICKET_READERS = (Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD, Role.UNIT_HANDLER)
CALL_TAKERS = (Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD)

Pusher = Annotated[Actor, Depends(require(*tickets_push.PUSH_ROLES))]
Reader = Annotated[Actor, Depends(require(*TICKET_READERS))]
CallTaker = Annotated[Actor, Depends(require(*CALL_TAKERS))]
TeamLead = Annotated[Actor, Depends(require(Role.TEAM_LEAD))]
TicketNo = Annotated[str, Path(pattern=TICKET_NO_PATTERN, max_length=26)]


@router.post("/push", response_model=PushResponse,
             responses=responses(400, 401, 403, 422, 503))
def push(body: PushRequest, actor: Pusher, request: Request) -> PushResponse:
    """Apply a batch of desk operations, each once and in its own transaction, and answer
    each: `applied`, `duplicate` (this op id was applied before; the original result, e.g.
    the same `server_no`, is repeated), `conflict` (the ticket moved on: stale
    `expected_state`/`expected_version`) or `rejected` (with the problems). Kinds and their
    payloads: `ticket` (TicketCreatePayload), `kb_closure` (KBClosurePayload), `refusal`
    (RefusalPayload), `emergency_handoff` (EmergencyHandoffPayload), `abusive_call`
    (AbusiveCallPayload), `ticket_event` (TicketEventPayload), `supervision`
    (SupervisionPayload, team leads), `expert_transfer` (TransferCreate, operators).
    Resending a batch after a crash is safe. 503: nothing more was applied; retry later."""
    context = get_context(request)
    now = context.settings.now()
    results = tickets_push.push(context.db, list(body.ops), actor=actor, now=now,
                                calendar=calendar_for(request))
    with read_transaction(context.db):
        version = counters.read(context.db, TICKET_VERSION)
    return PushResponse(results=results, server_time=now, ticket_version=version)


@router.get("/changes", response_model=TicketChangesPage,
            responses=responses(401, 403, 410, 422, 503))
def changes(
    actor: Reader,
    request: Request,
    since: Annotated[int, Query(ge=0, le=MAX_INT, description="cursor; 0 = everything")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> TicketChangesPage:
    """Tickets changed after the cursor `since` that this account may see (operators: their
    own and their seat's; experts: their own and those transferred to them; units: those
    dispatched to them; team leads: all), in change order, personal data masked. Continue
    with `next_cursor` while `has_more`. 410: the cursor is ahead of the server (a restored
    database): read again from 0."""
    context = get_context(request)
    now = context.settings.now()
    with read_transaction(context.db):
        return tickets_feed.changes(context.db, actor, since, limit, now=now)


@router.get("/overdue", response_model=TicketList, responses=responses(401, 403, 503))
def overdue(actor: TeamLead, request: Request) -> TicketList:
    """Tickets still with their unit and past a deadline (first contact, 第十五条, or
    completion, 第十七–十八条), earliest deadline first, masked (第二十条(二))."""
    context = get_context(request)
    now = context.settings.now()
    with read_transaction(context.db):
        return tickets_feed.overdue(context.db, now=now)


@router.get("/supervised", response_model=TicketList, responses=responses(401, 403, 503))
def supervised(actor: TeamLead, request: Request) -> TicketList:
    """Supervised tickets still needing attention (第二十条), each with the grounds and
    clauses that apply, oldest first, masked."""
    context = get_context(request)
    now = context.settings.now()
    with read_transaction(context.db):
        return tickets_feed.supervised(context.db, now=now)


@router.post("/history", response_model=CallerHistory,
             responses=responses(400, 401, 403, 422, 503))
def caller_history(body: CallerHistoryRequest, actor: CallTaker,
                   request: Request) -> CallerHistory:
    """The caller's earlier tickets (newest first) and how often each matter was raised
    (第二十条(六)), for the screen pop; the number is sent in the body, never in the URL.
    Masked unless `unmasked` (audited)."""
    context = get_context(request)
    now = context.settings.now()
    transaction = write_transaction if body.unmasked else read_transaction
    with transaction(context.db):
        return tickets_history.caller_history(context.db, actor, body.phone, limit=body.limit,
                                              unmasked=body.unmasked, now=now)


@router.get("/{ticket_no}", response_model=TicketOut,
            responses=responses(401, 403, 404, 422, 503))
def read_ticket(
    ticket_no: TicketNo,
    actor: Reader,
    request: Request,
    unmasked: Annotated[bool, Query(description="full personal data (audited)")] = False,
) -> TicketOut:
    """One ticket with its history. Desk roles may read any ticket by number, units only
    theirs (404 otherwise). `unmasked=true` (audited) for a team lead, the ticket's
    creator, its units, operators calling back for a rating or revisit, and the expert
    holding an accepted (not yet completed) transfer of this ticket (第八条); 403 for
    others."""
    context = get_context(request)
    now = context.settings.now()
    transaction = write_transaction if unmasked else read_transaction
    with transaction(context.db):
        return tickets_feed.read(context.db, actor, ticket_no, unmasked=unmasked, now=now)
