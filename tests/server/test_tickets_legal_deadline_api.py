"""A legal deadline and progress reports over HTTP, on SQLite and PostgreSQL (第十七条(三):
法律法规规章等另有规定的从其规定，但应动态反馈办理进展情况): the lead unit records it with a
``ticket_event`` push, ``TicketOut`` shows it, the scheduler flags a missed progress report
(第二十条(二)) and the report clears it.

The clock starts Mon 2026-06-01 09:00 in Shanghai: a complaint dispatched then is due
2026-06-15 (第十七条(二)); the law's 20 working days end 2026-06-30.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tickets_api_kit import api, new_op, ticket

from hotline_desk.core.vocabulary import Role
from hotline_desk.server import scheduler

__all__ = ["api"]  # the fixture, imported for pytest

LEGAL = {"law": "政府信息公开条例", "law_article": "第三十三条", "legal_days": 20,
         "legal_day_kind": "工作日"}


def _event(number: str, name: str, **fields: Any) -> dict[str, Any]:
    return new_op("ticket_event", {"ticket_no": number, "event": name, **fields})


def _read(api, number: str, role: Role = Role.TEAM_LEAD) -> dict[str, Any]:
    response = api.client.get(f"/api/v1/tickets/{number}", headers=api.headers(role))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_lead_unit_records_a_legal_deadline_and_the_desk_reads_it(api):
    """第十七条(三): completion moves to the law's deadline, a progress report stays due at the
    regular one, and the basis travels with it."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    (result,) = api.push(Role.UNIT_HANDLER, _event(number, "set_legal_deadline", **LEGAL))
    assert result["status"] == "applied", result
    deadlines = _read(api, number)["deadlines"]
    assert deadlines["completion_due"] == "2026-06-30"
    assert deadlines["progress_report_due"] == "2026-06-15"
    assert deadlines["legal"]["basis"] == "《政府信息公开条例》第三十三条"
    assert deadlines["legal"]["term"] == "20个工作日" and deadlines["legal"]["due"] == "2026-06-30"
    unit_view = _read(api, number, Role.UNIT_HANDLER)
    assert unit_view["deadlines"]["legal"]["law"] == "政府信息公开条例"
    history = [step["event"] for step in _read(api, number)["events"]]
    assert history[-1] == "set_legal_deadline"


def test_a_legal_deadline_without_its_basis_is_refused_in_chinese(api):
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    (result,) = api.push(Role.UNIT_HANDLER, _event(number, "set_legal_deadline",
                                                   legal_days=20, legal_day_kind="工作日"))
    assert result["status"] == "rejected"
    assert result["reason"]["code"] == "validation_error"
    assert [p["message"] for p in result["reason"]["problems"]] == [
        "请填写法律法规规章名称", "请填写法律法规条款"]
    assert _read(api, number)["deadlines"]["legal"] is None


def test_only_the_lead_unit_or_a_team_lead_may_record_it(api):
    """第十四条 with 第十七条(三): operators and experts may not; team leads may."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    for role in (Role.OPERATOR, Role.EXPERT):
        (result,) = api.push(role, _event(number, "set_legal_deadline", **LEGAL))
        assert result["status"] == "rejected" and result["reason"]["code"] == "forbidden"
        assert "无权" in result["reason"]["problems"][0]["message"]
    (result,) = api.push(Role.TEAM_LEAD, _event(number, "set_legal_deadline", **LEGAL))
    assert result["status"] == "applied", result


def test_the_scheduler_flags_a_missed_progress_report_and_the_report_clears_it(api, clock):
    """第十七条(三) and 第二十条(二): after 06-15 24:00 without a report the ticket is supervised
    as 逾期未反馈办理进展 (but not overdue: its deadline is 06-30); the report clears it."""
    (created,) = api.push(Role.OPERATOR, new_op("ticket", ticket()))
    number = created["server_no"]
    api.push(Role.UNIT_HANDLER, _event(number, "contact", unit_contact="0551-62345678"))
    api.push(Role.UNIT_HANDLER, _event(number, "set_legal_deadline", **LEGAL))
    clock.now = datetime(2026, 6, 16, 1, 0, tzinfo=UTC)
    api.log_in()  # the morning's tokens have expired
    context = api.app.state.context
    assert scheduler.run_overdue_check(api.app, context) == 1
    assert scheduler.run_overdue_check(api.app, context) == 0  # once
    shown = _read(api, number)
    assert shown["progress_overdue"] and not shown["overdue"]
    assert [(s["code"], s["clause"]) for s in shown["supervision"]] == [
        ("progress_overdue", "第二十条(二)")]
    supervised = api.client.get("/api/v1/tickets/supervised",
                                headers=api.headers(Role.TEAM_LEAD)).json()["items"]
    assert [t["ticket_no"] for t in supervised] == [number]

    (result,) = api.push(Role.UNIT_HANDLER, _event(number, "report_progress",
                                                   progress="已调取档案，正在核对"))
    assert result["status"] == "applied", result
    cleared = _read(api, number)
    assert not cleared["progress_overdue"] and cleared["supervision"] == []
    assert cleared["deadlines"]["progress_reported_at"] is not None
    assert cleared["deadlines"]["progress_report_due"] is None  # 10 more days pass 06-30
    assert cleared["events"][-1]["note"] == "已调取档案，正在核对"
