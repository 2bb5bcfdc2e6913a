"""The non-acceptance panel (第十条): reason, script, referral, one action to record.

The operator picks the reason; the panel shows the clause, the script to read
to the caller, the unit the caller should turn to and how to reach it, and the
legal basis. 记录不予受理 emits :attr:`RefusalPanel.refuse_requested` with the
reason code and the operator's summary of what the caller asked — the refusal
is recorded truthfully as a record, not a deleted call. The scripts are data
(``resources/scripts/non_acceptance.json`` via the reference service).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QWidget

from hotline_desk.core.refusals import RefusalReason
from hotline_desk.gui.forms.ui_refusal_panel import Ui_RefusalPanel
from hotline_desk.gui.style import icon, set_role

NOTE_MAX = 500


class RefusalPanel(QWidget):
    """Choose a 第十条 reason, read its script, record the refusal."""

    #: (reason code, note)
    refuse_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_RefusalPanel()
        self.ui.setupUi(self)
        self.ui.recordButton.setIcon(icon("refuse"))
        self.ui.scriptView.setObjectName("scriptView")
        self.ui.noteEdit.setMaxLength(NOTE_MAX)
        # reasons are long: do not let the longest one widen the whole right-hand column
        self.ui.reasonCombo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ui.reasonCombo.setMinimumContentsLength(16)
        self._reasons: list[RefusalReason] = []
        self._call_active = False
        self.ui.reasonCombo.currentIndexChanged.connect(self._show_current)
        self.ui.recordButton.clicked.connect(self._record)
        self.ui.noteEdit.returnPressed.connect(self._record)
        self.record_action = QAction("记录不予受理", self)
        self.record_action.setShortcut(QKeySequence("Ctrl+R"))
        self.record_action.triggered.connect(self._record)
        self._update_enabled()

    def shortcut_actions(self) -> list[QAction]:
        return [self.record_action]

    def set_reasons(self, reasons: Sequence[RefusalReason]) -> None:
        self._reasons = list(reasons)
        combo = self.ui.reasonCombo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("请选择不予受理事由…", "")
        for reason in self._reasons:
            combo.addItem(f"{reason.clause}【{reason.ground.label}】{reason.name}", reason.code)
        combo.blockSignals(False)
        combo.setCurrentIndex(0)
        self._show_current()

    def select(self, code: str) -> None:
        index = self.ui.reasonCombo.findData(code)
        if index >= 0:
            self.ui.reasonCombo.setCurrentIndex(index)

    def set_call_active(self, active: bool) -> None:
        self._call_active = active
        self._update_enabled()

    def current_reason(self) -> RefusalReason | None:
        code = self.ui.reasonCombo.currentData()
        for reason in self._reasons:
            if reason.code == code:
                return reason
        return None

    def _show_current(self) -> None:
        reason = self.current_reason()
        ui = self.ui
        if reason is None:
            ui.clauseLabel.setText("第十条：诉讼、仲裁、纪检监察、行政复议、政府信息公开、信访等事项，"
                                   "涉及秘密、隐私或违背公序良俗的事项，以及法律法规规定不予受理的事项，"
                                   "热线不予受理，并告知来电人依据和办理渠道。")
            ui.scriptView.clear()
            ui.referralView.setText("—")
            ui.basisView.setText("")
            ui.operatorNote.setText("")
        else:
            ui.clauseLabel.setText(f"{reason.clause} · {reason.ground.label} · {reason.name}")
            ui.scriptView.setHtml(
                f'<div style="font-size:15pt;line-height:150%">{html.escape(reason.script)}</div>')
            referrals = [
                f"{r.unit}：{r.contact}" if r.contact else r.unit for r in reason.referrals]
            ui.referralView.setText(
                "\n".join(referrals) if referrals else "（无法确定具体办理单位）")
            ui.basisView.setText(f"依据：{reason.basis}")
            ui.operatorNote.setText(f"提示：{reason.note}" if reason.note else "")
        ui.messageLabel.setText("")
        self._update_enabled()

    def _update_enabled(self) -> None:
        enabled = self._call_active and self.current_reason() is not None
        self.ui.recordButton.setEnabled(enabled)
        self.record_action.setEnabled(enabled)
        if not self._call_active:
            self.show_result("接听来电后才能记录不予受理", "hint")
        elif self.ui.messageLabel.property("role") == "hint":
            self.show_result("", "")

    def _record(self) -> None:
        reason = self.current_reason()
        if reason is None or not self._call_active:
            return
        self.refuse_requested.emit(reason.code, self.ui.noteEdit.text().strip())

    def show_result(self, text: str, role: str = "ok") -> None:
        self.ui.messageLabel.setText(text)
        set_role(self.ui.messageLabel, role)

    def reset(self) -> None:
        self.ui.noteEdit.clear()
        self.ui.reasonCombo.setCurrentIndex(0)
