"""Ticket rows as the API shows them (``TicketOut``), masked unless asked otherwise.

Masking (第三十四条 数据脱敏, ``core.masking``): the requester's name, phone and location,
and phone/ID numbers inside the content, the handling requirements and the reply. A full
(unmasked) view is only built when the caller's rules allow it, and the caller audits it.

Computed on read (never trusted from the stored flag alone): ``overdue`` and the
supervision triggers that depend on it, so a ticket that passed its deadline a few
seconds ago is shown overdue before the scheduler's next run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import peewee

from hotline_desk.core.masking import mask_address, mask_name, mask_phone, mask_text
from hotline_desk.core.protocol import (
    HandoffOut,
    RefusalOut,
    TicketEventOut,
    TicketKind,
    TicketOut,
)
from hotline_desk.core.refusals import RefusalGround
from hotline_desk.core.ticket_flow import Rating
from hotline_desk.core.vocabulary import (
    Area,
    Channel,
    Priority,
    RequestType,
    Role,
    Source,
    TicketState,
)
from hotline_desk.storage.server import tickets_deadlines, tickets_supervision
from hotline_desk.storage.server.models import Account
from hotline_desk.storage.server.tickets_models import TicketEventRow, TicketRow


def _member(cls: Any, value: str | None) -> Any:
    if not value:
        return None
    try:
        return cls(value)
    except ValueError:
        return None


def usernames(db: peewee.Database, rows: list[TicketRow]) -> dict[int, str]:
    ids = {row.created_by for row in rows if row.created_by is not None}
    if not ids:
        return {}
    query = Account.select(Account.id, Account.username).where(Account.id.in_(list(ids)))
    return {int(i): str(name) for i, name in query.tuples().execute(db)}


def _refusal(details: dict[str, Any]) -> RefusalOut | None:
    ground = details.get("ground")
    if not ground:
        return None
    member = _member(RefusalGround, ground)
    return RefusalOut(ground=str(ground), clause=member.clause if member else "第十条",
                      reason=str(details.get("reason") or ""),
                      referral_unit=details.get("referral_unit") or None,
                      referral_contact=details.get("referral_contact") or None)


def _handoff(details: dict[str, Any]) -> HandoffOut | None:
    if not details.get("line"):
        return None
    return HandoffOut(line=str(details["line"]), number=str(details.get("number") or ""))


def _masked_text(value: str | None, masked: bool) -> str | None:
    if value is None:
        return None
    return mask_text(value) if masked else value


def to_out(row: TicketRow, *, now: datetime, masked: bool = True,
           names: dict[int, str] | None = None,
           events: list[TicketEventRow] | None = None) -> TicketOut:
    overdue = bool(row.overdue) or tickets_deadlines.is_overdue(row, now)
    progress_overdue = (bool(row.progress_overdue)
                        or tickets_deadlines.is_progress_overdue(row, now))
    triggers = tickets_supervision.triggers_of(row, row.supervision_flags or {}, overdue,
                                               progress_overdue)
    details: dict[str, Any] = row.details or {}
    name, phone, location = row.requester_name, row.requester_phone, row.location
    if masked:
        name = mask_name(name) if name else name
        phone = mask_phone(phone) if phone else phone
        location = mask_address(location) if location else location
    return TicketOut(
        ticket_no=row.ticket_no, kind=TicketKind(row.kind), op_id=row.op_id,
        call_id=row.call_id,
        state=TicketState(row.state), version=row.version, change_version=row.change_version,
        received_at=row.received_at, created_at=row.created_at, updated_at=row.updated_at,
        created_by=(names or {}).get(row.created_by) if row.created_by is not None else None,
        seat_label=row.seat_label or "", masked=masked,
        requester_name=name or None, requester_phone=phone or None,
        content=_masked_text(row.content, masked) or "", location=location or None,
        request_type=_member(RequestType, row.request_type), area=_member(Area, row.area),
        channel=_member(Channel, row.channel), source=_member(Source, row.source),
        priority=_member(Priority, row.priority), topic=row.topic,
        lead_unit=row.lead_unit, co_units=list(row.co_units or []),
        handling_requirements=_masked_text(row.handling_requirements, masked),
        kb_entry_id=row.kb_entry_id, kb_entry_version=row.kb_entry_version,
        source_ticket_no=row.source_ticket_no,
        refusal=_refusal(details), handoff=_handoff(details),
        deadlines=tickets_deadlines.to_out(row), overdue=overdue,
        progress_overdue=progress_overdue,
        supervised=bool(triggers), supervision=tickets_supervision.to_out(triggers),
        unit_contact=details.get("unit_contact") or None,
        reply=_masked_text(details.get("reply"), masked) or None,
        approver=details.get("approver") or None,
        rating=_member(Rating, row.rating),
        events=[event_out(event) for event in events or []],
    )


def event_out(event: TicketEventRow) -> TicketEventOut:
    details: dict[str, Any] = event.details or {}
    note = details.get("note") or details.get("reason") or details.get("progress") or None
    return TicketEventOut(
        at=event.at, event=event.event, from_state=_member(TicketState, event.from_state),
        to_state=TicketState(event.to_state), actor_username=event.actor_username,
        actor_role=_member(Role, event.actor_role),
        note=mask_text(str(note)) if note else None)


def views(db: peewee.Database, rows: list[TicketRow], *, now: datetime,
          masked: bool = True) -> list[TicketOut]:
    names = usernames(db, rows)
    return [to_out(row, now=now, masked=masked, names=names) for row in rows]
