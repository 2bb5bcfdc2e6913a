"""The health endpoint and the protocol header every response carries (the desk checks it
before syncing, 第三十一条 同步更新), error bodies with machine codes, documented endpoints
(第三十五条: a server that fails fails in a known shape and leaks nothing)."""

from __future__ import annotations

from hotline_desk.core.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ErrorCode
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.app import create_app
from hotline_desk.server.errors import STATUS
from hotline_desk.storage.migrations import latest_version

MY_PREFIXES = ("/api/v1/health", "/api/v1/auth", "/api/v1/accounts", "/api/v1/audit",
               "/api/v1/kb", "/api/v1/seats", "/api/v1/transfers")


def test_health_needs_no_login_and_reports_versions(server_api, backend):
    response = server_api.client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["protocol"] == PROTOCOL_VERSION
    assert body["database"] == backend
    assert body["schema_version"] == latest_version()
    assert body["server_time"].startswith(server_api.clock().strftime("%Y-%m-%dT%H:%M:%S"))
    assert body["centre"] is None  # not configured yet (第三条: configured, never hard-coded)


def test_every_response_carries_the_protocol_version(server_api):
    staff = server_api.staff(Role.OPERATOR)
    client = server_api.client
    responses = [
        client.get("/api/v1/health"),
        client.get("/api/v1/auth/me", headers=staff.headers),  # 200
        client.get("/api/v1/accounts"),  # 401
        client.get("/api/v1/accounts", headers=staff.headers),  # 403
        client.get("/api/v1/no-such-thing"),  # 404
        client.delete("/api/v1/health"),  # 405
        client.post("/api/v1/auth/login", json={"username": 5}),  # 422
    ]
    assert [r.status_code for r in responses] == [200, 200, 401, 403, 404, 405, 422]
    for response in responses:
        assert response.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)
        assert response.headers["cache-control"] == "no-store"
    for response in responses[2:]:
        body = response.json()
        assert ErrorCode(body["code"]).label and body["message"]
        assert body["protocol"] == PROTOCOL_VERSION
    assert responses[2].headers["www-authenticate"] == "Bearer"
    assert responses[6].json()["problems"][0]["location"] == "body"


def test_unexpected_errors_are_500_with_a_code_and_the_header(server_api):
    """A bug must still answer in the protocol's shape (and leak nothing)."""
    app = server_api.app

    @app.get("/api/v1/_boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    from fastapi.testclient import TestClient
    response = TestClient(app, raise_server_exceptions=False).get("/api/v1/_boom")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "secret" not in response.text
    assert response.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION)


def test_every_error_code_has_a_status():
    assert set(STATUS) == set(ErrorCode)


def test_every_endpoint_is_documented(server_api):
    """Endpoint docs live in docstrings; OpenAPI must show them, with error bodies."""
    schema = server_api.client.get("/api/v1/openapi.json").json()
    mine = {path: item for path, item in schema["paths"].items()
            if path.startswith(MY_PREFIXES)}
    assert len(mine) >= 15
    for path, item in mine.items():
        for method, operation in item.items():
            assert len(operation.get("description", "")) > 30, (method, path)
            errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
            assert errors, (method, path)
            assert "503" in errors


def test_the_app_factory_refuses_a_database_it_cannot_use(tmp_path):
    import pytest

    from hotline_desk.core.errors import StorageError
    from hotline_desk.server.settings import ServerSettings
    with pytest.raises(StorageError):
        create_app(ServerSettings(database_url="mysql://nope/x"))
    with pytest.raises(StorageError):  # an empty database and no migrations allowed
        create_app(ServerSettings(database_url=f"sqlite:///{tmp_path / 'x.db'}",
                                  migrate_on_start=False))


def test_a_starting_server_warms_up_before_its_first_request(server_database_url, clock,
                                                            tmp_path, caplog):
    """The first desk after a restart does not pay for the calendar, the phone patterns
    and FastAPI's route state: the start-up does (one in-process request, 404)."""
    from fastapi.testclient import TestClient
    from platform_kit import make_settings

    from hotline_desk.storage.db import close_database

    app = create_app(make_settings(server_database_url, clock, tmp_path))
    caplog.set_level("INFO", logger="hotline_desk.server.warmup")
    try:
        with TestClient(app) as client:  # runs the lifespan
            messages = [r.getMessage() for r in caplog.records
                        if r.name == "hotline_desk.server.warmup"]
            assert any(m.startswith("warmed up in") for m in messages)
            assert any(m.startswith("routes warmed up") and m.endswith("(answer 404)")
                       for m in messages)
            calendar = app.state.ticket_calendar.calendar()
            assert clock().year in calendar._years  # built at start, not on the first ticket
            assert client.get("/api/v1/health").status_code == 200
    finally:
        close_database(app.state.context.db)
