"""Seat states and the team lead's board (第七条(三): 日常运行管理), on SQLite and PostgreSQL.

Only the server clock counts: a seat silent for 45 s is shown offline, computed on
every read; the cheap "unchanged" answer is exact, also when a seat falls silent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk.core.protocol import SeatCursor, SeatHeartbeat, merge_board
from hotline_desk.core.vocabulary import Role, SeatState
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import audit, seats
from hotline_desk.storage.server.models import Seat


def beat(db, clock, actor, state=SeatState.READY, **extra):
    with write_transaction(db):
        return seats.heartbeat(db, actor, SeatHeartbeat(state=state, **extra), now=clock())


def board(db, clock, since=None, changes_only=False):
    with read_transaction(db):
        return seats.board(db, since, now=clock(), changes_only=changes_only)


def test_first_heartbeat_puts_the_seat_on_the_board(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    ack = beat(db, clock, op, seat_label="A-01", app_version="0.1.0", outbox_depth=2)
    assert ack.changed and ack.seats_version == 1 and ack.server_time == clock()
    assert ack.offline_after_seconds == 45
    view = board(db, clock)
    (seat,) = view.seats
    assert (seat.username, seat.seat_label, seat.state, seat.outbox_depth) == (
        "wang", "A-01", SeatState.READY, 2)
    assert seat.state_since == clock() and view.server_time == clock()


def test_heartbeats_that_change_nothing_do_not_bump_the_version(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op, seat_label="A-01")
    for _ in range(3):
        clock.advance(10)
        assert not beat(db, clock, op, seat_label="A-01").changed
    assert board(db, clock).version == 1
    clock.advance(10)
    assert beat(db, clock, op, seat_label="A-01", outbox_depth=5).changed  # shown on the board
    clock.advance(10)
    ack = beat(db, clock, op, SeatState.NOT_READY, seat_label="A-01", outbox_depth=5,
               reason="培训")
    assert ack.changed and ack.seats_version == 3
    with read_transaction(db):
        changes = audit.page(db, action="seat.state").items
    assert [(c.details["from"], c.details["to"]) for c in changes] == [
        ("offline", "ready"), ("ready", "not_ready")]


def test_silence_means_offline_after_45_seconds_of_server_time(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op)
    clock.advance(45)
    assert board(db, clock).seats[0].state is SeatState.READY  # exactly 45 s: still online
    clock.advance(0.001)
    seat = board(db, clock).seats[0]
    assert seat.state is SeatState.OFFLINE and seat.reported_state is SeatState.READY


def test_the_cheap_path_is_exact_when_a_seat_falls_silent(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    other = make_actor("li", Role.OPERATOR)
    beat(db, clock, op)
    beat(db, clock, other)
    first = board(db, clock)
    clock.advance(30)
    beat(db, clock, other)  # changes nothing
    second = board(db, clock, first.cursor)
    assert second.unchanged and second.seats == [] and second.version == first.version
    clock.advance(16)  # wang silent for 46 s now
    third = board(db, clock, second.cursor)
    assert not third.unchanged
    assert {s.username: s.state for s in third.seats} == {
        "wang": SeatState.OFFLINE, "li": SeatState.READY}
    assert board(db, clock, third.cursor).unchanged  # and stays unchanged afterwards


def test_coming_back_after_silence_is_a_change(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op)
    clock.advance(60)
    silent = board(db, clock)
    assert silent.seats[0].state is SeatState.OFFLINE
    clock.advance(1)
    ack = beat(db, clock, op)  # same reported state as stored, but it was offline
    assert ack.changed
    back = board(db, clock, silent.cursor)
    assert not back.unchanged and back.seats[0].state is SeatState.READY
    assert back.seats[0].state_since == clock()


def test_state_age_is_trusted_as_a_duration_but_clamped(db, clock, make_actor):
    """The desk's wall clock is not trusted; its monotonic duration is, within limits."""
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op, SeatState.READY, state_age_seconds=5)
    assert board(db, clock).seats[0].state_since == clock() - timedelta(seconds=5)
    clock.advance(10)
    beat(db, clock, op, SeatState.ON_CALL, state_age_seconds=3)
    seat = board(db, clock).seats[0]
    assert seat.state_since == clock() - timedelta(seconds=3)
    assert seat.call_started_at == seat.state_since
    clock.advance(10)
    # claims the call ended an hour ago: impossible, it was on call 10 s ago
    beat(db, clock, op, SeatState.AFTER_CALL, state_age_seconds=3600)
    seat = board(db, clock).seats[0]
    assert seat.state_since == clock() - timedelta(seconds=10)
    assert seat.call_started_at is None


