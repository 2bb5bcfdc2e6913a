"""The team lead's seat board: every seat live, offline seats highlighted.

Rendered from the protocol's ``SeatBoard``. Durations (time in state, current
call) are measured against the *server's* clock: the board carries the server
time of the read, and the widget adds the time elapsed on its own monotonic
clock since then, so a desk with a wrong wall clock still shows true durations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer
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

from hotline_desk.core.protocol import SeatBoard, SeatStatus
from hotline_desk.core.vocabulary import Role, SeatState
from hotline_desk.gui.widgets.durations import format_duration, format_local_time

#: Whose seats the board lists: call takers (a team lead's own desk is not a seat).
SEAT_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.EXPERT})

HEADERS = ("座席", "姓名", "状态", "状态时长", "通话时长", "示忙原因", "待同步", "最后心跳")

STATE_COLOURS: dict[SeatState, str] = {
    SeatState.READY: "#e3f4e6",
    SeatState.ON_CALL: "#e1ecfb",
    SeatState.AFTER_CALL: "#eef0fb",
    SeatState.NOT_READY: "#fdecea",
    SeatState.BREAK: "#fff6db",
    SeatState.OFFLINE: "#d9d9d9",
}


class SeatBoardTable(QWidget):
    def __init__(self, parent: QWidget | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self._seats: list[SeatStatus] = []
        self._rendered_version: int | None = None
        self._server_time: datetime | None = None
        self._read_at = 0.0
        self.title = QLabel("座席状态", self)
        self.title.setObjectName("sectionTitle")
        self.summary = QLabel(self)
        self.summary.setObjectName("seatSummary")
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("seatTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._refresh_durations)
        self._tick.start()

    def set_board(self, board: SeatBoard) -> None:
        """The whole board; an ``unchanged`` answer for the board already shown only
        moves the server clock."""
        self._server_time = board.server_time
        self._read_at = self._monotonic()
        if board.unchanged and board.version == self._rendered_version:
            self._refresh_durations()
            return
        self._rendered_version = board.version
        order = {SeatState.OFFLINE: 1}
        seats = [seat for seat in board.seats if seat.role in SEAT_ROLES]
        self._seats = sorted(seats, key=lambda s: (order.get(s.state, 0),
                                                   s.seat_label or s.username))
        self.table.setRowCount(len(self._seats))
        for r, seat in enumerate(self._seats):
            state_text = seat.state.label
            if seat.state is SeatState.OFFLINE and seat.reported_state is not SeatState.OFFLINE:
                state_text = f"离线（最后为{seat.reported_state.label}）"
            values = (seat.seat_label or "—", seat.display_name, state_text, "", "",
                      seat.reason or "", str(seat.outbox_depth),
                      format_local_time(seat.last_seen_at))
            colour = QBrush(QColor(STATE_COLOURS.get(seat.state, "#ffffff")))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setBackground(colour)
                if seat.state is SeatState.OFFLINE:
                    item.setForeground(QBrush(QColor("#7a1f1f")))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
                if c == 6 and seat.outbox_depth:
                    item.setForeground(QBrush(QColor("#a15c00")))
                item.setData(Qt.ItemDataRole.UserRole, seat.account_id)
                self.table.setItem(r, c, item)
        counts: dict[SeatState, int] = {}
        for seat in self._seats:
            counts[seat.state] = counts.get(seat.state, 0) + 1
        parts = [f"{state.label} {counts[state]}" for state in SeatState if counts.get(state)]
        self.summary.setText(f"共 {len(self._seats)} 个座席：" + "，".join(parts)
                             if self._seats else "暂无座席上线")
        self._refresh_durations()

    def server_now(self) -> datetime | None:
        if self._server_time is None:
            return None
        return self._server_time + timedelta(seconds=self._monotonic() - self._read_at)

    def _refresh_durations(self) -> None:
        now = self.server_now()
        if now is None:
            return
        for r, seat in enumerate(self._seats):
            in_state = (now - seat.state_since).total_seconds()
            call = ((now - seat.call_started_at).total_seconds()
                    if seat.call_started_at is not None and seat.state is SeatState.ON_CALL
                    else None)
            for c, text in ((3, format_duration(in_state)), (4, format_duration(call)
                                                             if call is not None else "")):
                item = self.table.item(r, c)
                if item is not None and item.text() != text:
                    item.setText(text)

    def seats(self) -> Sequence[SeatStatus]:
        return list(self._seats)

    def row_of(self, username: str) -> int:
        return next((r for r, s in enumerate(self._seats) if s.username == username), -1)
