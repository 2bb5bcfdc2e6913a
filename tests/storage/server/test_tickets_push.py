"""Pushing desk operations: each applied once, in its own transaction, answered
applied | duplicate | conflict | rejected (第十条、第十一条、第十二条、第十三条), both backends."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tickets_kit import (
    PHONE,
    UNIT,
    applied,
    count_tickets,
    create,
    event,
    op,
    problems,
    push,
    row,
    ticket_payload,
)

from hotline_desk.core.protocol import (
    AbusiveCallPayload,
    EmergencyHandoffPayload,
    ErrorCode,
    KBClosurePayload,
    KBEntryCreate,
    PushOpKind,
    PushStatus,
    RefusalPayload,
    SupervisionPayload,
    TicketCreatePayload,
    TicketEventPayload,
    TransferCreate,
)
from hotline_desk.core.vocabulary import Role, TicketState
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.server import audit, kb_entries
from hotline_desk.storage.server.models import Transfer
from hotline_desk.storage.server.tickets_models import (
    CallMarkRow,
    TicketEventRow,
    TicketOpRow,
    TicketRow,
)


def test_a_dispatched_ticket_gets_a_number_and_its_deadlines(db, clock, make_actor):
    """第十一条 record, 第十二条(二) dispatch, 第十五–十七条 deadlines from the dispatch."""
    operator = make_actor("op1", Role.OPERATOR)
    result = applied(db, operator, op("ticket", ticket_payload()), now=clock())
    assert result.state is TicketState.DISPATCHED and result.version == 2
    assert re.fullmatch(r"AH20260601\d{6}", result.server_no)
    stored = row(db, result.server_no)
    assert stored.requester_phone == PHONE and stored.lead_unit == UNIT
    # received Monday 2026-06-01: the day itself is not counted
    assert stored.first_contact_due.isoformat() == "2026-06-02"
    assert stored.return_due.isoformat() == "2026-06-03"
    assert stored.completion_due.isoformat() == "2026-06-15"  # complaint: 10 working days
    assert not stored.deadlines_provisional and stored.calendar_source == "official"
    with read_transaction(db):
        events = [e.event for e in TicketEventRow.select().where(
            TicketEventRow.ticket_id == stored.id).order_by(TicketEventRow.id).execute(db)]
        actions = [r.action for r in audit.page(db, object_type="ticket").items]
    assert events == ["record", "dispatch"]
    assert actions == ["ticket.create", "ticket.dispatch"]


def test_a_consultation_has_three_working_days(db, clock, make_actor):
    """第十七条(一): consultations are completed within 3 working days."""
    operator = make_actor("op1", Role.OPERATOR)
    number = create(db, operator, now=clock(), request_type="consultation", location="")
    assert row(db, number).completion_due.isoformat() == "2026-06-04"


def test_a_resent_batch_creates_nothing_twice(db, clock, make_actor):
    """A batch resent after a crash answers duplicate with the original number."""
    operator = make_actor("op1", Role.OPERATOR)
    first, second = op("ticket", ticket_payload()), op("ticket", ticket_payload(topic="噪音"))
    original = push(db, operator, first, second, now=clock())
    again = push(db, operator, second, first, now=clock() + timedelta(minutes=5))
    assert [r.status for r in original] == [PushStatus.APPLIED] * 2
    assert [r.status for r in again] == [PushStatus.DUPLICATE] * 2
    assert {r.server_no for r in again} == {r.server_no for r in original}
    assert count_tickets(db) == 2
    with read_transaction(db):
        assert TicketOpRow.select().count(db) == 2


def test_field_problems_are_rejected_and_the_fixed_op_applies_under_the_same_id(
        db, clock, make_actor):
    """第十一条: contact, content and category are required; every problem is listed."""
    operator = make_actor("op1", Role.OPERATOR)
    bad = op("ticket", ticket_payload(requester_phone="12345", content="灯", location=""))
    (result,) = push(db, operator, bad, now=clock())
    assert result.status is PushStatus.REJECTED
    assert result.reason.code is ErrorCode.VALIDATION_ERROR
    fields = {p.field for p in result.reason.problems}
    assert {"requester_phone", "content", "location"} <= fields
    assert count_tickets(db) == 0
    fixed = op("ticket", ticket_payload(), op_id=bad.op_id)
    assert applied(db, operator, fixed, now=clock()).server_no


def test_malformed_payloads_are_rejected_per_operation(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    results = push(db, operator,
                   op("ticket", {"content": "x\x00y"}),
                   op("ticket", {"unknown_field": 1}),
                   op("no_such_kind", {}),
                   op("ticket", ticket_payload(), op_id="01234567-89ab-4def-8123-456789abcdef"),
                   op("ticket", ticket_payload()),
                   now=clock())
    assert [r.status for r in results] == [PushStatus.REJECTED] * 4 + [PushStatus.APPLIED]
    assert results[3].reason.problems[0].field == "op_id"  # a UUIDv4, not a v7
    assert problems(results[0]) == ["格式不正确或含有不允许的字符"]  # Chinese for the desk
    assert problems(results[1])[0].startswith("不认识的字段")
    assert count_tickets(db) == 1


def test_an_illegal_transition_is_rejected_with_the_reason(db, clock, make_actor):
    """core.ticket_flow: a dispatched ticket cannot be completed before contact (第十五条)."""
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    number = create(db, operator, now=clock())
    (result,) = push(db, unit, event(number, "complete", reply="已处理", approver="王局"),
                     now=clock())
    assert result.status is PushStatus.REJECTED
    assert result.reason.code is ErrorCode.INVALID_TRANSITION
    assert "不能进行「办结」" in problems(result)[0]
    assert row(db, number).state == TicketState.DISPATCHED.value


def test_roles_and_units_are_checked(db, clock, make_actor):
    """第十四条 首接负责制: only the lead unit acts; operators cannot contact (unit's job)."""
    operator = make_actor("op1", Role.OPERATOR)
    other = make_actor("unit2", Role.UNIT_HANDLER, "合肥市公安局")
    number = create(db, operator, now=clock())
    contact = {"unit_contact": "0551-62345678"}
    (by_operator,) = push(db, operator, event(number, "contact", **contact), now=clock())
    (by_other_unit,) = push(db, other, event(number, "contact", **contact), now=clock())
    assert by_operator.reason.code is ErrorCode.FORBIDDEN
    assert by_other_unit.reason.code is ErrorCode.FORBIDDEN
    assert "牵头承办单位" in problems(by_other_unit)[0]
    (by_unit_kind,) = push(db, other, op("ticket", ticket_payload()), now=clock())
    assert by_unit_kind.status is PushStatus.REJECTED
    assert by_unit_kind.reason.code is ErrorCode.FORBIDDEN


def test_a_stale_expected_version_is_a_conflict(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", unit_contact="0551-62345678",
                            expected_version=2), now=clock())
    (stale,) = push(db, unit, event(number, "request_return", reason="不属本单位职责",
                                    policy_basis="《某条例》", expected_version=2,
                                    expected_state="dispatched"), now=clock())
    assert stale.status is PushStatus.CONFLICT
    assert stale.state is TicketState.CONTACTED and stale.version == 3
    assert row(db, number).state == TicketState.CONTACTED.value


