"""Seat states from desk heartbeats, and the team lead's seat board.

A desk reports its state (``core.vocabulary.SeatState``) every few seconds and on
every change. Only the server clock counts: ``last_seen_at`` is when the server
received the heartbeat, and a seat silent for longer than the offline threshold
(45 s, ``core.protocol.SEAT_OFFLINE_AFTER_SECONDS``) is shown offline; that is
computed on every read, never trusted from the client. A desk's own clock enters
only as a *duration* (``state_age_seconds``, from its monotonic clock), clamped so
a state cannot start before the server last heard the seat in another state.

The board is versioned by the ``seats_version`` counter, bumped by a heartbeat
only when it changes what the board shows (state, reason, label, app version,
outbox depth; and any heartbeat of a seat that had fallen silent); heartbeats that
change nothing only refresh ``last_seen_at`` (which the board shows as of each full
read, outside the version).

Cheap reads: the board's cursor is the version *and* the server time of the read
(``core.protocol.SeatCursor``). A seat going offline by silence changes no row, so
an "unchanged" answer requires both the same version and that no seat's silence
crossed the threshold since the cursor's time: one indexed query for a seat not
reported offline whose ``last_seen_at`` lies in
``[as_of - threshold, now - threshold)`` (online at ``as_of``, offline now). Any
heartbeat from a seat that had fallen silent bumps the version, so the cheap path is
exact in both directions (a property test checks it). Every full read computes the
offline states afresh.

Changed reads: a reader that asks for ``changes_only`` gets, instead of all 1,000
seats, only those whose board content changed since its cursor — the seats whose
``changed_version`` is newer, plus the seats that fell silent in the same window as
above — and merges them into the board it has (``core.protocol.merge_board``). A
team lead polling every 2 s then costs the server a few dozen rows, not the whole
floor, which keeps the heartbeats and pushes of every other seat fast.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import peewee

from hotline_desk.core.protocol import (
    SEAT_OFFLINE_AFTER_SECONDS,
    HeartbeatAck,
    SeatBoard,
    SeatCursor,
    SeatHeartbeat,
    SeatStatus,
    board_order,
    effective_seat_state,
    to_epoch_ms,
)
from hotline_desk.core.vocabulary import Role, SeatState
from hotline_desk.storage.db import advisory_lock
from hotline_desk.storage.server import audit, counters
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import Account, Seat

OFFLINE_AFTER = timedelta(seconds=SEAT_OFFLINE_AFTER_SECONDS)


def heartbeat(
    db: peewee.Database, actor: Actor, beat: SeatHeartbeat, *, now: datetime,
    offline_after: timedelta = OFFLINE_AFTER,
) -> HeartbeatAck:
    """Record a heartbeat of the actor's seat (inside the caller's write transaction)."""
    if actor.account_id is None:
        raise ValueError("a heartbeat needs an account")
    advisory_lock(db, f"seat:{actor.account_id}")
    row = Seat.select().where(Seat.account_id == actor.account_id).get_or_none(db)
    age = timedelta(seconds=beat.state_age_seconds)
    if row is None:
        previous_state, previous_reason = SeatState.OFFLINE, None
        state_since = now - age
        call_started = None
        was_silent = False
    else:
        previous_state = effective_seat_state(SeatState(row.state), row.last_seen_at, now,
                                              offline_after)
        previous_reason = row.reason
        was_silent = now - row.last_seen_at > offline_after
        state_since = row.state_since
        call_started = row.call_started_at
    # A seat heard again after silence always changes the board: it was shown offline
    # (effective state) while its stored (reported) state may say anything.
    status_changed = was_silent or (beat.state, beat.reason) != (previous_state,
                                                                previous_reason)
    if status_changed:
        if row is None:
            state_since = now - age
        elif was_silent:
            state_since = now  # back after silence: the board showed it offline until now
        else:
            state_since = max(now - age, row.last_seen_at)
    if beat.state is SeatState.ON_CALL:
        if previous_state is not SeatState.ON_CALL or call_started is None:
            call_started = state_since
    else:
        call_started = None
    board_changed = row is None or status_changed or (
        (beat.seat_label, beat.app_version, beat.outbox_depth)
        != (row.seat_label, row.app_version, row.outbox_depth))
    values = {
        "seat_label": beat.seat_label, "state": beat.state.value, "reason": beat.reason,
        "state_since": state_since, "last_seen_at": now, "outbox_depth": beat.outbox_depth,
        "app_version": beat.app_version, "call_started_at": call_started,
    }
    if board_changed:
        version = counters.bump(db, counters.SEATS_VERSION)
        values["changed_version"] = version
    else:
        version = counters.read(db, counters.SEATS_VERSION)
    if row is None:
        Seat.insert(account_id=actor.account_id, **values).execute(db)
    else:
        Seat.update(**values).where(Seat.account_id == actor.account_id).execute(db)
    if status_changed:
        audit.record(db, actor, "seat.state", "seat", actor.account_id,
                     {"from": previous_state.value, "to": beat.state.value,
                      "reason": beat.reason, "seat_label": beat.seat_label}, now=now)
    return HeartbeatAck(server_time=now, seats_version=version, changed=board_changed,
                        offline_after_seconds=int(offline_after.total_seconds()))


def sign_off(db: peewee.Database, actor: Actor, *, now: datetime) -> bool:
    """Mark the actor's seat offline (logout); returns whether the board changed."""
    if actor.account_id is None:
        return False
    row = Seat.select().where(Seat.account_id == actor.account_id).get_or_none(db)
    if row is None or row.state == SeatState.OFFLINE.value:
        return False
    version = counters.bump(db, counters.SEATS_VERSION)
    Seat.update(state=SeatState.OFFLINE.value, reason=None, state_since=now,
                call_started_at=None, changed_version=version).where(
        Seat.account_id == actor.account_id).execute(db)
    audit.record(db, actor, "seat.state", "seat", actor.account_id,
                 {"from": row.state, "to": SeatState.OFFLINE.value, "reason": "logout"},
                 now=now)
    return True


