"""Transfers to the expert-seat queue (第八条 专家座席; 第三十四条 数据脱敏), both backends."""

from __future__ import annotations

import threading

import pytest

from hotline_desk.core.protocol import (
    ConflictError,
    ErrorCode,
    ForbiddenError,
    NotFoundError,
    RefusedError,
    TransferCreate,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.server import audit, transfers
from hotline_desk.storage.server.audit import Actor


def _new(db, clock, operator, **extra):
    data = TransferCreate(reference_kind=TransferReferenceKind.CALL, reference="CALL-0001",
                          note="来电人询问工伤认定材料，需要人社专家解答", caller_name="张三丰",
                          caller_phone="138 1234 5678", **extra)
    with write_transaction(db):
        return transfers.create(db, data, actor=operator, now=clock())


@pytest.fixture
def people(make_actor):
    return (make_actor("op1", Role.OPERATOR), make_actor("op2", Role.OPERATOR),
            make_actor("ex1", Role.EXPERT), make_actor("ex2", Role.EXPERT),
            make_actor("lead", Role.TEAM_LEAD))


def test_caller_data_is_masked_except_for_the_accepting_expert(db, clock, people):
    op1, _, ex1, ex2, lead = people
    created = _new(db, clock, op1)
    assert (created.caller_name, created.caller_phone, created.masked) == (
        "张**", "138****5678", True)
    assert created.status is TransferStatus.QUEUED and created.created_by == "op1"
    with write_transaction(db):
        accepted = transfers.accept(db, created.id, actor=ex1, now=clock())
    assert (accepted.caller_name, accepted.caller_phone, accepted.masked) == (
        "张三丰", "13812345678", False)
    with write_transaction(db):
        for viewer in (ex2, lead, op1):
            assert transfers.get(db, created.id, actor=viewer, now=clock()).masked
        assert not transfers.get(db, created.id, actor=ex1, now=clock()).masked
    with read_transaction(db):
        listed = transfers.list_transfers(db, actor=ex1, mine=True)
        reads = audit.page(db, action="transfer.read_unmasked").items
    assert [t.masked for t in listed] == [True]  # lists are always masked
    assert [(r.actor_username, r.details["fields"]) for r in reads] == [
        ("ex1", ["caller_name", "caller_phone"])] * 2


def test_operators_see_only_their_own_transfers(db, clock, people):
    op1, op2, ex1, _, lead = people
    mine = _new(db, clock, op1)
    theirs = _new(db, clock, op2)
    with read_transaction(db):
        assert [t.id for t in transfers.list_transfers(db, actor=op1)] == [mine.id]
        assert [t.id for t in transfers.list_transfers(db, actor=lead)] == [mine.id, theirs.id]
        queue = transfers.list_transfers(db, actor=ex1, status=TransferStatus.QUEUED)
    assert [t.id for t in queue] == [mine.id, theirs.id]
    with pytest.raises(ForbiddenError), write_transaction(db):
        transfers.get(db, theirs.id, actor=op1, now=clock())


def test_the_life_of_a_transfer(db, clock, people):
    op1, op2, ex1, ex2, _ = people
    created = _new(db, clock, op1)
    with pytest.raises(ForbiddenError), write_transaction(db):
        transfers.cancel(db, created.id, actor=op2, now=clock())
    with write_transaction(db):
        transfers.accept(db, created.id, actor=ex1, now=clock())
    with pytest.raises(RefusedError) as late, write_transaction(db):
        transfers.cancel(db, created.id, actor=op1, now=clock())
    assert late.value.code is ErrorCode.INVALID_TRANSITION
    with pytest.raises(ForbiddenError), write_transaction(db):
        transfers.complete(db, created.id, "已答复", actor=ex2, now=clock())
    clock.advance(300)
    with write_transaction(db):
        done = transfers.complete(db, created.id, "已答复工伤认定所需材料", actor=ex1, now=clock())
    assert done.status is TransferStatus.COMPLETED and done.completed_at == clock()
    assert done.completion_notes == "已答复工伤认定所需材料" and done.accepted_by == "ex1"
    with pytest.raises(ConflictError), write_transaction(db):
        transfers.accept(db, created.id, actor=ex2, now=clock())
    other = _new(db, clock, op1)
    with write_transaction(db):
        cancelled = transfers.cancel(db, other.id, actor=op1, now=clock())
    assert cancelled.status is TransferStatus.CANCELLED
    with pytest.raises(RefusedError), write_transaction(db):
        transfers.accept(db, other.id, actor=ex1, now=clock())
    with pytest.raises(NotFoundError), write_transaction(db):
        transfers.accept(db, 987654, actor=ex1, now=clock())
    with read_transaction(db):
        actions = [r.action for r in audit.page(db, object_type="transfer").items]
    assert actions.count("transfer.create") == 2 and "transfer.complete" in actions


def test_only_one_of_many_experts_wins_the_race(server_database_url, clock, make_actor):
    """Eight experts press "accept" at once, each on its own connection: one wins."""
    operator = make_actor("op1", Role.OPERATOR)
    experts = [make_actor(f"ex{n}", Role.EXPERT) for n in range(8)]
    setup = open_database(server_database_url)
    created = _new(setup, clock, operator)
    close_database(setup)
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(len(experts))

    def accept(expert: Actor) -> None:
        own = open_database(server_database_url)
        try:
            barrier.wait()
            with write_transaction(own):
                transfers.accept(own, created.id, actor=expert, now=clock())
            outcomes[expert.username] = "won"
        except ConflictError as exc:
            outcomes[expert.username] = exc.code.value
        finally:
            close_database(own)

    threads = [threading.Thread(target=accept, args=(e,)) for e in experts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(outcomes) == 8 and len(winners) == 1
    assert sorted(outcomes.values()) == ["transfer_taken"] * 7 + ["won"]
    check = open_database(server_database_url)
    with write_transaction(check):
        final = transfers.get(check, created.id, actor=experts[0], now=clock())
        accepts = audit.page(check, action="transfer.accept").items
    close_database(check)
    assert final.accepted_by == winners[0] and [a.actor_username for a in accepts] == winners
