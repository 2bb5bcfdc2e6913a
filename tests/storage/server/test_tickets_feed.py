"""The ticket change feed and reads: cursor in commit order, who sees what, masking and
audited full reads (第十九条、第三十四条 授权访问 数据脱敏), both backends."""

from __future__ import annotations

import threading

import pytest
from tickets_kit import OTHER_UNIT, UNIT, applied, create, event, op, ticket_payload

from hotline_desk.core.protocol import (
    ForbiddenError,
    NotFoundError,
    ResetRequiredError,
    SeatHeartbeat,
    TransferCreate,
)
from hotline_desk.core.vocabulary import Role, SeatState
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.server import audit, seats, tickets_feed, transfers


def _feed(db, actor, clock, since=0, limit=100):
    with read_transaction(db):
        return tickets_feed.changes(db, actor, since, limit, now=clock())


def _numbers(page):
    return [item.ticket_no for item in page.items]


def test_each_ticket_appears_once_at_its_latest_change_in_order(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    lead = make_actor("lead1", Role.TEAM_LEAD)
    first = create(db, operator, now=clock())
    second = create(db, operator, now=clock(), topic="第二件")
    page = _feed(db, lead, clock)
    assert _numbers(page) == [first, second] and not page.has_more
    cursor = page.next_cursor
    applied(db, unit, event(first, "contact", unit_contact="0551-62345678"), now=clock())
    later = _feed(db, lead, clock, since=cursor)
    assert _numbers(later) == [first] and later.items[0].state.value == "contacted"
    assert _feed(db, lead, clock, since=later.next_cursor).items == []
    paged = _feed(db, lead, clock, limit=1)
    assert _numbers(paged) == [second] and paged.has_more  # the first changed after it
    with pytest.raises(ResetRequiredError):
        _feed(db, lead, clock, since=later.current_version + 1)


def test_paging_continues_with_next_cursor(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    numbers = [create(db, operator, now=clock(), topic=f"事项{i}", location=f"某路{i}号")
               for i in range(5)]
    seen, cursor, more = [], 0, True
    while more:
        page = _feed(db, operator, clock, since=cursor, limit=2)
        seen += _numbers(page)
        cursor, more = page.next_cursor, page.has_more
    assert seen == numbers


def test_who_sees_which_tickets(db, clock, make_actor):
    """授权访问: own and seat tickets for operators, dispatched ones for units,
    transferred ones for experts, everything for team leads (第三十四条)."""
    mine = make_actor("op1", Role.OPERATOR)
    night_shift = make_actor("op2", Role.OPERATOR)
    stranger = make_actor("op3", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    other_unit = make_actor("unit2", Role.UNIT_HANDLER, OTHER_UNIT)
    expert = make_actor("expert1", Role.EXPERT)
    lead = make_actor("lead1", Role.TEAM_LEAD)
    with write_transaction(db):
        for actor in (mine, night_shift):
            seats.heartbeat(db, actor, SeatHeartbeat(state=SeatState.READY, seat_label="A-12"),
                            now=clock())
    dispatched = create(db, mine, now=clock())
    shared = create(db, mine, now=clock(), topic="共管", co_units=[OTHER_UNIT])
    recorded = applied(db, mine, op("ticket", ticket_payload(purpose="record", topic="暂存")),
                       now=clock()).server_no
    with write_transaction(db):
        transfer = transfers.create(db, TransferCreate(
            reference_kind="ticket", reference=recorded, note="请专家看看"), actor=mine,
            now=clock())
        transfers.accept(db, transfer.id, actor=expert, now=clock())
    everything = {dispatched, shared, recorded}
    assert set(_numbers(_feed(db, mine, clock))) == everything
    assert set(_numbers(_feed(db, night_shift, clock))) == everything  # same seat A-12
    assert _numbers(_feed(db, stranger, clock)) == []
    assert set(_numbers(_feed(db, unit, clock))) == {dispatched, shared}
    assert _numbers(_feed(db, other_unit, clock)) == [shared]
    assert _numbers(_feed(db, expert, clock)) == [recorded]
    assert set(_numbers(_feed(db, lead, clock))) == everything
    with read_transaction(db), pytest.raises(NotFoundError):
        tickets_feed.read(db, other_unit, dispatched, unmasked=False, now=clock())


def test_lists_are_masked_and_full_reads_are_audited(db, clock, make_actor):
    """第三十四条 数据脱敏: masked by default; a full read is allowed to those who must
    reach the requester, and audited."""
    operator = make_actor("op1", Role.OPERATOR)
    stranger = make_actor("op2", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    number = create(db, operator, now=clock(), content="我的电话13812345678，路灯坏了")
    item = _feed(db, unit, clock).items[0]
    assert item.masked and item.requester_phone == "138****5678"
    assert item.requester_name == "张*" and "138****5678" in item.content
    assert item.location == "合肥市蜀山区三里庵街道****"
    with write_transaction(db):
        full = tickets_feed.read(db, unit, number, unmasked=True, now=clock())
    assert full.requester_phone == "13812345678" and not full.masked
    assert [e.event for e in full.events] == ["record", "dispatch"]
    with write_transaction(db), pytest.raises(ForbiddenError):
        tickets_feed.read(db, stranger, number, unmasked=True, now=clock())
    with read_transaction(db):
        masked = tickets_feed.read(db, stranger, number, unmasked=False, now=clock())
        records = audit.page(db, action="ticket.read_unmasked").items
    assert masked.requester_phone == "138****5678"
    assert [(r.actor_username, r.object_id) for r in records] == [("unit1", number)]


def test_concurrent_writers_never_make_the_feed_skip_a_change(backend, server_database_url,
                                                              make_actor, clock):
    """Versions commit in order: a reader following the cursor while others write sees
    every ticket exactly once (the counter row serialises ticket writers)."""
    operator = make_actor("op1", Role.OPERATOR)
    lead = make_actor("lead1", Role.TEAM_LEAD)
    writers = [open_database(server_database_url, pool_size=2) for _ in range(3)]
    reader = open_database(server_database_url, pool_size=2)
    created: list[str] = []

    def write(database, index) -> None:
        for i in range(5):
            created.append(create(database, operator, now=clock(), topic=f"并发{index}-{i}",
                                  location=f"合肥市蜀山区长江西路{index}-{i}号"))

    threads = [threading.Thread(target=write, args=(db, i)) for i, db in enumerate(writers)]
    seen: list[str] = []
    cursor = 0
    try:
        for thread in threads:
            thread.start()
        while True:
            finished = not any(thread.is_alive() for thread in threads)
            page = _feed(reader, lead, clock, since=cursor, limit=3)
            seen += _numbers(page)
            cursor = page.next_cursor
            if finished and not page.items:
                break
    finally:
        for database in (*writers, reader):
            close_database(database)
    assert sorted(seen) == sorted(created) and len(seen) == 15


def test_the_expert_holding_a_transfer_reads_the_ticket_in_full(db, clock, make_actor):
    """第八条 专家座席 with 第三十四条 授权访问: the expert who accepted a transfer of a
    ticket reads it in full (audited) until the transfer is completed; another expert, the
    expert of a transfer still queued, and a transferred *call* that happens to carry the
    number do not unmask it."""
    operator = make_actor("op1", Role.OPERATOR)
    expert = make_actor("expert1", Role.EXPERT)
    other = make_actor("expert2", Role.EXPERT)
    number = create(db, operator, now=clock(), content="我的电话13812345678，工伤认定怎么办")
    with write_transaction(db):
        as_call = transfers.create(db, TransferCreate(
            reference_kind="call", reference=number, note="来电咨询"), actor=operator,
            now=clock())
        transfers.accept(db, as_call.id, actor=other, now=clock())
        transfer = transfers.create(db, TransferCreate(
            reference_kind="ticket", reference=number, note="请专家答复"), actor=operator,
            now=clock())

    def refused(actor) -> bool:
        with write_transaction(db):
            try:
                tickets_feed.read(db, actor, number, unmasked=True, now=clock())
            except ForbiddenError as exc:
                assert exc.message_zh == "无权查看该工单的完整个人信息"
                return True
        return False

    assert refused(expert)  # still queued: nobody holds it yet
    with write_transaction(db):
        transfers.accept(db, transfer.id, actor=expert, now=clock())
        full = tickets_feed.read(db, expert, number, unmasked=True, now=clock())
    assert not full.masked and full.requester_phone == "13812345678"
    assert full.requester_name == "张三" and "13812345678" in full.content
    assert full.location == "合肥市蜀山区三里庵街道长江西路123号"
    assert refused(other)  # holds only a transferred call with the same reference
    with write_transaction(db):
        transfers.complete(db, transfer.id, "已答复", actor=expert, now=clock())
    assert refused(expert)  # the work is done: so is the need
    with read_transaction(db):
        masked = tickets_feed.read(db, expert, number, unmasked=False, now=clock())
        records = audit.page(db, action="ticket.read_unmasked").items
    assert masked.masked and masked.requester_phone == "138****5678"
    assert [(r.actor_username, r.object_id) for r in records] == [("expert1", number)]
