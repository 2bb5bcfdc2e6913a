"""Read-only tables of tickets and transfers for the team lead's board.

* :class:`WatchTable` — overdue and supervised tickets (第二十条): number, type,
  handling unit, state, completion deadline (a legal one with its basis and the
  progress report due, 第十七条(三)), overdue flags and why it is supervised (the
  server's Chinese reasons).
* :class:`TransferTable` — the expert queue as the team lead watches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.core.protocol import TicketOut, TransferOut, TransferStatus
from hotline_desk.gui.widgets.deadline_text import deadline_text, overdue_text
from hotline_desk.gui.widgets.durations import format_duration, format_local_time
from hotline_desk.gui.widgets.expert_queue import reference_text
from hotline_desk.gui.widgets.table_fill import refilled

WATCH_HEADERS = ("工单编号", "类型", "承办单位", "状态", "办结期限", "超期", "督办原因")
TRANSFER_HEADERS = ("编号", "来电/工单", "转出座席", "等待/处理", "状态", "受理专家")


def _table(parent: QWidget, headers: Sequence[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class _Titled(QWidget):
    def __init__(self, title: str, headers: Sequence[str], stretch: int,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, self)
        self.title.setObjectName("sectionTitle")
        self.table = _table(self, headers, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self._base_title = title

    def _set_count(self, count: int) -> None:
        self.title.setText(f"{self._base_title}（{count}）")


class WatchTable(_Titled):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("超期及督办工单", WATCH_HEADERS, 6, parent)
        self.table.setObjectName("watchTable")
        self.table.setWordWrap(True)  # the supervision reasons are whole sentences

    def set_tickets(self, tickets: Sequence[TicketOut]) -> None:
        rows = sorted(tickets, key=lambda t: (not (t.overdue or t.progress_overdue),
                                              t.deadlines.completion_due
                                              if t.deadlines else t.received_at.date()))
        with refilled(self.table, len(rows)):
            for r, ticket in enumerate(rows):
                due = deadline_text(ticket.deadlines)
                reasons = "；".join(s.reason_zh for s in ticket.supervision)
                values = (ticket.ticket_no,
                          ticket.request_type.label if ticket.request_type else ticket.kind.label,
                          ticket.lead_unit or "—", ticket.state.label, due,
                          overdue_text(ticket), reasons)
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if ticket.overdue or ticket.progress_overdue:
                        item.setForeground(QBrush(QColor("#b3261e")))
                    if c == 6:
                        item.setToolTip(reasons)
                    self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self._set_count(len(rows))


class TransferTable(_Titled):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("专家转接队列", TRANSFER_HEADERS, 1, parent)
        self.table.setObjectName("leadTransferTable")

    def set_transfers(self, items: Sequence[TransferOut], now: datetime | None) -> None:
        active = [t for t in items
                  if t.status in (TransferStatus.QUEUED, TransferStatus.ACCEPTED)]
        with refilled(self.table, len(active)):
            for r, item in enumerate(sorted(active, key=lambda t: t.created_at)):
                since = (item.accepted_at if item.status is TransferStatus.ACCEPTED
                         else item.created_at)
                waited = max(0.0, (now - since).total_seconds()) if now is not None and since \
                    else None
                values = (str(item.id), reference_text(item),
                          item.created_by, format_duration(waited), item.status.label,
                          item.accepted_by or "")
                for c, value in enumerate(values):
                    cell = QTableWidgetItem(value)
                    cell.setToolTip(item.note)
                    self.table.setItem(r, c, cell)
        self._set_count(len(active))
        if not active:
            self.table.setToolTip(f"队列为空（{format_local_time(now)}）")
