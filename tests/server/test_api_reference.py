"""``/api/v1/reference/{name}``: the centre publishes its refusal scripts (第十条) and its
emergency and utility lines (第十二条(三)) to every desk, updated in real time (第三十一条).

Admins publish (PUT), every logged-in role reads (GET); 404 until the centre has
published, 204 when the desk already uses that version; a refused document answers 422
with every problem in Chinese. Both backends. Plus schemathesis over the two routes
(第三十五条: no server error, no answer that breaks the schema).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_kit import ServerApi
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hotline_desk import paths
from hotline_desk.core.vocabulary import Role

URL = "/api/v1/reference"


def bundled(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(paths.resource("scripts", f"{name}.json").read_text("utf-8"))
    return data


def hefei_water(version: int, number: str = "0551-63000002") -> dict[str, Any]:
    """The bundled lines, re-versioned, with another 合肥 water number (test data)."""
    data = bundled("emergency_lines")
    data["version"] = version
    data["cities"]["合肥市"]["water"] = {"number": number, "unit": "测试供水公司",
                                        "source": "测试数据"}
    return data


def test_nothing_published_is_404_and_the_desk_keeps_its_copy(server_api: ServerApi):
    operator = server_api.staff(Role.OPERATOR)
    for name in ("non_acceptance", "emergency_lines"):
        answer = server_api.client.get(f"{URL}/{name}", headers=operator.headers)
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
        # a desk polling with the version it uses: "nothing newer", no error to log
        polled = server_api.client.get(f"{URL}/{name}", headers=operator.headers,
                                       params={"newer_than": 1})
        assert polled.status_code == 204 and polled.content == b""


def test_an_admin_publishes_and_every_role_reads_it(server_api: ServerApi):
    """第十二条(三): the city's water number, published once, read by every desk."""
    admin = server_api.staff(Role.ADMIN)
    put = server_api.client.put(f"{URL}/emergency_lines", headers=admin.headers,
                                json=hefei_water(2))
    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["name"], body["version"], body["uploaded_by"]) == (
        "emergency_lines", 2, admin.username)
    for role in Role:
        reader = server_api.staff(role)
        got = server_api.client.get(f"{URL}/emergency_lines", headers=reader.headers)
        assert got.status_code == 200, (role, got.text)
        assert got.json()["document"] == hefei_water(2)
    operator = server_api.staff(Role.OPERATOR)
    same = server_api.client.get(f"{URL}/emergency_lines", params={"newer_than": 2},
                                 headers=operator.headers)
    assert same.status_code == 204 and same.content == b""
    older = server_api.client.get(f"{URL}/emergency_lines", params={"newer_than": 1},
                                  headers=operator.headers)
    assert older.status_code == 200 and older.json()["version"] == 2
    audit = server_api.client.get("/api/v1/audit", params={"action": "reference.publish"},
                                  headers=admin.headers).json()["items"]
    assert [(r["object_id"], r["actor_username"], r["details"]["version"]) for r in audit] == [
        ("emergency_lines", admin.username, 2)]


def test_a_refused_document_lists_every_problem_in_chinese(server_api: ServerApi):
    admin = server_api.staff(Role.ADMIN)
    assert server_api.client.put(f"{URL}/emergency_lines", headers=admin.headers,
                                 json=hefei_water(3)).status_code == 200
    broken = hefei_water(3, number="63000002")  # no area code, and not a newer version
    answer = server_api.client.put(f"{URL}/emergency_lines", headers=admin.headers,
                                   json=broken)
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "validation_error"
    problems = {(p["location"], p["field"]): p["message"] for p in body["problems"]}
    assert "格式不正确" in problems[("cities「合肥市」.water", "number")]
    assert "不大于服务器上已发布的版本3" in problems[("文件", "version")]
    operator = server_api.staff(Role.OPERATOR)
    kept = server_api.client.get(f"{URL}/emergency_lines", headers=operator.headers).json()
    assert kept["document"]["cities"]["合肥市"]["water"]["number"] == "0551-63000002"


def test_the_refusal_scripts_are_published_and_checked_by_the_core(server_api: ServerApi):
    """第十条: a script must tell the caller the basis; one that does not is refused."""
    admin = server_api.staff(Role.ADMIN)
    data = bundled("non_acceptance")
    data["version"] += 1
    data["reasons"][0]["script"] = "这个问题热线不管。"
    refused = server_api.client.put(f"{URL}/non_acceptance", headers=admin.headers, json=data)
    assert refused.status_code == 422
    assert any("口径未告知依据" in p["message"] for p in refused.json()["problems"])
    good = bundled("non_acceptance")
    good["version"] += 1
    assert server_api.client.put(f"{URL}/non_acceptance", headers=admin.headers,
                                 json=good).status_code == 200


def test_unknown_documents_and_non_objects_are_validation_errors(server_api: ServerApi):
    admin = server_api.staff(Role.ADMIN)
    unknown = server_api.client.put(f"{URL}/holidays", headers=admin.headers,
                                    json=hefei_water(2))
    assert unknown.status_code == 422 and unknown.json()["code"] == "validation_error"
    listed = server_api.client.put(f"{URL}/emergency_lines", headers=admin.headers, json=[1])
    assert listed.status_code == 422
    nan = server_api.client.put(f"{URL}/emergency_lines", content=b'{"version": NaN}',
                                headers={**admin.headers, "Content-Type": "application/json"})
    assert nan.status_code == 422 and nan.json()["code"] == "validation_error"


# ---------------------------------------------------------------- schemathesis

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
OPERATIONS = [("GET", "/api/v1/reference/{name}", Role.OPERATOR),
              ("PUT", "/api/v1/reference/{name}", Role.ADMIN)]


def _schema(server_api: ServerApi) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", server_api.app).include(
        path_regex=r"^/api/v1/reference")


def test_the_fuzzed_table_covers_the_reference_routes(server_api: ServerApi):
    found = {(result.ok().method.upper(), result.ok().path)
             for result in _schema(server_api).get_all_operations()}
    assert found == {(method, path) for method, path, _ in OPERATIONS}


@pytest.mark.parametrize(("method", "path", "role"), OPERATIONS,
                         ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_no_server_error_and_no_schema_breaking_response(server_api: ServerApi, method, path,
                                                         role):
    admin = server_api.staff(Role.ADMIN)
    server_api.client.put(f"{URL}/emergency_lines", headers=admin.headers, json=hefei_water(5))
    operation = _schema(server_api)[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def run(case: Any) -> None:
        case.call_and_validate(headers=server_api.staff(role).headers, checks=CHECKS)

    run()
