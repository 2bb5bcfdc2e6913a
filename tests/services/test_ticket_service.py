"""Saving every way a call can end, locally first, then pushed to a real server
(第十条 refusals recorded truthfully, 第十一条 required fields, 第十二条 handling paths,
第十三条 abusive calls, 第八条 expert seats)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_services_support import (
    FORM,
    ServerProcess,
    desk,
    desk_api,
    eventually,
    logged_in,
    run,
)

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.vocabulary import TicketState
from hotline_desk.services.board import LeadBoardService
from hotline_desk.services.calls import CallService
from hotline_desk.services.clock import china_today
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.reference import ReferenceService
from hotline_desk.services.tickets import TicketService
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.outbox import OutboxStatus
from hotline_desk.storage.cache.tickets import MarkState, RecordKind


@pytest.fixture
def server(shared_server: ServerProcess) -> Iterator[ServerProcess]:
    yield shared_server


def _server_count(server: ServerProcess, op_id: str) -> int:
    return int(server.query("SELECT COUNT(*) FROM tickets WHERE op_id = ?", (op_id,))[0][0])


def test_check_gives_every_problem_in_chinese(server: ServerProcess, cache: LocalCache) -> None:
    """第十一条: contact details, content and category are required."""

    async def main() -> None:
        async with desk(server.url, cache, pull=False) as d:
            problems = d.tickets.check({"content": "灯坏", "request_type": "投诉"}, "dispatch")
            assert problems["requester_phone"] == "请填写诉求人联系电话"
            assert "诉求内容过短" in problems["content"]
            assert "事发地点" in problems["location"]
            assert "承办（牵头）单位" in problems["lead_unit"]
            assert d.tickets.check(FORM, "dispatch") == {}
            call = d.calls.new_call("13812345678")
            with pytest.raises(DataFormatError) as refused:
                await d.tickets.save_ticket(call, {**FORM, "content": ""})
            assert refused.value.message_zh.startswith("请先修改：")
            assert ("表单", "content", "请填写诉求内容") in refused.value.problems
            assert await cache.run(cache.outbox.depth) == 0

    run(main())


def test_every_kind_of_record_is_saved_then_synced_once(server: ServerProcess,
                                                        cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(server.url, cache) as d:
            saved: list[str] = []
            d.tickets.add_listener(lambda s: saved.append(s.local_no))
            call = d.calls.new_call("0551-6234 5678")
            await d.tickets.save_draft("form-1", {**FORM, "content": "正在输入"})
            ticket = await d.tickets.save_ticket(call, {**FORM, "requester_phone": ""},
                                                 draft_key="form-1")
            assert ticket.local_no.startswith("本地-") and ticket.local_no.endswith("-0001")
            assert await d.tickets.load_drafts() == {}  # the draft went with the save
            entry = d.knowledge.search("公积金提取")[0].entry
            closure = await d.tickets.answer_on_spot(call, entry.id)
            refusals = [await d.tickets.refuse(call, reason.code, note="已告知诉求人")
                        for reason in d.reference.refusal_grounds()]
            handoffs = [await d.tickets.emergency_handoff(call, line.code,
                                                          number=None if line.number
                                                          else "96333")
                        for line in d.reference.emergency_lines()]
            marking = await d.tickets.mark_abusive(call, "来电人多次辱骂话务员")
            transfer = await d.tickets.transfer_to_expert(call, None, "社保政策疑难，请专家解答")
            everything = [ticket, closure, *refusals, *handoffs, marking, transfer]
            assert saved == [s.local_no for s in everything]
            assert len({s.local_no for s in everything}) == len(everything)
            assert await cache.run(cache.outbox.depth) == len(everything)

            report = await d.engine.flush_now()
            assert report.sent == len(everything) and report.rejected == 0, \
                await d.tickets.rejected()
            assert d.engine.status.outbox_depth == 0 and d.engine.status.rejected_count == 0
            for record in [ticket, closure, *refusals, *handoffs]:
                assert _server_count(server, record.op_id) == 1
            marks = server.query("SELECT COUNT(*) FROM call_marks WHERE note = ?",
                                 ("来电人多次辱骂话务员",))
            assert marks[0][0] == 1
            transfers = server.query("SELECT COUNT(*) FROM transfers WHERE note = ?",
                                     ("社保政策疑难，请专家解答",))
            assert transfers[0][0] == 1
            local = await cache.run(cache.tickets.find, ticket.local_no)
            assert local is not None and local.server_no and not local.is_provisional
            assert local.state is TicketState.PENDING_DISPATCH  # until the feed says more
            await d.engine.pull_now()
            local = await cache.run(cache.tickets.find, ticket.local_no)
            assert local is not None and local.state is TicketState.DISPATCHED
            # The same batch again: nothing new on the server.
            assert (await d.engine.flush_now()).pushed == 0

    run(main())


def test_the_records_of_one_call_carry_its_call_id_and_count_as_one_call(
        server: ServerProcess, cache: LocalCache) -> None:
    """第十条、第十二条、第十三条、第八条: one call ends in a ticket, a refusal, an emergency
    handoff, an abusive-call mark and an expert transfer; every record carries the call's
    id to the server, a ticket read returns it, and the lead's calls per hour count the
    call once (第二十七条、第三十三条). The mark is listed among this desk's records with
    its sync state like the others."""

    async def main() -> None:
        async with desk_api(server.url) as lead_api:
            await logged_in(lead_api, "teamlead1")
            board = LeadBoardService(lead_api)
            before = await board.figures(china_today())
            async with desk(server.url, cache) as d:
                call = d.calls.new_call("13855550101")
                other = d.calls.new_call("13855550102")
                assert call.call_id != other.call_id
                line = next(li for li in d.reference.emergency_lines() if li.number)
                reason = d.reference.refusal_grounds()[0]
                tickets = [
                    await d.tickets.save_ticket(call, {**FORM, "requester_phone": ""}),
                    await d.tickets.refuse(call, reason.code, content="要求撤销法院判决"),
                    await d.tickets.emergency_handoff(call, line.code),
                ]
                mark = await d.tickets.mark_abusive(call, "来电人辱骂话务员（同一通来电）")
                transfer = await d.tickets.transfer_to_expert(call, None, "同一通来电转专家")
                second = await d.tickets.save_ticket(other, FORM)
                listed = {r.op_id: r for r in await d.tickets.recent()}
                assert listed[mark.op_id].kind is RecordKind.ABUSIVE_CALL
                assert listed[mark.op_id].state is MarkState.MARKED
                assert listed[mark.op_id].sync_status == "pending"
                assert {listed[s.op_id].call_id for s in [*tickets, mark, transfer]} == {
                    call.call_id}

                report = await d.engine.flush_now()
                assert report.sent == 6 and report.rejected == 0, await d.tickets.rejected()
                for saved, call_id in [*[(t, call.call_id) for t in tickets],
                                       (second, other.call_id)]:
                    assert server.query("SELECT call_id FROM tickets WHERE op_id = ?",
                                        (saved.op_id,)) == [(call_id,)]
                assert server.query("SELECT call_id FROM call_marks WHERE op_id = ?",
                                    (mark.op_id,)) == [(call.call_id,)]
                assert server.query("SELECT call_id, reference FROM transfers WHERE note = ?",
                                    ("同一通来电转专家",)) == [(call.call_id, call.call_id)]
                marked = await cache.run(cache.tickets.by_op_id, mark.op_id)
                assert marked is not None and marked.sync_status == "sent"
                assert not marked.is_provisional and marked.number == mark.local_no

                number = (await cache.run(cache.tickets.by_op_id, tickets[0].op_id)).number
                assert (await d.api.ticket(number)).call_id == call.call_id
                await d.engine.pull_now()  # the local copy now comes from the server
                pulled = await cache.run(cache.tickets.by_op_id, tickets[0].op_id)
                assert pulled is not None and pulled.payload.get("call_id") == call.call_id
            after = await board.figures(china_today())
        assert after.total - before.total == 4  # ticket records: 3 of the call + 1
        assert after.calls - before.calls == 2  # but two calls

    run(main())


def test_a_rejected_item_is_kept_with_its_reason_and_never_blocks(server: ServerProcess,
                                                                  cache: LocalCache) -> None:
    """The server refuses an answer citing an entry it does not know; the ticket saved
    next to it goes through; the operator corrects the entry and resends."""

    async def main() -> None:
        async with desk(server.url, cache) as d:
            ghost = KBEntry(id="KB-NOT-ON-SERVER", title="本机独有的条目", answer="口径")
            await d.knowledge.apply_changes([ghost], [])
            call = d.calls.new_call("13900001111")
            bad = await d.tickets.answer_on_spot(call, ghost.id)
            good = await d.tickets.save_ticket(call, FORM)
            report = await d.engine.flush_now()
            assert report.sent == 1 and report.rejected == 1
            rejected = await d.tickets.rejected()
            assert [r.op_id for r in rejected] == [bad.op_id]
            assert rejected[0].reason_zh.startswith("未找到相应记录")
            assert "知识库中没有该条目" in rejected[0].reason_zh
            assert rejected[0].kind_label == "知识库即时办结"
            assert d.engine.status.rejected_count == 1
            assert "服务器退回 1 条" in d.engine.status.message_zh
            assert _server_count(server, good.op_id) == 1
            assert _server_count(server, bad.op_id) == 0

            real = d.knowledge.search("公积金提取")[0].entry
            fixed = {**rejected[0].payload, "kb_entry_id": real.id,
                     "kb_entry_version": real.version}
            await d.tickets.retry_rejected(bad.op_id, fixed)
            assert (await d.engine.flush_now()).sent == 1
            assert await d.tickets.rejected() == []
            assert _server_count(server, bad.op_id) == 1
            item = await cache.run(cache.outbox.get, bad.op_id)
            assert item is not None and item.status is OutboxStatus.SENT

    run(main())


def test_drafts_survive_and_can_be_deleted(server: ServerProcess, cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(server.url, cache, pull=False) as d:
            await d.tickets.save_draft("a", {"content": "第一份"})
            await d.tickets.save_draft("b", {"content": "第二份", "co_units": ["甲", "乙"]})
            await d.tickets.save_draft("a", {"content": "第一份（改）"})
            drafts = await d.tickets.load_drafts()
            assert drafts == {"a": {"content": "第一份（改）"},
                              "b": {"content": "第二份", "co_units": ["甲", "乙"]}}
            assert await d.tickets.delete_draft("a") is True
            assert list(await d.tickets.load_drafts()) == ["b"]

    run(main())


def test_cancelling_the_awaiting_task_never_cancels_the_save(tmp_path: Path) -> None:
    """Quitting cancels pending tasks; a save already handed to the cache still commits."""
    cache = LocalCache.open(tmp_path / "c", synchronous="NORMAL")
    gate = threading.Event()
    queued = threading.Event()
    submit = cache.worker.submit

    def spying_submit(fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        future = submit(fn, *args, **kwargs)
        if getattr(fn, "__name__", "") == "save_local":
            queued.set()
        return future

    cache.worker.submit = spying_submit  # type: ignore[method-assign]
    try:
        async def main() -> None:
            tickets = TicketService(cache, KnowledgeService(cache), ReferenceService(cache))
            busy = cache.submit(gate.wait, 30)  # the worker is busy with an earlier job
            task = asyncio.create_task(
                tickets.save_ticket(CallService(cache).new_call("13812345678"), FORM))
            await eventually(queued.is_set, what="the save to reach the cache worker")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            gate.set()
            await asyncio.wrap_future(busy)

        run(main())
        assert cache.call(cache.outbox.depth) == 1
        assert len(cache.call(cache.tickets.recent, 10)) == 1
    finally:
        gate.set()
        cache.close(30)
