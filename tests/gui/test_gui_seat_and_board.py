"""Seat state bar, the team lead's seat board and figures, the expert queue, login."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt

from hotline_desk.core.protocol import (
    SeatBoard,
    SeatStatus,
    TransferOut,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.core.vocabulary import Role, SeatState
from hotline_desk.gui.widgets.expert_queue import ExpertQueuePanel
from hotline_desk.gui.widgets.figures_panel import FiguresPanel
from hotline_desk.gui.widgets.login import LoginDialog
from hotline_desk.gui.widgets.seat_bar import SeatStateBar
from hotline_desk.gui.widgets.seat_board import SeatBoardTable

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

# ---------------------------------------------------------------- seat bar


def test_seat_bar_asks_for_states_and_shows_the_reported_one(qtbot) -> None:
    now = [T0 + timedelta(seconds=75)]
    bar = SeatStateBar(now=lambda: now[0])
    qtbot.addWidget(bar)
    bar.show_state(SeatState.NOT_READY, T0, "登录准备")
    assert bar.state_label.text() == "示忙（登录准备）"
    assert bar.state_time.text() == "01:15"
    assert bar.buttons[SeatState.NOT_READY].isChecked()
    with qtbot.waitSignal(bar.state_requested) as blocker:
        bar.buttons[SeatState.READY].click()
    assert blocker.args == [SeatState.READY, ""]
    # the button follows the reported state, not the click
    assert bar.buttons[SeatState.NOT_READY].isChecked()
    bar.show_state(SeatState.ON_CALL, T0)
    assert not any(b.isChecked() for b in bar.buttons.values())
    bar.show_call(T0 - timedelta(minutes=61, seconds=5))
    assert bar.call_timer.text() == "1:02:20"


def test_not_ready_needs_a_reason(qtbot) -> None:
    bar = SeatStateBar()
    qtbot.addWidget(bar)
    bar.reason_combo.setEditText("")
    with qtbot.assertNotEmitted(bar.state_requested):
        bar.request(SeatState.NOT_READY)
    assert bar.state_time.text() == "请填写示忙原因"
    bar.reason_combo.setEditText("班组会议")
    with qtbot.waitSignal(bar.state_requested) as blocker:
        bar.request(SeatState.NOT_READY)
    assert blocker.args == [SeatState.NOT_READY, "班组会议"]


# ---------------------------------------------------------------- seat board


def _seat(account_id: int, username: str, state: SeatState, reported: SeatState | None = None,
          since: datetime = T0, call: datetime | None = None, outbox: int = 0,
          reason: str | None = None) -> SeatStatus:
    return SeatStatus(account_id=account_id, username=username, display_name=username.upper(),
                      role=Role.OPERATOR, seat_label=f"A-{account_id:02d}", state=state,
                      reported_state=reported or state, reason=reason, state_since=since,
                      last_seen_at=since, outbox_depth=outbox, app_version="0.1.0",
                      call_started_at=call)


def test_board_shows_every_seat_with_server_clock_durations(qtbot) -> None:
    mono = [100.0]
    table = SeatBoardTable(monotonic=lambda: mono[0])
    qtbot.addWidget(table)
    seats = [
        _seat(1, "op1", SeatState.ON_CALL, since=T0, call=T0 - timedelta(seconds=30)),
        _seat(2, "op2", SeatState.OFFLINE, reported=SeatState.READY, outbox=4),
        _seat(3, "op3", SeatState.NOT_READY, reason="班组会议"),
    ]
    table.set_board(SeatBoard(unchanged=False, version=7, cursor="7-1", server_time=T0 +
                              timedelta(seconds=90), seats=seats))
    rows = {table.text(r, 1): r for r in range(table.row_count())}
    assert set(rows) == {"OP1", "OP2", "OP3"}
    assert rows["OP2"] == 2  # offline seats at the bottom
    op1 = rows["OP1"]
    assert table.text(op1, 3) == "01:30"
    assert table.text(op1, 4) == "02:00"
    assert "离线" in table.text(rows["OP2"], 2)
    assert table.text(rows["OP2"], 6) == "4"
    assert table.text(rows["OP3"], 5) == "班组会议"
    assert table.model.index(rows["OP2"], 0).data(Qt.ItemDataRole.FontRole).italic()
    # an "unchanged" answer keeps the rows; time moves on the desk's monotonic clock
    mono[0] += 10
    with qtbot.waitSignal(table.model.dataChanged):  # the durations repaint
        table.set_board(SeatBoard(unchanged=True, version=7, cursor="7-2",
                                  server_time=T0 + timedelta(seconds=100)))
    assert table.row_count() == 3
    assert table.text(op1, 3) == "01:40"


def test_a_floor_of_a_thousand_seats_keeps_the_leads_selection(qtbot) -> None:
    """A centre's whole floor on one board: 1,000 seats render, a changed board keeps the
    seat the lead selected (by account, wherever its row moved), and offline seats sink."""
    table = SeatBoardTable()
    qtbot.addWidget(table)
    seats = [_seat(n, f"op{n}", SeatState.READY) for n in range(1, 1001)]
    table.set_board(SeatBoard(unchanged=False, version=1, cursor="1-1", server_time=T0,
                              seats=seats))
    assert table.row_count() == 1000 and "共 1000 个座席" in table.summary.text()
    table.table.selectRow(table.row_of("op500"))
    seats[3] = _seat(4, "op4", SeatState.OFFLINE, reported=SeatState.READY)
    table.set_board(SeatBoard(unchanged=False, version=2, cursor="2-1", server_time=T0,
                              seats=seats))
    assert table.row_of("op4") == 999
    assert table.selected_account() == 500
    assert table.text(table.row_of("op500"), 1) == "OP500"


def test_figures_are_drawn_with_pyqtgraph(qtbot) -> None:
    panel = FiguresPanel()
    qtbot.addWidget(panel)
    per_hour = [0] * 24
    per_hour[9] = 12
    panel.set_figures(date(2026, 6, 1), per_hour, {"咨询": 8, "投诉": 3}, 0.9, None, 11)
    assert "按时办结率 90.0%" in panel.summary.text()
    assert "今日来电 12 个 · 受理记录 11 件" in panel.summary.text()  # calls ≠ records
    assert "满意率 暂无" in panel.summary.text()
    bars = [item for item in panel.hourly.getPlotItem().items
            if type(item).__name__ == "BarGraphItem"]
    assert len(bars) == 1
    assert panel.values["per_hour"][9] == 12


# ---------------------------------------------------------------- expert queue


def _transfer(transfer_id: int, status: TransferStatus, accepted_by: str | None = None
              ) -> TransferOut:
    return TransferOut(id=transfer_id, reference_kind=TransferReferenceKind.CALL,
                       reference=f"call-{transfer_id}", note="来电人咨询工伤认定",
                       caller_name=None, caller_phone="139****5678", masked=True,
                       status=status, created_by="operator1", created_at=T0,
                       accepted_by=accepted_by, accepted_at=T0 if accepted_by else None,
                       completed_at=None, completion_notes=None, cancelled_at=None)


def test_expert_accepts_a_queued_transfer_and_completes_with_notes(qtbot) -> None:
    """第八条: an expert takes a transfer and completes it with notes."""
    panel = ExpertQueuePanel()
    qtbot.addWidget(panel)
    panel.set_me("expert1")
    panel.set_items([_transfer(5, TransferStatus.QUEUED)], now=T0 + timedelta(minutes=2))
    assert panel.table.item(0, 6).text() == "02:00"
    assert "来电人咨询工伤认定" in panel.detail.toPlainText()
    assert panel.accept_button.isEnabled() and not panel.complete_button.isEnabled()
    with qtbot.waitSignal(panel.accept_requested) as blocker:
        panel.accept_button.click()
    assert blocker.args == [5]
    panel.set_items([_transfer(5, TransferStatus.ACCEPTED, "expert1")])
    assert panel.complete_button.isEnabled()
    with qtbot.assertNotEmitted(panel.complete_requested):
        panel.complete_button.click()
    assert "请填写处理意见" in panel.message.text()
    panel.notes_edit.setPlainText("已电话答复来电人")
    with qtbot.waitSignal(panel.complete_requested) as blocker:
        panel.complete_button.click()
    assert blocker.args == [5, "已电话答复来电人"]


def test_another_experts_transfer_cannot_be_completed_here(qtbot) -> None:
    panel = ExpertQueuePanel()
    qtbot.addWidget(panel)
    panel.set_me("expert1")
    panel.set_items([_transfer(6, TransferStatus.ACCEPTED, "expert2")])
    assert not panel.complete_button.isEnabled()


# ---------------------------------------------------------------- login


def test_login_asks_for_missing_fields_and_keeps_what_was_typed(qtbot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.set_defaults("http://127.0.0.1:8787")
    dialog.ui.passwordEdit.setText("secret1")
    with qtbot.assertNotEmitted(dialog.login_requested):
        dialog.ui.loginButton.click()
    assert "账号" in dialog.ui.messageLabel.text()
    assert dialog.ui.passwordEdit.text() == "secret1"
    dialog.ui.usernameEdit.setText("operator1")
    with qtbot.waitSignal(dialog.login_requested) as blocker:
        dialog.ui.loginButton.click()
    assert blocker.args == ["http://127.0.0.1:8787", "operator1", "secret1"]
    dialog.show_error("用户名或密码错误")
    assert dialog.ui.passwordEdit.text() == ""
    assert dialog.ui.usernameEdit.text() == "operator1"


def test_login_pressed_while_starting_happens_when_ready(qtbot) -> None:
    """The dialog takes input while the desk loads; an early Enter is not lost."""
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.set_defaults("http://127.0.0.1:8787", "operator1")
    dialog.set_starting(True)
    dialog.ui.passwordEdit.setText("Hotline12345")
    with qtbot.assertNotEmitted(dialog.login_requested):
        dialog.ui.loginButton.click()
    assert "自动登录" in dialog.ui.messageLabel.text()
    with qtbot.waitSignal(dialog.login_requested) as blocker:
        dialog.set_starting(False)
    assert blocker.args == ["http://127.0.0.1:8787", "operator1", "Hotline12345"]


def test_the_board_lists_call_takers_not_the_leads_own_desk(qtbot) -> None:
    table = SeatBoardTable()
    qtbot.addWidget(table)
    lead = _seat(9, "lead", SeatState.NOT_READY).model_copy(update={"role": Role.TEAM_LEAD})
    expert = _seat(4, "exp", SeatState.READY).model_copy(update={"role": Role.EXPERT})
    table.set_board(SeatBoard(unchanged=False, version=1, cursor="1-1", server_time=T0,
                              seats=[_seat(1, "op1", SeatState.READY), expert, lead]))
    assert sorted(s.username for s in table.seats()) == ["exp", "op1"]
    assert "共 2 个座席" in table.summary.text()
