"""Sync status → status bar; the rejected list with its retry."""

from __future__ import annotations

from PySide6.QtCore import QObject

from hotline_desk.gui.listeners import ListenerSignal
from hotline_desk.gui.presenters import rejected_rows
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.rejected_dialog import RejectedDialog
from hotline_desk.gui.widgets.status_bar import DeskStatusBar
from hotline_desk.services.sync import SyncEngine
from hotline_desk.services.sync_status import SyncStatus
from hotline_desk.services.tickets import RejectedItem, TicketService


class SyncStatusController(QObject):
    def __init__(self, bar: DeskStatusBar, sync: SyncEngine, runner: TaskRunner,
                 tickets: TicketService | None = None) -> None:
        super().__init__(bar)
        self._bar = bar
        self._sync = sync
        self._runner = runner
        self._tickets = tickets
        self._last_notice: str | None = None
        self._last_rejected = -1
        self.dialog: RejectedDialog | None = None
        self._signal = ListenerSignal(sync.add_listener, self)
        self._signal.changed.connect(self.render)
        bar.rejected_clicked.connect(self.show_rejected)
        self.render(sync.status)

    def render(self, status: SyncStatus) -> None:
        self._bar.update_status(
            online=status.online, outbox_depth=status.outbox_depth,
            rejected_count=status.rejected_count, last_sync_at=status.last_sync_at,
            clock_skew_seconds=status.clock_skew_seconds,
            clock_skew_warning=status.clock_skew_warning,
            provisional_calendar=status.provisional_calendar)
        self._bar.connection_label.setToolTip(status.message_zh)
        if status.notice_zh and status.notice_zh != self._last_notice:
            self._bar.show_info(status.notice_zh)
        self._last_notice = status.notice_zh
        if self.dialog is not None and self.dialog.isVisible() \
                and status.rejected_count != self._last_rejected:
            self.load_rejected()
        self._last_rejected = status.rejected_count

    def show_rejected(self) -> None:
        if self._tickets is None:
            self._bar.show_info("本座席没有需要上传的记录")
            return
        if self.dialog is None:
            self.dialog = RejectedDialog(self._bar.window())
            self.dialog.retry_requested.connect(self.retry)
        self.dialog.show()
        self.dialog.raise_()
        self.load_rejected()

    def load_rejected(self, then_message: str = "") -> None:
        if self._tickets is None or self.dialog is None:
            return
        dialog = self.dialog

        def done(items: list[RejectedItem]) -> None:
            dialog.set_rows(rejected_rows(items))
            if then_message:
                dialog.show_message(then_message)

        self._runner.spawn(self._tickets.rejected(), what_zh="读取被退回记录", on_done=done,
                           on_error=dialog.show_message)

    def retry(self, op_id: str) -> None:
        if self._tickets is None or self.dialog is None:
            return
        dialog = self.dialog

        def done(_result: object) -> None:
            self.load_rejected("已重新提交，等待同步")

        self._runner.spawn(self._tickets.retry_rejected(op_id), what_zh="重试上传",
                           on_done=done, on_error=dialog.show_message)
