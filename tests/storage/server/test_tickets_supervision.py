"""Supervision flags from the core triggers, recomputed when facts change (第二十条),
both backends."""

from __future__ import annotations

from datetime import timedelta

from tickets_kit import (
    OTHER_UNIT,
    UNIT,
    applied,
    create,
    event,
    op,
    problems,
    push,
    row,
)

from hotline_desk.core.protocol import ErrorCode, KBEntryCreate, PushStatus
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import kb_entries
from hotline_desk.storage.server.tickets_views import to_out


def _codes(db, number):
    return [item["code"] for item in row(db, number).supervision]


def test_an_ordinary_ticket_is_not_supervised(db, clock, make_actor):
    number = create(db, make_actor("op1", Role.OPERATOR), now=clock())
    stored = row(db, number)
    assert not stored.supervised and stored.supervision == []


def test_the_third_report_of_the_same_requester_supervises_every_open_one(
        db, clock, make_actor):
    """第二十条(六): 3次以上重复反映 — same phone, same topic (matter key)."""
    operator = make_actor("op1", Role.OPERATOR)
    first = create(db, operator, now=clock(), location="蜀山区甲路1号")
    second = create(db, operator, now=clock.advance(86400), location="蜀山区乙路2号")
    assert not row(db, first).supervised
    third = create(db, operator, now=clock.advance(86400), location="蜀山区丙路3号")
    for number in (first, second, third):
        assert "repeated_by_requester" in _codes(db, number)
    assert "本人已反映3次" in row(db, third).supervision[0]["reason_zh"]
    version = row(db, first).change_version
    create(db, operator, now=clock.advance(86400), location="蜀山区丁路4号")
    quietly = row(db, first)  # the count moved, no new ground: no feed change
    assert quietly.change_version == version
    with read_transaction(db):
        view = to_out(quietly, now=clock())
    assert any("本人已反映4次" in item.reason_zh for item in view.supervision)


def test_five_people_at_the_same_place_within_a_week_are_concentrated(db, clock, make_actor):
    """第二十条(六): 5人次以上集中反映 — same unit, type and location (place key),
    whatever topic each operator wrote, counted per distinct person."""
    operator = make_actor("op1", Role.OPERATOR)
    numbers = [create(db, operator, now=clock.advance(3600), requester_phone=f"1391234567{i}",
                      topic=f"描述{i}", location="合肥市蜀山区 长江西路123号")
               for i in range(4)]
    create(db, operator, now=clock.advance(3600), requester_phone="13912345670", topic="重复")
    assert not any(row(db, n).supervised for n in numbers)  # 4 people, one called twice
    numbers.append(create(db, operator, now=clock.advance(3600),
                          requester_phone="13912345679", location="合肥市蜀山区长江西路123号。"))
    for number in numbers:
        assert "concentrated" in _codes(db, number)


def test_reports_outside_the_window_are_not_concentrated(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    for i in range(4):
        create(db, operator, now=clock.advance(3600), requester_phone=f"1391234567{i}")
    clock.advance(8 * 86400)
    last = create(db, operator, now=clock(), requester_phone="13912345679")
    assert "concentrated" not in _codes(db, last)


def test_several_units_and_national_platform_tickets(db, clock, make_actor):
    """第二十条(一) 上级单位转办 and (五) 涉及多个部门."""
    operator = make_actor("op1", Role.OPERATOR)
    shared = create(db, operator, now=clock(), co_units=[OTHER_UNIT])
    national = create(db, operator, now=clock(), topic="国家平台", source="national_platform",
                      source_ticket_no="GJ2026000123")
    assert _codes(db, shared) == ["multiple_units"]
    assert _codes(db, national) == ["superior_assigned"]


def test_a_team_lead_records_a_leaders_instruction(db, clock, make_actor):
    """第二十条(一)(七)(八): grounds only people know, recorded by a team lead."""
    operator, lead = make_actor("op1", Role.OPERATOR), make_actor("lead1", Role.TEAM_LEAD)
    number = create(db, operator, now=clock())
    result = applied(db, lead, op("supervision", {
        "ticket_no": number, "leader_instructed": True, "media_exposed": True,
        "regions": ["蜀山区", "包河区"]}), now=clock())
    assert result.version == 3
    assert _codes(db, number) == ["leader_instructed", "multiple_regions", "media_exposed"]
    (by_operator,) = push(db, operator, op("supervision", {"ticket_no": number,
                                                           "emerging_issue": True}),
                          now=clock())
    assert by_operator.reason.code is ErrorCode.FORBIDDEN
    (no_note,) = push(db, lead, op("supervision", {"ticket_no": number,
                                                   "manually_flagged": True}), now=clock())
    assert "督办事由" in problems(no_note)[0]
    applied(db, lead, op("supervision", {"ticket_no": number, "leader_instructed": False,
                                         "media_exposed": False, "regions": []}), now=clock())
    assert not row(db, number).supervised


def test_a_poor_rating_makes_it_supervised(db, clock, make_actor):
    """第二十条(四) with 第二十五条: a poor rating sends it back for poor handling."""
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    number = create(db, operator, now=clock())
    applied(db, unit, event(number, "contact", unit_contact="0551-62345678"), now=clock())
    applied(db, unit, event(number, "complete", reply="已处理", approver="王局"), now=clock())
    (rated,) = push(db, operator, event(number, "rate", rating="very_dissatisfied"),
                    now=clock() + timedelta(hours=1))
    assert rated.status is PushStatus.APPLIED
    assert _codes(db, number) == ["returned_poor_handling"]


def test_answers_on_the_spot_are_reports_of_their_matter(db, clock, make_actor):
    """第二十条(六): two consultations answered from entry X, then a ticket about X from
    the same requester, is the third report of one matter (same KB entry = same matter)."""
    admin, operator = make_actor("admin1", Role.ADMIN), make_actor("op1", Role.OPERATOR)
    with write_transaction(db):
        kb_entries.create(db, KBEntryCreate(id="ld-001", title="路灯报修", answer="拨打城管热线。"),
                          actor=admin, now=clock(), retention=timedelta(days=90))
    consultation = {"requester_phone": "13812345678", "content": "路灯坏了找哪个部门",
                    "request_type": "consultation", "area": "public_service",
                    "channel": "phone", "kb_entry_id": "ld-001", "kb_entry_version": 1}
    for _ in range(2):
        closed = applied(db, operator, op("kb_closure", consultation), now=clock.advance(60))
    assert not row(db, closed.server_no).supervised  # answered on the spot: not 督办
    number = create(db, operator, now=clock.advance(60), kb_entry_id="ld-001", topic="")
    assert _codes(db, number) == ["repeated_by_requester"]
