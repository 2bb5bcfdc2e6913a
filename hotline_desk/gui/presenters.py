"""Service values turned into the plain rows the widgets render (no Qt, no rules).

The widgets take plain data; these functions are the only place that knows both
the services' types and the widgets' rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from hotline_desk.core.protocol import TicketOut
from hotline_desk.core.vocabulary import LabeledEnum, RequestType
from hotline_desk.gui.widgets.caller_panel import HistoryRow
from hotline_desk.gui.widgets.recent_records import RecordRow
from hotline_desk.gui.widgets.rejected_dialog import RejectedRow
from hotline_desk.services.board import Figures, OverdueAndSupervised
from hotline_desk.services.calls import CallerHistory
from hotline_desk.services.tickets import LocalTicket, RejectedItem

SYNC_LABELS = {"pending": "待同步", "sent": "已同步", "rejected": "被退回",
               "discarded": "已放弃", "synced": "已同步", "acknowledged": "已同步"}
SUMMARY_CHARS = 40


def _summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _label_of_type(code: object) -> str:
    if isinstance(code, RequestType):
        return code.label
    try:
        return RequestType(str(code)).label
    except ValueError:
        return str(code or "—")


def history_rows(history: CallerHistory) -> list[HistoryRow]:
    """The caller's prior tickets (newest first), this desk's unsent ones on top."""
    counts: dict[str, int] = {}
    for matter in history.matters:
        for number in matter.ticket_nos:
            counts[number] = max(counts.get(number, 0), matter.count)
    rows = [
        HistoryRow(
            received_at=record.created_at,
            ticket_no=f"{record.number}（本机未同步）",
            request_type=_label_of_type(record.payload.get("request_type")),
            summary=_summary(str(record.payload.get("content") or record.kind.label)),
            state=record.state.label,
        )
        for record in history.unsent
    ]
    for ticket in history.tickets:
        rows.append(HistoryRow(
            received_at=ticket.received_at,
            ticket_no=ticket.ticket_no,
            request_type=ticket.request_type.label if ticket.request_type else ticket.kind.label,
            summary=_summary(ticket.content or ticket.topic or ""),
            state=ticket.state.label,
            same_matter_count=counts.get(ticket.ticket_no, 1),
        ))
    return rows


def history_source(history: CallerHistory) -> str:
    return history.notice_zh or ""


def record_rows(records: Iterable[LocalTicket]) -> list[RecordRow]:
    """This desk's records: tickets, refusals, handoffs, answers on the spot, transfers
    and abusive-call marks (第十三条), each with its Chinese kind, state and sync state."""
    rows = []
    for record in records:
        payload = record.payload
        summary = str(payload.get("content") or payload.get("reason") or payload.get("note")
                      or payload.get("line") or "")
        state = record.state.label if isinstance(record.state, LabeledEnum) else str(record.state)
        rows.append(RecordRow(
            number=record.number, provisional=record.is_provisional,
            kind=record.kind.label, summary=_summary(summary), state=state,
            sync=SYNC_LABELS.get(str(record.sync_status), str(record.sync_status)),
            created_at=record.created_at))
    return rows


def rejected_rows(items: Sequence[RejectedItem]) -> list[RejectedRow]:
    return [RejectedRow(op_id=item.op_id,
                        what=f"{item.kind_label} {item.local_no or ''}".strip(),
                        reason_zh=item.reason_zh, at=item.created_at) for item in items]


FigureValues = tuple[date, list[int], dict[str, int], float | None, float | None, int | None]


def figures_values(figures: Figures) -> FigureValues:
    """The figures panel's arguments: request types in the order of 第九条, by label."""
    per_type = {member.label: figures.tickets_per_type.get(member.label, 0)
                for member in RequestType}
    for label, count in figures.tickets_per_type.items():
        per_type.setdefault(label, count)
    return (figures.day, list(figures.calls_per_hour), per_type, figures.on_time_rate,
            figures.satisfaction_rate, figures.total)


def watch_tickets(value: OverdueAndSupervised) -> list[TicketOut]:
    """Overdue and supervised tickets, each once (a ticket may be both)."""
    seen: dict[str, TicketOut] = {}
    for ticket in [*value.overdue, *value.supervised]:
        seen.setdefault(ticket.ticket_no, ticket)
    return list(seen.values())
