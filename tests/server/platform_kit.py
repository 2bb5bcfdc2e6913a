"""Helpers of the platform API tests (accounts, sessions, audit, KB, seats, transfers):
:class:`ServerApi` makes accounts of any role and logs them in; the ``server_api``
fixture (registered in ``conftest.py``) runs the app in-process on each backend (SQLite
and PostgreSQL, from ``tests/pg_fixture.py``) with a manual clock and cheap hashing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hotline_desk.core.vocabulary import Role
from hotline_desk.server.app import create_app
from hotline_desk.server.settings import ServerSettings
from hotline_desk.storage.db import close_database, write_transaction
from hotline_desk.storage.server.login_throttle import ThrottlePolicy
from hotline_desk.storage.server.models import Account
from hotline_desk.storage.server.passwords import cheapest_hasher

PASSWORD = "Passw0rd-test"
GJJ = "合肥市住房公积金管理中心"
RSJ = "合肥市人力资源和社会保障局"
POLICY = ThrottlePolicy(per_account=3, per_address=50, window=timedelta(minutes=10))
_serial = itertools.count(1)


@dataclass
class Staff:
    id: int
    username: str
    role: Role
    unit: str | None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ServerApi:
    app: FastAPI
    client: TestClient
    clock: Any

    @property
    def db(self):
        return self.app.state.context.db

    def account(self, role: Role, unit: str | None = None, username: str | None = None,
                password: str = PASSWORD, phone: str | None = None) -> Staff:
        """A new account (created in the database directly) — not logged in."""
        if role is Role.UNIT_HANDLER and unit is None:
            unit = GJJ
        username = username or f"{role.value.replace('_', '')}{next(_serial)}"
        hasher = self.app.state.context.passwords.hasher
        created = datetime(2026, 1, 1, tzinfo=UTC)
        with write_transaction(self.db):
            account_id = Account.insert(
                username=username, display_name=username.upper(), role=role.value, unit=unit,
                phone=phone, password_hash=hasher.hash(password), created_at=created,
                updated_at=created).execute(self.db)
        return Staff(id=int(account_id), username=username, role=role, unit=unit)

    def login(self, staff: Staff, password: str = PASSWORD) -> Staff:
        response = self.client.post("/api/v1/auth/login",
                                    json={"username": staff.username, "password": password})
        assert response.status_code == 200, response.text
        staff.headers = {"Authorization": f"Bearer {response.json()['token']}"}
        return staff

    def staff(self, role: Role, unit: str | None = None, **extra: Any) -> Staff:
        """A new account of ``role``, logged in."""
        return self.login(self.account(role, unit, **extra))


def make_settings(database_url: str, clock: Any, data_dir: Path) -> ServerSettings:
    return ServerSettings(database_url=database_url, clock=clock,
                          password_hasher=cheapest_hasher(), login_policy=POLICY,
                          kb_tombstone_retention=timedelta(days=1), data_dir=data_dir)


@pytest.fixture
def server_api(server_database_url: str, clock: Any, tmp_path: Path) -> Iterator[ServerApi]:
    app = create_app(make_settings(server_database_url, clock, tmp_path))
    client = TestClient(app)  # no lifespan: no background jobs in API tests
    yield ServerApi(app=app, client=client, clock=clock)
    close_database(app.state.context.db)


# ---------------------------------------------------------------- real server processes


class ServerProcess:
    """``hotline-desk server`` as a real process on a free loopback port.

    Waits for uvicorn's "running on" line (no sleeping) and keeps draining the log so
    the process never blocks on a full pipe.
    """

    def __init__(self, *args: str, timeout: float = 60.0) -> None:
        import queue
        import re
        import subprocess
        import sys
        import threading

        self.lines: list[str] = []
        self._ready: queue.Queue[str | None] = queue.Queue()
        command = [sys.executable, "-m", "hotline_desk", "server", *args, "--port", "0"]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        pattern = re.compile(r"Uvicorn running on (https?://[\d.]+:\d+)")

        def drain() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                found = pattern.search(line)
                if found:
                    self._ready.put(found.group(1))
            self._ready.put(None)  # the process ended

        threading.Thread(target=drain, daemon=True).start()
        try:
            url = self._ready.get(timeout=timeout)
        except queue.Empty:
            url = None
        if url is None:
            self.stop()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))
        self.url: str = url

    def stop(self) -> None:
        import subprocess

        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
