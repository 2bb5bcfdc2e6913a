"""The ticket endpoints over HTTP, on SQLite and PostgreSQL: push with per-operation
outcomes, reads, caller history, the progress query (第十九条), figures, the scheduler."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from tickets_api_kit import PHONE, UNIT, api, new_op, ticket

from hotline_desk.core.protocol import PROTOCOL_HEADER
from hotline_desk.core.vocabulary import Role
from hotline_desk.server import scheduler

__all__ = ["api"]  # the fixture, imported for pytest


def test_push_answers_each_operation_and_a_resend_is_a_duplicate(api):
    first = new_op("ticket", ticket())
    bad = new_op("ticket", ticket(content=""))
    results = api.push(Role.OPERATOR, first, bad)
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["reason"]["code"] == "validation_error"
    assert results[1]["reason"]["problems"][0]["field"] == "content"
    (again,) = api.push(Role.OPERATOR, first)
    assert again["status"] == "duplicate" and again["server_no"] == results[0]["server_no"]


def test_a_malformed_batch_is_refused_whole(api):
    response = api.client.post("/api/v1/tickets/push", json={"ops": [{"kind": "ticket"}]},
                               headers=api.headers(Role.OPERATOR))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert response.headers[PROTOCOL_HEADER] == "1"


def test_reading_a_ticket_masked_and_in_full(api):
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    masked = api.client.get(f"/api/v1/tickets/{number}", headers=api.headers(Role.EXPERT))
    assert masked.status_code == 200 and masked.json()["requester_phone"] == "138****5678"
    full = api.client.get(f"/api/v1/tickets/{number}", params={"unmasked": "true"},
                          headers=api.headers(Role.UNIT_HANDLER))
    assert full.json()["requester_phone"] == PHONE
    refused = api.client.get(f"/api/v1/tickets/{number}", params={"unmasked": "true"},
                             headers=api.headers(Role.EXPERT))
    assert refused.status_code == 403
    missing = api.client.get("/api/v1/tickets/AH20260601999999",
                             headers=api.headers(Role.TEAM_LEAD))
    assert missing.status_code == 404
    audit = api.client.get("/api/v1/audit", params={"action": "ticket.read_unmasked"},
                           headers=api.headers(Role.ADMIN))
    assert [r["actor_username"] for r in audit.json()["items"]] == ["unit1"]


def test_the_expert_holding_a_transfer_of_the_ticket_reads_it_in_full(api):
    """第八条 专家座席, 第三十四条 授权访问: the expert who accepted the transfer of a ticket
    reads it unmasked (audited) while the transfer is accepted; another expert, the same
    expert while it is still queued and after completing it get 403."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    made = api.client.post("/api/v1/accounts", headers=api.headers(Role.ADMIN), json={
        "username": "exp2", "display_name": "第二位专家", "role": "expert",
        "password": "Secret1234"})
    assert made.status_code == 201, made.text
    login = api.client.post("/api/v1/auth/login",
                            json={"username": "exp2", "password": "Secret1234"})
    other = {"Authorization": f"Bearer {login.json()['token']}"}
    expert = api.headers(Role.EXPERT)
    transfer = api.client.post("/api/v1/transfers", headers=api.headers(Role.OPERATOR), json={
        "reference_kind": "ticket", "reference": number, "note": "请专家答复"}).json()

    def read(headers: dict[str, str]):
        return api.client.get(f"/api/v1/tickets/{number}", params={"unmasked": "true"},
                              headers=headers)

    queued = read(expert)
    assert queued.status_code == 403 and queued.json()["code"] == "forbidden"
    accepted = api.client.post(f"/api/v1/transfers/{transfer['id']}/accept", headers=expert)
    assert accepted.status_code == 200, accepted.text
    full = read(expert)
    assert full.status_code == 200, full.text
    assert full.json()["requester_phone"] == PHONE and not full.json()["masked"]
    assert full.json()["requester_name"] == "张三"
    assert read(other).status_code == 403
    done = api.client.post(f"/api/v1/transfers/{transfer['id']}/complete", headers=expert,
                           json={"notes": "已答复"})
    assert done.status_code == 200, done.text
    assert read(expert).status_code == 403
    masked = api.client.get(f"/api/v1/tickets/{number}", headers=expert).json()
    assert masked["requester_phone"] == "138****5678"
    audit = api.client.get("/api/v1/audit", params={"action": "ticket.read_unmasked"},
                           headers=api.headers(Role.ADMIN))
    assert [(r["actor_username"], r["object_id"]) for r in audit.json()["items"]] == [
        ("exp1", number)]


