"""The expert controller: a transferred ticket that could not be read is read again
at the next poll, so a busy server never leaves the expert without the ticket."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from hotline_desk.core.protocol import (
    BusyError,
    TicketKind,
    TicketOut,
    TransferOut,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.gui.controllers.expert import ExpertController
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.expert_queue import ExpertQueuePanel

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _transfer() -> TransferOut:
    return TransferOut(id=7, reference_kind=TransferReferenceKind.TICKET, reference="HF7",
                       note="需人社专家答复", caller_name=None, caller_phone="136****3333",
                       masked=True, status=TransferStatus.QUEUED, created_by="operator1",
                       created_at=T0, accepted_by=None, accepted_at=None, completed_at=None,
                       completion_notes=None, cancelled_at=None)


def _ticket() -> TicketOut:
    return TicketOut(
        ticket_no="HF7", kind=TicketKind.TICKET, state=TicketState.DISPATCHED, version=1,
        change_version=1, received_at=T0, created_at=T0, updated_at=T0, created_by="operator1",
        seat_label="A-01", masked=True, requester_name=None, requester_phone="136****3333",
        content="咨询工伤认定申请时限", location=None, request_type=RequestType.CONSULTATION,
        area=None, channel=None, source=None, priority=None, topic=None, lead_unit="人社局",
        co_units=[], handling_requirements=None, kb_entry_id=None, kb_entry_version=None,
        source_ticket_no=None, overdue=False, supervised=False)


class Server:
    """The expert's side of the API; the first ticket read fails as a busy server does."""

    def __init__(self) -> None:
        self.ticket_reads = 0

    async def queue(self) -> list[TransferOut]:
        return [_transfer()]

    async def mine(self) -> list[TransferOut]:
        return []

    async def transfer(self, transfer_id: int) -> TransferOut:
        return _transfer()

    async def ticket(self, number: str) -> TicketOut:
        self.ticket_reads += 1
        if self.ticket_reads == 1:
            raise BusyError("database is locked")
        return _ticket()


def test_a_ticket_read_that_failed_is_retried_at_the_next_poll(qtbot, qloop) -> None:
    server = Server()
    ctx = SimpleNamespace(expert=server, api=server, intervals_ms={"expert_queue": 60_000},
                          session=SimpleNamespace(current=SimpleNamespace(username="expert1")),
                          server_now=lambda: T0)
    panel = ExpertQueuePanel()
    qtbot.addWidget(panel)
    controller = ExpertController(panel, ctx, TaskRunner())  # type: ignore[arg-type]
    controller.start()
    qtbot.waitUntil(lambda: "暂时无法读取" in panel.detail.toPlainText())
    assert "正在重试" in panel.detail.toPlainText()
    controller.refresh()  # the next poll
    qtbot.waitUntil(lambda: "咨询工伤认定申请时限" in panel.detail.toPlainText())
    assert server.ticket_reads == 2
    controller.refresh()  # once read, polls that change nothing do not read it again
    qtbot.waitUntil(lambda: controller.polls == 3)
    assert server.ticket_reads == 2
