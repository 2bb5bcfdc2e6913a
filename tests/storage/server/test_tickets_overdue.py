"""Overdue detection (第二十条(二) 逾期未办理（结）): by the scheduler, idempotently and
safely from several processes at once, and on every read; both backends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from tickets_kit import CALENDAR, UNIT, applied, create, event, row

from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import close_database, open_database, read_transaction
from hotline_desk.storage.server import audit, tickets_feed, tickets_overdue
from hotline_desk.storage.server.tickets_views import to_out

CONTACT = {"unit_contact": "0551-62345678"}


def _detect(db, now):
    return tickets_overdue.detect(db, now=now, calendar=CALENDAR)


def test_first_contact_and_completion_deadlines_make_a_ticket_overdue(db, clock, make_actor):
    """第十五条 (1 working day to contact) and 第十七条 (completion) deadlines."""
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    silent = create(db, operator, now=clock())  # first contact due 2026-06-02
    contacted = create(db, operator, now=clock(), topic="另一件")
    applied(db, unit, event(contacted, "contact", **CONTACT), now=clock())
    assert _detect(db, clock()) == 0
    june_3 = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)  # 00:00 of 06-03 in Shanghai
    assert _detect(db, june_3) == 1
    flagged = row(db, silent)
    assert flagged.overdue and flagged.overdue_since == june_3
    assert [t["code"] for t in flagged.supervision] == ["overdue"]
    assert not row(db, contacted).overdue
    assert _detect(db, june_3) == 0  # idempotent
    june_16 = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)  # completion due 2026-06-15
    assert _detect(db, june_16) == 1
    assert row(db, contacted).overdue


def test_overdue_is_computed_on_read_before_the_scheduler_runs(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    number = create(db, operator, now=clock())
    later = datetime(2026, 6, 20, tzinfo=UTC)
    with read_transaction(db):
        view = to_out(row(db, number), now=later)
        listed = tickets_feed.overdue(db, now=later).items
        supervised = tickets_feed.supervised(db, now=later).items
    assert view.overdue and [s.code for s in view.supervision] == ["overdue"]
    assert [t.ticket_no for t in listed] == [number]
    assert [t.ticket_no for t in supervised] == [number]
    assert not row(db, number).overdue  # nothing was written by reading


def test_completion_clears_overdue(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    unit = make_actor("unit1", Role.UNIT_HANDLER, UNIT)
    number = create(db, operator, now=clock())
    late = datetime(2026, 6, 20, tzinfo=UTC)
    applied(db, unit, event(number, "contact", **CONTACT), now=late)
    assert row(db, number).overdue  # any change re-evaluates it, not only the scheduler
    assert _detect(db, late) == 0
    applied(db, unit, event(number, "complete", reply="已修复", approver="王局"), now=late)
    stored = row(db, number)
    assert not stored.overdue and stored.completed_on_time is False
    with read_transaction(db):
        assert tickets_feed.overdue(db, now=late).items == []


def test_schedulers_of_several_processes_flag_each_ticket_once(backend, server_database_url,
                                                               make_actor, clock):
    operator = make_actor("op1", Role.OPERATOR)
    databases = [open_database(server_database_url, pool_size=2) for _ in range(3)]
    numbers = [create(db, operator, now=clock(), topic=f"事项{i}")
               for i, db in enumerate(databases * 2)]
    later = datetime(2026, 6, 20, tzinfo=UTC)
    counts: list[int] = []
    start = threading.Barrier(len(databases))

    def run(database) -> None:
        start.wait()
        counts.append(_detect(database, later))

    threads = [threading.Thread(target=run, args=(database,)) for database in databases]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with read_transaction(databases[0]):
            records = audit.page(databases[0], action="ticket.overdue").items
    finally:
        for database in databases:
            close_database(database)
    assert sum(counts) == len(numbers)
    assert sorted(r.object_id for r in records) == sorted(numbers)
