"""The desk's status bar: connection, outbox, rejections, calendar and clock warnings.

Rendered from the sync engine's status (online/offline, last sync, outbox
depth, rejected count, clock skew above two minutes, provisional holiday
calendar) and from errors of any action (their ``message_zh``). The rejected
count is a button: clicking it opens the list with the server's reasons.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from hotline_desk.gui.style import icon, set_role
from hotline_desk.gui.widgets.durations import format_local_time

MESSAGE_MS = 8000
ERROR_MS = 15000


class DeskStatusBar(QStatusBar):
    rejected_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deskStatusBar")
        self.account_label = QLabel(self)
        self.account_label.setObjectName("accountLabel")
        self.connection_label = QLabel(self)
        self.connection_label.setObjectName("connectionLabel")
        self.sync_label = QLabel(self)
        self.sync_label.setObjectName("syncLabel")
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("outboxLabel")
        self.rejected_button = QPushButton(self)
        self.rejected_button.setObjectName("rejectedButton")
        self.rejected_button.setFlat(True)
        self.rejected_button.setToolTip("查看被服务器退回的记录及原因，可重试")
        self.rejected_button.clicked.connect(self.rejected_clicked)
        self.calendar_label = QLabel(self)
        self.calendar_label.setObjectName("calendarWarning")
        self.skew_label = QLabel(self)
        self.skew_label.setObjectName("skewWarning")
        for widget in (self.calendar_label, self.skew_label, self.rejected_button,
                       self.outbox_label, self.sync_label, self.connection_label,
                       self.account_label):
            self.addPermanentWidget(widget)
        self.calendar_label.hide()
        self.skew_label.hide()
        self.update_status(online=False, outbox_depth=0, rejected_count=0)

    def set_account(self, text: str) -> None:
        self.account_label.setText(text)

    def update_status(
        self,
        *,
        online: bool,
        outbox_depth: int,
        rejected_count: int,
        last_sync_at: datetime | None = None,
        clock_skew_seconds: float | None = None,
        clock_skew_warning: bool = False,
        provisional_calendar: bool = False,
        message_zh: str = "",
    ) -> None:
        self.connection_label.setText("● 在线" if online else "● 离线")
        self.connection_label.setToolTip("与同步服务器连接正常" if online else
                                         "无法连接同步服务器：已保存的记录留在本机，恢复后自动同步")
        set_role(self.connection_label, "online" if online else "offline")
        self.sync_label.setText(f"上次同步 {format_local_time(last_sync_at)}"
                                if last_sync_at else "尚未同步")
        self.outbox_label.setText(f"待同步 {outbox_depth} 件")
        set_role(self.outbox_label, "pending" if outbox_depth else "")
        self.rejected_button.setText(f"被退回 {rejected_count} 件")
        self.rejected_button.setIcon(icon("warning") if rejected_count else icon("retry"))
        set_role(self.rejected_button, "rejected" if rejected_count else "")
        self.rejected_button.setVisible(True)
        if provisional_calendar:
            self.calendar_label.setText("⚠ 节假日安排未公布，期限为暂定")
            self.calendar_label.setToolTip("国务院尚未公布相关年份的节假日安排，办理期限按常规"
                                           "工作日暂算，公布后将重新计算（第十四–十八条）")
        self.calendar_label.setVisible(provisional_calendar)
        set_role(self.calendar_label, "warning")
        if clock_skew_warning and clock_skew_seconds is not None:
            direction = "慢" if clock_skew_seconds > 0 else "快"
            minutes = abs(clock_skew_seconds) / 60
            self.skew_label.setText(f"⚠ 本机时钟比服务器{direction}{minutes:.0f}分钟")
            self.skew_label.setToolTip("请联系管理员校准本机时间；期限与座席状态以服务器时间为准")
        self.skew_label.setVisible(bool(clock_skew_warning and clock_skew_seconds is not None))
        set_role(self.skew_label, "warning")
        if message_zh:
            self.show_info(message_zh)

    def show_error(self, message_zh: str) -> None:
        set_role(self, "error")
        self.showMessage(f"✖ {message_zh}", ERROR_MS)

    def show_info(self, message_zh: str) -> None:
        set_role(self, "")
        self.showMessage(message_zh, MESSAGE_MS)
