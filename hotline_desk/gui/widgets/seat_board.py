"""The team lead's seat board: every seat live, offline seats highlighted.

Rendered from the protocol's ``SeatBoard``. Durations (time in state, current
call) are measured against the *server's* clock: the board carries the server
time of the read, and the widget adds the time elapsed on its own monotonic
clock since then, so a desk with a wrong wall clock still shows true durations.

A centre has hundreds to a thousand seats, and the durations tick every second:
the board is a model (:class:`SeatBoardModel`) behind a ``QTableView``, so a new
board is one model reset and a tick is one ``dataChanged`` for the two duration
columns — the view paints only the rows on screen. (A ``QTableWidget`` whose
columns resize to their contents re-measured every row for every cell changed:
two minutes per board of 1,000 seats.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.core.protocol import SeatBoard, SeatStatus
from hotline_desk.core.vocabulary import Role, SeatState
from hotline_desk.gui.widgets.durations import format_duration, format_local_time

#: Whose seats the board lists: call takers (a team lead's own desk is not a seat).
SEAT_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.EXPERT})

HEADERS = ("座席", "姓名", "状态", "状态时长", "通话时长", "示忙原因", "待同步", "最后心跳")
#: A typical widest text of each column, for its initial width (the name column
#: stretches; the lead can still drag any column wider).
WIDTH_SAMPLES = ("A-0000", "", "离线（最后为示忙）", "00:00:00", "00:00:00", "培训学习",
                 "待同步", "00:00:00")
STATE_COL, IN_STATE_COL, CALL_COL, OUTBOX_COL = 2, 3, 4, 6

STATE_COLOURS: dict[SeatState, str] = {
    SeatState.READY: "#e3f4e6",
    SeatState.ON_CALL: "#e1ecfb",
    SeatState.AFTER_CALL: "#eef0fb",
    SeatState.NOT_READY: "#fdecea",
    SeatState.BREAK: "#fff6db",
    SeatState.OFFLINE: "#d9d9d9",
}
_BACKGROUNDS = {state: QBrush(QColor(colour)) for state, colour in STATE_COLOURS.items()}
_WHITE = QBrush(QColor("#ffffff"))
_OFFLINE_TEXT = QBrush(QColor("#7a1f1f"))
_OUTBOX_TEXT = QBrush(QColor("#a15c00"))
_OFFLINE_ORDER = {SeatState.OFFLINE: 1}

Index = QModelIndex | QPersistentModelIndex


def state_text(seat: SeatStatus) -> str:
    if seat.state is SeatState.OFFLINE and seat.reported_state is not SeatState.OFFLINE:
        return f"离线（最后为{seat.reported_state.label}）"
    return seat.state.label


def board_rows(seats: Sequence[SeatStatus]) -> list[SeatStatus]:
    """The seats the board lists, in its order: online first, then by seat label."""
    listed = [seat for seat in seats if seat.role in SEAT_ROLES]
    return sorted(listed, key=lambda s: (_OFFLINE_ORDER.get(s.state, 0),
                                         s.seat_label or s.username, s.account_id))


class SeatBoardModel(QAbstractTableModel):
    """The seats as table rows; durations computed at paint time from ``now()``."""

    def __init__(self, now: Callable[[], datetime | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self.seats: list[SeatStatus] = []

    def set_seats(self, seats: list[SeatStatus]) -> None:
        self.beginResetModel()
        self.seats = seats
        self.endResetModel()

    def tick(self) -> None:
        """The durations moved on: repaint their two columns (visible rows only)."""
        if self.seats:
            self.dataChanged.emit(self.index(0, IN_STATE_COL),
                                  self.index(len(self.seats) - 1, CALL_COL),
                                  [Qt.ItemDataRole.DisplayRole])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.seats)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.seats):
            return None
        seat = self.seats[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(seat, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return _BACKGROUNDS.get(seat.state, _WHITE)
        if role == Qt.ItemDataRole.ForegroundRole:
            if seat.state is SeatState.OFFLINE:
                return _OFFLINE_TEXT
            if column == OUTBOX_COL and seat.outbox_depth:
                return _OUTBOX_TEXT
            return None
        if role == Qt.ItemDataRole.FontRole and seat.state is SeatState.OFFLINE:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return seat.account_id
        return None

    def text(self, seat: SeatStatus, column: int) -> str:
        if column == 0:
            return seat.seat_label or "—"
        if column == 1:
            return seat.display_name
        if column == STATE_COL:
            return state_text(seat)
        if column in (IN_STATE_COL, CALL_COL):
            now = self._now()
            if now is None:
                return ""
            if column == IN_STATE_COL:
                return format_duration((now - seat.state_since).total_seconds())
            if seat.call_started_at is not None and seat.state is SeatState.ON_CALL:
                return format_duration((now - seat.call_started_at).total_seconds())
            return ""
        if column == 5:
            return seat.reason or ""
        if column == OUTBOX_COL:
            return str(seat.outbox_depth)
        return format_local_time(seat.last_seen_at)


class SeatBoardTable(QWidget):
    def __init__(self, parent: QWidget | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self._rendered_version: int | None = None
        self._server_time: datetime | None = None
        self._read_at = 0.0
        self.title = QLabel("座席状态", self)
        self.title.setObjectName("sectionTitle")
        self.summary = QLabel(self)
        self.summary.setObjectName("seatSummary")
        self.model = SeatBoardModel(self.server_now, self)
        self.table = QTableView(self)
        self.table.setObjectName("seatTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(WIDTH_SAMPLES):
            if sample:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, max(metrics.horizontalAdvance(sample),
                                                 metrics.horizontalAdvance(HEADERS[column])) + 24)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.model.tick)
        self._tick.start()

    def set_board(self, board: SeatBoard) -> None:
        """The whole board; an ``unchanged`` answer for the board already shown only
        moves the server clock."""
        self._server_time = board.server_time
        self._read_at = self._monotonic()
        if board.unchanged and board.version == self._rendered_version:
            self.model.tick()
            return
        self._rendered_version = board.version
        selected = self.selected_account()
        self.model.set_seats(board_rows(board.seats))
        if selected is not None:  # the lead's selection survives the refresh
            row = next((r for r, s in enumerate(self.model.seats) if s.account_id == selected),
                       -1)
            if row >= 0:
                self.table.selectRow(row)
        counts: dict[SeatState, int] = {}
        for seat in self.model.seats:
            counts[seat.state] = counts.get(seat.state, 0) + 1
        parts = [f"{state.label} {counts[state]}" for state in SeatState if counts.get(state)]
        self.summary.setText(f"共 {len(self.model.seats)} 个座席：" + "，".join(parts)
                             if self.model.seats else "暂无座席上线")

    def selected_account(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.model.seats):
            return None
        return self.model.seats[rows[0].row()].account_id

    def server_now(self) -> datetime | None:
        if self._server_time is None:
            return None
        return self._server_time + timedelta(seconds=self._monotonic() - self._read_at)

    def text(self, row: int, column: int) -> str:
        """What the board shows in a cell (for tests and screen readers)."""
        value = self.model.index(row, column).data()
        return value if isinstance(value, str) else ""

    def row_count(self) -> int:
        return self.model.rowCount()

    def seats(self) -> Sequence[SeatStatus]:
        return list(self.model.seats)

    def row_of(self, username: str) -> int:
        return next((r for r, s in enumerate(self.model.seats) if s.username == username), -1)