def _published_entry(db, clock, make_actor, entry_id="gjj-001"):
    admin = make_actor("admin1", Role.ADMIN)
    with write_transaction(db):
        kb_entries.create(db, KBEntryCreate(id=entry_id, title="住房公积金提取条件",
                                            answer="凭有效证件到公积金中心办理。",
                                            keywords=["公积金提取"]),
                          actor=admin, now=clock(), retention=timedelta(days=90))


def _consultation(**overrides):
    payload = {"requester_phone": PHONE, "content": "请问住房公积金怎么提取",
               "request_type": "consultation", "area": "public_service", "channel": "phone",
               "kb_entry_id": "gjj-001", "kb_entry_version": 1}
    payload.update(overrides)
    return payload


def test_answered_on_the_spot_records_the_entry_and_version(db, clock, make_actor):
    """第十二条(一): a consultation answered from the knowledge base closes on the spot."""
    _published_entry(db, clock, make_actor)
    operator = make_actor("op1", Role.OPERATOR)
    result = applied(db, operator, op("kb_closure", _consultation()), now=clock())
    stored = row(db, result.server_no)
    assert result.state is TicketState.ANSWERED_ON_SPOT
    assert (stored.kb_entry_id, stored.kb_entry_version) == ("gjj-001", 1)
    assert stored.topic == "公积金提取"  # the entry's first keyword
    complaint, unknown, future = push(
        db, operator, op("kb_closure", _consultation(request_type="complaint")),
        op("kb_closure", _consultation(kb_entry_id="nope-1")),
        op("kb_closure", _consultation(kb_entry_version=9)), now=clock())
    assert any("只有咨询类诉求可以即时办结" in text for text in problems(complaint))
    assert unknown.reason.code is ErrorCode.NOT_FOUND
    assert future.status is PushStatus.REJECTED


