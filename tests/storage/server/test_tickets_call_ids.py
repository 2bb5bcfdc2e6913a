"""The call id on the server (``schema_0005_call_ids``): every record a call ended in —
ticket, answer on the spot, refusal, emergency handoff (第十条, 第十二条), abusive-call mark
(第十三条), transfer to an expert seat (第八条) — keeps the desk's call id, and a ticket
read returns it. Older desks send none. Both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import uuid6
from tickets_kit import applied, op, push, row, ticket_payload

from hotline_desk.core.protocol import PushStatus
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.migrations import SERVER_MIGRATIONS, current_version, migrate
from hotline_desk.storage.server import tickets_feed
from hotline_desk.storage.server.models import Account, Transfer, utc_text
from hotline_desk.storage.server.tickets_models import CallMarkRow, TicketRow


def _one_call_ends_in_every_record(db, actor, call_id, now):
    """What a desk pushes for one call; the results, in order."""
    payloads = [
        ("ticket", ticket_payload(call_id=call_id)),
        ("ticket", ticket_payload(call_id=call_id, purpose="record", lead_unit="",
                                  handling_requirements="", topic="第二件事")),
        ("refusal", {"ground": "litigation", "reason": "属于诉讼事项，请向法院起诉",
                     "call_id": call_id}),
        ("emergency_handoff", {"line": "fire", "number": "119", "call_id": call_id}),
        ("abusive_call", {"phone": "13812345678", "note": "辱骂话务员", "call_id": call_id}),
        ("expert_transfer", {"reference_kind": "call", "reference": call_id,
                             "note": "政策解读需专家答复", "call_id": call_id}),
    ]
    return [applied(db, actor, op(kind, payload), now=now) for kind, payload in payloads]


def test_every_record_of_a_call_keeps_its_call_id(db, clock, make_actor):
    """第十条、第十二条、第十三条、第八条: the records of one call share its id; a ticket
    read (the change feed, the single read) returns it."""
    operator = make_actor("op1", Role.OPERATOR)
    call_id = str(uuid6.uuid7())
    results = _one_call_ends_in_every_record(db, operator, call_id, clock())
    numbers = [r.server_no for r in results[:4]]
    assert all(numbers)
    assert [row(db, number).call_id for number in numbers] == [call_id] * 4
    with read_transaction(db):
        mark = CallMarkRow.select().where(CallMarkRow.note == "辱骂话务员").get(db)
        transfer = Transfer.select().where(Transfer.id == results[5].transfer_id).get(db)
        assert (mark.call_id, transfer.call_id) == (call_id, call_id)
        read = tickets_feed.read(db, operator, numbers[0], unmasked=False, now=clock())
        page = tickets_feed.changes(db, operator, 0, 100, now=clock())
    assert read.call_id == call_id
    assert {t.call_id for t in page.items} == {call_id}


def test_an_upper_case_call_id_is_stored_in_lower_case(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    call_id = str(uuid6.uuid7())
    number = applied(db, operator, op("ticket", ticket_payload(call_id=call_id.upper())),
                     now=clock()).server_no
    assert row(db, number).call_id == call_id


def test_an_older_desk_pushes_without_a_call_id(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    number = applied(db, operator, op("ticket", ticket_payload()), now=clock()).server_no
    assert row(db, number).call_id is None
    with read_transaction(db):
        assert tickets_feed.read(db, operator, number, unmasked=False,
                                 now=clock()).call_id is None


def test_a_call_id_that_is_not_a_uuid_rejects_the_record(db, clock, make_actor):
    operator = make_actor("op1", Role.OPERATOR)
    (result,) = push(db, operator, op("ticket", ticket_payload(call_id="call-1")), now=clock())
    assert result.status is PushStatus.REJECTED
    assert result.reason is not None
    assert [p.field for p in result.reason.problems] == ["call_id"]
    with read_transaction(db):
        assert TicketRow.select().count(db) == 0


def _insert(db, table, values):
    """A row as the schema before migration 5 takes it (plain SQL: the models are newer)."""
    marks = ", ".join([db.param] * len(values))
    db.execute_sql(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})",
                   tuple(values.values()))


def test_migration_5_adds_the_column_null_for_existing_rows(empty_database_url):
    """Records stored before the call id existed keep NULL (counted one call each)."""
    db = open_database(empty_database_url)
    try:
        assert migrate(db, SERVER_MIGRATIONS[:4]) == [1, 2, 3, 4]
        at = utc_text(datetime(2026, 6, 1, 2, tzinfo=UTC))
        with write_transaction(db):
            account = Account.insert(username="op1", display_name="OP1", role="operator",
                                     password_hash="x", created_at=at,
                                     updated_at=at).execute(db)
            _insert(db, "tickets", {"ticket_no": "HF20260601000001", "kind": "ticket",
                                    "state": "pending_dispatch", "version": 1,
                                    "change_version": 1, "received_at": at,
                                    "created_at": at, "updated_at": at})
            _insert(db, "call_marks", {"op_id": str(uuid6.uuid7()), "note": "辱骂",
                                       "marked_by": account, "marked_at": at})
            _insert(db, "transfers", {"reference_kind": "call", "reference": "x",
                                      "note": "请解答", "status": "queued",
                                      "created_by": account, "created_at": at})
        assert migrate(db)[0] == 5
        assert current_version(db) == SERVER_MIGRATIONS[-1].version
        with read_transaction(db):
            for model in (TicketRow, CallMarkRow, Transfer):
                assert [r.call_id for r in model.select().execute(db)] == [None]
            indexes = {table: {index.name: index.columns for index in db.get_indexes(table)}
                       for table in ("tickets", "call_marks", "transfers")}
        assert indexes["tickets"]["tickets_call"] == ["call_id", "received_at"]
        assert indexes["call_marks"]["call_marks_call"] == ["call_id", "marked_at"]
        assert indexes["transfers"]["transfers_call"] == ["call_id", "created_at"]
    finally:
        close_database(db)
