"""Two real server processes on one database, as behind a load balancer: sessions, login
throttling (第三十五条) and the KB feed hold across processes because all of it lives
in the database. Runs on SQLite (one file) and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from platform_kit import PASSWORD, ServerProcess

from hotline_desk.core.protocol import PROTOCOL_HEADER, check_protocol_version
from hotline_desk.storage.db import close_database, open_database, write_transaction
from hotline_desk.storage.server.models import Account
from hotline_desk.storage.server.passwords import cheapest_hasher


def _accounts(url: str) -> None:
    db = open_database(url)
    hasher = cheapest_hasher()
    now = datetime.now(UTC)
    with write_transaction(db):
        for username, role in (("admin", "admin"), ("wang", "operator"), ("li", "operator")):
            Account.insert(username=username, display_name=username, role=role,
                           password_hash=hasher.hash(PASSWORD), created_at=now,
                           updated_at=now).execute(db)
    close_database(db)


def test_two_processes_share_sessions_throttling_and_the_kb(server_database_url, tmp_path):
    _accounts(server_database_url)
    common = ["--database", server_database_url]
    with ServerProcess("--data-dir", str(tmp_path / "a"), *common) as a, \
            ServerProcess("--data-dir", str(tmp_path / "b"), *common) as b, \
            httpx.Client(timeout=30) as http:
        health = http.get(f"{a.url}/api/v1/health")
        check_protocol_version(health.headers[PROTOCOL_HEADER])
        # a session made on A works on B, and logging out on B ends it on A
        login = http.post(f"{a.url}/api/v1/auth/login",
                          json={"username": "wang", "password": PASSWORD})
        assert login.status_code == 200
        token = {"Authorization": f"Bearer {login.json()['token']}"}
        assert http.get(f"{b.url}/api/v1/auth/me", headers=token).status_code == 200
        assert http.post(f"{b.url}/api/v1/auth/logout", headers=token).status_code == 204
        assert http.get(f"{a.url}/api/v1/auth/me", headers=token).status_code == 401
        # five failures spread over both processes lock the account on both (limit 5)
        for n in range(5):
            server = (a, b)[n % 2]
            wrong = http.post(f"{server.url}/api/v1/auth/login",
                              json={"username": "li", "password": f"wrong-{n}x"})
            assert wrong.status_code == 401
        for server in (a, b):
            locked = http.post(f"{server.url}/api/v1/auth/login",
                               json={"username": "li", "password": PASSWORD})
            assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        # a KB change made through A is in B's feed
        admin = http.post(f"{a.url}/api/v1/auth/login",
                          json={"username": "admin", "password": PASSWORD}).json()["token"]
        made = http.post(f"{a.url}/api/v1/kb/entries",
                         headers={"Authorization": f"Bearer {admin}"},
                         json={"id": "KB-MP-1", "title": "标题", "answer": "答复"})
        assert made.status_code == 201
        feed = http.get(f"{b.url}/api/v1/kb/changes",
                        headers={"Authorization": f"Bearer {admin}"}).json()
        assert [c["id"] for c in feed["items"]] == ["KB-MP-1"]
