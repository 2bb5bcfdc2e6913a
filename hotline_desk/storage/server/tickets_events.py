"""Moves of an existing ticket (``ticket_event`` push operations), by ``core.ticket_flow``.

``ticket_flow.check`` decides whether the move is legal for the state, the role and the
payload; refusals are ``rejected`` with its Chinese reasons (``invalid_transition`` for a
move the state does not allow, ``forbidden`` for a role that may not make it,
``validation_error`` for missing or bad payload fields). A stale ``expected_state`` or
``expected_version`` is a ``conflict``. On top of the state machine, the rules the state
machine leaves to others:

* only the lead unit (牵头单位) acts for the units on a ticket (首接负责制, 第十四条);
* dispatch (第十二条(二)(四)) computes the deadlines with the core calendar
  (``tickets_deadlines``) from the moment of dispatch;
* a return request (第十六条) must come before the return deadline (2 working days);
  after it the ticket counts as accepted (视同已接收) and the request is refused;
* an extension (第十八条) is checked by ``core.deadlines.apply_extension`` when it is
  requested (before the deadline, no longer than the first limit) and again when a team
  lead approves it (the count limit; ``special_approval`` for a third one);
* a legal deadline (第十七条(三)) — recorded by the lead unit or a team lead, with its
  basis — replaces the completion deadline and leaves a progress report due at the regular
  limit (``core.legal_deadline``; a bad period is a ``validation_error`` naming its field);
  a progress report moves the next one; a ticket with a legal deadline is not extended
  under 第十八条 (``apply_extension`` refuses it);
* completion records whether it was on time (第十七条, for the on-time rate of 第二十七条;
  against the legal deadline when there is one);
* the supervision facts an event changes (退回重办, 差评, an approved return) are updated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotline_desk.core import ticket_flow
from hotline_desk.core.deadlines import TicketDeadlines, apply_extension
from hotline_desk.core.errors import DataFormatError, RuleViolation
from hotline_desk.core.legal_deadline import LegalDeadline, apply_legal_deadline, report_progress
from hotline_desk.core.protocol import (
    ErrorCode,
    Problem,
    PushStatus,
    TicketEventPayload,
    place_key,
)
from hotline_desk.core.ticket_flow import Rating, TicketEvent
from hotline_desk.core.vocabulary import RequestType, Role, TicketState
from hotline_desk.storage.server import tickets_deadlines, tickets_supervision
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_models import TicketRow, TicketUnitRow
from hotline_desk.storage.server.tickets_txn import (
    OpRefused,
    TicketWrite,
    load_or_reject,
    parse,
    rejected,
    reload,
    rule_problems,
)

_CONTROL_FIELDS = {"ticket_no", "event", "expected_state", "expected_version",
                   "special_approval"}

Handler = Callable[[TicketWrite, TicketRow, TicketEventPayload], dict[str, Any]]


_UNIT_SPLIT = re.compile(r"[、,，;；\n]+")


def unit_list(value: object) -> list[str]:
    """Unit names from a list or one separated string (as the desk's forms give them)."""
    if value is None:
        return []
    items = _UNIT_SPLIT.split(value) if isinstance(value, str) else list(value)
    return [str(item).strip() for item in items if str(item).strip()]


def replace_units(w: TicketWrite, row: TicketRow, lead: str, co_units: list[str]) -> None:
    TicketUnitRow.delete().where(TicketUnitRow.ticket_id == row.id).execute(w.db)
    rows = [{"ticket_id": row.id, "unit": lead, "is_lead": True}]
    rows += [{"ticket_id": row.id, "unit": unit, "is_lead": False} for unit in co_units]
    TicketUnitRow.insert_many(rows).execute(w.db)


def dispatch_columns(w: TicketWrite, row: TicketRow, lead: str, co_units: list[str],
                     requirements: str) -> dict[str, Any]:
    """Columns of a (re-)dispatch now to ``lead`` with ``co_units`` (第十二条(二)(四))."""
    request_type = RequestType(row.request_type)
    deadlines = tickets_deadlines.compute(w.calendar, w.now, request_type)
    replace_units(w, row, lead, co_units)
    return {
        "lead_unit": lead, "co_units": co_units, "handling_requirements": requirements,
        "dispatched_at": w.now, "contacted_at": None, "completed_at": None,
        "completed_on_time": None, "pending_extension": None, "resume_state": None,
        "place_key": place_key(lead, request_type, row.location), "legal_deadline": None,
        **tickets_deadlines.columns(deadlines, w.calendar),
    }


def _dispatch(w: TicketWrite, row: TicketRow, data: TicketEventPayload) -> dict[str, Any]:
    lead = (data.lead_unit or "").strip()
    return dispatch_columns(w, row, lead, unit_list(data.co_units),
                            (data.handling_requirements or "").strip())


def _contact(w: TicketWrite, row: TicketRow, data: TicketEventPayload) -> dict[str, Any]:
    return {"contacted_at": w.now,
            "details": {**(row.details or {}), "unit_contact": (data.unit_contact or "").strip()}}


def _request_return(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                    ) -> dict[str, Any]:
    if row.return_deadline is not None and w.now >= row.return_deadline:
        raise rejected(
            ErrorCode.RULE_VIOLATION, "the return period of 2 working days has ended",
            rule_problems([f"依据第十六条，应自接到转办工单之日起2个工作日内申请退回；本工单的退回"
                           f"期限已于{row.return_due.isoformat()} 24:00届满，逾期未退回的，"
                           f"视同已接收转办工单"], "event"))
    return {"resume_state": row.state}


def _approve_return(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                    ) -> dict[str, Any]:
    flags = {"responsibility_unclear": True}
    return {"resume_state": None, "dispatched_at": None, "overdue": False,
            "overdue_since": None, "pending_extension": None,
            **tickets_deadlines.columns(None), "_flags": flags}


def _deny_return(w: TicketWrite, row: TicketRow, data: TicketEventPayload) -> dict[str, Any]:
    return {"resume_state": None}


def _extension_rule(exc: RuleViolation) -> OpRefused:
    return rejected(ErrorCode.RULE_VIOLATION, exc.message, rule_problems([exc.message_zh],
                                                                          "days"))


def _request_extension(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                       ) -> dict[str, Any]:
    deadlines = tickets_deadlines.rebuild(w.calendar, row)
    days = int(data.days or 0)
    reason = (data.reason or "").strip()
    if deadlines is None:
        raise rejected(ErrorCode.RULE_VIOLATION, "the ticket has no deadlines",
                       rule_problems(["工单尚未转办，没有办理时限"]))
    try:  # the count limit is the approver's business (special approval)
        apply_extension(w.calendar, deadlines, applied_at=w.now, days=days, reason=reason,
                        special_approval=True)
    except RuleViolation as exc:
        raise _extension_rule(exc) from None
    return {"pending_extension": {"applied_at": w.now.isoformat(), "days": days,
                                  "reason": reason}}


def _approve_extension(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                       ) -> dict[str, Any]:
    pending = row.pending_extension or {}
    deadlines = tickets_deadlines.rebuild(w.calendar, row)
    if deadlines is None or not pending:
        raise rejected(ErrorCode.RULE_VIOLATION, "no extension request is pending",
                       rule_problems(["没有待审批的延期申请"]))
    try:
        moved = apply_extension(
            w.calendar, deadlines, applied_at=datetime.fromisoformat(pending["applied_at"]),
            days=int(pending["days"]), reason=str(pending["reason"]),
            special_approval=data.special_approval)
    except RuleViolation as exc:
        raise _extension_rule(exc) from None
    return {"pending_extension": None, **tickets_deadlines.columns(moved, w.calendar)}


def _deny_extension(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                    ) -> dict[str, Any]:
    return {"pending_extension": None}


def _current_deadlines(w: TicketWrite, row: TicketRow) -> TicketDeadlines:
    deadlines = tickets_deadlines.rebuild(w.calendar, row)
    if deadlines is None:
        raise rejected(ErrorCode.RULE_VIOLATION, "the ticket has no deadlines",
                       rule_problems(["工单尚未转办，没有办理时限"]))
    return deadlines


def _set_legal_deadline(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                        ) -> dict[str, Any]:
    """第十七条(三): the law's period becomes the completion deadline; recorded again, it
    replaces the previous one (a law that allows its period to be lengthened)."""
    deadlines = _current_deadlines(w, row)
    try:
        legal = LegalDeadline.from_fields(
            law=data.law, article=data.law_article, days=data.legal_days,
            day_kind=data.legal_day_kind, until=data.legal_due_date)
        moved = apply_legal_deadline(w.calendar, deadlines, legal)
    except DataFormatError as exc:
        raise rejected(ErrorCode.VALIDATION_ERROR, exc.message, [
            Problem(location="payload", field=field, message=message)
            for _, field, message in exc.problems] or rule_problems([exc.message_zh])) from None
    return {"legal_deadline": tickets_deadlines.legal_record(legal, w.now),
            **tickets_deadlines.columns(moved, w.calendar)}


def _report_progress(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                     ) -> dict[str, Any]:
    """第十七条(三) 动态反馈办理进展: the next report is due one regular limit later."""
    try:
        moved = report_progress(w.calendar, _current_deadlines(w, row), w.now)
    except RuleViolation as exc:
        raise rejected(ErrorCode.RULE_VIOLATION, exc.message,
                       rule_problems([exc.message_zh], "event")) from None
    return tickets_deadlines.columns(moved, w.calendar)


def _complete(w: TicketWrite, row: TicketRow, data: TicketEventPayload) -> dict[str, Any]:
    on_time = row.completion_deadline is None or w.now < row.completion_deadline
    details = {**(row.details or {}), "reply": (data.reply or "").strip(),
               "approver": (data.approver or "").strip()}
    return {"completed_at": w.now, "completed_on_time": on_time, "details": details}


def _reject_completion(w: TicketWrite, row: TicketRow, data: TicketEventPayload,
                       ) -> dict[str, Any]:
    return {"completed_at": None, "completed_on_time": None,
            "_flags": {"returned_for_poor_handling": True}}


def _rate(w: TicketWrite, row: TicketRow, data: TicketEventPayload) -> dict[str, Any]:
    rating = Rating.from_label(str(data.rating))
    values: dict[str, Any] = {"rating": rating.value, "rated_at": w.now}
    if rating.is_poor:
        values["_flags"] = {"returned_for_poor_handling": True}
    return values


def _revisit(w: TicketWrite, row: TicketRow, data: TicketEventPayload) -> dict[str, Any]:
    return {"revisited_at": w.now,
            "details": {**(row.details or {}),
                        "revisit_result": (data.revisit_result or "").strip()}}


HANDLERS: dict[TicketEvent, Handler] = {
    TicketEvent.DISPATCH: _dispatch,
    TicketEvent.CONTACT: _contact,
    TicketEvent.REQUEST_RETURN: _request_return,
    TicketEvent.APPROVE_RETURN: _approve_return,
    TicketEvent.DENY_RETURN: _deny_return,
    TicketEvent.REQUEST_EXTENSION: _request_extension,
    TicketEvent.APPROVE_EXTENSION: _approve_extension,
    TicketEvent.DENY_EXTENSION: _deny_extension,
    TicketEvent.SET_LEGAL_DEADLINE: _set_legal_deadline,
    TicketEvent.REPORT_PROGRESS: _report_progress,
    TicketEvent.COMPLETE: _complete,
    TicketEvent.REJECT_COMPLETION: _reject_completion,
    TicketEvent.RATE: _rate,
    TicketEvent.REVISIT: _revisit,
}


def check_expected(row: TicketRow, expected_state: TicketState | None,
                   expected_version: int | None) -> None:
    """A ``conflict`` when the ticket moved on since the desk saw it."""
    state = TicketState(row.state)
    if (expected_state is not None and expected_state is not state) or (
            expected_version is not None and expected_version != row.version):
        raise OpRefused(
            PushStatus.CONFLICT, ErrorCode.VERSION_CONFLICT,
            f"ticket {row.ticket_no} is now {state.value} at version {row.version}",
            rule_problems([f"工单已变为「{state.label}」（第{row.version}版），请刷新后重试"]),
            state=state, version=row.version, server_no=row.ticket_no)


def require_lead_unit(w: TicketWrite, row: TicketRow) -> None:
    if w.actor.role is Role.UNIT_HANDLER and (not w.actor.unit or w.actor.unit != row.lead_unit):
        raise rejected(ErrorCode.FORBIDDEN,
                       f"{w.actor.unit!r} is not the lead unit of {row.ticket_no}",
                       rule_problems(["只有该工单的牵头承办单位可以办理（第十四条 首接负责制）"]))


def _refusal(state: TicketState, event: TicketEvent, role: Role,
             problems: list[str]) -> OpRefused:
    transition = ticket_flow.find_transition(state, event)
    if transition is None:
        code = ErrorCode.INVALID_TRANSITION
    elif role not in transition.roles:
        code = ErrorCode.FORBIDDEN
    else:
        code = ErrorCode.VALIDATION_ERROR
    return rejected(code, f"{event.value} refused in state {state.value} for {role.value}",
                    rule_problems(problems), state=state)


def save(w: TicketWrite, row: TicketRow, event: str, target: TicketState,
         values: dict[str, Any], details: dict[str, Any], *, bump_version: bool = True,
         ) -> TicketRow:
    """Store a move: the columns, the state, versions, supervision, the event, the audit."""
    flags = values.pop("_flags", None)
    from_state = row.state
    changes = dict(values, state=target.value, updated_at=w.now,
                   change_version=w.take_version())
    if bump_version:
        changes["version"] = row.version + 1
    TicketRow.update(**changes).where(TicketRow.id == row.id).execute(w.db)
    fresh = reload(w.db, row.id)
    overdue = tickets_deadlines.is_overdue(fresh, w.now)
    progress_overdue = tickets_deadlines.is_progress_overdue(fresh, w.now)
    keys_changed = "place_key" in values and values["place_key"] != row.place_key
    supervision = tickets_supervision.recompute(w.db, fresh, w.now, overdue=overdue,
                                                flags_update=flags, count=keys_changed,
                                                progress_overdue=progress_overdue)
    TicketRow.update(overdue=overdue,
                     overdue_since=(fresh.overdue_since or w.now) if overdue else None,
                     progress_overdue=progress_overdue,
                     **supervision).where(TicketRow.id == row.id).execute(w.db)
    if keys_changed:  # a new matter for this report (re-dispatch to another unit)
        fresh = reload(w.db, row.id)
        tickets_supervision.refresh_same_matter(w.db, fresh, w.now, w.take_version)
    w.add_event(fresh, event, from_state, target.value, details)
    w.audit(f"ticket.{event}", fresh.ticket_no,
            {"from": from_state, "to": target.value, "version": changes.get("version")})
    return reload(w.db, row.id)


@dataclass(frozen=True)
class PreparedEvent:
    data: TicketEventPayload
    event: TicketEvent
    fields: dict[str, Any]


def prepare_event(actor: Actor, payload: dict[str, Any]) -> PreparedEvent:
    """Validate what needs no database (before the write transaction)."""
    data = parse(TicketEventPayload, payload)
    try:
        event = TicketEvent.from_label(data.event)
    except ValueError:
        raise rejected(ErrorCode.VALIDATION_ERROR, f"unknown ticket event {data.event!r}",
                       rule_problems([f"未知的操作：{data.event}"], "event")) from None
    if actor.role is None:
        raise rejected(ErrorCode.FORBIDDEN, "ticket events need an account")
    fields = data.model_dump(exclude=_CONTROL_FIELDS, exclude_none=True)
    return PreparedEvent(data, event, fields)


def apply_event(w: TicketWrite, prepared: PreparedEvent) -> TicketRow:
    data, event, fields = prepared.data, prepared.event, prepared.fields
    row = load_or_reject(w.db, data.ticket_no)
    check_expected(row, data.expected_state, data.expected_version)
    role = w.actor.role
    assert role is not None  # prepare_event refused account-less actors
    state = TicketState(row.state)
    resume_to = TicketState(row.resume_state) if row.resume_state else None
    target, problems = ticket_flow.check(state, event, role, fields, resume_to=resume_to,
                                         rating=row.rating)
    if problems or target is None:
        raise _refusal(state, event, role, problems or ["不符合热线办理规定"])
    require_lead_unit(w, row)
    handler = HANDLERS.get(event)
    if handler is None:  # the creation events: ticket_flow refuses them on a ticket
        raise _refusal(state, event, role, ["该操作只能在受理时进行"])
    values = handler(w, row, data)
    details = {key: value for key, value in fields.items() if key != "co_units"}
    if data.special_approval:
        details["special_approval"] = True
    if "co_units" in fields:
        details["co_units"] = unit_list(fields["co_units"])
    return save(w, row, event.value, target, values, details)
