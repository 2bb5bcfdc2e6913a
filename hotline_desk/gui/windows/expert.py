"""The expert seat (专家座席, 第八条): seat state and the transfer queue."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.controllers.expert import ExpertController
from hotline_desk.gui.controllers.seat import SeatController
from hotline_desk.gui.controllers.status import SyncStatusController
from hotline_desk.gui.widgets.expert_queue import ExpertQueuePanel
from hotline_desk.gui.widgets.seat_bar import SeatStateBar
from hotline_desk.gui.windows.base import DeskWindow


class ExpertWindow(DeskWindow):
    def __init__(self, ctx: DeskContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, title, parent)
        self.setObjectName("expertWindow")
        self.seat_bar = SeatStateBar(self)
        self.seat_bar.setObjectName("seatBar")
        self.queue = ExpertQueuePanel(self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.seat_bar)
        layout.addWidget(self.queue, 1)
        self.setCentralWidget(central)
        self.status_ctl = SyncStatusController(self.status, ctx.sync, self.runner)
        self.seat_ctl = SeatController(self.seat_bar, ctx.seat, self.runner)
        self.expert_ctl = ExpertController(self.queue, ctx, self.runner)
        self.register_actions([*self.seat_bar.shortcut_actions(),
                               *self.queue.shortcut_actions()])
        self.finish_actions()

    def start(self) -> None:
        self.expert_ctl.start()

    def before_close(self) -> None:
        self.expert_ctl.timer.stop()
