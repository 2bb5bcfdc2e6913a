"""The ticket state machine (第十、十二、十五–十九、二十四、二十五条)."""

from __future__ import annotations

import json
from itertools import product
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.errors import RuleViolation
from hotline_desk.core.ticket_flow import (
    PAYLOAD_FIELDS,
    TRANSITIONS,
    Rating,
    TicketEvent,
    Transition,
    allowed_events,
    apply,
    check,
    find_transition,
    transition_table,
)
from hotline_desk.core.vocabulary import Role, TicketState

S = TicketState
EV = TicketEvent
STATES: list[TicketState | None] = [None, *TicketState]
HANDLING = (S.DISPATCHED, S.CONTACTED, S.RETURN_REQUESTED, S.EXTENSION_REQUESTED)

#: A valid value for every payload field.
VALID: dict[str, object] = {
    "kb_entry_id": "kb-00042",
    "ground": "litigation",
    "reason": "该事项已进入诉讼程序",
    "referral_unit": "合肥市中级人民法院",
    "referral_contact": "12368诉讼服务热线",
    "line": "police",
    "lead_unit": "蜀山区城管局",
    "co_units": ["三里庵街道办事处"],
    "handling_requirements": "请核实处理并答复诉求人",
    "unit_contact": "蜀山区城管局 王科长 0551-62345678",
    "policy_basis": "《城市道路照明管理规定》第五条",
    "days": 3,
    "law": "政府信息公开条例",
    "law_article": "第三十三条",
    "legal_days": 20,
    "legal_day_kind": "working_days",
    "legal_due_date": "2027-03-31",
    "progress": "已调取档案，正在核对",
    "reply": "路灯已于3月16日修复",
    "approver": "李局长",
    "rating": "dissatisfied",
    "revisit_result": "诉求人表示已修复但反复损坏，已督促整改",
    "note": "",
}


def context(transition: Transition) -> dict[str, Any]:
    """What the caller knows about the ticket: the pre-request state and the rating."""
    return {
        "resume_to": min(transition.resume_from) if transition.resume_from else None,
        "rating": Rating.DISSATISFIED,
    }


def payload_for(transition: Transition) -> dict[str, object]:
    return {name: VALID[name] for name in (*transition.required, *transition.optional)}


def refusal(*args: Any, **kwargs: Any) -> str:
    with pytest.raises(RuleViolation) as caught:
        apply(*args, **kwargs)
    assert caught.value.message_zh
    return caught.value.message_zh


# ---------------------------------------------------------------- the table