def test_a_refusal_is_recorded_truthfully(db, clock, make_actor):
    """第十条: the ground, the basis told, and the unit with its contact when known."""
    operator = make_actor("op1", Role.OPERATOR)
    good = {"ground": "litigation", "reason": "依据《中华人民共和国民事诉讼法》应通过诉讼解决",
            "referral_unit": "蜀山区人民法院", "referral_contact": "12368",
            "requester_phone": PHONE, "content": "邻居欠钱不还想起诉"}
    result = applied(db, operator, op("refusal", good), now=clock())
    stored = row(db, result.server_no)
    assert result.state is TicketState.REFUSED
    assert stored.details["ground"] == "litigation" and stored.details["referral_contact"]
    half = {**good, "referral_contact": ""}
    (missing,) = push(db, operator, op("refusal", half), now=clock())
    assert "同时告知单位名称和联系方式" in problems(missing)[0]


def test_an_emergency_handoff_records_line_and_number(db, clock, make_actor):
    """第十二条(三): handed to 110/119/120/122 or a utility line, and recorded."""
    operator = make_actor("op1", Role.OPERATOR)
    result = applied(db, operator, op("emergency_handoff", {
        "line": "fire", "number": "119", "content": "小区起火", "location": "合肥市蜀山区"}),
        now=clock())
    assert result.state is TicketState.EMERGENCY_HANDOFF
    assert row(db, result.server_no).details["number"] == "119"
    (bad,) = push(db, operator, op("emergency_handoff", {"line": "nonsense", "number": "1x"}),
                  now=clock())
    assert len(problems(bad)) == 2


def test_marking_an_abusive_call_is_audited(db, clock, make_actor):
    """第十三条: the marking is recorded and auditable (phone masked in the audit)."""
    operator = make_actor("op1", Role.OPERATOR)
    applied(db, operator, op("abusive_call", {"phone": PHONE, "note": "反复辱骂话务员"}),
            now=clock())
    with read_transaction(db):
        marks = list(CallMarkRow.select().execute(db))
        records = audit.page(db, action="call.mark_abusive").items
    assert [(m.phone, m.note) for m in marks] == [(PHONE, "反复辱骂话务员")]
    assert records[0].details["phone"] == "138****5678"
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    (refused,) = push(db, unit, op("abusive_call", {"phone": PHONE, "note": "x"}), now=clock())
    assert refused.reason.code is ErrorCode.FORBIDDEN