def test_a_call_keeps_its_start_across_heartbeats(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op, SeatState.ON_CALL)
    started = clock()
    for _ in range(3):
        clock.advance(15)
        beat(db, clock, op, SeatState.ON_CALL)
    assert board(db, clock).seats[0].call_started_at == started


def test_sign_off_marks_the_seat_offline(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op, SeatState.ON_CALL)
    with write_transaction(db):
        assert seats.sign_off(db, op, now=clock())
        assert not seats.sign_off(db, op, now=clock())
    seat = board(db, clock).seats[0]
    assert seat.state is SeatState.OFFLINE and seat.call_started_at is None


@pytest.mark.parametrize("cursor", ["garbage", "1-", "-5", "99999999999999999999-1", ""])
def test_a_bad_cursor_gets_a_full_read(db, clock, make_actor, cursor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op)
    assert not board(db, clock, cursor).unchanged


def test_a_cursor_from_the_future_gets_a_full_read(db, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    beat(db, clock, op)
    future = SeatCursor(version=1, as_of_ms=int((clock() + timedelta(hours=1)).timestamp() * 1000))
    assert not board(db, clock, future.encode()).unchanged
    assert not board(db, clock, future.encode(), changes_only=True).delta


def test_changes_only_lists_the_changed_and_the_silent_seats(db, clock, make_actor):
    people = [make_actor(f"seat{n}", Role.OPERATOR) for n in range(4)]
    for n, person in enumerate(people):
        beat(db, clock, person, seat_label=f"A-0{n}")
    first = board(db, clock, changes_only=True)
    assert not first.delta and len(first.seats) == 4  # no cursor: the whole board
    clock.advance(30)
    for person in people[1:]:
        beat(db, clock, person, seat_label=f"A-0{people.index(person)}")  # changes nothing
    beat(db, clock, people[2], SeatState.ON_CALL, seat_label="A-02")
    second = board(db, clock, first.cursor, changes_only=True)
    assert second.delta and [s.username for s in second.seats] == ["seat2"]
    clock.advance(20)  # seat0 silent for 50 s: offline; the others heard 20 s ago
    third = board(db, clock, second.cursor, changes_only=True)
    assert [(s.username, s.state) for s in third.seats] == [("seat0", SeatState.OFFLINE)]
    assert board(db, clock, third.cursor, changes_only=True).unchanged


STEPS = st.lists(
    st.tuples(
        st.integers(0, 2),  # which seat
        st.sampled_from([SeatState.READY, SeatState.ON_CALL, SeatState.BREAK, SeatState.OFFLINE]),
        st.integers(0, 2),  # outbox depth
        st.sampled_from([0, 1, 10, 30, 44, 45, 46, 60]),  # seconds before this step
        st.booleans(),  # heartbeat, or only a board read
    ),
    min_size=1, max_size=20,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_unchanged_always_means_a_full_read_would_show_the_same_board(db, clock, make_actor,
                                                                      steps):
    """Property: whenever the cheap path answers "unchanged", a full read at that moment
    shows exactly the board the team lead already has; and a lead that reads only the
    changed seats and merges them always holds what a full read shows."""
    people = getattr(make_actor, "_people", None)
    if people is None:
        people = [make_actor(f"seat{n}", Role.OPERATOR) for n in range(3)]
        make_actor._people = people
    with write_transaction(db):  # every example starts from an empty board
        Seat.delete().execute(db)
    shown = merged = board(db, clock)
    for who, state, depth, wait, heartbeat in steps:
        clock.advance(wait)
        if heartbeat:
            beat(db, clock, people[who], state, outbox_depth=depth)
        cheap = board(db, clock, shown.cursor)
        changes = board(db, clock, merged.cursor, changes_only=True)
        full = board(db, clock)
        if cheap.unchanged:
            assert versioned(full.seats) == versioned(shown.seats)
            shown = shown.model_copy(update={"cursor": cheap.cursor})
        else:
            assert versioned(cheap.seats) == versioned(full.seats)
            shown = cheap
        # the changed-seats answer, merged into the board the lead has, is the full read
        assert changes.delta or changes.unchanged
        merged = merge_board(merged, changes)
        assert versioned(merged.seats) == versioned(full.seats)


def versioned(seats_shown):
    """The board content the seats version covers (``last_seen_at`` is informational)."""
    return [seat.model_dump(exclude={"last_seen_at"}) for seat in seats_shown]
