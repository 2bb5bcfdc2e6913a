"""Expert queue panel ↔ expert service: the queue live, accept, complete (第八条)."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, QTimer

from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.protocol import NotFoundError, TicketOut, TransferOut
from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.expert_queue import ExpertQueuePanel

log = logging.getLogger(__name__)


class ExpertController(QObject):
    def __init__(self, panel: ExpertQueuePanel, ctx: DeskContext, runner: TaskRunner) -> None:
        super().__init__(panel)
        self._panel = panel
        self._ctx = ctx
        self._runner = runner
        self._polling: asyncio.Task[list[TransferOut]] | None = None
        self.polls = 0
        self.failing = False
        #: The transfer whose ticket could not be read: read again at the next poll
        #: (a busy server or a ticket not yet synced must not leave the expert without it).
        self._ticket_missing: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(ctx.intervals_ms["expert_queue"])
        self.timer.timeout.connect(self.refresh)
        panel.refresh_requested.connect(self.refresh)
        panel.accept_requested.connect(self.accept)
        panel.complete_requested.connect(self.complete)
        panel.selection_changed.connect(self.load_detail)

    def start(self) -> None:
        session = self._ctx.session.current
        self._panel.set_me(session.username if session else "")
        self.refresh()
        self.timer.start()

    async def _load(self) -> list[TransferOut]:
        queued = await self._ctx.expert.queue()
        mine = await self._ctx.expert.mine()
        return [*queued, *mine]

    def refresh(self) -> None:
        if self._polling is not None and not self._polling.done():
            return  # the previous read is still running

        def done(items: list[TransferOut]) -> None:
            self.polls += 1
            self.failing = False
            self._panel.set_items(items, self._ctx.server_now())
            selected = self._panel.selected()
            if selected is not None and selected.id == self._ticket_missing:
                self.load_detail(selected.id)

        def failed(message: str) -> None:
            if not self.failing:  # said once, not at every poll
                self._panel.show_message(f"读取转接队列失败：{message}", "error")
            self.failing = True

        self._polling = self._runner.spawn(self._load(), what_zh="读取转接队列", on_done=done,
                                           on_error=failed)

    async def _detail(self, transfer_id: int) -> tuple[TransferOut, TicketOut | None, str]:
        item = await self._ctx.expert.transfer(transfer_id)  # unmasked for its expert
        session = self._ctx.session.current
        try:
            # in full while this expert holds the transfer (audited), masked otherwise:
            # the service decides, the server checks
            ticket = await self._ctx.expert.transferred_ticket(
                item, session.username if session else "")
        except (NotFoundError, DataFormatError) as exc:
            log.warning("ticket %s of transfer %s not readable: %s", item.reference, item.id,
                        exc.message)
            return item, None, f"工单 {item.reference} 在服务器上查不到（可能尚未同步），正在重试"
        except HotlineError as exc:
            log.warning("ticket %s of transfer %s not readable: %s", item.reference, item.id,
                        exc.message)
            return item, None, f"工单 {item.reference} 暂时无法读取：{exc.message_zh}（正在重试）"
        return item, ticket, ""  # ticket is None for a transferred call

    def load_detail(self, transfer_id: int) -> None:
        def done(found: tuple[TransferOut, TicketOut | None, str]) -> None:
            item, ticket, note = found
            if note:
                self._ticket_missing = item.id
            elif self._ticket_missing == item.id:
                self._ticket_missing = None
            self._panel.show_detail(item, ticket, note)

        def failed(message: str) -> None:
            self._ticket_missing = transfer_id
            self._panel.show_message(f"读取转接详情失败：{message}（正在重试）", "error")

        self._runner.spawn(self._detail(transfer_id), what_zh="读取转接详情",
                           on_done=done, on_error=failed)

    def accept(self, transfer_id: int) -> None:
        def done(item: TransferOut) -> None:
            self._panel.show_message(f"已受理转接 {item.id}，请联系来电人或处理工单")
            self.refresh()
            self.load_detail(item.id)

        def failed(message: str) -> None:
            self._panel.show_message(message, "error")
            self.refresh()

        self._runner.spawn(self._ctx.expert.accept(transfer_id), what_zh="受理转接",
                           on_done=done, on_error=failed)

    def complete(self, transfer_id: int, notes: str) -> None:
        def done(item: TransferOut) -> None:
            self._panel.clear_notes()
            self._panel.show_message(f"转接 {item.id} 已完成")
            self.refresh()

        self._runner.spawn(self._ctx.expert.complete(transfer_id, notes), what_zh="完成转接",
                           on_done=done,
                           on_error=lambda message: self._panel.show_message(message, "error"))