def test_transfer_to_an_expert_uses_the_transfer_queue(db, clock, make_actor):
    """第八条: an operator's offline transfer lands in the expert queue once."""
    operator = make_actor("op1", Role.OPERATOR)
    transfer = op("expert_transfer", {"reference_kind": "call", "reference": "call-1",
                                      "note": "政策解读需专家答复"})
    first, again = push(db, operator, transfer, transfer, now=clock())
    assert first.status is PushStatus.APPLIED and first.transfer_id
    assert again.status is PushStatus.DUPLICATE and again.transfer_id == first.transfer_id
    with read_transaction(db):
        assert Transfer.select().count(db) == 1


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=12))
def test_any_resend_pattern_creates_each_ticket_exactly_once(db, clock, make_actor, indexes):
    """However a desk resends (order, repeats, batches), each op id yields one ticket."""
    operator = make_actor(f"op-{uuid.uuid4().hex[:10]}", Role.OPERATOR)
    ops = [op("ticket", ticket_payload(topic=f"主题{i}")) for i in range(5)]
    with read_transaction(db):
        before = TicketRow.select().count(db)
    numbers: dict[str, str] = {}
    for start in range(0, len(indexes), 3):
        for index, result in zip(indexes[start:start + 3],
                                 push(db, operator, *[ops[i] for i in indexes[start:start + 3]],
                                      now=clock()), strict=True):
            assert result.status in (PushStatus.APPLIED, PushStatus.DUPLICATE)
            assert numbers.setdefault(ops[index].op_id, result.server_no) == result.server_no
    assert count_tickets(db) - before == len(set(indexes))


_FIELD_NAMES = sorted({name for model in (TicketCreatePayload, KBClosurePayload, RefusalPayload,
                                          EmergencyHandoffPayload, AbusiveCallPayload,
                                          TicketEventPayload, SupervisionPayload,
                                          TransferCreate)
                       for name in model.model_fields})
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=30), st.lists(st.text(max_size=8), max_size=3),
    st.sampled_from(["complaint", "consultation", "social", "phone", "dispatch", "record",
                     "litigation", "fire", "119", PHONE, UNIT, "contact", "rate",
                     "satisfied", "ticket", "call", "AH20260601000001", "gjj-001"]))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from([kind.value for kind in PushOpKind]),
       payload=st.dictionaries(st.sampled_from(_FIELD_NAMES), _VALUES, max_size=14))
def test_any_payload_gets_an_outcome_never_an_error(db, clock, make_actor, kind, payload):
    """Whatever a (buggy or newer) desk sends, each operation is answered, and a
    refused one stores nothing."""
    operator = make_actor(f"op-{uuid.uuid4().hex[:10]}", Role.OPERATOR)
    before = count_tickets(db)
    (result,) = push(db, operator, op(kind, payload), now=clock())
    assert result.status in (PushStatus.APPLIED, PushStatus.REJECTED, PushStatus.CONFLICT)
    if result.status is not PushStatus.APPLIED:
        assert result.reason is not None and count_tickets(db) == before


def test_the_same_operation_sent_to_two_processes_at_once_applies_once(
        backend, server_database_url, make_actor, clock):
    """A desk that times out and resends to the other server process while the first
    still works on it: one ``applied``, the rest ``duplicate``, one ticket."""
    operator = make_actor("op1", Role.OPERATOR)
    databases = [open_database(server_database_url, pool_size=3) for _ in range(2)]
    operation = op("ticket", ticket_payload())
    results: list = []
    start = threading.Barrier(6)

    def send(database) -> None:
        start.wait()
        results.extend(push(database, operator, operation, now=clock()))

    threads = [threading.Thread(target=send, args=(databases[i % 2],)) for i in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for database in databases:
            close_database(database)
    statuses = sorted(result.status.value for result in results)
    assert statuses == ["applied"] + ["duplicate"] * 5
    assert len({result.server_no for result in results}) == 1
    check = open_database(server_database_url)
    try:
        assert count_tickets(check) == 1
    finally:
        close_database(check)
