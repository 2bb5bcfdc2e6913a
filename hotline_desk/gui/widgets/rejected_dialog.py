"""The list of records the server rejected, with its reasons, and a retry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.gui.style import icon
from hotline_desk.gui.widgets.durations import format_local_time


@dataclass(frozen=True, slots=True)
class RejectedRow:
    op_id: str
    what: str  # Chinese: "工单 L-0001", "不予受理记录" …
    reason_zh: str
    at: datetime | None = None


HEADERS = ("记录", "退回原因", "时间")
EXPLANATION = ("以下记录已保存在本机，但服务器未接受。请按原因修改后重试；"
               "其余记录的同步不受影响。")
NOTHING = "没有被退回的记录。"


class RejectedDialog(QDialog):
    retry_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("被服务器退回的记录")
        self.resize(720, 360)
        self._rows: list[RejectedRow] = []
        self.explanation = QLabel(EXPLANATION, self)
        self.explanation.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("rejectedTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.message = QLabel(self)
        self.retry_button = QPushButton(icon("retry"), "重试所选 (Ctrl+Enter)", self)
        self.retry_button.setShortcut("Ctrl+Return")
        self.close_button = QPushButton("关闭", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retry_button.clicked.connect(self._retry)
        self.close_button.clicked.connect(self.close)
        self.table.itemSelectionChanged.connect(self._update_enabled)
        self._update_enabled()

    def set_rows(self, rows: Sequence[RejectedRow]) -> None:
        self._rows = list(rows)
        self.table.setRowCount(len(self._rows))
        for r, row in enumerate(self._rows):
            for c, value in enumerate((row.what, row.reason_zh,
                                       format_local_time(row.at, with_date=True))):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.op_id)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.explanation.setText(EXPLANATION if self._rows else NOTHING)
        if self._rows:
            self.table.selectRow(0)
        self._update_enabled()

    def selected_op_id(self) -> str | None:
        row = self.table.currentRow()
        return self._rows[row].op_id if 0 <= row < len(self._rows) else None

    def _update_enabled(self) -> None:
        self.retry_button.setEnabled(self.selected_op_id() is not None)

    def _retry(self) -> None:
        op_id = self.selected_op_id()
        if op_id is not None:
            self.retry_requested.emit(op_id)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
