"""The seat state and its heartbeat, seen on the team lead's board of a real server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_services_support import ServerProcess, desk_api, free_port, logged_in, run

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.protocol import SeatStatus
from hotline_desk.core.vocabulary import SeatState
from hotline_desk.services.seat import STARTUP_REASON, SeatService, check_state


async def _seat_of(lead_url: str, username: str) -> SeatStatus:
    async with desk_api(lead_url) as lead:
        await logged_in(lead, "teamlead1")
        board = await lead.seat_board()
        return next(s for s in board.seats if s.username == username)


def test_state_changes_reach_the_board_at_once(shared_server: ServerProcess) -> None:
    clock = {"now": 1000.0}

    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "operator1")
            seat = SeatService(api, seat_label="A-12", monotonic=lambda: clock["now"])
            changes: list[SeatState] = []
            seat.add_listener(changes.append)
            assert seat.state is SeatState.NOT_READY and seat.reason == STARTUP_REASON
            seat.outbox_depth = lambda: 7
            assert await seat.set_state(SeatState.READY) is True
            assert changes == [SeatState.READY] and not seat.unsent
            shown = await _seat_of(shared_server.url, "operator1")
            assert shown.state is SeatState.READY and shown.seat_label == "A-12"
            assert shown.outbox_depth == 7
            clock["now"] += 5
            await seat.set_state(SeatState.NOT_READY, "  整理工单 ")
            shown = await _seat_of(shared_server.url, "operator1")
            assert shown.state is SeatState.NOT_READY and shown.reason == "整理工单"
        async with desk_api(shared_server.url) as api:
            # The server trusts durations, not wall clocks: a seat first heard after 90 s
            # (by the desk's monotonic clock) in its state started it 90 s ago.
            await logged_in(api, "expert1")
            seat = SeatService(api, monotonic=lambda: clock["now"])
            clock["now"] += 90
            ack = await seat.send_heartbeat()
            shown = await _seat_of(shared_server.url, "expert1")
            assert shown.state is SeatState.NOT_READY and shown.reason == STARTUP_REASON
            assert ack.server_time - shown.state_since >= timedelta(seconds=89)

    run(main())


def test_offline_state_is_kept_and_sent_when_back(own_server: ServerProcess) -> None:
    own_server.start()

    async def main() -> None:
        async with desk_api(own_server.url) as api:
            await logged_in(api, "operator2")
            seat = SeatService(api)
            await seat.set_state(SeatState.READY)
            own_server.stop()
            assert await seat.set_state(SeatState.BREAK) is False  # kept, not raised
            assert seat.state is SeatState.BREAK and seat.unsent
            own_server.start()
            await seat.send_heartbeat()
            assert not seat.unsent
            shown = await _seat_of(own_server.url, "operator2")
            assert shown.state is SeatState.BREAK

    run(main())


def test_bad_states_are_refused_in_chinese() -> None:
    with pytest.raises(DataFormatError) as no_reason:
        check_state(SeatState.NOT_READY, "  ")
    assert no_reason.value.message_zh == "示忙请选择或填写原因"
    with pytest.raises(DataFormatError) as offline:
        check_state(SeatState.OFFLINE, None)
    assert "离线" in offline.value.message_zh
    with pytest.raises(DataFormatError):
        check_state(SeatState.NOT_READY, "很长" * 30)
    assert check_state(SeatState.READY, "ignored") == (SeatState.READY, None)


def test_set_state_offline_server_never_raises_for_the_network() -> None:
    async def main() -> None:
        async with desk_api(f"http://127.0.0.1:{free_port()}") as api:
            api.set_token("not-a-real-token")
            seat = SeatService(api)
            assert await seat.set_state(SeatState.AFTER_CALL) is False
            assert seat.state is SeatState.AFTER_CALL

    run(main())