def test_table_covers_the_regulation_path() -> None:
    """第十二条 outcomes at creation, then 第十五、十六、十八、二十四、二十五条."""
    pairs = {(t.source, t.event): t.target for t in TRANSITIONS}
    assert pairs == {
        (None, EV.ANSWER_ON_SPOT): S.ANSWERED_ON_SPOT,
        (None, EV.REFUSE): S.REFUSED,
        (None, EV.HAND_OFF): S.EMERGENCY_HANDOFF,
        (None, EV.RECORD): S.PENDING_DISPATCH,
        (S.PENDING_DISPATCH, EV.DISPATCH): S.DISPATCHED,
        (S.RETURNED, EV.DISPATCH): S.DISPATCHED,
        (S.DISPATCHED, EV.CONTACT): S.CONTACTED,
        (S.DISPATCHED, EV.REQUEST_RETURN): S.RETURN_REQUESTED,
        (S.CONTACTED, EV.REQUEST_RETURN): S.RETURN_REQUESTED,
        (S.RETURN_REQUESTED, EV.APPROVE_RETURN): S.RETURNED,
        (S.RETURN_REQUESTED, EV.DENY_RETURN): None,  # back to where it was
        (S.CONTACTED, EV.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
        (S.EXTENSION_REQUESTED, EV.APPROVE_EXTENSION): S.CONTACTED,
        (S.EXTENSION_REQUESTED, EV.DENY_EXTENSION): S.CONTACTED,
        (S.CONTACTED, EV.COMPLETE): S.COMPLETED,
        (S.COMPLETED, EV.REJECT_COMPLETION): S.CONTACTED,
        (S.COMPLETED, EV.RATE): S.RATED,
        (S.RATED, EV.REVISIT): S.REVISITED,
        # 第十七条(三): recorded while handling, the state stays
        **{(state, EV.SET_LEGAL_DEADLINE): state for state in HANDLING},
        **{(state, EV.REPORT_PROGRESS): state for state in HANDLING},
    }


def test_required_payload_fields() -> None:
    """Return needs reason + policy basis (第十六条); completion a reply signed off (第二十四条)."""
    required = {(t.source, t.event): set(t.required) for t in TRANSITIONS}
    assert required[(None, EV.ANSWER_ON_SPOT)] == {"kb_entry_id"}
    assert required[(None, EV.REFUSE)] == {"ground", "reason"}
    assert required[(None, EV.HAND_OFF)] == {"line"}
    assert required[(S.PENDING_DISPATCH, EV.DISPATCH)] == {
        "lead_unit", "handling_requirements"}
    assert required[(S.DISPATCHED, EV.CONTACT)] == {"unit_contact"}
    assert required[(S.DISPATCHED, EV.REQUEST_RETURN)] == {"reason", "policy_basis"}
    assert required[(S.CONTACTED, EV.REQUEST_EXTENSION)] == {"reason", "days"}
    assert required[(S.CONTACTED, EV.COMPLETE)] == {"reply", "approver"}
    assert required[(S.COMPLETED, EV.RATE)] == {"rating"}
    for state in HANDLING:  # 第十七条(三): the basis (law and article); a progress text
        assert required[(state, EV.SET_LEGAL_DEADLINE)] == {"law", "law_article"}
        assert required[(state, EV.REPORT_PROGRESS)] == {"progress"}
    for transition in TRANSITIONS:
        assert set(transition.required) | set(transition.optional) <= set(PAYLOAD_FIELDS)
        assert transition.article.startswith("第")
        assert transition.roles


def test_roles() -> None:
    """Call takers create; the unit handles; the team lead decides requests; admins never."""
    takers = {Role.OPERATOR, Role.EXPERT}
    centre = {Role.OPERATOR, Role.TEAM_LEAD}
    unit = {Role.UNIT_HANDLER}
    lead = {Role.TEAM_LEAD}
    roles = {(t.source, t.event): set(t.roles) for t in TRANSITIONS}
    assert roles == {
        (None, EV.ANSWER_ON_SPOT): takers,
        (None, EV.REFUSE): takers,
        (None, EV.HAND_OFF): takers,
        (None, EV.RECORD): takers,
        (S.PENDING_DISPATCH, EV.DISPATCH): centre,
        (S.RETURNED, EV.DISPATCH): centre,
        (S.DISPATCHED, EV.CONTACT): unit,
        (S.DISPATCHED, EV.REQUEST_RETURN): unit,
        (S.CONTACTED, EV.REQUEST_RETURN): unit,
        (S.RETURN_REQUESTED, EV.APPROVE_RETURN): lead,
        (S.RETURN_REQUESTED, EV.DENY_RETURN): lead,
        (S.CONTACTED, EV.REQUEST_EXTENSION): unit,
        (S.EXTENSION_REQUESTED, EV.APPROVE_EXTENSION): lead,
        (S.EXTENSION_REQUESTED, EV.DENY_EXTENSION): lead,
        (S.CONTACTED, EV.COMPLETE): unit,
        (S.COMPLETED, EV.REJECT_COMPLETION): lead,
        (S.COMPLETED, EV.RATE): centre,
        (S.RATED, EV.REVISIT): centre,
        **{(state, EV.SET_LEGAL_DEADLINE): unit | lead for state in HANDLING},
        **{(state, EV.REPORT_PROGRESS): unit for state in HANDLING},
    }
    assert all(Role.ADMIN not in t.roles for t in TRANSITIONS)


def test_every_state_is_reachable_and_can_end() -> None:
    targets: dict[TicketState | None, set[TicketState]] = {}
    for t in TRANSITIONS:
        reached = {t.target} if t.target else set(t.resume_from)
        targets.setdefault(t.source, set()).update(reached)
    seen: set[TicketState | None] = {None}
    frontier: list[TicketState | None] = [None]
    while frontier:
        for nxt in targets.get(frontier.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(STATES)
    terminal = {s for s in TicketState if s not in targets}
    assert terminal == {S.ANSWERED_ON_SPOT, S.REFUSED, S.EMERGENCY_HANDOFF, S.REVISITED}


def test_transition_table_is_plain_data() -> None:
    rows = transition_table()
    assert len(rows) == len(TRANSITIONS)
    json.dumps(rows, ensure_ascii=False)  # the server can send it as is
    deny = next(r for r in rows if r["event"] == "deny_return")
    assert deny["to"] is None and deny["resume_to"] == ["contacted", "dispatched"]
    first = rows[0]
    assert first["from"] is None and first["from_label"] == "新建"
    assert first["role_labels"] == ["话务员", "专家座席"]


# ---------------------------------------------------------------- exhaustive


LEGAL = [
    (t, role) for t in TRANSITIONS for role in Role if role in t.roles
]


@pytest.mark.parametrize(
    ("transition", "role"), LEGAL,
    ids=[f"{t.source}-{t.event}-{r}" for t, r in LEGAL],
)
def test_every_legal_transition(transition: Transition, role: Role) -> None:
    ctx = context(transition)
    new = apply(transition.source, transition.event, role, payload_for(transition), **ctx)
    assert new == (transition.target or ctx["resume_to"])
    # the same move by code strings (what the API receives)
    assert apply(transition.source, transition.event.value, role.value,
                 payload_for(transition), **ctx) == new


ILLEGAL = [
    (state, event, role)
    for state, event, role in product(STATES, TicketEvent, Role)
    if (t := find_transition(state, event)) is None or role not in t.roles
]


def test_the_product_is_fully_partitioned() -> None:
    assert len(ILLEGAL) + len(LEGAL) == len(STATES) * len(TicketEvent) * len(Role)


@pytest.mark.parametrize(("state", "event", "role"), ILLEGAL,
                         ids=[f"{s}-{e}-{r}" for s, e, r in ILLEGAL])
def test_every_other_state_event_role_is_refused(
    state: TicketState | None, event: TicketEvent, role: Role
) -> None:
    """Everything not in the table is refused with a Chinese reason, even with a full
    payload and context."""
    message = refusal(state, event, role, dict(VALID), resume_to=S.DISPATCHED,
                      rating=Rating.VERY_DISSATISFIED)
    transition = find_transition(state, event)
    if transition is not None:
        assert "无权" in message and role.label in message
    else:
        assert event.label in message


# ---------------------------------------------------------------- payload rules


@pytest.mark.parametrize(
    ("transition", "field"),
    [(t, name) for t in TRANSITIONS for name in t.required],
    ids=[f"{t.source}-{t.event}-{name}" for t in TRANSITIONS for name in t.required],
)
def test_each_required_field_is_enforced(transition: Transition, field: str) -> None:
    role = min(transition.roles)
    blanks: list[object] = [None, "", "   ", []]
    for blank in blanks:
        payload = payload_for(transition)
        payload[field] = blank
        message = refusal(transition.source, transition.event, role, payload,
                          **context(transition))
        assert message == f"请填写{PAYLOAD_FIELDS[field].label}"


def test_refusal_tells_the_referral_unit_with_its_contact() -> None:
    """第十条: 能够确定办理单位的，应告知来电人单位名称、联系方式."""
    base = {"ground": "仲裁", "reason": "劳动争议应申请仲裁"}
    assert apply(None, EV.REFUSE, Role.OPERATOR, base) is S.REFUSED
    both = dict(base, referral_unit="劳动人事争议仲裁院", referral_contact="0551-12333")
    assert apply(None, EV.REFUSE, Role.OPERATOR, both) is S.REFUSED
    message = refusal(None, EV.REFUSE, Role.OPERATOR, dict(base, referral_unit="仲裁院"))
    assert "单位名称和联系方式" in message
    message = refusal(None, EV.REFUSE, Role.OPERATOR, dict(base, ground="不想办"))
    assert "第十条" in message


@pytest.mark.parametrize(
    ("co_units", "part"),
    [(["蜀山区城管局"], "牵头单位相同"), ("供电公司、供电公司", "重复"), ([1, 2], "列表")],
)
def test_dispatch_co_unit_rules(co_units: object, part: str) -> None:
    """第十二条(四): one lead unit and distinct co-handling units."""
    payload = dict(lead_unit="蜀山区城管局", handling_requirements="请处理", co_units=co_units)
    assert part in refusal(S.PENDING_DISPATCH, EV.DISPATCH, Role.OPERATOR, payload)


@pytest.mark.parametrize(("days", "ok"), [(1, True), (10, True), ("3", True), (0, False),
                                          (-2, False), ("三", False), (True, False), (2.5, False)])
def test_extension_days(days: object, ok: bool) -> None:
    """第十八条: the length is the deadlines module's to judge; here a positive whole number."""
    payload: dict[str, object] = {"reason": "需现场勘验", "days": days}
    if ok:
        assert apply(S.CONTACTED, EV.REQUEST_EXTENSION, Role.UNIT_HANDLER, payload) is (
            S.EXTENSION_REQUESTED)
    else:
        assert "正整数" in refusal(S.CONTACTED, EV.REQUEST_EXTENSION, Role.UNIT_HANDLER, payload)


def test_text_fields_have_limits_and_types() -> None:
    payload: dict[str, object] = {"reply": "好" * 4001, "approver": "李局长"}
    assert "4000" in refusal(S.CONTACTED, EV.COMPLETE, Role.UNIT_HANDLER, payload)
    payload = {"reply": 42, "approver": "李局长"}
    assert "应为文字" in refusal(S.CONTACTED, EV.COMPLETE, Role.UNIT_HANDLER, payload)


def test_all_problems_are_reported_together() -> None:
    target, problems = check(S.DISPATCHED, EV.REQUEST_RETURN, Role.UNIT_HANDLER, {})
    assert target is None
    assert problems == ["请填写理由", "请填写政策法规依据"]
    message = refusal(S.DISPATCHED, EV.REQUEST_RETURN, Role.UNIT_HANDLER, None)
    assert message == "请填写理由；请填写政策法规依据"


# ---------------------------------------------------------------- return, rating, revisit


@pytest.mark.parametrize("origin", [S.DISPATCHED, S.CONTACTED])
def test_denied_return_goes_back_to_where_it_was(origin: TicketState) -> None:
    """第十六条: a denied return leaves the ticket with the unit, as it was."""
    requested = apply(origin, EV.REQUEST_RETURN, Role.UNIT_HANDLER,
                      {"reason": "不属本单位职责", "policy_basis": "《三定方案》"})
    assert requested is S.RETURN_REQUESTED
    back = apply(requested, EV.DENY_RETURN, Role.TEAM_LEAD, {"reason": "属于该单位职责"},
                 resume_to=origin)
    assert back is origin


def test_deny_return_needs_a_legal_resume_state() -> None:
    payload = {"reason": "属于该单位职责"}
    assert "恢复" in refusal(S.RETURN_REQUESTED, EV.DENY_RETURN, Role.TEAM_LEAD, payload)
    for bad in (S.COMPLETED, S.PENDING_DISPATCH, S.RETURN_REQUESTED):
        assert "不能恢复" in refusal(S.RETURN_REQUESTED, EV.DENY_RETURN, Role.TEAM_LEAD,
                                   payload, resume_to=bad)


def test_approved_return_comes_back_for_redispatch() -> None:
    """第十六条: the centre re-dispatches a returned ticket."""
    state = apply(S.RETURN_REQUESTED, EV.APPROVE_RETURN, Role.TEAM_LEAD)
    assert state is S.RETURNED
    assert allowed_events(state, Role.OPERATOR) == [EV.DISPATCH]
    assert apply(state, EV.DISPATCH, Role.OPERATOR,
                 {"lead_unit": "包河区城管局", "handling_requirements": "请处理"}) is S.DISPATCHED


def test_one_rating_per_ticket() -> None:
    """第二十五条: 一事一评 — a second rating is refused."""
    rated = apply(S.COMPLETED, EV.RATE, Role.OPERATOR, {"rating": "满意"})
    assert rated is S.RATED
    for state in (S.RATED, S.REVISITED):
        message = refusal(state, EV.RATE, Role.OPERATOR, {"rating": "不满意"})
        assert "一事一评" in message


@pytest.mark.parametrize("rating", list(Rating))
def test_revisit_only_after_a_poor_rating(rating: Rating) -> None:
    """第二十五条: 对差评的进行回访."""
    payload = {"revisit_result": "已回访"}
    if rating in (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED):
        assert apply(S.RATED, EV.REVISIT, Role.OPERATOR, payload, rating=rating) is S.REVISITED
    else:
        message = refusal(S.RATED, EV.REVISIT, Role.OPERATOR, payload, rating=rating)
        assert "差评" in message and rating.label in message
    assert rating.is_poor is (rating in (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED))


def test_revisit_without_known_rating_is_refused() -> None:
    message = refusal(S.RATED, EV.REVISIT, Role.TEAM_LEAD, {"revisit_result": "已回访"})
    assert "评价结果" in message


def test_refusal_messages_explain() -> None:
    assert "班长" in refusal(S.RETURN_REQUESTED, EV.APPROVE_RETURN, Role.UNIT_HANDLER)
    assert "当前可进行" in refusal(S.DISPATCHED, EV.COMPLETE, Role.UNIT_HANDLER,
                                  {"reply": "x", "approver": "y"})
    assert "受理时" in refusal(S.DISPATCHED, EV.REFUSE, Role.OPERATOR,
                              {"ground": "仲裁", "reason": "x"})
    assert "尚未登记" in refusal(None, EV.DISPATCH, Role.OPERATOR)
    assert "不能再" in refusal(S.REFUSED, EV.DISPATCH, Role.OPERATOR)
    assert "未知的操作" in refusal(S.DISPATCHED, "teleport", Role.OPERATOR)
    assert "未知的角色" in refusal(S.DISPATCHED, EV.CONTACT, "mayor")
    assert "无法识别" in refusal("lost", EV.CONTACT, Role.UNIT_HANDLER)


def test_stored_state_codes_are_accepted() -> None:
    """The server keeps the state as its code; apply takes it as it is."""
    new = apply("dispatched", "contact", "unit_handler",  # type: ignore[arg-type]
                {"unit_contact": "0551-62345678"})
    assert new is S.CONTACTED


def test_allowed_events() -> None:
    assert allowed_events(None, Role.OPERATOR) == [
        EV.ANSWER_ON_SPOT, EV.REFUSE, EV.HAND_OFF, EV.RECORD]
    assert allowed_events(S.CONTACTED, Role.UNIT_HANDLER) == [
        EV.REQUEST_RETURN, EV.REQUEST_EXTENSION, EV.COMPLETE, EV.SET_LEGAL_DEADLINE,
        EV.REPORT_PROGRESS]
    assert allowed_events(S.CONTACTED, Role.TEAM_LEAD) == [EV.SET_LEGAL_DEADLINE]
    assert allowed_events(S.CONTACTED, Role.OPERATOR) == []
    assert allowed_events(S.REVISITED, Role.TEAM_LEAD) == []


def test_a_whole_ticket_life() -> None:
    """Record → dispatch → contact → extension → completion → poor rating → revisit."""
    steps: list[tuple[TicketEvent, Role, dict[str, object]]] = [
        (EV.RECORD, Role.OPERATOR, {}),
        (EV.DISPATCH, Role.OPERATOR, {"lead_unit": "蜀山区城管局",
                                      "handling_requirements": "请处理",
                                      "co_units": "三里庵街道办事处"}),
        (EV.CONTACT, Role.UNIT_HANDLER, {"unit_contact": "0551-62345678"}),
        (EV.REQUEST_EXTENSION, Role.UNIT_HANDLER, {"reason": "需采购灯具", "days": 10}),
        (EV.APPROVE_EXTENSION, Role.TEAM_LEAD, {}),
        (EV.COMPLETE, Role.UNIT_HANDLER, {"reply": "已修复", "approver": "李局长"}),
        (EV.REJECT_COMPLETION, Role.TEAM_LEAD, {"reason": "未实际修复"}),
        (EV.COMPLETE, Role.UNIT_HANDLER, {"reply": "已更换灯具", "approver": "李局长"}),
        (EV.RATE, Role.OPERATOR, {"rating": "非常不满意"}),
        (EV.REVISIT, Role.TEAM_LEAD, {"revisit_result": "已回访"}),
    ]
    state: TicketState | None = None
    for event, role, payload in steps:
        state = apply(state, event, role, payload, rating=Rating.VERY_DISSATISFIED)
    assert state is S.REVISITED


# ---------------------------------------------------------------- 第十七条(三)


@pytest.mark.parametrize("state", HANDLING)
def test_a_legal_deadline_and_progress_reports_keep_the_state(state: TicketState) -> None:
    """第十七条(三): 法律法规规章等另有规定的从其规定，但应动态反馈办理进展情况 — the lead unit
    or a team lead records the law's deadline, the unit reports progress; handling goes on."""
    legal = {"law": "《政府信息公开条例》", "law_article": "第三十三条", "legal_days": "20",
             "legal_day_kind": "工作日"}
    assert apply(state, EV.SET_LEGAL_DEADLINE, Role.UNIT_HANDLER, legal) is state
    assert apply(state, EV.SET_LEGAL_DEADLINE, Role.TEAM_LEAD,
                 {"law": "某条例", "law_article": "第九条", "legal_due_date": "2027-03-31"}
                 ) is state
    assert apply(state, EV.REPORT_PROGRESS, Role.UNIT_HANDLER,
                 {"progress": "已完成现场勘查"}) is state
    for role in (Role.OPERATOR, Role.EXPERT, Role.ADMIN):
        assert "无权" in refusal(state, EV.SET_LEGAL_DEADLINE, role, legal)
    assert "无权" in refusal(state, EV.REPORT_PROGRESS, Role.TEAM_LEAD, {"progress": "x"})


def test_a_legal_deadline_needs_its_basis_in_chinese() -> None:
    """第十七条(三): the law and the article that set the period are both required."""
    target, problems = check(S.CONTACTED, EV.SET_LEGAL_DEADLINE, Role.UNIT_HANDLER,
                             {"legal_days": 20, "legal_day_kind": "working_days"})
    assert target is None
    assert problems == ["请填写法律法规规章名称", "请填写法律法规条款"]
    assert refusal(S.DISPATCHED, EV.REPORT_PROGRESS, Role.UNIT_HANDLER, {}) == "请填写办理进展情况"


@pytest.mark.parametrize(("fields", "part"), [
    ({"legal_day_kind": "按月"}, "工作日、自然日"),
    ({"legal_due_date": "2027-02-30"}, "应为日期"),
    ({"legal_due_date": "明年三月"}, "应为日期"),
    ({"legal_days": "二十"}, "正整数"),
])
def test_the_legal_period_fields_are_checked(fields: dict[str, object], part: str) -> None:
    payload = {"law": "政府信息公开条例", "law_article": "第三十三条", **fields}
    assert part in refusal(S.CONTACTED, EV.SET_LEGAL_DEADLINE, Role.UNIT_HANDLER, payload)


def test_no_legal_deadline_or_progress_report_outside_handling() -> None:
    """Before dispatch and after completion nothing runs against a deadline."""
    legal = {"law": "政府信息公开条例", "law_article": "第三十三条", "legal_days": 20}
    for state in (None, S.PENDING_DISPATCH, S.RETURNED, S.COMPLETED, S.RATED, S.REVISITED):
        assert "登记法定期限" in refusal(state, EV.SET_LEGAL_DEADLINE, Role.TEAM_LEAD, legal)
        assert "反馈办理进展" in refusal(state, EV.REPORT_PROGRESS, Role.UNIT_HANDLER,
                                      {"progress": "x"})


# ---------------------------------------------------------------- properties

_PAYLOADS = st.dictionaries(
    st.sampled_from(sorted(PAYLOAD_FIELDS)),
    st.one_of(st.none(), st.text(max_size=8), st.integers(-3, 30), st.sampled_from(
        ["dissatisfied", "满意", "litigation", "police", "蜀山区城管局"]),
        st.lists(st.text(max_size=4), max_size=3)),
)


@given(st.lists(st.tuples(st.sampled_from(list(TicketEvent)), st.sampled_from(list(Role)),
                          _PAYLOADS, st.sampled_from(list(Rating))), max_size=25))
def test_random_walks_stay_inside_the_table(
    moves: list[tuple[TicketEvent, Role, dict[str, object], Rating]]
) -> None:
    """apply agrees with check and never leaves the table, whatever is thrown at it."""
    state: TicketState | None = None
    history: list[TicketState | None] = []
    for event, role, payload, rating in moves:
        resume = next((s for s in reversed(history)
                       if s in (S.DISPATCHED, S.CONTACTED)), None)
        target, problems = check(state, event, role, payload, resume_to=resume, rating=rating)
        if problems:
            assert target is None
            with pytest.raises(RuleViolation):
                apply(state, event, role, payload, resume_to=resume, rating=rating)
            continue
        transition = find_transition(state, event)
        assert transition is not None and role in transition.roles
        new = apply(state, event, role, payload, resume_to=resume, rating=rating)
        assert new == target == (transition.target or resume)
        history.append(state)
        state = new


@given(st.one_of(st.none(), st.sampled_from(list(TicketState))),
       st.one_of(st.text(max_size=10), st.sampled_from([e.value for e in TicketEvent])),
       st.one_of(st.text(max_size=10), st.sampled_from([r.value for r in Role])),
       st.one_of(st.none(), _PAYLOADS, st.integers()))
def test_check_never_raises(state: TicketState | None, event: str, role: str,
                            payload: Any) -> None:
    target, problems = check(state, event, role, payload)
    assert (target is None) is bool(problems)
    assert all(isinstance(p, str) and p for p in problems)
