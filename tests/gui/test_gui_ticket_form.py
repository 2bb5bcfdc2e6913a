"""The ticket form (第十一条 required fields; 第十二条(二) dispatch requirements).

Validation is the real core rule (``core.ticket_draft.check_form``), exactly what
``TicketService.check`` runs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from hotline_desk.core.ticket_draft import DraftPurpose, check_form
from hotline_desk.gui.widgets.ticket_form import TicketFormPanel


def _check(form, purpose):
    return check_form(form, purpose)[1]


def _form(qtbot, debounce_ms: int = 30) -> TicketFormPanel:
    panel = TicketFormPanel(_check, debounce_ms=debounce_ms)
    qtbot.addWidget(panel)
    panel.resize(600, 700)
    panel.show()
    return panel


def _select(combo, code: str) -> None:
    combo.setCurrentIndex(combo.findData(code))


def test_empty_form_shows_no_wall_of_red_but_save_is_disabled(qtbot) -> None:
    """第十一条: contact, content and category are required; nothing is typed yet."""
    panel = _form(qtbot)
    assert not panel.ui.saveButton.isEnabled()
    assert all(not label.isVisible() for label in panel.errors.values())
    assert "联系电话" in panel.ui.summaryLabel.text()
    assert "诉求内容" in panel.ui.summaryLabel.text()


def test_errors_appear_inline_as_the_operator_types_and_go_when_fixed(qtbot, type_text) -> None:
    """第十一条: a wrong phone number is reported next to the field, in Chinese."""
    panel = _form(qtbot)
    ui = panel.ui
    type_text(ui.requesterPhoneEdit, "1381234")
    assert ui.requesterPhoneError.isVisible()
    assert "11位" in ui.requesterPhoneError.text()
    type_text(ui.requesterPhoneEdit, "5678")
    assert not ui.requesterPhoneError.isVisible()
    type_text(ui.contentEdit, "路灯")
    assert "过短" in ui.contentError.text()
    assert ui.requesterPhoneEdit.property("role") == ""
    assert ui.contentEdit.property("role") == "invalid"


def test_save_enabled_only_when_every_rule_holds(qtbot, type_text) -> None:
    """第十一条 + 第十二条(二): a dispatched ticket needs a lead unit and requirements."""
    panel = _form(qtbot)
    ui = panel.ui
    type_text(ui.requesterPhoneEdit, "13812345678")
    type_text(ui.contentEdit, "小区门口路灯不亮已经一周")
    _select(ui.requestTypeCombo, "complaint")
    _select(ui.areaCombo, "public_service")
    assert not ui.saveButton.isEnabled()
    # 投诉 needs a location (handled on site)
    assert ui.locationError.isVisible() and "事发地点" in ui.locationError.text()
    type_text(ui.locationEdit, "蜀山区黄山路100号")
    type_text(ui.leadUnitEdit, "蜀山区城管局")
    assert not ui.saveButton.isEnabled()
    type_text(ui.handlingRequirementsEdit, "请尽快修复并回复诉求人")
    assert panel.problems() == {}
    assert ui.saveButton.isEnabled()
    with qtbot.waitSignal(panel.save_requested) as blocker:
        qtbot.mouseClick(ui.saveButton, Qt.MouseButton.LeftButton)
    form, purpose = blocker.args
    assert purpose == DraftPurpose.DISPATCH.value
    assert form["requester_phone"] == "13812345678"
    assert form["request_type"] == "complaint"
    assert form["purpose"] == "dispatch"


def test_record_purpose_does_not_need_a_unit(qtbot, type_text) -> None:
    """暂存待转办: units may still be empty (core.ticket_draft DraftPurpose.RECORD)."""
    panel = _form(qtbot)
    ui = panel.ui
    type_text(ui.requesterPhoneEdit, "0551-62345678")
    type_text(ui.contentEdit, "咨询公积金提取的办理材料")
    _select(ui.requestTypeCombo, "consultation")
    _select(ui.areaCombo, "public_service")
    assert not ui.saveButton.isEnabled()
    _select(ui.purposeCombo, "record")
    assert ui.saveButton.isEnabled()


def test_every_change_is_emitted_as_a_draft_debounced(qtbot, type_text) -> None:
    """What was typed is never lost: one draft after a burst of typing."""
    panel = _form(qtbot, debounce_ms=50)
    drafts: list[dict] = []
    panel.draft_changed.connect(drafts.append)
    type_text(panel.ui.contentEdit, "楼上漏水")
    assert drafts == []  # debounced, not per keystroke
    qtbot.waitUntil(lambda: len(drafts) == 1, timeout=2000)
    assert drafts[0]["content"] == "楼上漏水"


def test_flush_draft_sends_at_once(qtbot, type_text) -> None:
    panel = _form(qtbot, debounce_ms=60_000)
    drafts: list[dict] = []
    panel.draft_changed.connect(drafts.append)
    type_text(panel.ui.locationEdit, "瑶海区")
    assert panel.has_pending_draft()
    panel.flush_draft()
    assert drafts[-1]["location"] == "瑶海区"
    assert not panel.has_pending_draft()


def test_a_restored_draft_fills_the_form_and_shows_its_problems(qtbot) -> None:
    panel = _form(qtbot)
    drafts: list[dict] = []
    panel.draft_changed.connect(drafts.append)
    panel.set_form({"requester_phone": "12345", "content": "噪音扰民，夜间施工",
                    "request_type": "投诉", "co_units": ["甲单位", "乙单位"]})
    assert drafts == []  # restoring is not a change
    ui = panel.ui
    assert ui.requestTypeCombo.currentData() == "complaint"
    assert ui.coUnitsEdit.text() == "甲单位、乙单位"
    assert ui.requesterPhoneError.isVisible()
    assert "服务号码" in ui.requesterPhoneError.text()
    assert panel.form()["channel"] == "phone"


def test_reset_returns_to_defaults(qtbot, type_text) -> None:
    panel = _form(qtbot)
    type_text(panel.ui.contentEdit, "内容内容内容")
    panel.reset()
    form = panel.form()
    assert form["content"] == "" and form["channel"] == "phone"
    assert form["priority"] == "general" and form["purpose"] == "dispatch"
    assert panel.is_empty()


def test_a_check_failure_is_shown_not_raised(qtbot) -> None:
    def broken(form, purpose):
        raise RuntimeError("bug")

    panel = TicketFormPanel(broken)
    qtbot.addWidget(panel)
    assert "工单检查出错" in panel.ui.summaryLabel.text()
    assert not panel.ui.saveButton.isEnabled()
