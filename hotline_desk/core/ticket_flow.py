"""The ticket state machine (第十、十二、十五–十九、二十四、二十五条).

A call or message ends in one of four ways when the ticket is created (the state
before creation is ``None``):

* answered on the spot from the knowledge base (即时办结, 第十二条(一)) — records the
  entry that answered it;
* refused (不予受理, 第十条) — records the ground of 第十条 and the truthful reason, and
  the proper unit with its contact when it can be determined;
* handed to an emergency or utility line (紧急转接, 第十二条(三)) — records the line
  code of the emergency-line catalogue;
* recorded for dispatch (待转办, 第十一条).

A recorded ticket is dispatched to a lead unit, with co-handling units for shared
matters (第十二条(二)(四)); the unit contacts the requester (第十五条), may ask to
return it (第十六条; the centre approves — it comes back for re-dispatch — or
denies — it goes back to where it was), may ask for an extension while handling
(第十八条; approved or denied, handling goes on either way), and completes it with
a reply signed off by its head (第二十四条). While it handles the ticket, the lead unit
(or a team lead) records a deadline set by law (登记法定期限, 第十七条(三)) and the unit
reports progress (反馈办理进展) — moves that leave the state as it is. The centre may
send a completion back for poor handling (退回重办, 第二十条(四)) before it is rated.
Every completed ticket gets exactly one rating (一事一评, 第二十五条); a poor rating
leads to a revisit.

Who may do what: operators and expert seats take calls (create, answer, refuse,
hand off); operators and team leads dispatch, record ratings and revisit; only the
handling unit contacts, asks to return or extend, reports progress and completes; the
unit or a team lead records a legal deadline; only a team lead decides on return and
extension requests and sends completions back. Admins manage accounts, the knowledge
base and the calendar, not tickets (授权访问, 第三十四条).

Whether an extension is allowed by count or length, whether a return request is
still in time, and what a legal deadline moves, is the deadlines modules' business;
this module is the state side only. The table is data (:data:`TRANSITIONS`,
:func:`transition_table`) so the server and the docs list the same rules the desk
enforces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hotline_desk.core.errors import RuleViolation
from hotline_desk.core.legal_deadline import LegalDayKind
from hotline_desk.core.refusals import RefusalGround
from hotline_desk.core.vocabulary import LabeledEnum, Role, TicketState

__all__ = [
    "PAYLOAD_FIELDS",
    "TRANSITIONS",
    "FieldKind",
    "PayloadField",
    "Rating",
    "TicketEvent",
    "Transition",
    "allowed_events",
    "apply",
    "check",
    "find_transition",
    "transition_table",
]


class TicketEvent(LabeledEnum):
    """What can happen to a ticket; the codes are the action names of the API."""

    ANSWER_ON_SPOT = ("answer_on_spot", "即时办结")
    REFUSE = ("refuse", "不予受理")
    HAND_OFF = ("hand_off", "紧急转接")
    RECORD = ("record", "登记工单")
    DISPATCH = ("dispatch", "转办")
    CONTACT = ("contact", "联系诉求人")
    REQUEST_RETURN = ("request_return", "申请退回")
    APPROVE_RETURN = ("approve_return", "同意退回")
    DENY_RETURN = ("deny_return", "驳回退回申请")
    REQUEST_EXTENSION = ("request_extension", "申请延期")
    APPROVE_EXTENSION = ("approve_extension", "同意延期")
    DENY_EXTENSION = ("deny_extension", "驳回延期申请")
    SET_LEGAL_DEADLINE = ("set_legal_deadline", "登记法定期限")
    REPORT_PROGRESS = ("report_progress", "反馈办理进展")
    COMPLETE = ("complete", "办结")
    REJECT_COMPLETION = ("reject_completion", "退回重办")
    RATE = ("rate", "满意度评价")
    REVISIT = ("revisit", "差评回访")


class Rating(LabeledEnum):
    """The satisfaction rating of a completed ticket (好差评, 第二十五条)."""

    VERY_SATISFIED = ("very_satisfied", "非常满意")
    SATISFIED = ("satisfied", "满意")
    BASICALLY_SATISFIED = ("basically_satisfied", "基本满意")
    DISSATISFIED = ("dissatisfied", "不满意")
    VERY_DISSATISFIED = ("very_dissatisfied", "非常不满意")

    @property
    def is_poor(self) -> bool:
        """差评: a rating that must be revisited (第二十五条)."""
        return self in (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class FieldKind(LabeledEnum):
    """How a payload field is checked."""

    TEXT = ("text", "文字")
    UNITS = ("units", "单位名称列表")
    POSITIVE_INT = ("positive_int", "正整数")
    RATING = ("rating", "满意度")
    GROUND = ("ground", "不予受理依据")
    DAY_KIND = ("day_kind", "期限计算方式")
    DATE = ("date", "日期")


@dataclass(frozen=True, slots=True)
class PayloadField:
    name: str
    label: str  # Chinese, for messages and forms
    kind: FieldKind = FieldKind.TEXT
    max_length: int = 500


#: Every payload field an event may carry.
PAYLOAD_FIELDS: dict[str, PayloadField] = {
    spec.name: spec
    for spec in (
        PayloadField("kb_entry_id", "知识库条目", max_length=64),
        PayloadField("ground", "不予受理依据（第十条）", FieldKind.GROUND),
        PayloadField("reason", "理由", max_length=1000),
        PayloadField("referral_unit", "告知的办理单位", max_length=100),
        PayloadField("referral_contact", "告知的单位联系方式", max_length=200),
        PayloadField("line", "转接热线", max_length=32),
        PayloadField("lead_unit", "承办（牵头）单位", max_length=60),
        PayloadField("co_units", "协同单位", FieldKind.UNITS),
        PayloadField("handling_requirements", "办理要求"),
        PayloadField("unit_contact", "告知诉求人的承办单位联系方式", max_length=200),
        PayloadField("policy_basis", "政策法规依据", max_length=1000),
        PayloadField("days", "延期天数", FieldKind.POSITIVE_INT),
        PayloadField("law", "法律法规规章名称", max_length=100),
        PayloadField("law_article", "法律法规条款", max_length=60),
        PayloadField("legal_days", "法定期限天数", FieldKind.POSITIVE_INT),
        PayloadField("legal_day_kind", "法定期限计算方式（工作日或自然日）", FieldKind.DAY_KIND),
        PayloadField("legal_due_date", "法定期限截止日期", FieldKind.DATE),
        PayloadField("progress", "办理进展情况", max_length=2000),
        PayloadField("reply", "答复内容", max_length=4000),
        PayloadField("approver", "签批负责人", max_length=30),
        PayloadField("rating", "满意度", FieldKind.RATING),
        PayloadField("revisit_result", "回访情况", max_length=2000),
        PayloadField("note", "备注", max_length=1000),
    )
}


@dataclass(frozen=True, slots=True)
class Transition:
    """One legal move. ``target is None`` means "back to the state before the request"
    (``resumes``), which the caller passes as ``resume_to``."""

    source: TicketState | None  # None: the ticket does not exist yet
    event: TicketEvent
    target: TicketState | None
    roles: frozenset[Role]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    article: str = ""
    resume_from: frozenset[TicketState] = frozenset()  # legal resume_to values

    @property
    def resumes(self) -> bool:
        return self.target is None


_CALL_TAKERS = frozenset({Role.OPERATOR, Role.EXPERT})
_CENTRE = frozenset({Role.OPERATOR, Role.TEAM_LEAD})
_UNIT = frozenset({Role.UNIT_HANDLER})
_LEAD = frozenset({Role.TEAM_LEAD})
_UNIT_OR_LEAD = _UNIT | _LEAD
_RETURNABLE = frozenset({TicketState.DISPATCHED, TicketState.CONTACTED})
#: States in which the unit is handling the ticket (``core.protocol.HANDLING_STATES``).
_HANDLING = (TicketState.DISPATCHED, TicketState.CONTACTED, TicketState.RETURN_REQUESTED,
             TicketState.EXTENSION_REQUESTED)
_LEGAL_TERM = ("legal_days", "legal_day_kind", "legal_due_date", "note")

S = TicketState
EV = TicketEvent

#: The whole state machine. Any (state, event) pair not listed here is refused.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(None, EV.ANSWER_ON_SPOT, S.ANSWERED_ON_SPOT, _CALL_TAKERS,
               ("kb_entry_id",), ("note",), "第十二条(一)"),
    Transition(None, EV.REFUSE, S.REFUSED, _CALL_TAKERS,
               ("ground", "reason"), ("referral_unit", "referral_contact", "note"), "第十条"),
    Transition(None, EV.HAND_OFF, S.EMERGENCY_HANDOFF, _CALL_TAKERS,
               ("line",), ("note",), "第十二条(三)"),
    Transition(None, EV.RECORD, S.PENDING_DISPATCH, _CALL_TAKERS,
               (), ("note",), "第十一条"),
    Transition(S.PENDING_DISPATCH, EV.DISPATCH, S.DISPATCHED, _CENTRE,
               ("lead_unit", "handling_requirements"), ("co_units", "note"), "第十二条(二)(四)"),
    Transition(S.RETURNED, EV.DISPATCH, S.DISPATCHED, _CENTRE,
               ("lead_unit", "handling_requirements"), ("co_units", "note"),
               "第十二条(二)(四)、第十六条"),
    Transition(S.DISPATCHED, EV.CONTACT, S.CONTACTED, _UNIT,
               ("unit_contact",), ("note",), "第十五条"),
    Transition(S.DISPATCHED, EV.REQUEST_RETURN, S.RETURN_REQUESTED, _UNIT,
               ("reason", "policy_basis"), ("note",), "第十六条"),
    Transition(S.CONTACTED, EV.REQUEST_RETURN, S.RETURN_REQUESTED, _UNIT,
               ("reason", "policy_basis"), ("note",), "第十六条"),
    Transition(S.RETURN_REQUESTED, EV.APPROVE_RETURN, S.RETURNED, _LEAD,
               (), ("note",), "第十六条"),
    Transition(S.RETURN_REQUESTED, EV.DENY_RETURN, None, _LEAD,
               ("reason",), ("note",), "第十六条", resume_from=_RETURNABLE),
    Transition(S.CONTACTED, EV.REQUEST_EXTENSION, S.EXTENSION_REQUESTED, _UNIT,
               ("reason", "days"), ("note",), "第十八条"),
    Transition(S.EXTENSION_REQUESTED, EV.APPROVE_EXTENSION, S.CONTACTED, _LEAD,
               (), ("note",), "第十八条"),
    Transition(S.EXTENSION_REQUESTED, EV.DENY_EXTENSION, S.CONTACTED, _LEAD,
               ("reason",), ("note",), "第十八条"),
    Transition(S.CONTACTED, EV.COMPLETE, S.COMPLETED, _UNIT,
               ("reply", "approver"), ("note",), "第十七条、第二十四条"),
    Transition(S.COMPLETED, EV.REJECT_COMPLETION, S.CONTACTED, _LEAD,
               ("reason",), ("note",), "第二十条(四)、第二十二条"),
    Transition(S.COMPLETED, EV.RATE, S.RATED, _CENTRE,
               ("rating",), ("note",), "第二十五条"),
    Transition(S.RATED, EV.REVISIT, S.REVISITED, _CENTRE,
               ("revisit_result",), ("note",), "第二十五条"),
    # 第十七条(三): moves during handling that leave the state as it is. The period itself
    # (days or a date, exactly one) is checked by core.legal_deadline.LegalDeadline.
    *(Transition(state, EV.SET_LEGAL_DEADLINE, state, _UNIT_OR_LEAD,
                 ("law", "law_article"), _LEGAL_TERM, "第十七条(三)")
      for state in _HANDLING),
    *(Transition(state, EV.REPORT_PROGRESS, state, _UNIT,
                 ("progress",), ("note",), "第十七条(三)、第十九条")
      for state in _HANDLING),
)

_BY_KEY: dict[tuple[TicketState | None, TicketEvent], Transition] = {
    (item.source, item.event): item for item in TRANSITIONS
}
assert len(_BY_KEY) == len(TRANSITIONS), "duplicate (state, event) in TRANSITIONS"

#: Field pairs that go together: naming the referral unit needs its contact (第十条).
_PAIRED = (("referral_unit", "referral_contact"),)

_UNIT_SPLIT = re.compile(r"[、,，;；\n]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def find_transition(state: TicketState | None, event: TicketEvent) -> Transition | None:
    return _BY_KEY.get((state, event))


def allowed_events(state: TicketState | None, role: Role) -> list[TicketEvent]:
    """The events ``role`` may perform in ``state``, in table order (for the buttons)."""
    return [
        item.event for item in TRANSITIONS if item.source == state and role in item.roles
    ]


def _state_label(state: TicketState | None) -> str:
    return "新建" if state is None else state.label


# ---------------------------------------------------------------- payload checks


def _units(value: object) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in _UNIT_SPLIT.split(value) if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    return None


def _is_date(value: object) -> bool:
    if isinstance(value, date):
        return not isinstance(value, datetime)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return False
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    return False


def _field_problem(spec: PayloadField, value: object) -> str | None:
    if spec.kind is FieldKind.TEXT:
        if not isinstance(value, str):
            return f"{spec.label}应为文字"
        if len(value.strip()) > spec.max_length:
            return f"{spec.label}不能超过{spec.max_length}个字"
        return None
    if spec.kind is FieldKind.POSITIVE_INT:
        number = value
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            number = int(value.strip())
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            return f"{spec.label}应为正整数"
        return None
    if spec.kind is FieldKind.RATING:
        if _member(Rating, value) is None:
            return f"{spec.label}无效，应为：{'、'.join(item.label for item in Rating)}"
        return None
    if spec.kind is FieldKind.GROUND:
        if _member(RefusalGround, value) is None:
            return f"{spec.label}无效，应为第十条所列事项之一"
        return None
    if spec.kind is FieldKind.DAY_KIND:
        if _member(LegalDayKind, value) is None:
            return f"{spec.label}无效，应为：{'、'.join(item.label for item in LegalDayKind)}"
        return None
    if spec.kind is FieldKind.DATE:
        if not _is_date(value):
            return f"{spec.label}应为日期（如2027-03-31）"
        return None
    units = _units(value)
    if units is None:
        return f"{spec.label}应为单位名称列表"
    if any(len(unit) > 60 for unit in units):
        return "单位名称不能超过60个字"
    return None


def _payload_problems(transition: Transition, payload: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for name in transition.required:
        spec = PAYLOAD_FIELDS[name]
        value = payload.get(name)
        if _is_blank(value):
            problems.append(f"请填写{spec.label}")
            continue
        message = _field_problem(spec, value)
        if message:
            problems.append(message)
    for name in transition.optional:
        value = payload.get(name)
        if _is_blank(value):
            continue
        message = _field_problem(PAYLOAD_FIELDS[name], value)
        if message:
            problems.append(message)
    for first, second in _PAIRED:
        if first in transition.optional:
            has_first = not _is_blank(payload.get(first))
            has_second = not _is_blank(payload.get(second))
            if has_first != has_second:
                problems.append(
                    "能够确定办理单位的，应同时告知单位名称和联系方式（第十条）"
                )
    if "co_units" in transition.optional:
        problems.extend(_unit_problems(payload))
    return problems


def _unit_problems(payload: Mapping[str, Any]) -> list[str]:
    units = _units(payload.get("co_units"))
    if not units:
        return []
    lead_value = payload.get("lead_unit")
    lead = lead_value.strip() if isinstance(lead_value, str) else ""
    problems: list[str] = []
    if lead and lead in units:
        problems.append(f"协同单位不能与牵头单位相同（{lead}）")
    duplicates = sorted({unit for unit in units if units.count(unit) > 1})
    if duplicates:
        problems.append(f"协同单位重复：{'、'.join(duplicates)}")
    return problems


def _member(cls: type[LabeledEnum], value: object) -> LabeledEnum | None:
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls.from_label(value)
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- the machine


def check(
    state: TicketState | None,
    event: TicketEvent | str,
    actor_role: Role | str,
    payload: Mapping[str, Any] | None = None,
    *,
    resume_to: TicketState | None = None,
    rating: Rating | str | None = None,
) -> tuple[TicketState | None, list[str]]:
    """The state ``event`` leads to and every reason to refuse it (empty: allowed).

    Never raises. ``resume_to`` is the state a ticket was in before a pending return
    request (needed to deny it); ``rating`` is the ticket's rating (needed to revisit).
    """
    event_member = _member(TicketEvent, event)
    if not isinstance(event_member, TicketEvent):
        return None, [f"未知的操作：{event}"]
    role = _member(Role, actor_role)
    if not isinstance(role, Role):
        return None, [f"未知的角色：{actor_role}"]
    if state is not None:
        state_member = _member(TicketState, state)  # a stored code is fine too
        if not isinstance(state_member, TicketState):
            return None, ["工单状态无法识别"]
        state = state_member
    transition = find_transition(state, event_member)
    if transition is None:
        return None, [_illegal_message(state, event_member, role)]
    if role not in transition.roles:
        allowed = "、".join(item.label for item in Role if item in transition.roles)
        return None, [f"{role.label}无权进行「{event_member.label}」（可由{allowed}办理）"]
    data: Mapping[str, Any] = payload if isinstance(payload, Mapping) else {}
    problems = _payload_problems(transition, data)
    target = transition.target
    if transition.resumes:
        if resume_to is None:
            problems.append("缺少申请退回前的办理状态，无法恢复办理")
        elif resume_to not in transition.resume_from:
            problems.append(f"工单不能恢复到「{_state_label(resume_to)}」状态")
        else:
            target = resume_to
    if event_member is TicketEvent.REVISIT:
        rating_member = _member(Rating, rating)
        if not isinstance(rating_member, Rating):
            problems.append("缺少该工单的评价结果，无法判断是否需要回访")
        elif not rating_member.is_poor:
            problems.append(
                f"该工单评价为「{rating_member.label}」，只对差评工单回访（第二十五条）"
            )
    return (target if not problems else None), problems


def _illegal_message(state: TicketState | None, event: TicketEvent, role: Role) -> str:
    if event is TicketEvent.RATE and state in (TicketState.RATED, TicketState.REVISITED):
        return f"一事一评：该工单已评价，不能再次进行「{event.label}」（第二十五条）"
    if state is None:
        return f"工单尚未登记，不能进行「{event.label}」"
    if find_transition(None, event) is not None:
        return f"「{event.label}」只能在受理时进行，该工单已是「{state.label}」状态"
    hint = "、".join(item.label for item in allowed_events(state, role))
    suffix = f"（当前可进行：{hint}）" if hint else ""
    if not any(item.source == state for item in TRANSITIONS):
        return f"工单已「{state.label}」，不能再进行「{event.label}」"
    return f"工单处于「{state.label}」状态，不能进行「{event.label}」{suffix}"


def apply(
    state: TicketState | None,
    event: TicketEvent | str,
    actor_role: Role | str,
    payload: Mapping[str, Any] | None = None,
    *,
    resume_to: TicketState | None = None,
    rating: Rating | str | None = None,
) -> TicketState:
    """The new state after ``event``; raises :class:`RuleViolation` with every reason
    (in Chinese, joined by "；") when the move is not allowed."""
    target, problems = check(
        state, event, actor_role, payload, resume_to=resume_to, rating=rating
    )
    if problems or target is None:
        raise RuleViolation(
            f"ticket transition refused: {state or 'new'} --{event}--> ({actor_role})",
            "；".join(problems) or "不符合热线办理规定",
        )
    return target


def transition_table() -> list[dict[str, object]]:
    """The table as plain data (codes and Chinese labels) for the API and the docs."""
    rows: list[dict[str, object]] = []
    for item in TRANSITIONS:
        rows.append(
            {
                "from": item.source.value if item.source else None,
                "from_label": _state_label(item.source),
                "event": item.event.value,
                "event_label": item.event.label,
                "to": item.target.value if item.target else None,
                "to_label": item.target.label if item.target else "恢复申请前状态",
                "resume_to": sorted(state.value for state in item.resume_from),
                "roles": [role.value for role in Role if role in item.roles],
                "role_labels": [role.label for role in Role if role in item.roles],
                "required": list(item.required),
                "optional": list(item.optional),
                "article": item.article,
            }
        )
    return rows
