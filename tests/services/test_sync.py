"""The sync engine's loops and status against a real server: status for the status bar
(online, last sync, outbox depth, rejected items, clock skew, provisional calendar
第十四–十八条), heartbeats every interval, an ended session surfaced, and stop() that
neither hangs nor cancels a save."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx
from test_services_support import (
    FAST,
    ServerProcess,
    desk,
    desk_api,
    eventually,
    logged_in,
    run,
    varied_form,
)

from hotline_desk.core.vocabulary import SeatState
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.sync import SyncEngine, SyncIntervals, calendar_is_provisional
from hotline_desk.services.sync_status import SyncStatus
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.models import CHINA_TZ

QUICK = SyncIntervals(heartbeat=0.1, flush_poll=0.1, pull=0.2, backoff_base=0.05,
                      backoff_cap=0.2)


def test_status_tracks_saves_flushes_and_pulls(shared_server: ServerProcess,
                                               cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(shared_server.url, cache, pull=False, intervals=QUICK) as d:
            seen: list[SyncStatus] = []
            d.engine.add_listener(seen.append)
            d.engine.start()
            await eventually(lambda: d.engine.last_kb_pull is not None, what="first KB pull")
            call = d.calls.new_call("13812345678")
            saved = await d.tickets.save_ticket(call, varied_form(8_000_001))
            await eventually(lambda: any(s.outbox_depth == 1 for s in seen), what="depth 1")
            await eventually(lambda: d.engine.status.outbox_depth == 0, what="flushed")
            status = d.engine.status
            assert status.online and status.last_sync_at is not None
            assert status.clock_skew_seconds is not None and not status.clock_skew_warning
            assert status.message_zh.startswith("已连接服务器")
            record = await cache.run(cache.tickets.by_op_id, saved.op_id)
            assert record is not None and record.server_no
            assert len(d.knowledge) > 300  # the pull loop filled the index

    run(main())


def test_heartbeats_repeat_on_their_own(shared_server: ServerProcess,
                                        cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(shared_server.url, cache, "operator2", pull=False,
                        intervals=QUICK) as d, desk_api(shared_server.url) as lead:
            await logged_in(lead, "teamlead1")
            d.seat.seat_label = "C-07"
            d.engine.start()
            acks: list[datetime] = []

            async def three_acks() -> bool:
                ack = d.seat.last_ack
                if ack is not None and (not acks or ack.server_time != acks[-1]):
                    acks.append(ack.server_time)
                return len(acks) >= 3

            await eventually(three_acks, what="three heartbeats")
            board = await lead.seat_board()
            mine = next(s for s in board.seats if s.username == "operator2")
            assert mine.seat_label == "C-07" and mine.state is SeatState.NOT_READY

    run(main())


def test_a_slow_desk_clock_is_flagged(shared_server: ServerProcess, cache: LocalCache) -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as http:
            api = ApiClient(shared_server.url, http, timeouts=FAST,
                            clock=lambda: time.time() - 300)
            await logged_in(api)
            engine = SyncEngine(api, cache, KnowledgeService(cache), intervals=QUICK)
            engine.start()
            try:
                await api.health()
                await eventually(lambda: engine.status.clock_skew_warning, what="skew warning")
                assert 290 < (engine.status.clock_skew_seconds or 0) < 310
                assert "本机时钟比服务器慢约 5 分钟" in engine.status.message_zh
            finally:
                await engine.stop()

    run(main())


def test_an_ended_session_is_told_to_the_operator(shared_server: ServerProcess,
                                                  cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(shared_server.url, cache, pull=False, intervals=QUICK) as d:
            await d.tickets.save_ticket(d.calls.new_call("13812345678"), varied_form(8_000_002))
            await d.api.logout()
            d.api.set_token("expired-token")
            d.engine.start()
            await eventually(lambda: d.engine.status.notice_zh == "登录已失效，请重新登录",
                             what="the session notice")
            assert "登录已失效" in d.engine.status.message_zh
            assert d.engine.status.outbox_depth == 1  # kept for after the next login

    run(main())


def test_stop_neither_hangs_nor_cancels_saves(shared_server: ServerProcess,
                                              cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(shared_server.url, cache, pull=False, intervals=QUICK) as d:
            for round_ in range(5):
                d.engine.start()
                call = d.calls.new_call("13812345678")
                saves = [asyncio.create_task(d.tickets.save_ticket(
                    call, varied_form(8_100_000 + round_ * 10 + n))) for n in range(5)]
                await asyncio.sleep(0)
                await asyncio.wait_for(d.engine.stop(), 10)
                assert not d.engine.running
                await asyncio.gather(*saves)
            assert len(await cache.run(cache.tickets.recent, 100)) == 25

    run(main())


def test_provisional_calendar_flag() -> None:
    """第十四–十八条: beyond the State Council's published years the deadlines are 暂定."""
    assert calendar_is_provisional(datetime(2099, 6, 1, tzinfo=CHINA_TZ))
    assert not calendar_is_provisional(datetime(2024, 6, 3, tzinfo=CHINA_TZ))
