"""Ticket form ↔ ticket service: drafts kept on every change, save, recent records."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject

from hotline_desk.gui.controllers.call import CallController
from hotline_desk.gui.presenters import record_rows
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.recent_records import RecentRecordsPanel
from hotline_desk.gui.widgets.ticket_form import TicketFormPanel
from hotline_desk.services.calls import Call
from hotline_desk.services.tickets import SavedRecord, TicketService

log = logging.getLogger(__name__)

DRAFT_KEY = "ticket-form"
RECENT_LIMIT = 50


class TicketFormController(QObject):
    def __init__(self, form: TicketFormPanel, recent: RecentRecordsPanel, call: CallController,
                 tickets: TicketService, runner: TaskRunner) -> None:
        super().__init__(form)
        self._form = form
        self._recent = recent
        self._call = call
        self._tickets = tickets
        self._runner = runner
        self.saves = 0
        self._prefilled = ""
        form.draft_changed.connect(self.keep_draft)
        form.save_requested.connect(self.save)
        recent.refresh_requested.connect(self.refresh_recent)
        call.call_changed.connect(self._call_changed)

    def restore(self) -> None:
        """Put back the draft left by the last session (quit or crash)."""
        def done(drafts: dict[str, dict[str, Any]]) -> None:
            draft = drafts.get(DRAFT_KEY)
            if draft:
                self._form.set_form(draft)
                self._form.set_message("已恢复上次未保存的工单草稿", "info")

        self._runner.spawn(self._tickets.load_drafts(), what_zh="恢复工单草稿", on_done=done)

    def keep_draft(self, form: dict[str, str]) -> None:
        if self._form.is_empty():
            self._runner.spawn(self._tickets.delete_draft(DRAFT_KEY), what_zh="清除工单草稿")
        else:
            self._runner.spawn(self._tickets.save_draft(DRAFT_KEY, form), what_zh="保存工单草稿")

    def save(self, form: dict[str, str], purpose: str) -> None:
        def done(saved: SavedRecord) -> None:
            self.saves += 1
            self._form.reset()
            self._form.set_message(f"已保存，暂编号 {saved.local_no}，联网后自动上传", "ok")
            self.refresh_recent()

        self._runner.spawn(
            self._tickets.save_ticket(self._call.current, form, purpose=purpose,
                                      draft_key=DRAFT_KEY),
            what_zh="保存工单", on_done=done,
            on_error=lambda message: self._form.set_message(message, "error"))

    def refresh_recent(self) -> None:
        self._runner.spawn(self._tickets.recent(RECENT_LIMIT), what_zh="读取本机记录",
                           on_done=lambda records: self._recent.set_rows(record_rows(records)))

    def _call_changed(self, call: Call | None) -> None:
        """A new caller's number goes into the form, unless the operator typed one."""
        if call is None or not call.phone_valid:
            return
        typed = self._form.ui.requesterPhoneEdit.text().strip()
        if not typed or typed == self._prefilled:
            self._form.set_form({"requester_phone": call.phone_display})
            self._prefilled = call.phone_display
