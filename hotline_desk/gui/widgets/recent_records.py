"""This desk's recent records: the provisional or server number, and their sync state.

"Save first": a record gets a provisional local number at once and the server's
public number once it is synced; this list shows both, so the operator can read
a number to the caller and see what is still waiting to be sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from hotline_desk.gui.widgets.table_fill import refilled


@dataclass(frozen=True, slots=True)
class RecordRow:
    number: str
    provisional: bool
    kind: str  # Chinese label
    summary: str
    state: str  # Chinese label
    sync: str  # Chinese: 已同步 / 待同步 / 被退回
    created_at: datetime | None


HEADERS = ("编号", "类别", "摘要", "状态", "同步", "时间")


class RecentRecordsPanel(QWidget):
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("本机最近记录", self)
        self.title.setObjectName("sectionTitle")
        self.refresh_button = QPushButton(icon("retry"), "刷新", self)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("recentTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self._rows: list[RecordRow] = []

    def selected_number(self) -> str:
        """The number of the selected record ("" if none), e.g. to transfer that ticket."""
        row = self.table.currentRow()
        return self._rows[row].number if 0 <= row < len(self._rows) else ""

    def set_rows(self, rows: Sequence[RecordRow]) -> None:
        self._rows = list(rows)
        with refilled(self.table, len(rows)):
            for r, row in enumerate(rows):
                number = row.number + ("（暂编）" if row.provisional else "")
                values = (number, row.kind, row.summary, row.state, row.sync,
                          format_local_time(row.created_at, with_date=True))
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if c == 2:
                        item.setToolTip(row.summary)
                    if c == 4 and row.sync != "已同步":
                        item.setForeground(QBrush(QColor("#b3261e" if row.sync == "被退回"
                                                         else "#a15c00")))
                    self.table.setItem(r, c, item)
        self.title.setText(f"本机最近记录（{len(rows)}）")
