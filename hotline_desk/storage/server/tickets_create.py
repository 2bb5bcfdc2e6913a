"""New ticket records from the desks: tickets for dispatch, answers on the spot, refusals,
emergency handoffs (第十条、第十一条、第十二条).

The rules are the core's: ``core.ticket_draft.check_form`` checks a ticket's fields for
its purpose (every problem at once, in Chinese), ``core.ticket_flow.check`` checks the
creating move for the actor's role and its payload (a refusal's ground and basis, a
handoff's line, …). A refused payload becomes a ``rejected`` outcome listing every
problem; nothing is stored.

What the server adds: the public ticket number (``tickets_numbers``), the topic and the
same-matter keys (``core.ticket_protocol``), the seat, the event history, the
supervision facts (and those of the open tickets of the same matter it changes), the
audit record. The desk's call id (optional: older desks send none) is stored as given,
so the records one call ended in can be linked and counted as one call.
A ticket created with purpose ``dispatch`` is recorded and dispatched in the same
transaction (two events), so its deadlines run from that moment.

Validation (``prepare_*``) needs no database and runs *before* the write transaction;
:func:`create` does only the database work, so the ticket write lock
(``tickets_txn.TicketWrite``) is held as briefly as possible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from hotline_desk.core import ticket_flow
from hotline_desk.core.deadlines import local_date
from hotline_desk.core.emergency_lines import is_dialable_number
from hotline_desk.core.errors import HotlineError
from hotline_desk.core.phone import Phone, check_phone
from hotline_desk.core.protocol import (
    EmergencyHandoffPayload,
    ErrorCode,
    KBClosurePayload,
    RefusalPayload,
    TicketCreatePayload,
    matter_key,
    normalise_key,
    place_key,
    topic_for,
)
from hotline_desk.core.refusals import RefusalGround
from hotline_desk.core.ticket_draft import DraftPurpose, TicketDraft, check_form
from hotline_desk.core.ticket_flow import TicketEvent
from hotline_desk.core.vocabulary import Area, Channel, RequestType, TicketState
from hotline_desk.storage import resources
from hotline_desk.storage.server import tickets_deadlines, tickets_numbers, tickets_supervision
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import KBEntryRow, KBTombstone
from hotline_desk.storage.server.tickets_models import TicketRow, TicketUnitRow
from hotline_desk.storage.server.tickets_txn import (
    TicketWrite,
    field_problems,
    parse,
    rejected,
    rule_problems,
)

#: How far back a desk's own clock may date an operation (an outbox that was offline).
MAX_BACKDATE = timedelta(days=7)

_CREATING_EVENT = {
    "ticket": TicketEvent.RECORD,
    "kb_closure": TicketEvent.ANSWER_ON_SPOT,
    "refusal": TicketEvent.REFUSE,
    "emergency_handoff": TicketEvent.HAND_OFF,
}


def received_at(occurred_at: datetime | None, now: datetime) -> datetime:
    """When the request came in: the desk's time, never later than the server's clock and
    never more than :data:`MAX_BACKDATE` before it (desk clocks are not trusted)."""
    if occurred_at is None:
        return now
    return min(now, max(occurred_at, now - MAX_BACKDATE))


def _check_move(actor: Actor, state: TicketState | None, event: TicketEvent,
                fields: dict[str, Any]) -> None:
    role = actor.role
    if role is None:
        raise rejected(ErrorCode.FORBIDDEN, "creating tickets needs an account")
    _, problems = ticket_flow.check(state, event, role, fields)
    if problems:
        transition = ticket_flow.find_transition(state, event)
        code = (ErrorCode.FORBIDDEN if transition is not None and role not in transition.roles
                else ErrorCode.VALIDATION_ERROR)
        raise rejected(code, f"{event.value} refused for {role.value}", rule_problems(problems))


@dataclass(frozen=True)
class Dispatch:
    """A dispatch made together with the creation (purpose ``dispatch``)."""

    lead_unit: str
    co_units: tuple[str, ...]
    requirements: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Creation:
    """A validated creating operation: everything but what needs the database."""

    kind: str
    state: TicketState
    columns: dict[str, Any]
    fields: dict[str, Any]  # the creating event's payload
    topic_text: str = ""
    kb_entry_version: int | None = None
    dispatch: Dispatch | None = None


def _draft_columns(draft: TicketDraft) -> dict[str, Any]:
    return {
        "requester_name": draft.requester_name or None,
        "requester_phone": _phone(draft.requester_phone),
        "content": draft.content, "location": draft.location or None,
        "request_type": draft.request_type.value if draft.request_type else None,
        "area": draft.area.value if draft.area else None,
        "channel": draft.channel.value if draft.channel else None,
        "source": draft.source.value, "priority": draft.priority.value,
        "lead_unit": draft.lead_unit or None, "co_units": list(draft.co_units),
        "handling_requirements": draft.handling_requirements or None,
        "kb_entry_id": draft.kb_entry_id or None,
        "source_ticket_no": draft.source_ticket_no or None,
        "place_key": place_key(draft.lead_unit, draft.request_type, draft.location),
    }


def _phone(text: str) -> str | None:
    checked = check_phone(text) if text.strip() else None
    return checked.number if isinstance(checked, Phone) else None


def _kb_entry(w: TicketWrite, entry_id: str | None) -> KBEntryRow | None:
    if not entry_id:
        return None
    row: KBEntryRow | None = KBEntryRow.select().where(KBEntryRow.id == entry_id).get_or_none(
        w.db)
    return row


def create(w: TicketWrite, creation: Creation, received: datetime) -> TicketRow:
    """Store a validated creation: number, row, events, units, supervision, audit."""
    columns = dict(creation.columns)
    state, version = creation.state, 1
    if creation.kind in ("ticket", "kb_closure"):
        entry = _kb_entry(w, columns.get("kb_entry_id"))
        if creation.kind == "kb_closure":
            _check_entry(w, entry, columns["kb_entry_id"], creation.kb_entry_version or 0)
            columns["kb_entry_version"] = creation.kb_entry_version
        topic = topic_for(creation.topic_text, entry.keywords if entry else (),
                          entry.title if entry else None,
                          Area(columns["area"]) if columns.get("area") else None,
                          RequestType(columns["request_type"]) if columns.get("request_type")
                          else None)
        columns.update(topic=topic, topic_key=normalise_key(topic) if topic else None,
                       matter_key=matter_key(columns.get("kb_entry_id"), creation.topic_text))
    dispatch = creation.dispatch
    if dispatch is not None:
        deadlines = tickets_deadlines.compute(w.calendar, w.now,
                                              RequestType(columns["request_type"]))
        columns.update(lead_unit=dispatch.lead_unit, co_units=list(dispatch.co_units),
                       handling_requirements=dispatch.requirements, dispatched_at=w.now,
                       **tickets_deadlines.columns(deadlines, w.calendar))
        state, version = TicketState.DISPATCHED, 2
    values = dict(
        ticket_no=tickets_numbers.allocate(w.db, local_date(received)), kind=creation.kind,
        op_id=w.op_id, state=state.value, version=version, change_version=w.take_version(),
        received_at=received, created_at=w.now, updated_at=w.now,
        created_by=w.actor.account_id, seat_label=w.seat_label(), **columns)
    row_id = TicketRow.insert(**values).execute(w.db)
    row = TicketRow(id=int(row_id), **values)
    events = [(_CREATING_EVENT[creation.kind].value, None, creation.state.value,
               creation.fields)]
    w.audit("ticket.create", row.ticket_no, {"kind": creation.kind,
                                             "state": creation.state.value})
    if dispatch is not None:
        TicketUnitRow.insert_many(
            [{"ticket_id": row.id, "unit": dispatch.lead_unit, "is_lead": True}]
            + [{"ticket_id": row.id, "unit": unit, "is_lead": False}
               for unit in dispatch.co_units]).execute(w.db)
        events.append((TicketEvent.DISPATCH.value, creation.state.value, state.value,
                       dispatch.fields))
        w.audit(f"ticket.{TicketEvent.DISPATCH.value}", row.ticket_no,
                {"from": creation.state.value, "to": state.value, "version": version})
    w.add_events(row, events)
    supervision = tickets_supervision.recompute(w.db, row, w.now, overdue=False)
    TicketRow.update(**supervision).where(TicketRow.id == row.id).execute(w.db)
    for name, value in supervision.items():
        setattr(row, name, value)
    tickets_supervision.refresh_same_matter(w.db, row, w.now, w.take_version)
    return row


def _check_entry(w: TicketWrite, entry: KBEntryRow | None, entry_id: str,
                 version: int) -> None:
    deleted = KBTombstone.select().where(KBTombstone.id == entry_id).exists(w.db)
    if entry is None and not deleted:
        raise rejected(ErrorCode.NOT_FOUND, f"knowledge-base entry {entry_id} unknown",
                       rule_problems(["知识库中没有该条目"], "kb_entry_id"))
    if entry is not None and version > entry.version:
        raise rejected(ErrorCode.VALIDATION_ERROR,
                       f"entry {entry.id} has no version {version}",
                       rule_problems([f"该知识库条目当前为第{entry.version}版，"
                                      f"没有第{version}版"], "kb_entry_version"))


# ---------------------------------------------------------------- the kinds (validation)


def prepare_ticket(actor: Actor, payload: dict[str, Any]) -> Creation:
    """``ticket``: recorded for dispatch (待转办), and dispatched at once for ``dispatch``."""
    data = parse(TicketCreatePayload, payload)
    try:
        purpose = DraftPurpose.from_label(data.purpose)
    except ValueError:
        purpose = None
    if purpose not in (DraftPurpose.DISPATCH, DraftPurpose.RECORD):
        raise rejected(ErrorCode.VALIDATION_ERROR, f"purpose must be dispatch or record, "
                       f"not {data.purpose!r} (answers on the spot are kb_closure operations)",
                       rule_problems(["办理方式应为转办或暂存待转办"], "purpose"))
    form = data.model_dump(exclude={"purpose", "topic", "note", "call_id"})
    draft, problems = check_form(form, purpose)
    if problems:
        raise rejected(ErrorCode.VALIDATION_ERROR, "the ticket has invalid fields",
                       field_problems(problems))
    note = {"note": data.note} if data.note.strip() else {}
    _check_move(actor, None, TicketEvent.RECORD, note)
    dispatch = None
    if purpose is DraftPurpose.DISPATCH:
        fields = {"lead_unit": draft.lead_unit, "co_units": list(draft.co_units),
                  "handling_requirements": draft.handling_requirements, **note}
        _check_move(actor, TicketState.PENDING_DISPATCH, TicketEvent.DISPATCH, fields)
        dispatch = Dispatch(draft.lead_unit, tuple(draft.co_units),
                            draft.handling_requirements, fields)
    return Creation("ticket", TicketState.PENDING_DISPATCH,
                    {**_draft_columns(draft), "call_id": data.call_id}, note,
                    topic_text=data.topic, dispatch=dispatch)


def prepare_kb_closure(actor: Actor, payload: dict[str, Any]) -> Creation:
    """``kb_closure``: a consultation answered on the spot (第十二条(一))."""
    data = parse(KBClosurePayload, payload)
    form = data.model_dump(exclude={"topic", "note", "kb_entry_version", "call_id"})
    draft, problems = check_form(form, DraftPurpose.ANSWER_ON_SPOT)
    if problems:
        raise rejected(ErrorCode.VALIDATION_ERROR, "the answered request has invalid fields",
                       field_problems(problems))
    fields = {"kb_entry_id": data.kb_entry_id}
    if data.note.strip():
        fields["note"] = data.note
    _check_move(actor, None, TicketEvent.ANSWER_ON_SPOT, fields)
    return Creation("kb_closure", TicketState.ANSWERED_ON_SPOT,
                    {**_draft_columns(draft), "call_id": data.call_id}, fields,
                    topic_text=data.topic, kb_entry_version=data.kb_entry_version)


def _optional_phone(text: str, problems: list[str]) -> str | None:
    if not text.strip():
        return None
    checked = check_phone(text)
    if isinstance(checked, Phone):
        return checked.number
    problems.append(checked.message_zh)
    return None


def _optional_channel(text: str, problems: list[str]) -> str | None:
    if not text.strip():
        return None
    try:
        return Channel.from_label(text).value
    except ValueError:
        problems.append(f"受理渠道无效，应为：{'、'.join(c.label for c in Channel)}")
        return None


def prepare_refusal(actor: Actor, payload: dict[str, Any]) -> Creation:
    """``refusal``: the truthful record of a non-accepted request (第十条)."""
    data = parse(RefusalPayload, payload)
    fields = {key: value for key, value in data.model_dump(
        include={"ground", "reason", "referral_unit", "referral_contact", "note"}).items()
        if value}
    _check_move(actor, None, TicketEvent.REFUSE, fields)
    problems: list[str] = []
    phone = _optional_phone(data.requester_phone, problems)
    channel = _optional_channel(data.channel, problems)
    if problems:
        raise rejected(ErrorCode.VALIDATION_ERROR, "the refusal record has invalid fields",
                       rule_problems(problems))
    fields["ground"] = RefusalGround.from_label(data.ground).value
    columns = {"requester_phone": phone, "requester_name": data.requester_name or None,
               "content": data.content, "channel": channel, "call_id": data.call_id,
               "details": {key: fields.get(key) for key in
                           ("ground", "reason", "referral_unit", "referral_contact", "note")
                           if fields.get(key)}}
    return Creation("refusal", TicketState.REFUSED, columns, fields)


@lru_cache(maxsize=1)
def _line_codes() -> frozenset[str] | None:
    """The emergency-line codes of the bundled catalogue (``None`` if it cannot be read)."""
    try:
        return frozenset(line.code for line in resources.load_emergency_lines().lines)
    except HotlineError:
        return None


def prepare_handoff(actor: Actor, payload: dict[str, Any]) -> Creation:
    """``emergency_handoff``: the record of a call handed to 110/119/120/122 or a utility
    line (第十二条(三))."""
    data = parse(EmergencyHandoffPayload, payload)
    fields = {"line": data.line}
    if data.note.strip():
        fields["note"] = data.note
    _check_move(actor, None, TicketEvent.HAND_OFF, fields)
    problems: list[str] = []
    codes = _line_codes()
    if codes is not None and data.line not in codes:
        problems.append(f"未知的转接热线「{data.line}」")
    if not is_dialable_number(data.number):
        problems.append(f"转接号码「{data.number}」格式不正确")
    phone = _optional_phone(data.requester_phone, problems)
    channel = _optional_channel(data.channel, problems)
    if problems:
        raise rejected(ErrorCode.VALIDATION_ERROR, "the handoff record has invalid fields",
                       rule_problems(problems))
    columns = {"requester_phone": phone, "content": data.content,
               "location": data.location or None, "channel": channel, "call_id": data.call_id,
               "details": {"line": data.line, "number": data.number,
                           **({"note": data.note} if data.note.strip() else {})}}
    return Creation("emergency_handoff", TicketState.EMERGENCY_HANDOFF, columns,
                    {**fields, "number": data.number})


PREPARERS: dict[str, Callable[[Actor, dict[str, Any]], Creation]] = {
    "ticket": prepare_ticket,
    "kb_closure": prepare_kb_closure,
    "refusal": prepare_refusal,
    "emergency_handoff": prepare_handoff,
}
