""""Save first, sync always, lose nothing" under real faults: a real server process that is
down, killed mid-batch, reset, failing with 500s or stalling, the same batch delivered
twice, and the desk itself SIGKILLed between its local commit and the push and between
the push and the acknowledgement. After recovery every saved record exists exactly once
on the server (counted in the server's database).

第十一条 (what is saved is the operator's record of a request) and 第十条 (a record is a
record: nothing disappears) are what these tests protect.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
from pathlib import Path

import pytest
from test_services_support import (
    FaultProxy,
    ServerProcess,
    Timeouts,
    desk,
    desk_api,
    eventually,
    logged_in,
    run,
    spawn_desk_child,
    varied_form,
)

from hotline_desk.core.errors import NetworkError
from hotline_desk.core.protocol import PushOp
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.outbox_flusher import FlushFailed, to_push_op
from hotline_desk.services.sync import SyncEngine, SyncIntervals
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.outbox import OutboxStatus

FAST_LOOPS = SyncIntervals(heartbeat=0.2, flush_poll=0.2, pull=3600, backoff_base=0.05,
                           backoff_cap=0.3)


_forms = itertools.count(1_000_000 * (os.getpid() % 100))


def _form(n: int) -> dict[str, object]:
    """A distinct request each time (the shared server keeps tickets between tests)."""
    return varied_form(next(_forms))


def _on_server(server: ServerProcess, op_ids: list[str]) -> dict[str, int]:
    """op id → how many tickets the server holds for it (all of them, even zero)."""
    counts = dict.fromkeys(op_ids, 0)
    for start in range(0, len(op_ids), 500):
        chunk = op_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for op_id, count in server.query(
                f"SELECT op_id, COUNT(*) FROM tickets WHERE op_id IN ({marks}) GROUP BY op_id",
                tuple(chunk)):
            counts[op_id] = count
    return counts


def _exactly_once(server: ServerProcess, op_ids: list[str]) -> None:
    counts = _on_server(server, op_ids)
    wrong = {k: v for k, v in counts.items() if v != 1}
    assert not wrong, f"{len(wrong)} of {len(op_ids)} not exactly once on the server: {wrong}"


def test_server_down_at_save_then_back_flushes_by_itself(own_server: ServerProcess,
                                                         cache: LocalCache) -> None:
    own_server.start()

    async def main() -> None:
        async with desk(own_server.url, cache, intervals=FAST_LOOPS) as d:
            own_server.stop()
            d.engine.start()
            await eventually(lambda: d.engine.status.online is False, what="offline status")
            call = d.calls.new_call("13812345678")
            saved = [await d.tickets.save_ticket(call, _form(n)) for n in range(25)]
            await eventually(lambda: d.engine.status.outbox_depth == 25, what="depth 25")
            assert "离线工作中" in d.engine.status.message_zh
            assert "待上传 25 条" in d.engine.status.message_zh
            own_server.start()
            await eventually(lambda: d.engine.status.online and
                             d.engine.status.outbox_depth == 0, timeout=60,
                             what="the outbox to drain after the server came back")
            _exactly_once(own_server, [s.op_id for s in saved])
            assert d.engine.status.last_sync_at is not None

    run(main())


@pytest.mark.parametrize("when", ["request_forwarded", "answer_started"])
def test_server_killed_in_the_middle_of_a_batch(own_server: ServerProcess, cache: LocalCache,
                                                when: str) -> None:
    """SIGKILL of the server while it applies a batch (some, all or none committed) or
    once it has committed and starts answering: the resend creates nothing twice."""
    own_server.start()

    async def main() -> None:
        async with FaultProxy(own_server.port) as proxy, \
                desk(proxy.url, cache) as d:
            call = d.calls.new_call("13812345678")
            saved = [await d.tickets.save_ticket(call, _form(n)) for n in range(150)]
            if when == "request_forwarded":
                proxy.on_push_forwarded = own_server.kill
            else:  # the batch is committed; the server dies as it answers; no answer
                proxy.on_push_answer = own_server.kill
                proxy.drop_push_answer = True
            with pytest.raises(FlushFailed):
                await d.engine.flush_now()
            proxy.on_push_forwarded = proxy.on_push_answer = None
            proxy.drop_push_answer = False
            pending = await cache.run(cache.outbox.depth)
            assert pending == 150  # nothing acknowledged: the answer never arrived
            own_server.start()
            report = await d.engine.flush_now()
            assert report.sent == 150 and report.rejected == 0
            _exactly_once(own_server, [s.op_id for s in saved])
            for item in saved:
                local = await cache.run(cache.tickets.by_op_id, item.op_id)
                assert local is not None and local.server_no
                number = own_server.query("SELECT ticket_no FROM tickets WHERE op_id = ?",
                                          (item.op_id,))[0][0]
                assert local.server_no == number

    run(main())


@pytest.mark.parametrize("mode", ["reset", "error500", "bad_gateway", "stall",
                                  "drop_answer"])
def test_resets_500s_and_timeouts_back_off_then_recover(shared_server: ServerProcess,
                                                         cache: LocalCache, mode: str) -> None:
    async def main() -> None:
        async with FaultProxy(shared_server.port) as proxy, desk(proxy.url, cache) as d:
            call = d.calls.new_call("13812345678")
            saved = [await d.tickets.save_ticket(call, _form(n)) for n in range(30)]
            normal, d.api.timeouts = d.api.timeouts, Timeouts.uniform(1.0)
            if mode == "drop_answer":  # the server applies the batch, the answer is lost
                proxy.drop_push_answer = True
            else:
                proxy.mode = mode
            with pytest.raises(FlushFailed) as failed:
                await d.engine.flush_now()
            assert failed.value.message_zh
            item = await cache.run(cache.outbox.get, saved[0].op_id)
            assert item is not None and item.status is OutboxStatus.PENDING
            assert item.attempts == 1 and item.last_error
            proxy.mode, proxy.drop_push_answer = "pass", False
            d.api.timeouts = normal
            report = await d.engine.flush_now()  # ignores the backoff: retry at once
            assert report.sent == 30
            _exactly_once(shared_server, [s.op_id for s in saved])
            assert d.engine.status.outbox_depth == 0

    run(main())


def test_the_same_batch_delivered_twice(shared_server: ServerProcess, cache: LocalCache) -> None:
    """A batch pushed twice answers ``duplicate`` with the same numbers the second time."""

    async def main() -> None:
        async with desk(shared_server.url, cache) as d:
            call = d.calls.new_call("13812345678")
            for n in range(10):
                await d.tickets.save_ticket(call, _form(n))
            ops: list[PushOp] = [to_push_op(i) for i in
                                 await cache.run(cache.outbox.next_batch, 100)]
            first = await d.api.push(ops)
            second = await d.api.push(ops)
            assert [r.status.value for r in first.results] == ["applied"] * 10
            assert [r.status.value for r in second.results] == ["duplicate"] * 10
            assert [r.server_no for r in first.results] == [r.server_no for r in second.results]
            report = await d.engine.flush_now()  # the desk's own (third) delivery
            assert report.sent == 10
            _exactly_once(shared_server, [op.op_id for op in ops])

    run(main())


@pytest.mark.parametrize("mode", ["before_push", "after_push"])
def test_desk_killed_between_commit_push_and_ack(own_server: ServerProcess, tmp_path: Path,
                                                 mode: str) -> None:
    """SIGKILL of the desk process: after the local commit but before the push, and after
    the server applied the push but before the desk recorded the acknowledgement."""
    own_server.start()
    cache_dir = tmp_path / "killed-desk"
    child = spawn_desk_child(own_server.url, cache_dir, mode, 40)
    assert child.returncode == -signal.SIGKILL, (
        child.stdout + child.stderr + "\n--- server log ---\n" + "\n".join(own_server.log))
    op_ids: list[str] = json.loads(child.stdout.strip().splitlines()[-1])
    assert len(op_ids) == 40
    on_server = _on_server(own_server, op_ids)
    assert set(on_server.values()) == ({0} if mode == "before_push" else {1})

    cache = LocalCache.open(cache_dir, synchronous="NORMAL")
    try:
        assert cache.recovery_report.problem is None
        assert cache.call(cache.outbox.depth) == 40  # the unsent outbox survived the kill

        async def main() -> None:
            async with desk(own_server.url, cache) as d:
                report = await d.engine.flush_now()
                assert report.sent == 40 and report.rejected == 0
                assert d.engine.status.outbox_depth == 0

        run(main())
        _exactly_once(own_server, op_ids)
    finally:
        cache.close(30)


def test_corrupted_cache_is_moved_aside_outbox_salvaged_rest_resynced(
        shared_server: ServerProcess, tmp_path: Path) -> None:
    """A damaged cache file at start-up: detected, moved aside, the unsent outbox
    salvaged and sent, the knowledge base resynced, and the operator told."""
    cache_dir = tmp_path / "desk"
    cache = LocalCache.open(cache_dir, synchronous="NORMAL")

    async def save_offline() -> list[str]:
        async with desk(shared_server.url, cache) as d:
            call = d.calls.new_call("13812345678")
            return [(await d.tickets.save_ticket(call, _form(n))).op_id for n in range(12)]

    op_ids = run(save_offline())
    assert cache.call(cache.kb.count) > 300
    cache.close(30)
    path = cache_dir / "desk-cache.sqlite3"
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100  # the file header is destroyed
    path.write_bytes(bytes(data))

    cache = LocalCache.open(cache_dir, synchronous="NORMAL")
    try:
        report = cache.recovery_report
        assert report.recovered and report.moved_to and report.moved_to[0].exists()
        assert report.salvaged_operations == 12

        async def recover() -> None:
            async with desk(shared_server.url, cache, pull=False) as d:
                assert len(d.knowledge) == 0  # the KB is not salvaged: it is resynced
                d.engine.start()
                # the salvaged operations are counted at start, not only after a push
                await eventually(lambda: d.engine.status.outbox_depth == 12
                                 or d.engine.last_flush is not None, what="counted")
                await eventually(lambda: d.engine.last_flush is not None and
                                 d.engine.status.outbox_depth == 0 and
                                 d.engine.last_kb_pull is not None, timeout=60,
                                 what="salvaged outbox sent and KB resynced")
                notice = d.engine.status.notice_zh or ""
                assert "本地缓存文件已损坏" in notice and "找回未同步的记录 12 条" in notice
                assert notice in d.engine.status.message_zh
                assert d.engine.last_kb_pull.full_resync
                assert len(d.knowledge) > 300 and d.knowledge.search("公积金")

        run(recover())
        _exactly_once(shared_server, op_ids)
    finally:
        cache.close(30)


def test_backoff_grows_with_jitter_and_resets_when_back(shared_server: ServerProcess,
                                                        cache: LocalCache) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            await logged_in(api)
            engine = SyncEngine(api, cache, KnowledgeService(cache), rng=lambda: 0.999,
                                intervals=SyncIntervals(flush_poll=5, backoff_base=1,
                                                        backoff_cap=30))
            assert engine._flush_delay() == 5
            delays = []
            for failures in range(1, 8):
                engine._failures = failures
                delays.append(round(engine._flush_delay(), 2))
            assert delays == [1.0, 2.0, 4.0, 7.99, 15.98, 29.97, 29.97]
            engine._on_connectivity(True)
            assert engine._failures == 0 and engine._catch_up

    run(main())


def test_network_error_at_flush_does_not_lose_or_duplicate(cache: LocalCache,
                                                           shared_server: ServerProcess) -> None:
    """Pushing to nowhere keeps everything pending; nothing is marked sent."""

    async def main() -> None:
        async with desk(shared_server.url, cache) as d:
            call = d.calls.new_call("13812345678")
            saved = await d.tickets.save_ticket(call, _form(1))
            d.api.set_base_url("http://127.0.0.1:9")
            with pytest.raises(FlushFailed) as failed:
                await d.engine.flush_now()
            assert isinstance(failed.value.__cause__, NetworkError)
            item = await cache.run(cache.outbox.get, saved.op_id)
            assert item is not None and item.status is OutboxStatus.PENDING

    run(main())
