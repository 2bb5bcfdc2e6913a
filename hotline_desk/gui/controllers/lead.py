"""The team lead's board ↔ the lead-board service: seats live, queue, watch list, figures.

Each part polls on its own timer (the seat board cheaply, with the server's
since-cursor, every two seconds); a read still running is never started twice,
and a failed read keeps the last picture on screen with the error in the status bar.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, QTimer

from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.presenters import figures_values, watch_tickets
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.figures_panel import FiguresPanel
from hotline_desk.gui.widgets.seat_board import SeatBoardTable
from hotline_desk.gui.widgets.ticket_tables import TransferTable, WatchTable


class _Poller(QObject):
    """One periodic read: never overlapping, rendered when done."""

    def __init__(self, parent: QObject, runner: TaskRunner, interval_ms: int,
                 read: Callable[[], Coroutine[Any, Any, Any]], render: Callable[[Any], None],
                 what_zh: str, report: Callable[[str], object]) -> None:
        super().__init__(parent)
        self._runner = runner
        self._read = read
        self._render = render
        self._what = what_zh
        self._report = report
        self.failing = False
        self._task: asyncio.Task[Any] | None = None
        self.reads = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def poll(self) -> None:
        if self._task is not None and not self._task.done():
            return

        def done(value: Any) -> None:
            self.reads += 1
            self.failing = False
            self._render(value)

        def failed(message: str) -> None:
            # the last picture stays; the error is said once, not at every poll
            if not self.failing:
                self._report(f"{self._what}失败：{message}（显示的是上次读取的数据）")
            self.failing = True

        self._task = self._runner.spawn(self._read(), what_zh=self._what, on_done=done,
                                        on_error=failed)

    def start(self) -> None:
        self.poll()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


class LeadBoardController(QObject):
    def __init__(self, ctx: DeskContext, runner: TaskRunner, *, seats: SeatBoardTable,
                 transfers: TransferTable, watch: WatchTable, figures: FiguresPanel,
                 report: Callable[[str], object]) -> None:
        super().__init__(seats)
        self._ctx = ctx
        board = ctx.board
        ms = ctx.intervals_ms
        self.seats = _Poller(self, runner, ms["seat_board"], board.seat_board,
                             seats.set_board, "读取座席状态", report)
        self.transfers = _Poller(self, runner, ms["lead_transfers"], board.transfer_queue,
                                 lambda items: transfers.set_transfers(items, ctx.server_now()),
                                 "读取转接队列", report)
        self.watch = _Poller(self, runner, ms["lead_watch"], board.overdue_and_supervised,
                             lambda value: watch.set_tickets(watch_tickets(value)),
                             "读取超期及督办工单", report)
        self.figures = _Poller(self, runner, ms["lead_figures"], board.figures,
                               lambda value: figures.set_figures(*figures_values(value)),
                               "读取今日数据", report)
        self.pollers = (self.seats, self.transfers, self.watch, self.figures)

    def start(self) -> None:
        for poller in self.pollers:
            poller.start()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()

    def refresh_all(self) -> None:
        for poller in self.pollers:
            poller.poll()
