"""Public ticket numbers: prefix + day of receipt + per-day counter, unique under
concurrency (several server processes on one PostgreSQL database), both backends.

第十九条: the requester finds the ticket again by its number, so a number must never be
given twice."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from tickets_kit import create, op, push, ticket_payload

from hotline_desk.core.centre import centre_name
from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.protocol import PushStatus, default_ticket_prefix, format_ticket_no
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import close_database, open_database, write_transaction
from hotline_desk.storage.server import config, tickets_numbers


def test_prefix_comes_from_the_centre_or_the_configuration(db):
    """第三条: the centre is configured; its city's initials start the number."""
    with write_transaction(db):
        assert tickets_numbers.ticket_prefix(db) == "AH"
        config.set_centre(db, "city:合肥市")
        assert tickets_numbers.ticket_prefix(db) == "HF"
        assert tickets_numbers.set_ticket_prefix(db, " hfs ") == "HFS"
        assert tickets_numbers.allocate(db, date(2026, 11, 29)) == "HFS20261129000001"
        with pytest.raises(DataFormatError):
            tickets_numbers.set_ticket_prefix(db, "合肥")


def test_default_prefixes_of_every_level():
    assert default_ticket_prefix(centre_name("马鞍山")) == "MAS"
    assert default_ticket_prefix(centre_name("province")) == "AH"
    assert default_ticket_prefix(centre_name("海关")) == "AHHG"
    assert format_ticket_no("HF", date(2026, 11, 29), 123) == "HF20261129000123"
    assert format_ticket_no("HF", date(2026, 11, 29), 1234567) == "HF202611291234567"


def test_counters_are_per_day_and_the_day_is_the_day_of_receipt(db, clock, make_actor):
    """A call taken at 23:50 Beijing time but pushed after midnight keeps its day."""
    operator = make_actor("op1", Role.OPERATOR)
    late_call = datetime(2026, 6, 1, 15, 50, tzinfo=clock().tzinfo)  # 23:50 in Shanghai
    clock.now = late_call + timedelta(minutes=20)
    results = push(db, operator,
                   op("ticket", ticket_payload(), occurred_at=late_call),
                   op("ticket", ticket_payload(topic="另一件事")), now=clock())
    assert [r.server_no for r in results] == ["AH20260601000001", "AH20260602000001"]


def test_numbers_stay_unique_under_concurrent_creation(backend, server_database_url,
                                                       make_actor, clock):
    """Two "server processes" (separate connection pools) creating at once on the same
    database never hand out the same number, and no counter value is skipped."""
    operator = make_actor("op1", Role.OPERATOR)
    databases = [open_database(server_database_url, pool_size=4) for _ in range(2)]
    per_thread, threads_per_db = 6, 3
    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(databases) * threads_per_db)

    def work(database) -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                (result,) = push(database, operator, op("ticket", ticket_payload()),
                                 now=clock())
                assert result.status is PushStatus.APPLIED, result.reason
                with lock:
                    numbers.append(result.server_no)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(database,))
               for database in databases for _ in range(threads_per_db)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for database in databases:
            close_database(database)
    assert not failures, failures
    total = len(databases) * threads_per_db * per_thread
    assert len(numbers) == len(set(numbers)) == total
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, total + 1))


def test_a_rolled_back_creation_gives_its_number_back(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    with pytest.raises(RuntimeError), write_transaction(db):
        tickets_numbers.allocate(db, date(2026, 6, 1))
        raise RuntimeError("crash after allocating")
    number = create(db, operator, now=clock())
    assert number.endswith("000001")
