"""What a call ends in: answered on the spot, refused, handed off, marked, transferred.

Each action reads the panel, calls one ticket-service method with the current
call, and renders the result (the provisional number). 第十二条(一) answered on
the spot, 第十条 refusal, 第十二条(三) emergency handoff, 第十三条 abusive call,
第八条 transfer to an expert seat.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from hotline_desk.gui.controllers.call import CallController
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.emergency_panel import EmergencyPanel
from hotline_desk.gui.widgets.kb_search import KBSearchPanel
from hotline_desk.gui.widgets.note_dialog import NoteDialog
from hotline_desk.gui.widgets.refusal_panel import RefusalPanel
from hotline_desk.gui.widgets.status_bar import DeskStatusBar
from hotline_desk.services.calls import Call
from hotline_desk.services.tickets import SavedRecord, TicketService


class HandlingController(QObject):
    def __init__(self, window: QWidget, status: DeskStatusBar, call: CallController,
                 tickets: TicketService, runner: TaskRunner, *, search: KBSearchPanel,
                 refusal: RefusalPanel, emergency: EmergencyPanel,
                 selected_ticket: Callable[[], str] = lambda: "") -> None:
        super().__init__(window)
        self._window = window
        self._status = status
        self._call = call
        self._tickets = tickets
        self._runner = runner
        self._search = search
        self._refusal = refusal
        self._emergency = emergency
        self._selected_ticket = selected_ticket
        self.note_dialog: NoteDialog | None = None
        search.answered.connect(self.answer)
        refusal.refuse_requested.connect(self.refuse)
        emergency.handoff_requested.connect(self.hand_off)
        call.call_changed.connect(self._call_changed)
        self._call_changed(call.current)

    def _call_changed(self, call: Call | None) -> None:
        active = call is not None
        self._search.set_answer_allowed(active, "" if active else "接听来电后可“解答完毕”")
        self._refusal.set_call_active(active)
        self._emergency.set_call_active(active)

    def _require_call(self) -> Call | None:
        call = self._call.current
        if call is None:
            self._status.show_error("当前没有通话")
        return call

    # -------------------------------------------------------------- 第十二条(一)

    def answer(self, entry_id: str) -> None:
        call = self._require_call()
        if call is None:
            return

        def done(saved: SavedRecord) -> None:
            self._status.show_info(f"已即时办结，编号 {saved.local_no}（待同步）")
            self._search.clear()
            self._call.end()

        self._runner.spawn(self._tickets.answer_on_spot(call, entry_id), what_zh="即时办结",
                           on_done=done)

    # -------------------------------------------------------------- 第十条

    def refuse(self, reason_code: str, content: str) -> None:
        call = self._require_call()
        if call is None:
            return

        def done(saved: SavedRecord) -> None:
            self._refusal.reset()
            self._refusal.show_result(f"已记录不予受理，编号 {saved.local_no}")

        self._runner.spawn(self._tickets.refuse(call, reason_code, content=content),
                           what_zh="记录不予受理", on_done=done,
                           on_error=lambda message: self._refusal.show_result(message, "error"))

    # -------------------------------------------------------------- 第十二条(三)

    def hand_off(self, line_code: str) -> None:
        call = self._require_call()
        if call is None:
            return

        def done(saved: SavedRecord) -> None:
            line = self._emergency.line(line_code)
            name = f"{line.name} {line.number or ''}".strip() if line else line_code
            self._status.show_info(f"已转接{name}并记录，编号 {saved.local_no}")
            self._call.end()

        self._runner.spawn(self._tickets.emergency_handoff(call, line_code),
                           what_zh="记录紧急转接", on_done=done,
                           on_error=lambda m: self._emergency.show_result(m, "error"))

    # -------------------------------------------------------------- 第十三条

    def mark_abusive(self) -> None:
        call = self._require_call()
        if call is None:
            return
        dialog = NoteDialog(
            "标记骚扰来电",
            "第十三条：对恶意骚扰、辱骂座席人员的来电，可标记并由中心依法移交处理。"
            "标记会记入审计日志，请如实简要说明情况。",
            reference=f"来电：{call.masked_phone}", placeholder="例如：多次辱骂座席人员，劝阻无效",
            ok_text="标记", parent=self._window)
        self._open(dialog, lambda note: self._runner.spawn(
            self._tickets.mark_abusive(call, note), what_zh="标记骚扰来电",
            on_done=lambda saved: self._status.show_info(f"已标记骚扰来电，编号 {saved.local_no}")))

    # -------------------------------------------------------------- 第八条

    def transfer(self) -> None:
        call = self._require_call()
        if call is None:
            return
        dialog = NoteDialog(
            "转专家座席",
            "第八条：需承办单位专家解答的，可转专家座席。请写明来电人的问题和已告知的内容，"
            "专家受理后可直接查看。转的是一张工单时，填写其编号（在“本机记录”中选中即自动带入）。",
            reference=f"来电：{call.masked_phone}", placeholder="来电人问题及已答复情况",
            ok_text="转专家座席", ask_reference=True,
            reference_value=self._selected_ticket(), parent=self._window)

        def send(note: str) -> None:
            ticket_ref = dialog.reference() or None

            def done(saved: SavedRecord) -> None:
                self._status.show_info(f"已转专家座席，编号 {saved.local_no}")
                self._call.end()

            self._runner.spawn(self._tickets.transfer_to_expert(call, ticket_ref, note),
                               what_zh="转专家座席", on_done=done)

        self._open(dialog, send)

    def _open(self, dialog: NoteDialog, on_note: object) -> None:
        """Open window-modally (``open()``, never ``exec()``); act on accept."""
        if self.note_dialog is not None and shiboken6.isValid(self.note_dialog):
            self.note_dialog.close()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: on_note(dialog.note()))  # type: ignore[operator]
        self.note_dialog = dialog
        dialog.open()
