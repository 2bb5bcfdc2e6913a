"""The app fixture of the ticket API tests (``test_tickets_*.py``): the real app on the
test's backend (SQLite or PostgreSQL, from ``tests/pg_fixture.py``), a manual clock, one
logged-in account per role. Import the fixture into a test module to use it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uuid6
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hotline_desk.core.vocabulary import Role
from hotline_desk.server.app import create_app
from hotline_desk.server.settings import ServerSettings
from hotline_desk.storage.db import write_transaction
from hotline_desk.storage.server.models import Account
from hotline_desk.storage.server.passwords import cheapest_hasher

UNIT = "合肥市城市管理局"
PASSWORD = "Passw0rd-test"
PHONE = "13812345678"
#: user name → (role, unit)
ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "op1": (Role.OPERATOR, None),
    "exp1": (Role.EXPERT, None),
    "lead1": (Role.TEAM_LEAD, None),
    "unit1": (Role.UNIT_HANDLER, UNIT),
    "admin1": (Role.ADMIN, None),
}
BY_ROLE = {role: name for name, (role, _) in ACCOUNTS.items()}


@dataclass
class Api:
    client: TestClient
    app: FastAPI
    tokens: dict[Role, dict[str, str]]

    def headers(self, role: Role | None) -> dict[str, str]:
        return {} if role is None else self.tokens[role]

    def log_in(self) -> None:
        """Log every account in (again: after the clock moved past the tokens' expiry)."""
        for name, (role, _) in ACCOUNTS.items():
            response = self.client.post("/api/v1/auth/login",
                                        json={"username": name, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[role] = {"Authorization": f"Bearer {response.json()['token']}"}

    def push(self, role: Role, *ops: dict[str, Any]) -> Any:
        response = self.client.post("/api/v1/tickets/push", json={"ops": list(ops)},
                                    headers=self.headers(role))
        assert response.status_code == 200, response.text
        return response.json()["results"]


def new_op(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"op_id": str(uuid6.uuid7()), "kind": kind, "payload": payload}


def ticket(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "purpose": "dispatch", "requester_phone": PHONE, "requester_name": "张三",
        "content": "小区门口路灯不亮已经一周了", "request_type": "complaint",
        "area": "social", "channel": "phone", "location": "合肥市蜀山区长江西路123号",
        "lead_unit": UNIT, "handling_requirements": "请核实并尽快维修", "topic": "路灯不亮"}
    payload.update(overrides)
    return payload


def make_app(database_url: str, clock: Any, data_dir: Path) -> FastAPI:
    hasher = cheapest_hasher()
    app = create_app(ServerSettings(database_url=database_url, clock=clock,
                                    password_hasher=hasher, data_dir=data_dir))
    db = app.state.context.db
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with write_transaction(db):
        for name, (role, unit) in ACCOUNTS.items():
            Account.insert(username=name, display_name=name.upper(), role=role.value,
                           unit=unit, password_hash=hasher.hash(PASSWORD), created_at=created,
                           updated_at=created).execute(db)
    return app


@pytest.fixture
def api(server_database_url: str, clock: Any, tmp_path: Path) -> Iterator[Api]:
    app = make_app(server_database_url, clock, tmp_path)
    with TestClient(app) as client:
        session = Api(client=client, app=app, tokens={})
        session.log_in()
        yield session
