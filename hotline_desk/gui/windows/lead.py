"""The team lead's board (班长/值班长): every seat live, the queue, the watch list, figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.controllers.lead import LeadBoardController
from hotline_desk.gui.controllers.status import SyncStatusController
from hotline_desk.gui.style import icon
from hotline_desk.gui.widgets.figures_panel import FiguresPanel
from hotline_desk.gui.widgets.seat_board import SeatBoardTable
from hotline_desk.gui.widgets.ticket_tables import TransferTable, WatchTable
from hotline_desk.gui.windows.base import DeskWindow


class LeadWindow(DeskWindow):
    def __init__(self, ctx: DeskContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, title, parent)
        self.setObjectName("leadWindow")
        self.seats = SeatBoardTable(self)
        self.transfers = TransferTable(self)
        self.watch = WatchTable(self)
        self.figures = FiguresPanel(self)

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.transfers)
        right.addWidget(self.watch)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.seats)
        left.addWidget(self.figures)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 1)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        left.setSizes([420, 480])
        right.setSizes([420, 480])
        main.setSizes([880, 720])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(main)
        self.setCentralWidget(central)

        self.status_ctl = SyncStatusController(self.status, ctx.sync, self.runner)
        self.board_ctl = LeadBoardController(ctx, self.runner, seats=self.seats,
                                             transfers=self.transfers, watch=self.watch,
                                             figures=self.figures,
                                             report=self.status.show_error)
        refresh = QAction(icon("retry"), "立即刷新全部", self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.board_ctl.refresh_all)
        self.register_actions([refresh])
        self.finish_actions()

    def start(self) -> None:
        self.board_ctl.start()

    def before_close(self) -> None:
        self.board_ctl.stop()
