"""Account administration over HTTP (第三十四–三十五条): masked lists, audited full reads."""

from __future__ import annotations

from hotline_desk.core.vocabulary import Role


def test_create_list_read_update(server_api):
    admin = server_api.staff(Role.ADMIN)
    client = server_api.client
    created = client.post("/api/v1/accounts", headers=admin.headers, json={
        "username": "zhaoliu", "display_name": "赵六", "role": "unit_handler",
        "unit": "合肥市城市管理局", "phone": "13812345678", "password": "Secret123"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["phone"] == "138****5678" and body["phone_masked"]
    again = client.post("/api/v1/accounts", headers=admin.headers, json={
        "username": "zhaoliu", "display_name": "x", "role": "operator", "password": "Secret123"})
    assert again.status_code == 409 and again.json()["code"] == "username_taken"
    weak = client.post("/api/v1/accounts", headers=admin.headers, json={
        "username": "weakone", "display_name": "x", "role": "operator", "password": "12345678"})
    assert weak.status_code == 422 and weak.json()["code"] == "weak_password"
    no_unit = client.post("/api/v1/accounts", headers=admin.headers, json={
        "username": "nounit", "display_name": "x", "role": "unit_handler",
        "password": "Secret123"})
    assert no_unit.status_code == 422 and no_unit.json()["code"] == "validation_error"
    listed = client.get("/api/v1/accounts", headers=admin.headers).json()["items"]
    assert {a["username"]: a["phone"] for a in listed}["zhaoliu"] == "138****5678"
    full = client.get(f"/api/v1/accounts/{body['id']}", headers=admin.headers).json()
    assert full["phone"] == "13812345678" and not full["phone_masked"]
    audit = client.get("/api/v1/audit", headers=admin.headers,
                       params={"action": "account.read_unmasked"}).json()["items"]
    assert [(a["actor_username"], a["object_id"]) for a in audit] == [
        (admin.username, str(body["id"]))]
    patched = client.patch(f"/api/v1/accounts/{body['id']}", headers=admin.headers,
                           json={"role": "expert", "display_name": "赵六（专家）"})
    assert patched.status_code == 200
    assert (patched.json()["role"], patched.json()["display_name"]) == ("expert", "赵六（专家）")
    missing = client.get("/api/v1/accounts/999999", headers=admin.headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_admin_password_reset(server_api):
    admin = server_api.staff(Role.ADMIN)
    staff = server_api.staff(Role.OPERATOR)
    reset = server_api.client.post(f"/api/v1/accounts/{staff.id}/password",
                                   headers=admin.headers, json={"new_password": "Fresh12345"})
    assert reset.status_code == 200 and reset.json()["revoked"] == 1
    assert server_api.client.get("/api/v1/auth/me", headers=staff.headers).status_code == 401
    server_api.login(staff, password="Fresh12345")


def test_admins_cannot_lock_themselves_out(server_api):
    admin = server_api.staff(Role.ADMIN)
    for change in ({"disabled": True}, {"role": "operator"}):
        response = server_api.client.patch(f"/api/v1/accounts/{admin.id}",
                                           headers=admin.headers, json=change)
        assert response.status_code == 409 and response.json()["code"] == "self_lockout"


def test_audit_paging(server_api):
    admin = server_api.staff(Role.ADMIN)
    for n in range(5):
        server_api.staff(Role.OPERATOR)
        assert n >= 0
    first = server_api.client.get("/api/v1/audit", headers=admin.headers,
                                  params={"limit": 3}).json()
    rest = server_api.client.get("/api/v1/audit", headers=admin.headers,
                                 params={"after_id": first["next_after_id"]}).json()
    assert first["has_more"] and not rest["has_more"]
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert ids == sorted(ids) and len(ids) == 6  # six logins
    assert {i["action"] for i in first["items"] + rest["items"]} == {"auth.login"}
