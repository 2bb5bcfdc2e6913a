"""Caller panel ↔ call service: start and end calls, the caller's history (第二十条(六))."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hotline_desk.core.vocabulary import SeatState
from hotline_desk.gui.listeners import ListenerSignal
from hotline_desk.gui.presenters import history_rows, history_source
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.caller_panel import CallerPanel
from hotline_desk.gui.widgets.seat_bar import SeatStateBar
from hotline_desk.services.calls import Call, CallerHistory, CallService
from hotline_desk.services.seat import SeatService


class CallController(QObject):
    #: The current call changed (a Call, or None when it ended).
    call_changed = Signal(object)

    def __init__(self, panel: CallerPanel, bar: SeatStateBar, calls: CallService,
                 seat: SeatService | None, runner: TaskRunner) -> None:
        super().__init__(panel)
        self._panel = panel
        self._bar = bar
        self._calls = calls
        self._seat = seat
        self._runner = runner
        self._signal = ListenerSignal(calls.add_listener, self)
        self._signal.changed.connect(self.render)
        panel.new_call_requested.connect(self.start)
        panel.end_call_requested.connect(self.end)
        self.render(calls.current)

    @property
    def current(self) -> Call | None:
        return self._calls.current

    def start(self, phone_text: str) -> None:
        if self._calls.current is not None:
            self._panel.problem_label.setText("当前通话尚未结束，请先结束通话（F4）")
            self._panel.problem_label.show()
            return
        call = self._calls.new_call(phone_text)
        if self._seat is not None:
            self._runner.spawn(self._seat.set_state(SeatState.ON_CALL), what_zh="切换座席状态")
        self._runner.spawn(self._calls.caller_history(call), what_zh="查询来电历史",
                           on_done=lambda history: self._show_history(call, history),
                           on_error=self._panel.show_history_error)

    def _show_history(self, call: Call, history: CallerHistory) -> None:
        current = self._calls.current
        if current is None or current.call_id != call.call_id:
            return  # the call ended meanwhile
        self._panel.show_history(history_rows(history), history.repeat_warning_zh or "",
                                 history_source(history))

    def end(self) -> None:
        call = self._calls.current
        if call is None:
            return
        self._calls.end_call(call)
        if self._seat is not None:
            self._runner.spawn(self._seat.set_state(SeatState.AFTER_CALL),
                               what_zh="切换座席状态")

    def render(self, call: Call | None) -> None:
        if call is None:
            self._panel.clear_call()
            self._bar.show_call(None)
        else:
            self._panel.show_call(call.masked_phone, call.problem_zh or "")
            self._bar.show_call(call.started_at)
        self.call_changed.emit(call)
