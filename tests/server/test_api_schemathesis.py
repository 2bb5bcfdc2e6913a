"""第三十五条 (网络与信息安全): schemathesis over the platform endpoints (health, auth,
accounts, audit, KB, seats, transfers): requests generated from the app's own OpenAPI
schema, valid and invalid, each with a fresh valid token of a role allowed to call the
endpoint. No server error and no response that breaks the schema (status, content
type, headers, body), on both backends. (Driven through ``as_strategy``, as
schemathesis' lazy pytest loader does not run under pytest 9.)

``negative_data_rejection`` is not among the checks: the token added to every request
undoes schemathesis' "missing Authorization" mutation, and FastAPI ignores unknown query
parameters by design; the negative cases still run every check below.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_kit import GJJ
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hotline_desk.core.vocabulary import Role

PATHS = (r"^/api/v1/(health|auth|accounts|audit|kb|seats|transfers|tickets|progress|figures"
         r"|reference)")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]

#: Every platform endpoint with the role whose token the generated requests carry.
OPERATIONS: list[tuple[str, str, Role | None]] = [
    ("GET", "/api/v1/health", None),
    ("GET", "/api/v1/reference/{name}", Role.OPERATOR),
    ("PUT", "/api/v1/reference/{name}", Role.ADMIN),
    ("POST", "/api/v1/auth/login", None),
    ("POST", "/api/v1/auth/logout", Role.OPERATOR),
    ("GET", "/api/v1/auth/me", Role.EXPERT),
    ("POST", "/api/v1/auth/password", Role.OPERATOR),
    ("GET", "/api/v1/accounts", Role.ADMIN),
    ("POST", "/api/v1/accounts", Role.ADMIN),
    ("GET", "/api/v1/accounts/{account_id}", Role.ADMIN),
    ("PATCH", "/api/v1/accounts/{account_id}", Role.ADMIN),
    ("POST", "/api/v1/accounts/{account_id}/password", Role.ADMIN),
    ("POST", "/api/v1/accounts/{account_id}/revoke-sessions", Role.ADMIN),
    ("GET", "/api/v1/audit", Role.ADMIN),
    ("GET", "/api/v1/kb/changes", Role.OPERATOR),
    ("GET", "/api/v1/kb/entries", Role.UNIT_HANDLER),
    ("POST", "/api/v1/kb/entries", Role.UNIT_HANDLER),
    ("GET", "/api/v1/kb/entries/{entry_id}", Role.ADMIN),
    ("PUT", "/api/v1/kb/entries/{entry_id}", Role.ADMIN),
    ("POST", "/api/v1/kb/entries/{entry_id}/transition", Role.ADMIN),
    ("DELETE", "/api/v1/kb/entries/{entry_id}", Role.ADMIN),
    ("PUT", "/api/v1/seats/me", Role.OPERATOR),
    ("GET", "/api/v1/seats", Role.TEAM_LEAD),
    ("POST", "/api/v1/transfers", Role.OPERATOR),
    ("GET", "/api/v1/transfers", Role.EXPERT),
    ("GET", "/api/v1/transfers/{transfer_id}", Role.TEAM_LEAD),
    ("POST", "/api/v1/transfers/{transfer_id}/accept", Role.EXPERT),
    ("POST", "/api/v1/transfers/{transfer_id}/complete", Role.EXPERT),
    ("POST", "/api/v1/transfers/{transfer_id}/cancel", Role.OPERATOR),
    # phase 2: tickets, progress, figures
    ("POST", "/api/v1/tickets/push", Role.OPERATOR),
    ("GET", "/api/v1/tickets/changes", Role.UNIT_HANDLER),
    ("GET", "/api/v1/tickets/overdue", Role.TEAM_LEAD),
    ("GET", "/api/v1/tickets/supervised", Role.TEAM_LEAD),
    ("POST", "/api/v1/tickets/history", Role.OPERATOR),
    ("GET", "/api/v1/tickets/{ticket_no}", Role.TEAM_LEAD),
    ("POST", "/api/v1/progress", None),
    ("GET", "/api/v1/figures/units", Role.TEAM_LEAD),
    ("GET", "/api/v1/figures/day", Role.ADMIN),
    ("GET", "/api/v1/figures/rising-topics", Role.TEAM_LEAD),
]


def _schema(server_api):
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", server_api.app).include(
        path_regex=PATHS)


def _something_to_find(server_api) -> None:
    """A few records with small ids, so generated ids sometimes hit real ones."""
    admin = server_api.staff(Role.ADMIN)
    operator = server_api.staff(Role.OPERATOR)
    client = server_api.client
    client.post("/api/v1/kb/entries", headers=admin.headers, json={
        "id": "A", "title": "标题", "answer": "答复", "owner_unit": GJJ})
    client.post("/api/v1/transfers", headers=operator.headers, json={
        "reference_kind": "call", "reference": "C1", "note": "请专家解答",
        "caller_phone": "13812345678"})
    client.post("/api/v1/tickets/push", headers=operator.headers, json={"ops": [{  # phase 2
        "op_id": "01a2263b-9d68-70ad-a746-cdd8296169ac", "kind": "ticket", "payload": {
            "purpose": "dispatch", "requester_phone": "13812345678", "content": "公积金提取被拒",
            "request_type": "complaint", "area": "public_service", "channel": "phone",
            "location": "合肥市蜀山区", "lead_unit": GJJ, "handling_requirements": "请核实"}}]})


def test_the_table_covers_every_platform_endpoint(server_api):
    found = {(result.ok().method.upper(), result.ok().path)
             for result in _schema(server_api).get_all_operations()}
    assert found == {(method, path) for method, path, _ in OPERATIONS}


@pytest.mark.parametrize(("method", "path", "role"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_no_server_error_and_no_schema_breaking_response(server_api, method, path, role):
    _something_to_find(server_api)
    operation = _schema(server_api)[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def run(case):
        headers = {}
        if role is not None:  # a fresh account: no case can lock the next one out
            headers = server_api.staff(role, GJJ if role is Role.UNIT_HANDLER else None).headers
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
