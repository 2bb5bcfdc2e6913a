"""How the desk shows a ticket's completion deadline (第十七条), a legal one with its basis
and the progress report due (第十七条(三)), in the team lead's watch list and the ticket
the expert reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hotline_desk.core.protocol import (
    DeadlinesOut,
    LegalDeadlineOut,
    SupervisionOut,
    TicketKind,
    TicketOut,
)
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.gui.widgets.deadline_text import deadline_text, overdue_text
from hotline_desk.gui.widgets.expert_queue import ticket_html
from hotline_desk.gui.widgets.ticket_tables import WatchTable

T0 = datetime(2027, 2, 1, 2, tzinfo=UTC)
LEGAL = LegalDeadlineOut(law="政府信息公开条例", article="第三十三条",
                         basis="《政府信息公开条例》第三十三条", days=None, day_kind=None,
                         until=date(2027, 3, 31), term="2027-03-31前", due=date(2027, 3, 31),
                         recorded_at=T0)


def _deadlines(**overrides: Any) -> DeadlinesOut:
    values: dict[str, Any] = {
        "dispatched_at": T0, "first_contact_due": date(2027, 2, 2),
        "return_due": date(2027, 2, 3), "completion_due": date(2027, 2, 22),
        "completion_deadline": datetime(2027, 2, 22, 16, tzinfo=UTC),
        "completion_limit_days": 10, "provisional": False, "calendar_source": "official"}
    values.update(overrides)
    return DeadlinesOut(**values)


def _ticket(number: str, deadlines: DeadlinesOut | None, *, overdue: bool = False,
            progress_overdue: bool = False) -> TicketOut:
    supervision = [SupervisionOut(code="progress_overdue", clause="第二十条(二)",
                                  reason_zh="第二十条(二)：逾期未反馈办理进展")] \
        if progress_overdue else []
    return TicketOut(
        ticket_no=number, kind=TicketKind.TICKET, state=TicketState.CONTACTED, version=3,
        change_version=3, received_at=T0, created_at=T0, updated_at=T0, created_by="op1",
        seat_label="A-01", masked=True, requester_name=None, requester_phone="139****5678",
        content="申请公开路灯维修合同", location=None, request_type=RequestType.HELP, area=None,
        channel=None, source=None, priority=None, topic="信息公开", lead_unit="城管局",
        co_units=[], handling_requirements=None, kb_entry_id=None, kb_entry_version=None,
        source_ticket_no=None, deadlines=deadlines, overdue=overdue,
        progress_overdue=progress_overdue, supervised=bool(supervision),
        supervision=supervision)


def test_a_regular_deadline_is_its_date() -> None:
    """第十七条(一)(二): the date, 暂定 when counted on the statutory fallback."""
    assert deadline_text(_deadlines()) == "2027-02-22"
    assert deadline_text(_deadlines(provisional=True)) == "2027-02-22（暂定）"
    assert deadline_text(None) == "—"


def test_a_legal_deadline_names_its_basis_and_the_progress_report() -> None:
    """第十七条(三): 法定期限 with its basis, and when progress must next be reported."""
    legal = _deadlines(completion_due=date(2027, 3, 31), legal=LEGAL,
                       progress_report_due=date(2027, 2, 22))
    assert deadline_text(legal) == (
        "法定期限 2027-03-31（《政府信息公开条例》第三十三条）· 进展报告 2027-02-22")
    reported = _deadlines(completion_due=date(2027, 3, 31), legal=LEGAL,
                          progress_reported_at=T0)
    assert deadline_text(reported) == "法定期限 2027-03-31（《政府信息公开条例》第三十三条）"


def test_overdue_flags() -> None:
    assert overdue_text(_ticket("HF1", None)) == ""
    assert overdue_text(_ticket("HF1", None, overdue=True)) == "超期"
    assert overdue_text(_ticket("HF1", None, progress_overdue=True)) == "进展逾期"
    assert overdue_text(_ticket("HF1", None, overdue=True, progress_overdue=True)) == (
        "超期、进展逾期")


def test_the_watch_list_and_the_expert_show_the_legal_deadline(qtbot) -> None:
    """第十七条(三) and 第二十条(二): the lead sees the legal deadline and the missed progress
    report first; the expert reading the ticket sees the same deadline line."""
    legal = _deadlines(completion_due=date(2027, 3, 31), legal=LEGAL,
                       progress_report_due=date(2027, 2, 22))
    table = WatchTable()
    qtbot.addWidget(table)
    table.set_tickets([_ticket("HF2", _deadlines(), overdue=False),
                       _ticket("HF1", legal, progress_overdue=True)])
    grid = table.table
    assert grid.item(0, 0).text() == "HF1"  # flagged rows first
    assert grid.item(0, 4).text() == (
        "法定期限 2027-03-31（《政府信息公开条例》第三十三条）· 进展报告 2027-02-22")
    assert grid.item(0, 5).text() == "进展逾期"
    assert grid.item(0, 6).text() == "第二十条(二)：逾期未反馈办理进展"
    assert (grid.item(1, 4).text(), grid.item(1, 5).text()) == ("2027-02-22", "")
    html = ticket_html(_ticket("HF1", legal))
    assert "法定期限 2027-03-31（《政府信息公开条例》第三十三条）· 进展报告 2027-02-22" in html