def _silence_window(since: datetime, now: datetime, offline_after: timedelta) -> peewee.Expression:
    """Seats online at ``since`` but offline by silence at ``now``.

    Online at ``since``: ``since - last_seen <= offline_after``; offline at ``now``:
    ``now - last_seen > offline_after`` (see ``core.protocol.effective_seat_state``).
    """
    return ((Seat.state != SeatState.OFFLINE.value)
            & (Seat.last_seen_at >= since - offline_after)
            & (Seat.last_seen_at < now - offline_after))


def _silence_crossed(db: peewee.Database, since: datetime, now: datetime,
                     offline_after: timedelta) -> bool:
    return bool(Seat.select(Seat.account_id).where(_silence_window(since, now, offline_after))
                .exists(db))


def _statuses(db: peewee.Database, where: peewee.Expression | None, *, now: datetime,
              offline_after: timedelta) -> list[SeatStatus]:
    query = (Seat.select(Seat.account_id, Seat.seat_label, Seat.state, Seat.reason,
                         Seat.state_since, Seat.last_seen_at, Seat.outbox_depth,
                         Seat.app_version, Seat.call_started_at,
                         Account.username, Account.display_name, Account.role)
             .join(Account, on=(Seat.account_id == Account.id)))
    if where is not None:
        query = query.where(where)
    seats = [
        SeatStatus(
            account_id=account_id, username=username, display_name=display_name,
            role=Role(role), seat_label=seat_label,
            state=effective_seat_state(SeatState(state), last_seen_at, now, offline_after),
            reported_state=SeatState(state), reason=reason, state_since=state_since,
            last_seen_at=last_seen_at, outbox_depth=outbox_depth, app_version=app_version,
            call_started_at=call_started_at,
        )
        for (account_id, seat_label, state, reason, state_since, last_seen_at, outbox_depth,
             app_version, call_started_at, username, display_name, role)
        in query.tuples().execute(db)
    ]
    # sorted here, not in SQL: the same order on every backend and collation
    seats.sort(key=board_order)
    return seats


def board(
    db: peewee.Database, since: str | None, *, now: datetime,
    offline_after: timedelta = OFFLINE_AFTER, changes_only: bool = False,
) -> SeatBoard:
    """The seat board, or an "unchanged" answer when nothing changed since the cursor.

    With ``changes_only`` and a usable cursor the answer lists only the seats whose
    board content changed since it (``delta``): those a heartbeat changed (their
    ``changed_version`` is newer than the cursor's) and those that fell silent since
    the cursor's time. ``core.protocol.merge_board`` applies it to the board the
    reader already has; the result equals a full read (a property test checks it).
    """
    version = counters.read(db, counters.SEATS_VERSION)
    cursor = SeatCursor(version=version, as_of_ms=to_epoch_ms(now)).encode()
    offline_seconds = int(offline_after.total_seconds())
    previous = SeatCursor.decode(since) if since else None
    usable = (previous is not None and previous.version <= version
              and previous.as_of <= now)
    if usable and previous is not None:
        if previous.version == version and not _silence_crossed(db, previous.as_of, now,
                                                                offline_after):
            return SeatBoard(unchanged=True, version=version, cursor=cursor, server_time=now,
                             offline_after_seconds=offline_seconds)
        if changes_only:
            changed = ((Seat.changed_version > previous.version)
                       | _silence_window(previous.as_of, now, offline_after))
            return SeatBoard(unchanged=False, delta=True, version=version, cursor=cursor,
                             server_time=now, offline_after_seconds=offline_seconds,
                             seats=_statuses(db, changed, now=now,
                                             offline_after=offline_after))
    return SeatBoard(unchanged=False, version=version, cursor=cursor, server_time=now,
                     offline_after_seconds=offline_seconds,
                     seats=_statuses(db, None, now=now, offline_after=offline_after))
