"""The call-handling screen of a seat operator (话务员).

Composition only: the seat bar on top; the caller panel, emergency lines and
call actions on the left; the knowledge base in the middle; the ticket form,
the non-acceptance panel and this desk's recent records in tabs on the right.
Controllers connect each panel to its service.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.controllers.call import CallController
from hotline_desk.gui.controllers.handling import HandlingController
from hotline_desk.gui.controllers.seat import SeatController
from hotline_desk.gui.controllers.status import SyncStatusController
from hotline_desk.gui.controllers.ticket import TicketFormController
from hotline_desk.gui.listeners import ListenerSignal
from hotline_desk.gui.style import icon
from hotline_desk.gui.widgets.caller_panel import CallerPanel
from hotline_desk.gui.widgets.emergency_panel import EmergencyPanel
from hotline_desk.gui.widgets.kb_search import KBSearchPanel
from hotline_desk.gui.widgets.recent_records import RecentRecordsPanel
from hotline_desk.gui.widgets.refusal_panel import RefusalPanel
from hotline_desk.gui.widgets.seat_bar import SeatStateBar
from hotline_desk.gui.widgets.ticket_form import TicketFormPanel
from hotline_desk.gui.windows.base import DeskWindow

TAB_TICKET, TAB_REFUSAL, TAB_RECENT = range(3)


class OperatorWindow(DeskWindow):
    def __init__(self, ctx: DeskContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, title, parent)
        self.setObjectName("operatorWindow")
        # ---------------------------------------------------------------- panels
        self.seat_bar = SeatStateBar(self)
        self.seat_bar.setObjectName("seatBar")
        self.caller = CallerPanel(self)
        self.emergency = EmergencyPanel(self)
        self.search = KBSearchPanel(ctx.knowledge.search, self)
        self.form = TicketFormPanel(ctx.tickets.check, self)
        self.refusal = RefusalPanel(self)
        self.recent = RecentRecordsPanel(self)
        self.abusive_button = QPushButton(icon("flag"), "标记骚扰 (Ctrl+M)", self)
        self.transfer_button = QPushButton(icon("transfer"), "转专家座席 (Ctrl+E)", self)

        form_scroll = QScrollArea(self)
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form)
        form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(form_scroll, icon("ticket"), "工单 (Ctrl+T)")
        self.tabs.addTab(self.refusal, icon("refuse"), "不予受理 (Ctrl+U)")
        self.tabs.addTab(self.recent, "本机记录 (Ctrl+H)")

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 6, 6)
        left_layout.addWidget(self.caller, 1)
        left_layout.addWidget(self.emergency)
        actions = QHBoxLayout()
        actions.addWidget(self.abusive_button)
        actions.addWidget(self.transfer_button)
        left_layout.addLayout(actions)
        middle = QWidget(self)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(6, 6, 6, 6)
        middle_layout.addWidget(self.search)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(middle)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 4)
        splitter.setSizes([420, 560, 560])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.seat_bar)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        # ------------------------------------------------------------ controllers
        runner = self.runner
        self.status_ctl = SyncStatusController(self.status, ctx.sync, runner, ctx.tickets)
        self.seat_ctl = SeatController(self.seat_bar, ctx.seat, runner)
        self.call_ctl = CallController(self.caller, self.seat_bar, ctx.calls, ctx.seat, runner)
        self.handling = HandlingController(self, self.status, self.call_ctl, ctx.tickets, runner,
                                           search=self.search, refusal=self.refusal,
                                           emergency=self.emergency,
                                           selected_ticket=self.recent.selected_number)
        self.ticket_ctl = TicketFormController(self.form, self.recent, self.call_ctl,
                                               ctx.tickets, runner)
        self.abusive_button.clicked.connect(self.handling.mark_abusive)
        self.transfer_button.clicked.connect(self.handling.transfer)
        self.call_ctl.call_changed.connect(self._call_changed)
        self._kb_changed = ListenerSignal(ctx.knowledge.add_listener, self)
        self._kb_changed.changed.connect(lambda _count: self.search.refresh())
        # scripts or lines the centre published while the desk runs (第三十一条)
        self._reference_changed = ListenerSignal(ctx.reference.add_listener, self)
        self._reference_changed.changed.connect(self._reference_replaced)

        # --------------------------------------------------------------- actions
        def action(text: str, keys: str, slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.triggered.connect(slot)  # type: ignore[arg-type]
            return act

        self.abusive_action = action("标记骚扰来电（第十三条）", "Ctrl+M",
                                     self.handling.mark_abusive)
        self.transfer_action = action("转专家座席（第八条）", "Ctrl+E", self.handling.transfer)
        tab_actions = [
            action("工单表单", "Ctrl+T", lambda: self._show_tab(TAB_TICKET)),
            action("不予受理（第十条）", "Ctrl+U", lambda: self._show_tab(TAB_REFUSAL)),
            action("本机最近记录", "Ctrl+H", lambda: self._show_tab(TAB_RECENT)),
        ]
        self.register_actions([
            *self.seat_bar.shortcut_actions(), *self.caller.shortcut_actions(),
            *self.search.shortcut_actions(), *self.form.shortcut_actions(),
            *self.refusal.shortcut_actions(), *tab_actions, self.abusive_action,
            self.transfer_action, *self.emergency.shortcut_actions()])
        self.finish_actions()
        self._call_changed(ctx.calls.current)

    def start(self) -> None:
        """Fill the panels once the services are ready (after login)."""
        self.refusal.set_reasons(self.ctx.reference.refusal_grounds())
        self.emergency.set_lines(self.ctx.reference.emergency_lines())
        self.register_actions(self.emergency.shortcut_actions())
        self.ticket_ctl.restore()
        self.ticket_ctl.refresh_recent()
        self.search.refresh()

    def _reference_replaced(self, _names: object) -> None:
        """Newer refusal scripts (第十条) or emergency lines (第十二条(三)) from the centre:
        refill both panels now, keeping the reason the operator had chosen."""
        chosen = self.refusal.ui.reasonCombo.currentData()
        self.refusal.set_reasons(self.ctx.reference.refusal_grounds())
        if chosen:
            self.refusal.select(chosen)
        self.emergency.set_lines(self.ctx.reference.emergency_lines())
        self.register_actions(self.emergency.shortcut_actions())

    def _show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        if index == TAB_TICKET:
            self.form.ui.requesterPhoneEdit.setFocus()
        elif index == TAB_REFUSAL:
            self.refusal.ui.reasonCombo.setFocus()
        elif index == TAB_RECENT:
            self.ticket_ctl.refresh_recent()

    def _call_changed(self, call: object) -> None:
        active = call is not None
        self.abusive_button.setEnabled(active)
        self.transfer_button.setEnabled(active)
        self.abusive_action.setEnabled(active)
        self.transfer_action.setEnabled(active)
        if active:
            self.search.focus_search()

    def before_close(self) -> None:
        # The draft goes to the cache worker now; the worker finishes it even at quit.
        if self.form.has_pending_draft():
            self.form.flush_draft()
