"""The caller panel: start a call with the caller's number, see who is calling.

Telephony integration comes later; for now the operator types (or pastes) the
caller's number and presses 新来电. The panel then shows the number masked
(第三十四条: personal data masked where it is not needed in full), the
caller's prior tickets, and — 第二十条(六) — a visible warning when this
requester has raised the same matter before. All of it is rendered from plain
rows the call service produced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.gui.style import icon, set_role
from hotline_desk.gui.widgets.durations import format_local_time
from hotline_desk.gui.widgets.table_fill import refilled


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One prior ticket of the caller, as the panel lists it."""

    received_at: datetime | None
    ticket_no: str
    request_type: str  # Chinese label
    summary: str
    state: str  # Chinese label
    same_matter_count: int = 1


HISTORY_HEADERS = ("受理时间", "工单编号", "类型", "事项摘要", "状态", "同事项")


class CallerPanel(QWidget):
    """Number entry, masked caller number, prior tickets and the repeat warning."""

    new_call_requested = Signal(str)
    end_call_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setObjectName("incomingPhoneEdit")
        self.phone_edit.setPlaceholderText("来电号码（F3）")
        self.new_call_button = QPushButton(icon("phone"), "新来电", self)
        self.new_call_button.setObjectName("newCallButton")
        self.end_call_button = QPushButton(icon("hangup"), "结束通话 (F4)", self)
        self.end_call_button.setObjectName("endCallButton")
        self.end_call_button.setEnabled(False)

        self.number_label = QLabel("当前无来电", self)
        self.number_label.setObjectName("callerNumber")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("callerProblem")
        self.problem_label.setWordWrap(True)
        set_role(self.problem_label, "warning")
        self.problem_label.hide()
        self.repeat_warning = QLabel(self)
        self.repeat_warning.setObjectName("repeatWarning")
        self.repeat_warning.setWordWrap(True)
        self.repeat_warning.hide()
        self.history_title = QLabel("历史工单", self)
        self.history_title.setObjectName("sectionTitle")
        self.history_state = QLabel(self)
        self.history_state.setObjectName("historyState")
        self.history = QTableWidget(0, len(HISTORY_HEADERS), self)
        self.history.setObjectName("callerHistory")
        self.history.setHorizontalHeaderLabels(HISTORY_HEADERS)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setWordWrap(False)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        entry = QHBoxLayout()
        entry.addWidget(self.phone_edit, 1)
        entry.addWidget(self.new_call_button)
        entry.addWidget(self.end_call_button)
        title = QHBoxLayout()
        title.addWidget(self.history_title)
        title.addStretch(1)
        title.addWidget(self.history_state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(entry)
        layout.addWidget(self.number_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.repeat_warning)
        layout.addLayout(title)
        layout.addWidget(self.history, 1)

        self.new_call_action = QAction("新来电：输入来电号码", self)
        self.new_call_action.setShortcut(QKeySequence("F3"))
        self.new_call_action.triggered.connect(self.focus_phone)
        self.end_call_action = QAction("结束通话", self)
        self.end_call_action.setShortcut(QKeySequence("F4"))
        self.end_call_action.setEnabled(False)
        self.end_call_action.triggered.connect(self.end_call_requested)

        self.phone_edit.returnPressed.connect(self._request_call)
        self.new_call_button.clicked.connect(self._request_call)
        self.end_call_button.clicked.connect(self.end_call_requested)

    def shortcut_actions(self) -> list[QAction]:
        return [self.new_call_action, self.end_call_action]

    def focus_phone(self) -> None:
        self.phone_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.phone_edit.selectAll()

    def _request_call(self) -> None:
        text = self.phone_edit.text().strip()
        if not text:
            self.problem_label.setText("请输入来电号码（未显示号码可输入“未知”）")
            self.problem_label.show()
            self.phone_edit.setFocus()
            return
        self.new_call_requested.emit(text)

    # ------------------------------------------------------------------ rendering

    def show_call(self, masked_phone: str, problem_zh: str = "") -> None:
        """A call started: show the masked number and any problem with it."""
        self.number_label.setText(f"来电：{masked_phone}")
        set_role(self.number_label, "active")
        self.problem_label.setText(problem_zh)
        self.problem_label.setVisible(bool(problem_zh))
        self.repeat_warning.hide()
        self.history.setRowCount(0)
        self.history_state.setText("正在查询历史工单…")
        self.phone_edit.clear()
        self.end_call_button.setEnabled(True)
        self.end_call_action.setEnabled(True)

    def show_history(self, rows: Sequence[HistoryRow], warning_zh: str = "",
                     source_zh: str = "") -> None:
        """The caller's prior tickets; ``warning_zh`` is the 第二十条(六) repeat warning."""
        with refilled(self.history, len(rows)):
            for r, row in enumerate(rows):
                values = (format_local_time(row.received_at, with_date=True), row.ticket_no,
                          row.request_type, row.summary, row.state, str(row.same_matter_count))
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if c == 3:
                        item.setToolTip(row.summary)
                    if c == 5 and row.same_matter_count > 1:
                        item.setForeground(Qt.GlobalColor.darkRed)
                    self.history.setItem(r, c, item)
        count = f"共 {len(rows)} 件" if rows else "无历史工单"
        self.history_state.setText(f"{count}{'（' + source_zh + '）' if source_zh else ''}")
        self.repeat_warning.setText(f"⚠ {warning_zh}" if warning_zh else "")
        self.repeat_warning.setVisible(bool(warning_zh))

    def show_history_error(self, message_zh: str) -> None:
        self.history_state.setText(message_zh)

    def clear_call(self) -> None:
        """The call ended."""
        self.number_label.setText("当前无来电")
        set_role(self.number_label, "idle")
        self.problem_label.hide()
        self.repeat_warning.hide()
        self.history.setRowCount(0)
        self.history_state.setText("")
        self.end_call_button.setEnabled(False)
        self.end_call_action.setEnabled(False)
