"""The caller's history for the screen pop: earlier tickets of a phone number and how
often each matter was raised (第二十条(六) 重复反映; 第十三条 marked calls).

The number is normalised with ``core.phone`` (the canonical digits the tickets store).
Matters follow ``core.ticket_protocol`` (same matter key or same place key); only
accepted requests count as reports (tickets and answers on the spot, not refusals or
emergency handoffs), as for supervision. The answer is masked; a call taker or team lead
may ask for it in full (they are on the call with this number), and that read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import peewee

from hotline_desk.core.masking import mask_address, mask_phone
from hotline_desk.core.phone import Phone, check_phone
from hotline_desk.core.protocol import (
    CallerHistory,
    ErrorCode,
    MatterCount,
    RefusedError,
)
from hotline_desk.core.supervision import REPEAT_MIN_TIMES
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.storage.server import audit
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_models import CallMarkRow, TicketRow
from hotline_desk.storage.server.tickets_supervision import COUNTED_KINDS
from hotline_desk.storage.server.tickets_views import views

MAX_TICKET_NOS = 20


@dataclass
class _Matter:
    label: str
    count: int = 0
    last_at: datetime | None = None
    ticket_nos: list[str] = field(default_factory=list)


def _label(row: TicketRow, key: str, masked: bool) -> str:
    if key.startswith("place:"):
        location = row.location or ""
        if masked:
            location = mask_address(location)
        kind = RequestType(row.request_type).label if row.request_type else ""
        return "·".join(part for part in (row.lead_unit or "", kind, location) if part)
    return row.topic or (row.kb_entry_id or key.split(":", 1)[-1])


def _matters(rows: list[TicketRow], masked: bool) -> list[MatterCount]:
    found: dict[str, _Matter] = {}
    for row in rows:  # oldest first
        for key in (row.matter_key, row.place_key):
            if not key:
                continue
            matter = found.setdefault(key, _Matter(label=_label(row, key, masked)))
            matter.count += 1
            matter.last_at = row.received_at
            matter.ticket_nos.append(row.ticket_no)
    ordered = sorted(found.items(), key=lambda item: (-item[1].count, item[0]))
    return [MatterCount(matter=key, label=m.label, count=m.count,
                        ticket_nos=m.ticket_nos[-MAX_TICKET_NOS:], last_at=m.last_at)
            for key, m in ordered if m.last_at is not None]


def caller_history(db: peewee.Database, actor: Actor, phone_text: str, *, limit: int,
                   unmasked: bool, now: datetime) -> CallerHistory:
    """The history of a number (inside a write transaction when ``unmasked``: audited)."""
    checked = check_phone(phone_text)
    if not isinstance(checked, Phone):
        raise RefusedError(f"not a usable phone number ({checked.code})", checked.message_zh,
                           code=ErrorCode.VALIDATION_ERROR)
    phone = checked.number
    mine = TicketRow.requester_phone == phone
    total = TicketRow.select().where(mine).count(db)
    recent = list(TicketRow.select().where(mine)
                  .order_by(TicketRow.received_at.desc(), TicketRow.id.desc())
                  .limit(limit).execute(db))
    reports = list(TicketRow.select().where(mine & TicketRow.kind.in_(COUNTED_KINDS))
                   .order_by(TicketRow.received_at, TicketRow.id).execute(db))
    marks = CallMarkRow.select().where(CallMarkRow.phone == phone).count(db)
    history = CallerHistory(
        phone_masked=mask_phone(phone), total=total,
        items=views(db, recent, now=now, masked=not unmasked),
        matters=_matters(reports, masked=not unmasked), repeat_threshold=REPEAT_MIN_TIMES,
        abusive_marks=marks, masked=not unmasked)
    if unmasked:
        audit.record(db, actor, "ticket.history_unmasked", "phone", mask_phone(phone),
                     {"tickets": len(recent)}, now=now)
    return history
