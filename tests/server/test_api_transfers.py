"""Transfers to the expert queue over HTTP (第八条 专家座席, 第三十四条 数据脱敏)."""

from __future__ import annotations

from hotline_desk.core.vocabulary import Role

TRANSFER = {"reference_kind": "call", "reference": "CALL-20260601-0001",
            "note": "来电人咨询工伤认定，需人社专家解答", "caller_name": "欧阳娜娜",
            "caller_phone": "13912345678"}


def test_queue_accept_complete(server_api):
    operator = server_api.staff(Role.OPERATOR)
    expert = server_api.staff(Role.EXPERT)
    rival = server_api.staff(Role.EXPERT)
    lead = server_api.staff(Role.TEAM_LEAD)
    client = server_api.client
    created = client.post("/api/v1/transfers", headers=operator.headers, json=TRANSFER)
    assert created.status_code == 201
    body = created.json()
    assert (body["caller_name"], body["caller_phone"], body["masked"]) == (
        "欧阳**", "139****5678", True)
    queue = client.get("/api/v1/transfers", headers=expert.headers,
                       params={"status": "queued"}).json()["items"]
    assert [t["id"] for t in queue] == [body["id"]] and queue[0]["masked"]
    won = client.post(f"/api/v1/transfers/{body['id']}/accept", headers=expert.headers)
    assert won.status_code == 200 and won.json()["caller_phone"] == "13912345678"
    lost = client.post(f"/api/v1/transfers/{body['id']}/accept", headers=rival.headers)
    assert lost.status_code == 409 and lost.json()["code"] == "transfer_taken"
    seen_by_lead = client.get(f"/api/v1/transfers/{body['id']}", headers=lead.headers).json()
    assert seen_by_lead["masked"] and seen_by_lead["accepted_by"] == expert.username
    not_theirs = client.post(f"/api/v1/transfers/{body['id']}/complete",
                             headers=rival.headers, json={"notes": "答复完毕"})
    assert not_theirs.status_code == 403
    done = client.post(f"/api/v1/transfers/{body['id']}/complete", headers=expert.headers,
                       json={"notes": "已解答工伤认定流程"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    mine = client.get("/api/v1/transfers", headers=operator.headers).json()["items"]
    assert [t["status"] for t in mine] == ["completed"]


def test_withdraw_and_refusals(server_api):
    operator = server_api.staff(Role.OPERATOR)
    other = server_api.staff(Role.OPERATOR)
    client = server_api.client
    created = client.post("/api/v1/transfers", headers=operator.headers,
                          json={**TRANSFER, "caller_phone": None}).json()
    assert client.get(f"/api/v1/transfers/{created['id']}",
                      headers=other.headers).status_code == 403
    assert client.post(f"/api/v1/transfers/{created['id']}/cancel",
                       headers=other.headers).status_code == 403
    cancelled = client.post(f"/api/v1/transfers/{created['id']}/cancel",
                            headers=operator.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/transfers/{created['id']}/cancel", headers=operator.headers)
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    bad = client.post("/api/v1/transfers", headers=operator.headers,
                      json={**TRANSFER, "caller_phone": "12345"})
    assert bad.status_code == 422
    assert client.get("/api/v1/transfers/0", headers=operator.headers).status_code == 422
    assert client.get("/api/v1/transfers/777", headers=operator.headers).status_code == 404
