"""The desk end to end: real widgets, real services, a real sync server process.

Each flow is driven the way an operator works — keys and clicks on the real
windows — and checked on the server afterwards. 第十一条 (a ticket with its
required fields), 第十二条(一) (answered on the spot from the knowledge base),
第十条 (refusal recorded with its basis), 第十二条(三) (emergency handoff), 第八条
(transfer to an expert seat), the team lead's live board, and "save first, sync
always, lose nothing" with the server stopped and restarted in the middle.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_desk_harness import DeskHarness, server_tickets, server_transfers
from gui_live_server import ServerProcess, init_demo
from PySide6.QtCore import Qt

from hotline_desk.core.vocabulary import SeatState

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent

CTRL = Qt.KeyboardModifier.ControlModifier
PHONE = "13912345678"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("gui-demo-template") / "data"
    data_dir.mkdir()
    init_demo(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[ServerProcess]:
    process = ServerProcess.from_template(demo_template,
                                          tmp_path_factory.mktemp("gui-server") / "data")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def own_server(demo_template: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess.from_template(demo_template, tmp_path / "server-data")
    yield process
    process.stop()


@pytest.fixture
def desks(qtbot, qloop, memory_keyring, tmp_path: Path) -> Iterator[object]:
    opened: list[DeskHarness] = []

    def make(server_url: str, username: str | None, *, cache: str | None = None,
             auto_login: bool = True, seat_label: str = "") -> DeskHarness:
        harness = DeskHarness(qtbot, server_url, tmp_path / (cache or f"cache-{username}"),
                              username, seat_label=seat_label)
        harness.open(auto_login=auto_login)
        opened.append(harness)
        return harness

    yield make
    for harness in reversed(opened):
        harness.close()


def _start_call(desk: DeskHarness, phone: str = PHONE) -> None:
    window = desk.window
    desk.key(Qt.Key.Key_F3)
    assert window.caller.phone_edit.hasFocus()
    window.caller.phone_edit.setText(phone)
    desk.qtbot.keyClick(window.caller.phone_edit, Qt.Key.Key_Return)
    desk.wait(lambda: desk.ctx.calls.current is not None)
    desk.wait(lambda: desk.ctx.seat.state is SeatState.ON_CALL)
    desk.wait(lambda: window.caller.history_state.text() not in ("", "正在查询历史工单…"))


def _mine(tickets: list[dict], kind: str) -> list[dict]:
    return [t for t in tickets if t["kind"] == kind]


# ---------------------------------------------------------------- login


def test_login_through_the_dialog_lands_not_ready(desks, server, memory_keyring, type_text,
                                                  tmp_path) -> None:
    """第三十五条: the token goes to the keyring, never to the cache file; the seat
    comes up not ready (示忙)."""
    desk = desks(server.url, None, cache="cache-login", auto_login=False)
    desk.wait(lambda: desk.shell.login_dialog is not None
              and desk.shell.login_dialog.isVisible())
    dialog = desk.shell.login_dialog
    dialog.ui.serverEdit.setText(server.url)
    dialog.ui.usernameEdit.setText("operator1")
    type_text(dialog.ui.passwordEdit, "wrong-password1")
    desk.qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    desk.wait(lambda: "密码错误" in dialog.ui.messageLabel.text())
    assert dialog.ui.usernameEdit.text() == "operator1"  # what was typed is kept
    type_text(dialog.ui.passwordEdit, "Hotline12345")
    desk.qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    desk.wait(lambda: desk.window is not None)
    window = desk.window
    assert type(window).__name__ == "OperatorWindow"
    assert desk.ctx.seat.state is SeatState.NOT_READY
    assert window.seat_bar.state_label.text().startswith("示忙")
    tokens = list(memory_keyring.secrets.values())
    assert len(tokens) == 1
    desk.wait(lambda: desk.status().online)
    desk.close()
    cache_bytes = b"".join(p.read_bytes() for p in (tmp_path / "cache-login").iterdir()
                           if p.is_file())
    assert tokens[0].encode() not in cache_bytes


# ---------------------------------------------------------------- 第十二条(一)


def test_search_and_answer_closes_the_call_with_the_entry(desks, server, type_text) -> None:
    desk = desks(server.url, "operator1")
    window = desk.window
    _start_call(desk)
    desk.key(Qt.Key.Key_F2)
    assert window.search.search_edit.hasFocus()
    type_text(window.search.search_edit, "公积金提取")
    desk.wait(lambda: window.search.model.rowCount() > 0)
    entry = window.search.current_entry()
    assert entry is not None and "公积金" in entry.title
    desk.key(Qt.Key.Key_Return, CTRL)
    desk.wait(lambda: desk.ctx.calls.current is None)
    desk.wait(lambda: desk.ctx.seat.state is SeatState.AFTER_CALL)
    desk.flush()
    closures = [t for t in _mine(server_tickets(server.url), "kb_closure")
                if t["kb_entry_id"] == entry.id]
    assert len(closures) == 1
    assert closures[0]["state"] == "answered_on_spot"


# ---------------------------------------------------------------- 第十一条


def test_a_ticket_with_validation_errors_fixed_is_saved_and_synced(desks, server,
                                                                   type_text) -> None:
    desk = desks(server.url, "operator1")
    window = desk.window
    form = window.form
    ui = form.ui
    _start_call(desk, "13812340000")
    desk.key(Qt.Key.Key_T, CTRL)
    assert window.tabs.currentIndex() == 0
    assert ui.requesterPhoneEdit.text() == "13812340000"  # from the call
    ui.requesterPhoneEdit.clear()
    type_text(ui.requesterPhoneEdit, "138123")
    assert ui.requesterPhoneError.isVisible() and "11位" in ui.requesterPhoneError.text()
    type_text(ui.requesterPhoneEdit, "40000")
    assert not ui.requesterPhoneError.isVisible()
    type_text(ui.contentEdit, "路灯")
    assert "过短" in ui.contentError.text()
    type_text(ui.contentEdit, "不亮了，小区门口漆黑一片已有一周")
    ui.requestTypeCombo.setCurrentIndex(ui.requestTypeCombo.findData("complaint"))
    ui.areaCombo.setCurrentIndex(ui.areaCombo.findData("public_service"))
    assert "事发地点" in ui.locationError.text()
    assert not ui.saveButton.isEnabled()
    type_text(ui.locationEdit, "蜀山区黄山路与肥西路交口")
    type_text(ui.leadUnitEdit, "蜀山区城市管理局")
    type_text(ui.handlingRequirementsEdit, "请核实后尽快修复路灯，并回复诉求人")
    assert form.problems() == {}
    assert ui.saveButton.isEnabled()
    desk.key(Qt.Key.Key_S, CTRL)
    desk.wait(lambda: "已保存" in ui.draftLabel.text())
    assert ui.contentEdit.toPlainText() == ""  # a fresh form for the next request
    desk.flush()
    everything = server_tickets(server.url)
    mine = [t for t in _mine(everything, "ticket")
            if "小区门口漆黑" in (t["content"] or "")]
    assert len(mine) == 1
    assert mine[0]["lead_unit"] == "蜀山区城市管理局"
    # the desk's list now shows the server's public number
    window.ticket_ctl.refresh_recent()
    desk.wait(lambda: any(window.recent.table.item(r, 0).text() == mine[0]["ticket_no"]
                          for r in range(window.recent.table.rowCount())))


# ---------------------------------------------------------------- 第十条


def test_a_refusal_is_recorded_with_its_basis(desks, server, type_text) -> None:
    desk = desks(server.url, "operator2")
    window = desk.window
    _start_call(desk, "13700001111")
    desk.key(Qt.Key.Key_U, CTRL)
    assert window.tabs.currentIndex() == 1
    reasons = desk.ctx.reference.refusal_grounds()
    litigation = next(r for r in reasons if r.ground.value == "litigation")
    window.refusal.select(litigation.code)
    assert litigation.referrals[0].unit in window.refusal.ui.referralView.text()
    type_text(window.refusal.ui.noteEdit, "要求热线替其追讨朋友欠款")
    desk.key(Qt.Key.Key_R, CTRL)
    desk.wait(lambda: "已记录不予受理" in window.refusal.ui.messageLabel.text())
    assert desk.ctx.calls.current is not None  # the operator may still help with more
    desk.flush()
    refusals = [t for t in _mine(server_tickets(server.url), "refusal")
                if t["content"] == "要求热线替其追讨朋友欠款"]
    assert len(refusals) == 1
    assert refusals[0]["refusal"]["ground"] == "litigation"
    assert refusals[0]["refusal"]["clause"] == "第十条(一)"


# ---------------------------------------------------------------- 第十二条(三)


def test_an_emergency_handoff_needs_a_confirmation_and_is_recorded(desks, server) -> None:
    desk = desks(server.url, "operator2")
    window = desk.window
    _start_call(desk, "13700002222")
    desk.key(Qt.Key.Key_3, CTRL)  # 120
    desk.wait(lambda: window.emergency.confirm_dialog is not None)
    dialog = window.emergency.confirm_dialog
    assert dialog.ui.numberLabel.text() == "120"
    before = len(_mine(server_tickets(server.url), "emergency_handoff"))
    desk.qtbot.keyClick(dialog, Qt.Key.Key_Return)
    desk.wait(lambda: desk.ctx.calls.current is None)
    desk.flush()
    handoffs = _mine(server_tickets(server.url), "emergency_handoff")
    assert len(handoffs) == before + 1
    assert handoffs[-1]["handoff"]["number"] == "120"


# ---------------------------------------------------------------- 第八条


def _ticket_part(detail: str) -> str:
    """The transferred ticket's part of the expert's detail (after its first row)."""
    return detail.partition("工单编号")[2]


def test_a_transfer_is_accepted_and_completed_by_an_expert(desks, server, type_text) -> None:
    """第八条: the operator hands a ticket to the expert queue with a note; the expert
    sees the note and the ticket, accepts it (then the caller's number in full) and
    completes it with notes."""
    operator = desks(server.url, "operator1")
    expert = desks(server.url, "expert1")
    window = operator.window
    _start_call(operator, "13600003333")
    ui = window.form.ui
    operator.key(Qt.Key.Key_T, CTRL)
    type_text(ui.contentEdit, "咨询工伤认定申请时限及所需材料")
    ui.requestTypeCombo.setCurrentIndex(ui.requestTypeCombo.findData("consultation"))
    ui.areaCombo.setCurrentIndex(ui.areaCombo.findData("social"))
    ui.purposeCombo.setCurrentIndex(ui.purposeCombo.findData("record"))
    operator.key(Qt.Key.Key_S, CTRL)
    operator.wait(lambda: "已保存" in ui.draftLabel.text())
    operator.flush()
    operator.key(Qt.Key.Key_H, CTRL)  # this desk's records, with the server's numbers
    recent = window.recent.table
    operator.wait(lambda: recent.rowCount() > 0 and "（暂编）" not in recent.item(0, 0).text())
    number = recent.item(0, 0).text()
    recent.selectRow(0)
    operator.key(Qt.Key.Key_E, CTRL)
    operator.wait(lambda: window.handling.note_dialog is not None
                  and window.handling.note_dialog.isVisible())
    dialog = window.handling.note_dialog
    assert dialog.reference() == number  # the selected ticket is what is transferred
    type_text(dialog.ui.noteEdit, "来电人咨询工伤认定时限，需人社专家答复")
    dialog.ui.buttonBox.accepted.emit()
    operator.wait(lambda: operator.ctx.calls.current is None)
    operator.flush()

    queue = expert.window.queue

    def queued_row() -> int:
        for row in range(queue.table.rowCount()):
            if queue._items[row].note.startswith("来电人咨询工伤认定时限"):
                return row
        return -1

    expert.wait(lambda: queued_row() >= 0)
    queue.table.selectRow(queued_row())
    assert "需人社专家答复" in queue.detail.toPlainText()
    assert "136****3333" in queue.detail.toPlainText()  # masked until accepted
    expert.wait(lambda: "136****3333" in _ticket_part(queue.detail.toPlainText()),
                state=lambda: queue.detail.toPlainText())  # the ticket masked too
    expert.key(Qt.Key.Key_F9)
    expert.wait(lambda: queue.complete_button.isEnabled())
    expert.wait(lambda: "咨询工伤认定申请时限及所需材料" in queue.detail.toPlainText(),
                state=lambda: (queue.detail.toPlainText(), queue.message.text()))
    assert "13600003333" in queue.detail.toPlainText()  # the accepting expert sees it all
    # ... the ticket itself too, read in full while the expert holds the transfer (第八条)
    expert.wait(lambda: "13600003333" in _ticket_part(queue.detail.toPlainText()),
                state=lambda: queue.detail.toPlainText())
    type_text(queue.notes_edit, "已告知工伤认定申请时限为一年")
    expert.key(Qt.Key.Key_Return, CTRL)
    expert.wait(lambda: "已完成" in queue.message.text())
    done = [t for t in server_transfers(server.url)
            if t["note"].startswith("来电人咨询工伤认定时限")]
    assert len(done) == 1
    assert done[0]["status"] == "completed"
    assert done[0]["reference"] == number
    assert done[0]["completion_notes"] == "已告知工伤认定申请时限为一年"
    assert done[0]["accepted_by"] == "expert1"


# ---------------------------------------------------------------- team lead


def test_the_lead_sees_both_seats_change_state(desks, server) -> None:
    operator = desks(server.url, "operator1", seat_label="A-01")
    expert = desks(server.url, "expert1", seat_label="Z-01")
    lead = desks(server.url, "teamlead1")
    board = lead.window.seats

    def state_of(username: str) -> str:
        row = board.row_of(username)
        return board.text(row, 2) if row >= 0 else ""

    lead.wait(lambda: state_of("operator1") == "示忙" and state_of("expert1") == "示忙")
    operator.key(Qt.Key.Key_F5)  # 示闲
    expert.key(Qt.Key.Key_F7)  # 小休
    lead.wait(lambda: state_of("operator1") == "示闲" and state_of("expert1") == "小休")
    _start_call(operator, "13500004444")
    lead.wait(lambda: state_of("operator1") == "通话中")
    row = board.row_of("operator1")
    lead.wait(lambda: board.text(row, 4) not in ("", "—"))
    assert board.text(board.row_of("operator1"), 0) == "A-01"


# ---------------------------------------------------------------- lose nothing


def test_the_whole_flow_with_the_server_stopped_and_restarted(desks, own_server,
                                                               type_text) -> None:
    """Save first, sync always, lose nothing: every record made while the server is
    down — and a draft left when the desk was closed — reaches the server exactly once."""
    own_server.start()
    desk = desks(own_server.url, "operator1", cache="cache-offline")
    window = desk.window
    desk.wait(lambda: desk.status().online)
    desk.wait(lambda: len(desk.ctx.knowledge) > 0)  # the knowledge base reached the desk
    before = len(server_tickets(own_server.url))

    own_server.stop()
    # 1. answered on the spot
    _start_call(desk, "13900005555")
    desk.wait(lambda: not desk.status().online)
    assert "离线" in window.status.connection_label.text()
    desk.key(Qt.Key.Key_F2)
    type_text(window.search.search_edit, "社保卡补办")
    desk.wait(lambda: window.search.model.rowCount() > 0)
    desk.key(Qt.Key.Key_Return, CTRL)
    desk.wait(lambda: desk.ctx.calls.current is None)
    # 2. a refusal
    _start_call(desk, "13900006666")
    desk.key(Qt.Key.Key_U, CTRL)
    window.refusal.select(desk.ctx.reference.refusal_grounds()[0].code)
    type_text(window.refusal.ui.noteEdit, "离线时的不予受理")
    desk.key(Qt.Key.Key_R, CTRL)
    desk.wait(lambda: "已记录不予受理" in window.refusal.ui.messageLabel.text())
    desk.key(Qt.Key.Key_F4)
    desk.wait(lambda: desk.ctx.calls.current is None)
    # 3. an emergency handoff
    _start_call(desk, "13900007777")
    desk.key(Qt.Key.Key_2, CTRL)  # 119
    desk.wait(lambda: window.emergency.confirm_dialog is not None)
    window.emergency.confirm_dialog.ui.confirmButton.click()
    desk.wait(lambda: desk.ctx.calls.current is None)
    # 4. a ticket
    ui = window.form.ui
    desk.key(Qt.Key.Key_T, CTRL)
    assert ui.requesterPhoneEdit.text() == "13900007777"  # the last caller's number
    ui.requesterPhoneEdit.clear()
    type_text(ui.requesterPhoneEdit, "13900008888")
    type_text(ui.contentEdit, "离线保存的工单：楼道灯坏了")
    ui.requestTypeCombo.setCurrentIndex(ui.requestTypeCombo.findData("consultation"))
    ui.areaCombo.setCurrentIndex(ui.areaCombo.findData("public_service"))
    ui.purposeCombo.setCurrentIndex(ui.purposeCombo.findData("record"))
    desk.key(Qt.Key.Key_S, CTRL)
    desk.wait(lambda: "已保存" in ui.draftLabel.text())
    desk.wait(lambda: desk.status().outbox_depth == 4)
    # 5. a half-typed ticket left in the form when the desk is closed
    type_text(ui.contentEdit, "关闭前没写完的内容")
    desk.close()

    # the desk starts again, the server still down: the cached session, offline
    again = desks(own_server.url, None, cache="cache-offline", auto_login=False)
    again.wait(lambda: again.window is not None)
    window = again.window
    assert again.ctx.session.current.offline
    assert "离线" in window.status.currentMessage()
    again.wait(lambda: window.form.ui.contentEdit.toPlainText() == "关闭前没写完的内容")
    again.wait(lambda: again.status().outbox_depth == 4)
    assert window.status.outbox_label.text() == "待同步 4 件"

    own_server.start()
    again.flush()
    again.window.sync_action.trigger()  # a second push sends nothing twice
    again.wait(lambda: again.status().outbox_depth == 0)
    tickets = server_tickets(own_server.url)
    assert len(tickets) == before + 4
    contents = [t["content"] for t in tickets]
    assert contents.count("离线保存的工单：楼道灯坏了") == 1
    assert contents.count("离线时的不予受理") == 1
    assert len([t for t in tickets if t["kind"] == "emergency_handoff"
                and t["handoff"]["number"] == "119"]) == 1
    assert window.form.ui.contentEdit.toPlainText() == "关闭前没写完的内容"


def test_a_draft_typed_before_a_crash_is_restored(desks, server, tmp_path) -> None:
    """What was typed is never lost: a desk killed (SIGKILL) after typing restarts with
    the ticket form as it was."""
    text = "崩溃前输入的诉求内容：楼道积水已漫到二楼"
    child = subprocess.Popen(
        [sys.executable, str(HERE / "gui_crash_child.py"), server.url,
         str(tmp_path / "cache-crash"), text],
        cwd=HERE.parents[1], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        encoding="utf-8")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(child.stdout.readline()))
    reader.start()
    reader.join(timeout=120)
    try:
        assert lines and lines[0].strip() == "DRAFT-SAVED"
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        child.wait(timeout=30)
    desk = desks(server.url, "operator1", cache="cache-crash")
    desk.wait(lambda: desk.window.form.ui.contentEdit.toPlainText() == text)
    assert "恢复" in desk.window.form.ui.draftLabel.text()



def test_rejected_records_are_listed_with_the_reason_and_can_be_retried(desks, server,
                                                                        type_text) -> None:
    """A record the server rejected stays on the desk, is counted in the status bar,
    listed with the reason, and goes out again under the same operation id on retry.

    The server rejects nothing a desk validated, so the rejection is the server's answer
    applied by the real outbox (``apply_results``), as the flusher would apply it."""
    from hotline_desk.storage.cache.outbox import PushResult, PushStatus

    desk = desks(server.url, "operator2", cache="cache-rejected")
    window = desk.window
    desk.run(desk.ctx.sync.stop())  # nothing is pushed until the test says so
    _start_call(desk, "13900004321")
    desk.key(Qt.Key.Key_U, CTRL)
    window.refusal.select(desk.ctx.reference.refusal_grounds()[0].code)
    type_text(window.refusal.ui.noteEdit, "一度被服务器退回的不予受理记录")
    desk.key(Qt.Key.Key_R, CTRL)
    desk.wait(lambda: "已记录不予受理" in window.refusal.ui.messageLabel.text())
    cache = desk.desk.cache
    op_id = desk.run(cache.run(cache.outbox.next_batch, 10, None))[0].op_id
    desk.run(cache.run(cache.outbox.apply_results, [PushResult(
        op_id=op_id, status=PushStatus.REJECTED, reason="承办单位信息不完整，请补充后重试")]))
    desk.run(desk.ctx.sync.refresh_counts())
    bar = window.status
    desk.wait(lambda: bar.rejected_button.text() == "被退回 1 件")
    bar.rejected_button.click()
    dialog = window.status_ctl.dialog
    desk.wait(lambda: dialog.table.rowCount() == 1)
    assert dialog.table.item(0, 1).text() == "承办单位信息不完整，请补充后重试"
    dialog.retry_button.click()
    desk.wait(lambda: "已重新提交" in dialog.message.text())
    desk.wait(lambda: dialog.table.rowCount() == 0)
    desk.flush()
    records = [t for t in server_tickets(server.url)
               if t["content"] == "一度被服务器退回的不予受理记录"]
    assert len(records) == 1 and records[0]["op_id"] == op_id


def test_logout_during_a_call_asks_first_without_stalling_the_desk(desks, server) -> None:
    """The question is a window-modal box opened with open(): while it is up the desk
    keeps running (the call timer ticks, heartbeats go out); "取消" keeps the session."""
    desk = desks(server.url, "operator2", cache="cache-logout")
    _start_call(desk, "13500005555")
    desk.key(Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    desk.wait(lambda: desk.shell.logout_box is not None and desk.shell.logout_box.isVisible())
    box = desk.shell.logout_box
    assert "当前通话尚未结束" in box.text()
    before = desk.window.seat_bar.call_timer.text()
    desk.wait(lambda: desk.window.seat_bar.call_timer.text() != before)  # still running
    cancel = next(b for b in box.buttons() if b.text() == "取消")
    cancel.click()
    desk.wait(lambda: not box.isVisible())
    assert desk.window is not None and desk.ctx.session.current is not None
    desk.key(Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    desk.wait(lambda: desk.shell.logout_box is not box and desk.shell.logout_box.isVisible())
    box = desk.shell.logout_box
    next(b for b in box.buttons() if b.text() == "退出登录").click()
    desk.wait(lambda: desk.shell.login_dialog.isVisible())
    assert desk.ctx.session.current is None and desk.window is None
