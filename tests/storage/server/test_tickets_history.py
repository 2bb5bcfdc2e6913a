"""The caller history behind the screen pop: earlier tickets of a number with repeat
counts per matter (第二十条(六)), marked calls (第十三条), masked unless asked and
audited (第三十四条); both backends."""

from __future__ import annotations

import pytest
from tickets_kit import PHONE, applied, create, op

from hotline_desk.core.protocol import RefusedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import audit, tickets_history


def _history(db, actor, clock, phone=PHONE, unmasked=False, limit=50):
    transaction = write_transaction if unmasked else read_transaction
    with transaction(db):
        return tickets_history.caller_history(db, actor, phone, limit=limit,
                                              unmasked=unmasked, now=clock())


def test_counts_per_matter_newest_first(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    lamp = [create(db, operator, now=clock.advance(60), location=f"某小区{i}号楼")
            for i in range(2)]
    noise = create(db, operator, now=clock.advance(60), topic="夜间施工噪音",
                   location="某工地", request_type="report")
    create(db, operator, now=clock.advance(60), requester_phone="13912345678")
    applied(db, operator, op("abusive_call", {"phone": "0086 138-1234-5678",
                                              "note": "辱骂话务员"}), now=clock())
    history = _history(db, operator, clock, phone="+86 138 1234 5678")
    assert [t.ticket_no for t in history.items] == [noise, *reversed(lamp)]
    assert history.total == 3 and history.abusive_marks == 1 and history.repeat_threshold == 3
    by_label = {m.label: (m.count, m.ticket_nos) for m in history.matters}
    assert by_label["路灯不亮"] == (2, lamp)
    assert by_label["夜间施工噪音"] == (1, [noise])
    assert history.matters[0].label == "路灯不亮"  # most often raised first
    assert history.masked and history.items[0].requester_phone == "138****5678"
    assert history.phone_masked == "138****5678"


def test_a_full_read_is_audited(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    create(db, operator, now=clock())
    history = _history(db, operator, clock, unmasked=True)
    assert not history.masked and history.items[0].requester_name == "张三"
    with read_transaction(db):
        records = audit.page(db, action="ticket.history_unmasked").items
    assert [(r.actor_username, r.object_id) for r in records] == [("op1", "138****5678")]


def test_a_number_that_is_not_a_phone_is_refused(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    with pytest.raises(RefusedError) as caught:
        _history(db, operator, clock, phone="12345")
    assert "服务号码" in caught.value.message_zh
    assert _history(db, operator, clock, phone="13700000000").total == 0
