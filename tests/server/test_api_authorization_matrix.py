"""Who may call what (第三十四条: 授权访问): every platform endpoint × every role and
anonymous, generated from one table.

Each cell runs with a *fresh* account of the role (so logout or a password change in one
cell cannot disturb another) and with a request that is valid for that account: an
allowed role must get the endpoint's success status, any other role 403, anonymous 401.
The table must list exactly the endpoints of the platform routers, so a new endpoint
cannot be added without deciding who may call it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import uuid6
from fastapi.routing import APIRoute
from platform_kit import GJJ, PASSWORD, ServerApi, Staff

from hotline_desk import paths
from hotline_desk.core.protocol import (
    KBEntryCreate,
    ReferenceName,
    TransferCreate,
    TransferReferenceKind,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.routers import (  # figures, progress, tickets: phase 2
    accounts,
    audit,
    auth,
    figures,
    health,
    kb,
    progress,
    reference,
    seats,
    tickets,
    transfers,
)
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import kb_entries, refdata
from hotline_desk.storage.server import transfers as transfer_store
from hotline_desk.storage.server.audit import Actor

PLATFORM_ROUTERS = (health.router, auth.router, accounts.router, audit.router, kb.router,
                    seats.router, transfers.router)
PLATFORM_ROUTERS += (tickets.router, progress.router, figures.router)  # phase 2: tickets
PLATFORM_ROUTERS += (reference.router,)  # published scripts and lines
ANONYMOUS = None
EVERYONE = frozenset(Role)
_ids = itertools.count(1)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: dict[str, Any] | None = None
    params: dict[str, Any] | None = None


Prepare = Callable[[ServerApi, Staff | None], Call]


@dataclass(frozen=True)
class Row:
    method: str
    template: str
    allowed: frozenset[Role | None]
    success: int
    prepare: Prepare


# ---------------------------------------------------------------- objects the calls need


def _system_actor(api: ServerApi, role: Role) -> Actor:
    staff = api.account(role)
    return Actor(account_id=staff.id, username=staff.username, role=role, unit=staff.unit)


def _draft(api: ServerApi) -> str:
    """A GJJ draft created by someone else (so any GJJ handler or admin may review it)."""
    entry_id = f"KB-M-{next(_ids)}"
    with write_transaction(api.db):
        kb_entries.create(api.db, KBEntryCreate(id=entry_id, title="标题", answer="答复",
                                                owner_unit=GJJ),
                          actor=_system_actor(api, Role.ADMIN), now=api.clock())
    return entry_id


def _transfer(api: ServerApi, creator: Staff | None, accepted_by: Staff | None = None) -> int:
    if creator is None or creator.role is not Role.OPERATOR:
        creator = api.account(Role.OPERATOR)
    actor = Actor(account_id=creator.id, username=creator.username, role=Role.OPERATOR)
    with write_transaction(api.db):
        made = transfer_store.create(api.db, TransferCreate(
            reference_kind=TransferReferenceKind.CALL, reference="CALL-1", note="请专家解答"),
            actor=actor, now=api.clock())
        if accepted_by is not None:
            expert = Actor(account_id=accepted_by.id, username=accepted_by.username,
                           role=Role.EXPERT)
            transfer_store.accept(api.db, made.id, actor=expert, now=api.clock())
    return made.id


def _expert_or_new(api: ServerApi, who: Staff | None) -> Staff:
    return who if who is not None and who.role is Role.EXPERT else api.account(Role.EXPERT)


def _new_username() -> str:
    return f"matrix{next(_ids)}"


# ---------------------------------------------------------------- the table

TABLE: list[Row] = [
    Row("GET", "/api/v1/health", EVERYONE | {ANONYMOUS}, 200,
        lambda api, who: Call("GET", "/api/v1/health")),
    Row("POST", "/api/v1/auth/login", EVERYONE | {ANONYMOUS}, 200,
        lambda api, who: Call("POST", "/api/v1/auth/login", json={
            "username": api.account(Role.OPERATOR).username, "password": PASSWORD})),
    Row("POST", "/api/v1/auth/logout", EVERYONE, 204,
        lambda api, who: Call("POST", "/api/v1/auth/logout")),
    Row("GET", "/api/v1/auth/me", EVERYONE, 200,
        lambda api, who: Call("GET", "/api/v1/auth/me")),
    Row("POST", "/api/v1/auth/password", EVERYONE, 204,
        lambda api, who: Call("POST", "/api/v1/auth/password", json={
            "old_password": PASSWORD, "new_password": "Another1234"})),
    Row("GET", "/api/v1/accounts", {Role.ADMIN}, 200,
        lambda api, who: Call("GET", "/api/v1/accounts")),
    Row("POST", "/api/v1/accounts", {Role.ADMIN}, 201,
        lambda api, who: Call("POST", "/api/v1/accounts", json={
            "username": _new_username(), "display_name": "新同事", "role": "operator",
            "password": "Secret1234"})),
    Row("GET", "/api/v1/accounts/{account_id}", {Role.ADMIN}, 200,
        lambda api, who: Call("GET", f"/api/v1/accounts/{api.account(Role.OPERATOR).id}")),
    Row("PATCH", "/api/v1/accounts/{account_id}", {Role.ADMIN}, 200,
        lambda api, who: Call("PATCH", f"/api/v1/accounts/{api.account(Role.OPERATOR).id}",
                              json={"display_name": "改名"})),
    Row("POST", "/api/v1/accounts/{account_id}/password", {Role.ADMIN}, 200,
        lambda api, who: Call("POST",
                              f"/api/v1/accounts/{api.account(Role.OPERATOR).id}/password",
                              json={"new_password": "Reset12345"})),
    Row("POST", "/api/v1/accounts/{account_id}/revoke-sessions", {Role.ADMIN}, 200,
        lambda api, who: Call(
            "POST", f"/api/v1/accounts/{api.account(Role.OPERATOR).id}/revoke-sessions")),
    Row("GET", "/api/v1/audit", {Role.ADMIN}, 200,
        lambda api, who: Call("GET", "/api/v1/audit")),
    Row("GET", "/api/v1/kb/changes", EVERYONE, 200,
        lambda api, who: Call("GET", "/api/v1/kb/changes", params={"since": "0"})),
    Row("GET", "/api/v1/kb/entries", {Role.ADMIN, Role.UNIT_HANDLER}, 200,
        lambda api, who: Call("GET", "/api/v1/kb/entries")),
    Row("POST", "/api/v1/kb/entries", {Role.ADMIN, Role.UNIT_HANDLER}, 201,
        lambda api, who: Call("POST", "/api/v1/kb/entries", json={
            "id": f"KB-N-{next(_ids)}", "title": "标题", "answer": "答复"})),
    Row("GET", "/api/v1/kb/entries/{entry_id}", {Role.ADMIN, Role.UNIT_HANDLER}, 200,
        lambda api, who: Call("GET", f"/api/v1/kb/entries/{_draft(api)}")),
    Row("PUT", "/api/v1/kb/entries/{entry_id}", {Role.ADMIN, Role.UNIT_HANDLER}, 200,
        lambda api, who: Call("PUT", f"/api/v1/kb/entries/{_draft(api)}", json={
            "title": "新标题", "answer": "新答复", "owner_unit": GJJ, "expected_version": 1})),
    Row("POST", "/api/v1/kb/entries/{entry_id}/transition", {Role.ADMIN, Role.UNIT_HANDLER},
        200, lambda api, who: Call("POST", f"/api/v1/kb/entries/{_draft(api)}/transition",
                                   json={"action": "review", "expected_version": 1})),
    Row("DELETE", "/api/v1/kb/entries/{entry_id}", {Role.ADMIN}, 204,
        lambda api, who: Call("DELETE", f"/api/v1/kb/entries/{_draft(api)}",
                              params={"expected_version": 1})),
    Row("PUT", "/api/v1/seats/me", {Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD}, 200,
        lambda api, who: Call("PUT", "/api/v1/seats/me", json={"state": "ready"})),
    Row("GET", "/api/v1/seats", {Role.TEAM_LEAD}, 200,
        lambda api, who: Call("GET", "/api/v1/seats")),
    Row("POST", "/api/v1/transfers", {Role.OPERATOR}, 201,
        lambda api, who: Call("POST", "/api/v1/transfers", json={
            "reference_kind": "ticket", "reference": "2026060100001", "note": "请专家处理"})),
    Row("GET", "/api/v1/transfers", {Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD}, 200,
        lambda api, who: Call("GET", "/api/v1/transfers")),
    Row("GET", "/api/v1/transfers/{transfer_id}", {Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD},
        200, lambda api, who: Call("GET", f"/api/v1/transfers/{_transfer(api, who)}")),
    Row("POST", "/api/v1/transfers/{transfer_id}/accept", {Role.EXPERT}, 200,
        lambda api, who: Call("POST", f"/api/v1/transfers/{_transfer(api, who)}/accept")),
    Row("POST", "/api/v1/transfers/{transfer_id}/complete", {Role.EXPERT}, 200,
        lambda api, who: Call(
            "POST", f"/api/v1/transfers/{_transfer(api, None, _expert_or_new(api, who))}"
                    "/complete", json={"notes": "已答复"})),
    Row("POST", "/api/v1/transfers/{transfer_id}/cancel", {Role.OPERATOR}, 200,
        lambda api, who: Call("POST", f"/api/v1/transfers/{_transfer(api, who)}/cancel")),
]

# ---------------------------------------------------------------- phase 2: tickets

TICKET_PHONE = "13812345678"
DESK_ROLES = frozenset({Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD})


def _ticket(api: ServerApi) -> str:
    """A ticket dispatched to GJJ (so a GJJ handler may read it), pushed by an operator."""
    operator = api.staff(Role.OPERATOR)
    response = api.client.post("/api/v1/tickets/push", headers=operator.headers, json={
        "ops": [{"op_id": str(uuid6.uuid7()), "kind": "ticket", "payload": {
            "purpose": "dispatch", "requester_phone": TICKET_PHONE, "content": "公积金提取被拒",
            "request_type": "complaint", "area": "public_service", "channel": "phone",
            "location": "合肥市蜀山区", "lead_unit": GJJ, "handling_requirements": "请核实"}}]})
    number: str = response.json()["results"][0]["server_no"]
    return number


TABLE += [
    Row("POST", "/api/v1/tickets/push", DESK_ROLES | {Role.UNIT_HANDLER}, 200,
        lambda api, who: Call("POST", "/api/v1/tickets/push", json={"ops": [{
            "op_id": "01a2263b-9d68-70ad-a746-cdd8296169ac", "kind": "abusive_call",
            "payload": {"phone": TICKET_PHONE, "note": "辱骂话务员"}}]})),
    Row("GET", "/api/v1/tickets/changes", DESK_ROLES | {Role.UNIT_HANDLER}, 200,
        lambda api, who: Call("GET", "/api/v1/tickets/changes")),
    Row("GET", "/api/v1/tickets/overdue", {Role.TEAM_LEAD}, 200,
        lambda api, who: Call("GET", "/api/v1/tickets/overdue")),
    Row("GET", "/api/v1/tickets/supervised", {Role.TEAM_LEAD}, 200,
        lambda api, who: Call("GET", "/api/v1/tickets/supervised")),
    Row("POST", "/api/v1/tickets/history", DESK_ROLES, 200,
        lambda api, who: Call("POST", "/api/v1/tickets/history",
                              json={"phone": TICKET_PHONE})),
    Row("GET", "/api/v1/tickets/{ticket_no}", DESK_ROLES | {Role.UNIT_HANDLER}, 200,
        lambda api, who: Call("GET", f"/api/v1/tickets/{_ticket(api)}")),
    Row("POST", "/api/v1/progress", EVERYONE | {ANONYMOUS}, 200,
        lambda api, who: Call("POST", "/api/v1/progress",
                              json={"ticket_no": _ticket(api), "phone": TICKET_PHONE})),
    Row("GET", "/api/v1/figures/units", {Role.TEAM_LEAD, Role.ADMIN}, 200,
        lambda api, who: Call("GET", "/api/v1/figures/units")),
    Row("GET", "/api/v1/figures/day", {Role.TEAM_LEAD, Role.ADMIN}, 200,
        lambda api, who: Call("GET", "/api/v1/figures/day")),
    Row("GET", "/api/v1/figures/rising-topics", {Role.TEAM_LEAD, Role.ADMIN}, 200,
        lambda api, who: Call("GET", "/api/v1/figures/rising-topics")),
]

# ---------------------------------------------------------------- reference data

def _lines_document(api: ServerApi) -> dict[str, Any]:
    """The bundled emergency lines (第十二条(三)) one version above the published one."""
    with read_transaction(api.db):
        published = refdata.published_version(api.db, ReferenceName.EMERGENCY_LINES) or 1
    data: dict[str, Any] = json.loads(
        paths.resource("scripts", "emergency_lines.json").read_text("utf-8"))
    data["version"] = published + 1
    return data


def _published_lines(api: ServerApi) -> str:
    """Make sure the centre has published its lines (else GET answers 404)."""
    with read_transaction(api.db):
        found = refdata.get(api.db, ReferenceName.EMERGENCY_LINES)
    if found is None:
        text = refdata.document_text(_lines_document(api))
        with write_transaction(api.db):
            refdata.publish(api.db, ReferenceName.EMERGENCY_LINES, text,
                            actor=_system_actor(api, Role.ADMIN), now=api.clock())
    return "/api/v1/reference/emergency_lines"


TABLE += [
    Row("GET", "/api/v1/reference/{name}", EVERYONE, 200,
        lambda api, who: Call("GET", _published_lines(api))),
    Row("PUT", "/api/v1/reference/{name}", {Role.ADMIN}, 200,
        lambda api, who: Call("PUT", "/api/v1/reference/emergency_lines",
                              json=_lines_document(api))),
]

CALLERS: list[Role | None] = [*Role, ANONYMOUS]


def test_the_table_lists_exactly_the_platform_endpoints():
    routes = {(method, f"/api/v1{route.path}")
              for router in PLATFORM_ROUTERS for route in router.routes
              if isinstance(route, APIRoute) for method in route.methods}
    assert routes == {(row.method, row.template) for row in TABLE}


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.method} {r.template}" for r in TABLE])
def test_every_role_gets_exactly_its_rights(server_api: ServerApi, row: Row):
    outcomes = {}
    for caller in CALLERS:
        who = None if caller is None else server_api.staff(
            caller, GJJ if caller is Role.UNIT_HANDLER else None)
        call = row.prepare(server_api, who)
        response = server_api.client.request(call.method, call.path, json=call.json,
                                             params=call.params,
                                             headers=who.headers if who else {})
        outcomes[caller] = response.status_code
        denied = 401 if caller is None else 403
        expected = row.success if caller in row.allowed else denied
        assert response.status_code == expected, (caller, response.text)
        if expected in (401, 403):
            assert response.json()["code"] in ("token_invalid", "forbidden")
    assert len(outcomes) == len(CALLERS)
