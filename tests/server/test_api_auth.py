"""Login, sessions and throttling over HTTP (第三十五条 账号安全)."""

from __future__ import annotations

from datetime import datetime

from platform_kit import PASSWORD, POLICY

from hotline_desk.core.vocabulary import Role


def _login(api, username, password):
    return api.client.post("/api/v1/auth/login",
                           json={"username": username, "password": password})


def test_login_returns_a_token_that_works_until_logout(server_api):
    staff = server_api.account(Role.OPERATOR, phone="13812345678")
    response = _login(server_api, staff.username, PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and len(body["token"]) >= 40
    assert datetime.fromisoformat(body["expires_at"]) > server_api.clock()
    assert body["account"]["phone"] == "138****5678"  # masked (第三十四条)
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = server_api.client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == staff.username
    beat = server_api.client.put("/api/v1/seats/me", headers=headers, json={"state": "ready"})
    assert beat.status_code == 200
    assert server_api.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = server_api.client.get("/api/v1/auth/me", headers=headers)
    assert after.status_code == 401 and after.json()["code"] == "token_invalid"
    lead = server_api.staff(Role.TEAM_LEAD)
    board = server_api.client.get("/api/v1/seats", headers=lead.headers).json()
    assert [s["state"] for s in board["seats"]] == ["offline"]  # logout signs the seat off


def test_bad_credentials(server_api):
    staff = server_api.account(Role.OPERATOR)
    for username, password in ((staff.username, "wrong-pass1"), ("nobody", PASSWORD)):
        response = _login(server_api, username, password)
        assert response.status_code == 401
        assert response.json()["code"] == "bad_credentials"
        assert response.headers["www-authenticate"] == "Bearer"
    for headers in ({"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}, {}):
        response = server_api.client.get("/api/v1/auth/me", headers=headers)
        assert response.status_code == 401


def test_throttled_logins_answer_429_with_retry_after(server_api):
    staff = server_api.account(Role.OPERATOR)
    for _ in range(POLICY.per_account):
        assert _login(server_api, staff.username, "wrong-pass1").status_code == 401
    response = _login(server_api, staff.username, PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "login_throttled"
    wait = int(response.headers["retry-after"])
    assert wait == response.json()["retry_after"] == int(POLICY.window.total_seconds())
    server_api.clock.advance(wait)
    assert _login(server_api, staff.username, PASSWORD).status_code == 200


def test_expired_sessions_end(server_api):
    staff = server_api.staff(Role.EXPERT)
    server_api.clock.advance(12 * 3600)
    assert server_api.client.get("/api/v1/auth/me", headers=staff.headers).status_code == 401


def test_changing_my_password_ends_my_other_sessions(server_api):
    staff = server_api.staff(Role.OPERATOR)
    other_desk = server_api.login(server_api.account(Role.OPERATOR))  # someone else
    second = _login(server_api, staff.username, PASSWORD).json()["token"]
    change = server_api.client.post
    wrong = change("/api/v1/auth/password", headers=staff.headers,
                   json={"old_password": "not-it-1", "new_password": "NewPassw0rd"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_password"
    weak = change("/api/v1/auth/password", headers=staff.headers,
                  json={"old_password": PASSWORD, "new_password": "abcdefgh"})
    assert weak.status_code == 422 and weak.json()["code"] == "weak_password"
    ok = change("/api/v1/auth/password", headers=staff.headers,
                json={"old_password": PASSWORD, "new_password": "NewPassw0rd"})
    assert ok.status_code == 204
    me = server_api.client.get
    assert me("/api/v1/auth/me", headers=staff.headers).status_code == 200  # this session
    assert me("/api/v1/auth/me",
              headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert me("/api/v1/auth/me", headers=other_desk.headers).status_code == 200
    assert _login(server_api, staff.username, PASSWORD).status_code == 401
    assert _login(server_api, staff.username, "NewPassw0rd").status_code == 200


def test_admin_revokes_and_disables(server_api):
    admin = server_api.staff(Role.ADMIN)
    staff = server_api.staff(Role.OPERATOR)
    post = server_api.client.post
    revoked = post(f"/api/v1/accounts/{staff.id}/revoke-sessions", headers=admin.headers)
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}
    assert server_api.client.get("/api/v1/auth/me", headers=staff.headers).status_code == 401
    server_api.login(staff)
    disabled = server_api.client.patch(f"/api/v1/accounts/{staff.id}", headers=admin.headers,
                                       json={"disabled": True})
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert server_api.client.get("/api/v1/auth/me", headers=staff.headers).status_code == 401
    again = _login(server_api, staff.username, PASSWORD)
    assert again.status_code == 401 and again.json()["code"] == "account_disabled"
    mine = post(f"/api/v1/accounts/{admin.id}/revoke-sessions", headers=admin.headers)
    assert mine.status_code == 409 and mine.json()["code"] == "self_lockout"
