"""Service values → widget rows (第二十条(六) history, recent records, rejections,
the lead's figures and watch list), and the rejected-items dialog."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hotline_desk.core.protocol import MatterCount, TicketKind, TicketOut
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.gui.presenters import (
    figures_values,
    history_rows,
    record_rows,
    rejected_rows,
    watch_tickets,
)
from hotline_desk.gui.widgets.recent_records import RecentRecordsPanel
from hotline_desk.gui.widgets.rejected_dialog import RejectedDialog
from hotline_desk.services.board import Figures, OverdueAndSupervised
from hotline_desk.services.calls import CallerHistory
from hotline_desk.services.tickets import LocalTicket, RejectedItem
from hotline_desk.storage.cache.tickets import MarkState, RecordKind

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _ticket(number: str, content: str, *, overdue: bool = False,
            supervised: bool = False) -> TicketOut:
    return TicketOut(
        ticket_no=number, kind=TicketKind.TICKET, state=TicketState.DISPATCHED, version=1,
        change_version=1, received_at=T0, created_at=T0, updated_at=T0, created_by="operator1",
        seat_label="A-01", masked=True, requester_name=None, requester_phone="139****5678",
        content=content, location=None, request_type=RequestType.COMPLAINT, area=None,
        channel=None, source=None, priority=None, topic="路灯不亮", lead_unit="城管局",
        co_units=[], handling_requirements=None, kb_entry_id=None, kb_entry_version=None,
        source_ticket_no=None, overdue=overdue, supervised=supervised)


def _record(number: str | None, sync: str, content: str) -> LocalTicket:
    return LocalTicket(id=1, kind=RecordKind.TICKET, local_no="本地-20260601-0001",
                       server_no=number, op_id="op", state=TicketState.PENDING_DISPATCH,
                       sync_status=sync, payload={"content": content,
                                                  "request_type": "complaint"},
                       created_at=T0, updated_at=T0, server_updated_at=None)


def test_history_rows_count_the_same_matter_and_list_unsent_records_first() -> None:
    """第二十条(六): each prior ticket shows how often its matter was raised."""
    history = CallerHistory(
        phone_masked="139****5678", total=2,
        tickets=[_ticket("HF1", "路灯不亮"), _ticket("HF2", "噪音扰民")],
        matters=[MatterCount(matter="m", label="路灯不亮", count=2, ticket_nos=["HF1"],
                             last_at=T0)],
        repeat_threshold=3, repeat_warning_zh="该来电人此前已反映过 2 次",
        unsent=[_record(None, "pending", "又来反映路灯")])
    rows = history_rows(history)
    assert [r.ticket_no for r in rows] == ["本地-20260601-0001（本机未同步）", "HF1", "HF2"]
    assert rows[0].request_type == "投诉" and rows[0].summary == "又来反映路灯"
    assert rows[1].same_matter_count == 2 and rows[2].same_matter_count == 1


def test_record_rows_show_the_server_number_once_synced() -> None:
    rows = record_rows([_record("HF20260601000001", "sent", "路灯"),
                        _record(None, "rejected", "噪音" * 40)])
    assert rows[0].number == "HF20260601000001" and not rows[0].provisional
    assert rows[0].sync == "已同步"
    assert rows[1].provisional and rows[1].sync == "被退回"
    assert len(rows[1].summary) == 40 and rows[1].summary.endswith("…")


def test_record_rows_list_an_abusive_call_mark_with_its_sync_state(qtbot) -> None:
    """第十三条: a mark is listed in 本机记录 with its Chinese kind and state, its number
    (the only one it gets, never "暂编") and whether it reached the server."""
    def mark(sync: str) -> LocalTicket:
        return LocalTicket(id=2, kind=RecordKind.ABUSIVE_CALL, local_no="本地-20260601-0002",
                           server_no=None, op_id="op-2", state=MarkState.MARKED,
                           sync_status=sync, payload={"phone": "13812345678",
                                                      "note": "来电人多次辱骂话务员"},
                           created_at=T0, updated_at=T0, server_updated_at=None)

    pending, sent = record_rows([mark("pending"), mark("sent")])
    assert (pending.kind, pending.state, pending.sync) == ("骚扰来电标记", "已标记", "待同步")
    assert (pending.number, pending.summary) == ("本地-20260601-0002", "来电人多次辱骂话务员")
    assert not pending.provisional and sent.sync == "已同步"
    panel = RecentRecordsPanel()
    qtbot.addWidget(panel)
    panel.set_rows([pending])
    cells = [panel.table.item(0, c).text() for c in range(4)]
    assert cells == ["本地-20260601-0002", "骚扰来电标记", "来电人多次辱骂话务员", "已标记"]


def test_rejected_rows_and_the_retry_dialog(qtbot) -> None:
    items = [RejectedItem(op_id="op-1", kind="ticket", kind_label="工单",
                          local_no="本地-20260601-0002", reason_zh="承办单位不存在",
                          payload={}, created_at=T0)]
    rows = rejected_rows(items)
    assert rows[0].what == "工单 本地-20260601-0002"
    dialog = RejectedDialog()
    qtbot.addWidget(dialog)
    dialog.set_rows(rows)
    assert dialog.table.item(0, 1).text() == "承办单位不存在"
    with qtbot.waitSignal(dialog.retry_requested) as blocker:
        dialog.retry_button.click()
    assert blocker.args == ["op-1"]
    dialog.set_rows([])
    assert not dialog.retry_button.isEnabled()
    assert dialog.explanation.text() == "没有被退回的记录。"


def test_figures_list_the_five_request_types_in_order() -> None:
    figures = Figures(day=date(2026, 6, 1), total=5, calls_per_hour=[0] * 24,
                      tickets_per_type={"投诉": 3, "咨询": 2}, tickets_per_area={},
                      on_time_rate=0.5, satisfaction_rate=None, units=[], rising_topics=[])
    day, per_hour, per_type, on_time, satisfied, total = figures_values(figures)
    assert per_hour == [0] * 24
    assert list(per_type) == ["咨询", "求助", "投诉", "举报", "意见建议"]
    assert per_type["投诉"] == 3 and per_type["求助"] == 0
    assert (day, on_time, satisfied, total) == (date(2026, 6, 1), 0.5, None, 5)


def test_a_ticket_both_overdue_and_supervised_is_watched_once() -> None:
    both = _ticket("HF1", "a", overdue=True, supervised=True)
    value = OverdueAndSupervised(overdue=[both], supervised=[both, _ticket("HF2", "b")])
    assert [t.ticket_no for t in watch_tickets(value)] == ["HF1", "HF2"]
