"""Flags that are not moves of the state machine: supervision grounds recorded by a team
lead (第二十条) and abusive calls marked at a desk (第十三条).

* ``supervision``: a team lead records the grounds of 第二十条 the server cannot see for
  itself — a superior's assignment or a leader's instruction (一), unclear responsibility
  (三), the regions involved (五), an emerging issue (六), media exposure (七), anything
  else with a note (八). The ticket's supervision is recomputed at once; the change is an
  event of the ticket (its state does not change) and is audited.
* ``abusive_call``: 第十三条 lets the centre pass on callers who abuse or harass the
  hotline; the desk marks the call (the caller's number, what happened, optionally the
  ticket). Marks are kept in ``call_marks`` (the caller history counts them) and every
  marking is audited with the number masked.
"""

from __future__ import annotations

from typing import Any

from hotline_desk.core.masking import mask_phone
from hotline_desk.core.phone import Phone, check_phone
from hotline_desk.core.protocol import AbusiveCallPayload, ErrorCode, SupervisionPayload
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.storage.server import tickets_supervision
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_events import check_expected, save
from hotline_desk.storage.server.tickets_models import CallMarkRow, TicketRow
from hotline_desk.storage.server.tickets_txn import (
    TicketWrite,
    load,
    load_or_reject,
    parse,
    rejected,
    rule_problems,
)

SUPERVISE_EVENT = "supervise"
MARKERS = frozenset({Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD})


def prepare_supervision(actor: Actor, payload: dict[str, Any]) -> SupervisionPayload:
    data = parse(SupervisionPayload, payload)
    if actor.role is not Role.TEAM_LEAD:
        raise rejected(ErrorCode.FORBIDDEN, "only team leads record supervision grounds",
                       rule_problems(["只有班长可以登记督办事项"]))
    if data.manually_flagged and not (data.flag_note or "").strip():
        raise rejected(ErrorCode.VALIDATION_ERROR, "a manual flag needs a note",
                       rule_problems(["其他需要督办的事项请写明督办事由"], "flag_note"))
    return data


def supervise(w: TicketWrite, data: SupervisionPayload) -> TicketRow:
    row = load_or_reject(w.db, data.ticket_no)
    check_expected(row, None, data.expected_version)
    if row.kind != "ticket":
        raise rejected(ErrorCode.RULE_VIOLATION, f"{row.ticket_no} is not a dispatched ticket",
                       rule_problems(["只有转办工单纳入督办（第二十条）"]))
    flags = {name: value for name, value in data.model_dump(
        include={*tickets_supervision.FLAG_NAMES, "flag_note", "regions"}).items()
        if value is not None}
    details = {key: value for key, value in flags.items() if key != "flag_note"}
    if data.flag_note:
        details["note"] = data.flag_note
    return save(w, row, SUPERVISE_EVENT, TicketState(row.state), {"_flags": flags}, details)


def prepare_mark(actor: Actor, payload: dict[str, Any]) -> tuple[AbusiveCallPayload, str | None]:
    """The mark and the caller's canonical number (validated before the transaction)."""
    data = parse(AbusiveCallPayload, payload)
    if actor.role not in MARKERS or actor.account_id is None:
        raise rejected(ErrorCode.FORBIDDEN, "only call takers and team leads mark calls",
                       rule_problems(["只有话务员、专家座席和班长可以标记骚扰来电"]))
    phone: str | None = None
    if data.phone.strip():
        checked = check_phone(data.phone)
        if not isinstance(checked, Phone):
            raise rejected(ErrorCode.VALIDATION_ERROR, "invalid phone number",
                           rule_problems([checked.message_zh], "phone"))
        phone = checked.number
    if phone is None and data.ticket_no is None:
        raise rejected(ErrorCode.VALIDATION_ERROR, "a mark needs the number or the ticket",
                       rule_problems(["请填写来电号码或工单编号"], "phone"))
    return data, phone


def mark_abusive(w: TicketWrite, prepared: tuple[AbusiveCallPayload, str | None],
                 ) -> tuple[int, str | None]:
    """Record the mark; returns its id and the ticket number it names (if any)."""
    data, phone = prepared
    if data.ticket_no is not None:
        ticket = load(w.db, data.ticket_no)
        if ticket is None:
            raise rejected(ErrorCode.NOT_FOUND, f"ticket {data.ticket_no} not found",
                           rule_problems(["没有该工单编号"], "ticket_no"))
        phone = phone or ticket.requester_phone
    assert w.actor.account_id is not None  # prepare_mark refused account-less actors
    mark_id = CallMarkRow.insert(op_id=w.op_id or "", phone=phone, ticket_no=data.ticket_no,
                                 note=data.note.strip(), marked_by=w.actor.account_id,
                                 marked_at=w.now, call_id=data.call_id).execute(w.db)
    w.audit("call.mark_abusive", data.ticket_no,
            {"mark_id": int(mark_id), "phone": mask_phone(phone) if phone else None})
    return int(mark_id), data.ticket_no