def test_the_feed_and_the_history_for_the_screen_pop(api):
    for location in ("甲路1号", "乙路2号"):
        api.push(Role.OPERATOR, new_op("ticket", ticket(location=location)))
    page = api.client.get("/api/v1/tickets/changes", params={"since": 0},
                          headers=api.headers(Role.UNIT_HANDLER)).json()
    assert len(page["items"]) == 2 and page["items"][0]["lead_unit"] == UNIT
    history = api.client.post("/api/v1/tickets/history", json={"phone": "138 1234 5678"},
                              headers=api.headers(Role.OPERATOR)).json()
    assert history["total"] == 2 and history["matters"][0]["count"] == 2
    bad = api.client.post("/api/v1/tickets/history", json={"phone": "110"},
                          headers=api.headers(Role.OPERATOR))
    assert bad.status_code == 422


def test_progress_needs_no_account_and_guessing_is_throttled(api):
    """第十九条: number + phone; a wrong phone looks like an unknown number; 429 later."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    found = api.client.post("/api/v1/progress", json={"ticket_no": number, "phone": PHONE})
    assert found.status_code == 200 and found.json()["state"] == "dispatched"
    assert PHONE not in found.text and "张三" not in found.text
    wrong = api.client.post("/api/v1/progress", json={"ticket_no": number,
                                                     "phone": "13912345678"})
    unknown = api.client.post("/api/v1/progress", json={"ticket_no": "AH20260601999999",
                                                       "phone": PHONE})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    for _ in range(4):
        api.client.post("/api/v1/progress", json={"ticket_no": number, "phone": "13912345678"})
    throttled = api.client.post("/api/v1/progress", json={"ticket_no": number, "phone": PHONE})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0


def test_figures_and_their_range_checks(api):
    api.push(Role.OPERATOR, new_op("ticket", ticket()))
    day = api.client.get("/api/v1/figures/day", params={"day": "2026-06-01"},
                         headers=api.headers(Role.TEAM_LEAD)).json()
    assert day["total"] == 1 and day["per_hour"][9] == 1
    too_long = api.client.get("/api/v1/figures/units",
                              params={"start": "2026-01-01", "end": "2026-06-01"},
                              headers=api.headers(Role.ADMIN))
    backwards = api.client.get("/api/v1/figures/units",
                               params={"start": "2026-06-02", "end": "2026-06-01"},
                               headers=api.headers(Role.ADMIN))
    far = api.client.get("/api/v1/figures/day", params={"day": "9999-12-31"},
                         headers=api.headers(Role.ADMIN))
    ancient = api.client.get("/api/v1/figures/units", params={"end": "0001-01-01"},
                             headers=api.headers(Role.ADMIN))  # found by schemathesis
    assert {too_long.status_code, backwards.status_code, far.status_code,
            ancient.status_code} == {422}
    rising = api.client.get("/api/v1/figures/rising-topics", params={"min_count": 1},
                            headers=api.headers(Role.TEAM_LEAD)).json()
    assert [t["topic"] for t in rising["items"]] == ["路灯不亮"]


def test_the_scheduler_flags_overdue_tickets_and_the_lists_show_them(api, clock):
    """第二十条(二): overdue detection runs at start-up and then every interval."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    clock.now = datetime(2026, 6, 20, tzinfo=UTC)
    context = api.app.state.context
    ticks: list[int | None] = []
    first_tick = threading.Event()

    def heard(flagged: int | None) -> None:
        ticks.append(flagged)
        first_tick.set()

    async def run_once() -> None:
        async with scheduler.running(api.app, context, interval=3600, on_tick=heard):
            await asyncio.to_thread(first_tick.wait, 30)

    asyncio.run(run_once())
    assert ticks == [1]
    api.log_in()  # three weeks later: the morning's tokens have expired
    overdue = api.client.get("/api/v1/tickets/overdue", headers=api.headers(Role.TEAM_LEAD))
    supervised = api.client.get("/api/v1/tickets/supervised",
                                headers=api.headers(Role.TEAM_LEAD))
    assert [t["ticket_no"] for t in overdue.json()["items"]] == [created["server_no"]]
    assert supervised.json()["items"][0]["supervision"][0]["code"] == "overdue"
    assert scheduler.run_overdue_check(api.app, context) == 0  # idempotent
