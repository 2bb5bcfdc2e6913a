"""Knowledge-base management and the desks' change feed over HTTP (第二十九–三十一条)."""

from __future__ import annotations

from platform_kit import GJJ, RSJ

from hotline_desk.core.vocabulary import Role

ENTRY = {"id": "KB-GJJ-0001", "title": "合肥市住房公积金租房提取",
         "answer": "无房职工租房自住的可申请提取，详询12329。", "keywords": ["公积金", "租房"],
         "category": "public_service", "region": {"city": "合肥市"}}


def _go(api, staff, entry_id, action, version):
    return api.client.post(f"/api/v1/kb/entries/{entry_id}/transition", headers=staff.headers,
                           json={"action": action, "expected_version": version})


def test_a_unit_writes_a_colleague_reviews_an_admin_publishes_desks_receive(server_api):
    """谁提供、谁维护、谁更新 and 多方校核 (第三十条), then 同步更新 (第三十一条)."""
    writer = server_api.staff(Role.UNIT_HANDLER, GJJ)
    colleague = server_api.staff(Role.UNIT_HANDLER, GJJ)
    admin = server_api.staff(Role.ADMIN)
    desk = server_api.staff(Role.OPERATOR)
    client = server_api.client
    created = client.post("/api/v1/kb/entries", headers=writer.headers, json=ENTRY)
    assert created.status_code == 201, created.text
    assert created.json()["owner_unit"] == GJJ and created.json()["review_state"] == "draft"
    own = _go(server_api, writer, "KB-GJJ-0001", "review", 1)
    assert own.status_code == 409 and own.json()["code"] == "four_eyes"
    assert _go(server_api, colleague, "KB-GJJ-0001", "review", 1).status_code == 200
    early = _go(server_api, admin, "KB-GJJ-0001", "retire", 2)
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    stale = _go(server_api, admin, "KB-GJJ-0001", "publish", 1)
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert stale.json()["current_version"] == 2
    published = _go(server_api, admin, "KB-GJJ-0001", "publish", 2)
    assert published.status_code == 200 and published.json()["review_state"] == "published"
    feed = client.get("/api/v1/kb/changes", headers=desk.headers).json()
    assert [(c["op"], c["id"]) for c in feed["items"]] == [("upsert", "KB-GJJ-0001")]
    assert feed["items"][0]["entry"]["answer"] == ENTRY["answer"]
    assert feed["next_cursor"] == str(feed["current_version"]) and not feed["has_more"]
    nothing = client.get("/api/v1/kb/changes", headers=desk.headers,
                         params={"since": feed["next_cursor"]}).json()
    assert nothing["items"] == []
    assert _go(server_api, admin, "KB-GJJ-0001", "retire", 3).status_code == 200
    gone = client.get("/api/v1/kb/changes", headers=desk.headers,
                      params={"since": feed["next_cursor"]}).json()
    assert [(c["op"], c["id"], c["entry"]) for c in gone["items"]] == [
        ("remove", "KB-GJJ-0001", None)]


def test_units_only_see_and_touch_their_own_entries(server_api):
    gjj = server_api.staff(Role.UNIT_HANDLER, GJJ)
    rsj = server_api.staff(Role.UNIT_HANDLER, RSJ)
    client = server_api.client
    assert client.post("/api/v1/kb/entries", headers=gjj.headers, json=ENTRY).status_code == 201
    forged = client.post("/api/v1/kb/entries", headers=rsj.headers,
                         json={**ENTRY, "id": "KB-X", "owner_unit": GJJ})
    assert forged.status_code == 403 and forged.json()["code"] == "forbidden"
    assert client.get("/api/v1/kb/entries/KB-GJJ-0001", headers=rsj.headers).status_code == 403
    edit = client.put("/api/v1/kb/entries/KB-GJJ-0001", headers=rsj.headers,
                      json={"title": "改", "answer": "改", "expected_version": 1})
    assert edit.status_code == 403
    assert client.get("/api/v1/kb/entries", headers=rsj.headers).json()["items"] == []
    assert len(client.get("/api/v1/kb/entries", headers=gjj.headers).json()["items"]) == 1


def test_edit_list_page_and_delete(server_api):
    admin = server_api.staff(Role.ADMIN)
    desk = server_api.staff(Role.EXPERT)
    client = server_api.client
    for n in range(3):
        entry = {**ENTRY, "id": f"KB-{n}", "owner_unit": GJJ}
        assert client.post("/api/v1/kb/entries", headers=admin.headers,
                           json=entry).status_code == 201
    edited = client.put("/api/v1/kb/entries/KB-1", headers=admin.headers,
                        json={"title": "新标题", "answer": "新答复", "expected_version": 1,
                              "owner_unit": GJJ})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    page = client.get("/api/v1/kb/entries", headers=admin.headers,
                      params={"limit": 2, "review_state": "draft"}).json()
    assert [e["id"] for e in page["items"]] == ["KB-0", "KB-1"] and page["has_more"]
    rest = client.get("/api/v1/kb/entries", headers=admin.headers,
                      params={"after": page["next_after"]}).json()
    assert [e["id"] for e in rest["items"]] == ["KB-2"]
    wrong = client.delete("/api/v1/kb/entries/KB-1", headers=admin.headers,
                          params={"expected_version": 1})
    assert wrong.status_code == 409
    deleted = client.delete("/api/v1/kb/entries/KB-1", headers=admin.headers,
                            params={"expected_version": 2})
    assert deleted.status_code == 204
    assert client.get("/api/v1/kb/entries/KB-1", headers=admin.headers).status_code == 404
    feed = client.get("/api/v1/kb/changes", headers=desk.headers, params={"limit": 2}).json()
    assert feed["has_more"] and len(feed["items"]) == 2
    tail = client.get("/api/v1/kb/changes", headers=desk.headers,
                      params={"since": feed["next_cursor"]}).json()
    assert ("remove", "KB-1") in [(c["op"], c["id"]) for c in tail["items"]]


def test_reset_required_is_410_with_the_current_version(server_api):
    admin = server_api.staff(Role.ADMIN)
    desk = server_api.staff(Role.OPERATOR)
    client = server_api.client
    ahead = client.get("/api/v1/kb/changes", headers=desk.headers, params={"since": "50"})
    assert ahead.status_code == 410 and ahead.json()["code"] == "kb_reset_required"
    assert ahead.json()["current_version"] == 0
    client.post("/api/v1/kb/entries", headers=admin.headers, json=ENTRY)
    old_cursor = client.get("/api/v1/kb/changes", headers=desk.headers).json()["next_cursor"]
    client.delete("/api/v1/kb/entries/KB-GJJ-0001", headers=admin.headers,
                  params={"expected_version": 1})
    server_api.clock.advance(2 * 86400)  # beyond the one-day retention of these tests
    server_api.login(admin)
    server_api.login(desk)  # the sessions expired meanwhile
    client.post("/api/v1/kb/entries", headers=admin.headers, json={**ENTRY, "id": "KB-NEW"})
    stale = client.get("/api/v1/kb/changes", headers=desk.headers,
                       params={"since": old_cursor})
    assert stale.status_code == 410 and stale.json()["current_version"] == 3
    fresh = client.get("/api/v1/kb/changes", headers=desk.headers, params={"since": "0"})
    assert fresh.status_code == 200
    assert [(c["op"], c["id"]) for c in fresh.json()["items"]] == [("remove", "KB-NEW")]
    bad = client.get("/api/v1/kb/changes", headers=desk.headers, params={"since": "x"})
    assert bad.status_code == 422
