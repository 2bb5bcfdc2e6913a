"""Caller panel (第二十条(六)), refusal panel (第十条), emergency panel (第十二条(三)).

Reference data is the real bundled data, loaded through storage.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from hotline_desk.gui.widgets.caller_panel import CallerPanel, HistoryRow
from hotline_desk.gui.widgets.emergency_panel import EmergencyPanel
from hotline_desk.gui.widgets.refusal_panel import RefusalPanel
from hotline_desk.storage.resources import load_emergency_lines, load_non_acceptance_reasons


@pytest.fixture(scope="module")
def refusals():
    return load_non_acceptance_reasons()


@pytest.fixture(scope="module")
def lines():
    return load_emergency_lines().lines_for_city("合肥")


# ---------------------------------------------------------------- caller panel


def test_new_call_emits_the_typed_number_and_refuses_an_empty_one(qtbot, type_text) -> None:
    panel = CallerPanel()
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.assertNotEmitted(panel.new_call_requested):
        qtbot.keyClick(panel.phone_edit, Qt.Key.Key_Return)
    assert panel.problem_label.isVisible()
    type_text(panel.phone_edit, "13912345678")
    with qtbot.waitSignal(panel.new_call_requested) as blocker:
        qtbot.keyClick(panel.phone_edit, Qt.Key.Key_Return)
    assert blocker.args == ["13912345678"]


def test_repeat_warning_is_visible_when_the_matter_was_raised_before(qtbot) -> None:
    """第二十条(六): the same requester raising the same matter again is flagged."""
    panel = CallerPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_call("139****5678")
    assert "139****5678" in panel.number_label.text()
    assert panel.end_call_button.isEnabled()
    assert not panel.repeat_warning.isVisible()
    rows = [
        HistoryRow(datetime(2026, 5, 1, 9, tzinfo=UTC), "HF20260501000001", "投诉",
                   "小区噪音扰民", "已转办", 2),
        HistoryRow(datetime(2026, 4, 1, 9, tzinfo=UTC), "HF20260401000007", "投诉",
                   "小区噪音扰民", "已办结", 2),
    ]
    panel.show_history(rows, "该诉求人已第2次反映同一事项（小区噪音扰民）", "离线缓存")
    assert panel.repeat_warning.isVisible()
    assert "第2次" in panel.repeat_warning.text()
    assert panel.history.rowCount() == 2
    assert panel.history.item(0, 1).text() == "HF20260501000001"
    assert "离线缓存" in panel.history_state.text()
    panel.clear_call()
    assert not panel.repeat_warning.isVisible()
    assert panel.history.rowCount() == 0
    assert not panel.end_call_button.isEnabled()


# ---------------------------------------------------------------- refusal panel


def test_refusal_shows_script_referral_and_records_with_a_note(qtbot, refusals) -> None:
    """第十条: tell the basis, name the unit and contact, record truthfully."""
    panel = RefusalPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_reasons(refusals.reasons)
    assert panel.ui.reasonCombo.count() == len(refusals.reasons) + 1
    assert not panel.ui.recordButton.isEnabled()
    reason = refusals.reasons[0]
    panel.select(reason.code)
    assert reason.script[:20] in panel.ui.scriptView.toPlainText()
    assert reason.referrals[0].unit in panel.ui.referralView.text()
    assert reason.clause in panel.ui.clauseLabel.text()
    assert not panel.ui.recordButton.isEnabled()  # no call yet
    assert "接听来电" in panel.ui.messageLabel.text()
    panel.set_call_active(True)
    assert panel.ui.recordButton.isEnabled()
    assert panel.ui.messageLabel.text() == ""
    panel.ui.noteEdit.setText("要求热线帮忙追讨欠款")
    with qtbot.waitSignal(panel.refuse_requested) as blocker:
        panel.ui.recordButton.click()
    assert blocker.args == [reason.code, "要求热线帮忙追讨欠款"]


# ---------------------------------------------------------------- emergency panel


def _window_with(qtbot, panel):
    window = QMainWindow()
    window.setCentralWidget(panel)
    for action in panel.shortcut_actions():
        window.addAction(action)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts need the active window
    return window


def test_every_line_has_a_button_and_a_ctrl_digit_shortcut(qtbot, lines) -> None:
    """第十二条(三): 110/119/120/122 and water/power/gas/heating, one key each."""
    panel = EmergencyPanel()
    panel.set_lines(lines)
    window = _window_with(qtbot, panel)  # qtbot keeps only a weak reference
    codes = {line.code for line in lines}
    assert {"police", "fire", "ambulance", "traffic", "power", "water", "gas",
            "heating"} <= codes
    keys = sorted(a.shortcut().toString() for a in panel.shortcut_actions())
    assert keys == [f"Ctrl+{n}" for n in range(1, 9)]
    assert "110" in panel.buttons["police"].text()
    assert not panel.buttons["police"].isEnabled()  # no call
    window.close()


def test_handoff_needs_a_confirmation(qtbot, lines) -> None:
    """第十二条(三): a confirmation, then the handoff is emitted to be recorded."""
    panel = EmergencyPanel()
    panel.set_lines(lines)
    window = _window_with(qtbot, panel)
    panel.set_call_active(True)
    emitted: list[str] = []
    panel.handoff_requested.connect(emitted.append)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    dialog = panel.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.ui.numberLabel.text() == "119"
    assert emitted == []
    dialog.ui.cancelButton.click()
    assert emitted == []
    dialog = panel.choose("police")
    assert dialog is not None
    with qtbot.waitSignal(panel.handoff_requested) as blocker:
        dialog.ui.confirmButton.click()
    assert blocker.args == ["police"]


def test_a_local_line_without_a_number_says_so(qtbot, lines) -> None:
    """A guessed number is never shown: the line says it must be confirmed."""
    panel = EmergencyPanel()
    panel.set_lines(lines)
    window = _window_with(qtbot, panel)
    panel.set_call_active(True)
    unconfigured = [line for line in lines if line.needs_local_number]
    if not unconfigured:
        pytest.skip("every line has a configured number for 合肥")
    dialog = panel.choose(unconfigured[0].code)
    assert dialog is not None
    assert dialog.ui.noticeLabel.text() == unconfigured[0].notice_zh
    assert "待核实" in panel.buttons[unconfigured[0].code].text()
    dialog.reject()
    window.close()
