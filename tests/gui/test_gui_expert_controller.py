"""The expert controller with the real expert service over a hand-written API double:
a transferred ticket that could not be read is read again at the next poll, so a busy
server never leaves the expert without the ticket; the expert holding the transfer reads
the ticket in full, others masked (第八条, 第三十四条)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from hotline_desk.core.protocol import (
    BusyError,
    TicketKind,
    TicketOut,
    TransferList,
    TransferOut,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.core.vocabulary import RequestType, TicketState
from hotline_desk.gui.controllers.expert import ExpertController
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.expert_queue import ExpertQueuePanel
from hotline_desk.services.expert import ExpertService

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _transfer() -> TransferOut:
    return TransferOut(id=7, reference_kind=TransferReferenceKind.TICKET, reference="HF7",
                       note="需人社专家答复", caller_name=None, caller_phone="136****3333",
                       masked=True, status=TransferStatus.QUEUED, created_by="operator1",
                       created_at=T0, accepted_by=None, accepted_at=None, completed_at=None,
                       completion_notes=None, cancelled_at=None)


def _ticket(unmasked: bool = False) -> TicketOut:
    return TicketOut(
        ticket_no="HF7", kind=TicketKind.TICKET, state=TicketState.DISPATCHED, version=1,
        change_version=1, received_at=T0, created_at=T0, updated_at=T0, created_by="operator1",
        seat_label="A-01", masked=not unmasked, requester_name=None,
        requester_phone="13600003333" if unmasked else "136****3333",
        content="咨询工伤认定申请时限", location=None, request_type=RequestType.CONSULTATION,
        area=None, channel=None, source=None, priority=None, topic=None, lead_unit="人社局",
        co_units=[], handling_requirements=None, kb_entry_id=None, kb_entry_version=None,
        source_ticket_no=None, overdue=False, supervised=False)


class Server:
    """The expert's side of the API (what ``ExpertService`` calls); the first ticket read
    fails as a busy server does when ``busy_once``."""

    def __init__(self, item: TransferOut, *, busy_once: bool = False) -> None:
        self.item = item
        self.busy_once = busy_once
        self.ticket_reads: list[bool] = []  # the ``unmasked`` flag of each read
        self.accepted: list[int] = []

    async def transfers(self, status: TransferStatus | None = None, *, mine: bool = False,
                        limit: int = 200) -> TransferList:
        wanted = self.item.status is status and (not mine or self.item.accepted_by == "expert1")
        return TransferList(items=[self.item] if wanted else [])

    async def transfer(self, transfer_id: int) -> TransferOut:
        return self.item

    async def accept_transfer(self, transfer_id: int) -> TransferOut:
        self.accepted.append(transfer_id)
        self.item = self.item.model_copy(update={  # by the desk's session, expert1
            "status": TransferStatus.ACCEPTED, "accepted_by": "expert1", "accepted_at": T0})
        return self.item

    async def ticket(self, number: str, *, unmasked: bool = False) -> TicketOut:
        self.ticket_reads.append(unmasked)
        if self.busy_once and len(self.ticket_reads) == 1:
            raise BusyError("database is locked")
        return _ticket(unmasked)


def _controller(qtbot, server: Server) -> tuple[ExpertController, ExpertQueuePanel]:
    ctx = SimpleNamespace(expert=ExpertService(server),  # type: ignore[arg-type]
                          api=server, intervals_ms={"expert_queue": 60_000},
                          session=SimpleNamespace(current=SimpleNamespace(username="expert1")),
                          server_now=lambda: T0)
    panel = ExpertQueuePanel()
    qtbot.addWidget(panel)
    controller = ExpertController(panel, ctx, TaskRunner())  # type: ignore[arg-type]
    controller.start()
    return controller, panel


def test_a_ticket_read_that_failed_is_retried_at_the_next_poll(qtbot, qloop) -> None:
    server = Server(_transfer(), busy_once=True)
    controller, panel = _controller(qtbot, server)
    qtbot.waitUntil(lambda: "暂时无法读取" in panel.detail.toPlainText())
    assert "正在重试" in panel.detail.toPlainText()
    controller.refresh()  # the next poll
    qtbot.waitUntil(lambda: "咨询工伤认定申请时限" in panel.detail.toPlainText())
    assert len(server.ticket_reads) == 2
    controller.refresh()  # once read, polls that change nothing do not read it again
    qtbot.waitUntil(lambda: controller.polls == 3)
    assert server.ticket_reads == [False, False]  # queued: masked


def test_after_accepting_the_expert_reads_the_ticket_in_full(qtbot, qloop) -> None:
    """第八条, 第三十四条: masked while queued; once this expert (expert1) accepted the
    transfer, the ticket is asked for unmasked and shows the requester's number."""
    server = Server(_transfer())
    controller, panel = _controller(qtbot, server)
    qtbot.waitUntil(lambda: "咨询工伤认定申请时限" in panel.detail.toPlainText())
    assert server.ticket_reads == [False]
    assert "13600003333" not in panel.detail.toPlainText()
    controller.accept(7)
    qtbot.waitUntil(lambda: "13600003333" in panel.detail.toPlainText())
    assert server.ticket_reads[-1] is True and server.accepted == [7]
