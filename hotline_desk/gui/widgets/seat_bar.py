"""Seat state control and the call timer, at the top of the operator's screen.

The operator sets the seat 示闲 (ready), 示忙 (not ready, with a reason), 小休
(break) or 话后处理 (after-call work); one key each. The bar shows the current
state, how long the seat has been in it and, during a call, the call's
duration. It emits :attr:`SeatStateBar.state_requested`; the state it shows is
the one the seat service reports back (:meth:`show_state`), never assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from hotline_desk.core.vocabulary import SeatState
from hotline_desk.gui.style import icon, set_role
from hotline_desk.gui.widgets.durations import format_duration, seconds_between

#: Reasons offered for 示忙 (the operator may also type one, at most 40 characters).
NOT_READY_REASONS: tuple[str, ...] = ("整理工单", "班组会议", "业务培训", "值班长安排",
                                      "设备故障", "其他")
REASON_MAX = 40

#: The states the operator sets, with their key and icon.
OPERATOR_STATES: tuple[tuple[SeatState, str, str], ...] = (
    (SeatState.READY, "F5", "ready"),
    (SeatState.NOT_READY, "F6", "not_ready"),
    (SeatState.BREAK, "F7", "break"),
    (SeatState.AFTER_CALL, "F8", "after_call"),
)


class SeatStateBar(QWidget):
    """State buttons, 示忙 reason, time in state, call timer."""

    #: The operator asks for a state; ``reason`` is "" unless not ready.
    state_requested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(parent)
        self._now = now
        self._state: SeatState = SeatState.OFFLINE
        self._since: datetime | None = None
        self._call_started: datetime | None = None

        self.state_label = QLabel(self)
        self.state_label.setObjectName("seatStateLabel")
        self.state_time = QLabel(self)
        self.state_time.setObjectName("seatStateTime")
        self.call_timer = QLabel(self)
        self.call_timer.setObjectName("callTimer")
        self.reason_combo = QComboBox(self)
        self.reason_combo.setObjectName("notReadyReason")
        self.reason_combo.setEditable(True)
        self.reason_combo.addItems(NOT_READY_REASONS)
        self.reason_combo.setMinimumContentsLength(6)
        line_edit = self.reason_combo.lineEdit()
        if line_edit is not None:
            line_edit.setMaxLength(REASON_MAX)
        self.reason_combo.setToolTip("示忙原因")

        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[SeatState, QPushButton] = {}
        self.actions_by_state: dict[SeatState, QAction] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(QLabel("座席状态：", self))
        layout.addWidget(self.state_label)
        layout.addWidget(self.state_time)
        layout.addSpacing(12)
        for state, key, icon_name in OPERATOR_STATES:
            button = QPushButton(icon(icon_name), f"{state.label} ({key})", self)
            button.setCheckable(True)
            button.setObjectName(f"seatButton_{state.value}")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.group.addButton(button)
            self.buttons[state] = button
            button.clicked.connect(lambda _checked=False, s=state: self.request(s))
            layout.addWidget(button)
            if state is SeatState.NOT_READY:
                layout.addWidget(self.reason_combo)
            action = QAction(f"座席{state.label}", self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False, s=state: self.request(s))
            self.actions_by_state[state] = action
        layout.addStretch(1)
        layout.addWidget(QLabel("本次通话：", self))
        layout.addWidget(self.call_timer)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.refresh_times)
        self._tick.start()
        self.show_state(SeatState.OFFLINE, None)
        self.show_call(None)

    def shortcut_actions(self) -> list[QAction]:
        return list(self.actions_by_state.values())

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()[:REASON_MAX]

    def request(self, state: SeatState) -> None:
        reason = self.reason() if state is SeatState.NOT_READY else ""
        if state is SeatState.NOT_READY and not reason:
            self.reason_combo.setFocus()
            self.state_time.setText("请填写示忙原因")
            self._check_current()
            return
        self._check_current()  # the button follows the state reported back, not the click
        self.state_requested.emit(state, reason)

    def show_state(self, state: SeatState, since: datetime | None, reason: str = "") -> None:
        self._state = state
        self._since = since
        text = state.label + (f"（{reason}）" if reason and state is SeatState.NOT_READY else "")
        self.state_label.setText(text)
        set_role(self.state_label, f"seat-{state.value}")
        self._check_current()
        self.refresh_times()

    def show_call(self, started_at: datetime | None) -> None:
        self._call_started = started_at
        self.refresh_times()

    def _check_current(self) -> None:
        button = self.buttons.get(self._state)
        if button is not None:
            button.setChecked(True)
        else:  # on a call / offline: no operator state button is on
            self.group.setExclusive(False)
            for other in self.buttons.values():
                other.setChecked(False)
            self.group.setExclusive(True)

    def refresh_times(self) -> None:
        now = self._now()
        self.state_time.setText(format_duration(seconds_between(self._since, now)))
        if self._call_started is None:
            self.call_timer.setText("未在通话")
            set_role(self.call_timer, "idle")
        else:
            self.call_timer.setText(format_duration(seconds_between(self._call_started, now)))
            set_role(self.call_timer, "active")

    @property
    def state(self) -> SeatState:
        return self._state
