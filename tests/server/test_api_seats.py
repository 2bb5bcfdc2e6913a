"""Heartbeats and the team lead's seat board over HTTP (第七条(三) 日常运行管理; server
clock only)."""

from __future__ import annotations

from datetime import datetime

from hotline_desk.core.vocabulary import Role


def test_heartbeat_board_and_the_cheap_path(server_api):
    operator = server_api.staff(Role.OPERATOR)
    lead = server_api.staff(Role.TEAM_LEAD)
    client = server_api.client
    ack = client.put("/api/v1/seats/me", headers=operator.headers, json={
        "state": "not_ready", "reason": "培训", "seat_label": "A-07", "outbox_depth": 0,
        "app_version": "0.1.0"})
    assert ack.status_code == 200
    assert datetime.fromisoformat(ack.json()["server_time"]) == server_api.clock()
    assert ack.json()["changed"] and ack.json()["offline_after_seconds"] == 45
    board = client.get("/api/v1/seats", headers=lead.headers).json()
    (seat,) = board["seats"]
    assert (seat["seat_label"], seat["state"], seat["reason"]) == ("A-07", "not_ready", "培训")
    same = client.get("/api/v1/seats", headers=lead.headers,
                      params={"since": board["cursor"]}).json()
    assert same["unchanged"] and same["seats"] == []
    server_api.clock.advance(46)
    later = client.get("/api/v1/seats", headers=lead.headers,
                       params={"since": same["cursor"]}).json()
    assert not later["unchanged"] and later["seats"][0]["state"] == "offline"


def test_bad_heartbeats_are_refused(server_api):
    operator = server_api.staff(Role.OPERATOR)
    put = server_api.client.put
    for body in ({"state": "not_ready"}, {"state": "ready", "reason": "x"},
                 {"state": "dancing"}, {"state": "ready", "outbox_depth": -1},
                 {"state": "ready", "state_age_seconds": 10**9}):
        response = put("/api/v1/seats/me", headers=operator.headers, json=body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"
