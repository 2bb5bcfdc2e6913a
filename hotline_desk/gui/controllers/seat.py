"""Seat bar ↔ seat service: the operator asks, the service reports the state back."""

from __future__ import annotations

from PySide6.QtCore import QObject

from hotline_desk.core.vocabulary import SeatState
from hotline_desk.gui.listeners import ListenerSignal
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.seat_bar import SeatStateBar
from hotline_desk.services.seat import SeatService


class SeatController(QObject):
    def __init__(self, bar: SeatStateBar, seat: SeatService, runner: TaskRunner) -> None:
        super().__init__(bar)
        self._bar = bar
        self._seat = seat
        self._runner = runner
        self._signal = ListenerSignal(seat.add_listener, self)
        self._signal.changed.connect(lambda _state: self.render())
        bar.state_requested.connect(self.request)
        self.render()

    def render(self) -> None:
        self._bar.show_state(self._seat.state, self._seat.state_since, self._seat.reason or "")

    def request(self, state: SeatState, reason: str) -> None:
        self.set_state(state, reason or None)

    def set_state(self, state: SeatState, reason: str | None = None) -> None:
        self._runner.spawn(self._seat.set_state(state, reason), what_zh="切换座席状态")
