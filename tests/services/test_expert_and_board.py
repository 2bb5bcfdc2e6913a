"""The expert seat (第八条) and the team lead's board (第二十条 督办, 第二十七条 考核)
against a real server, fed by an operator desk's real pushes."""

from __future__ import annotations

import pytest
from test_services_support import (
    FORM,
    ServerProcess,
    desk,
    desk_api,
    logged_in,
    run,
    varied_form,
)

from hotline_desk.core.protocol import ConflictError, TransferStatus
from hotline_desk.core.vocabulary import SeatState
from hotline_desk.services.board import LeadBoardService
from hotline_desk.services.clock import china_today
from hotline_desk.services.expert import ExpertService
from hotline_desk.services.seat import SeatService
from hotline_desk.storage.cache import LocalCache


def test_transfer_from_operator_to_expert(shared_server: ServerProcess,
                                          cache: LocalCache) -> None:
    async def main() -> None:
        async with desk(shared_server.url, cache) as operator:
            call = operator.calls.new_call("13700001234")
            await operator.tickets.transfer_to_expert(call, None, "医保异地结算政策疑难")
            assert (await operator.engine.flush_now()).sent == 1
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "expert1")
            expert = ExpertService(api)
            queued = [t for t in await expert.queue() if t.note == "医保异地结算政策疑难"]
            assert len(queued) == 1 and queued[0].masked
            assert queued[0].caller_phone == "137****1234"
            accepted = await expert.accept(queued[0].id)
            assert accepted.status is TransferStatus.ACCEPTED
            assert [t.id for t in await expert.mine()].count(accepted.id) == 1
            detail = await expert.transfer(accepted.id)
            assert not detail.masked and detail.caller_phone == "13700001234"
            with pytest.raises(ConflictError) as taken:
                await expert.accept(accepted.id)
            assert taken.value.message_zh
            done = await expert.complete(accepted.id, "已向来电人解释异地就医备案流程")
            assert done.status is TransferStatus.COMPLETED
            assert accepted.id not in [t.id for t in await expert.queue()]

    run(main())


def test_the_transferred_ticket_is_read_in_full_while_the_expert_holds_it(
        shared_server: ServerProcess, cache: LocalCache) -> None:
    """第八条 专家座席, 第三十四条 数据脱敏: the ticket of a transfer is masked while queued,
    in full for the expert who accepted it, masked again once completed (a stale view
    that still says accepted gets the masked ticket, not an error); a call has none."""
    phone = "13655550007"

    async def main() -> None:
        async with desk(shared_server.url, cache) as operator:
            call = operator.calls.new_call(phone)
            saved = await operator.tickets.save_ticket(call, {**FORM, "requester_phone": phone})
            assert (await operator.engine.flush_now()).sent == 1
            record = await cache.run(cache.tickets.by_op_id, saved.op_id)
            assert record is not None and record.server_no
            number = record.server_no
            await operator.tickets.transfer_to_expert(call, number, "工伤认定疑难，请专家回电")
            await operator.tickets.transfer_to_expert(call, None, "来电咨询，无工单")
            assert (await operator.engine.flush_now()).sent == 2
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "expert1")
            expert = ExpertService(api)
            queued = {t.note: t for t in await expert.queue()}
            item = queued["工伤认定疑难，请专家回电"]
            assert await expert.transferred_ticket(queued["来电咨询，无工单"], "expert1") is None
            before = await expert.transferred_ticket(item, "expert1")
            assert before is not None and before.masked and before.requester_phone == "136****0007"
            accepted = await expert.accept(item.id)
            assert not ExpertService.reads_in_full(accepted, "expert2")
            full = await expert.transferred_ticket(accepted, "expert1")
            assert full is not None and not full.masked and full.requester_phone == phone
            assert full.ticket_no == number
            await expert.complete(accepted.id, "已回电告知工伤认定申请时限")
            after = await expert.transferred_ticket(accepted, "expert1")  # stale: accepted
            assert after is not None and after.masked and after.requester_phone == "136****0007"

    run(main())


def test_lead_board_seats_queue_supervision_and_figures(shared_server: ServerProcess,
                                                        cache: LocalCache) -> None:
    phone = "13688880003"

    async def main() -> None:
        async with desk_api(shared_server.url) as lead_api:
            await logged_in(lead_api, "teamlead1")
            before = await LeadBoardService(lead_api).figures(china_today())
        async with desk(shared_server.url, cache) as operator:
            call = operator.calls.new_call(phone)
            for _ in range(3):  # the same requester, the same matter, 3 times: 第二十条(六)
                await operator.tickets.save_ticket(call, {**FORM, "requester_phone": phone,
                                                          "topic": "噪声扰民"})
            for n in range(4):
                await operator.tickets.save_ticket(call, varied_form(7_000_000 + n))
            await operator.tickets.transfer_to_expert(call, None, "需要专家解答的政策问题")
            assert (await operator.engine.flush_now()).sent == 8

        async with desk_api(shared_server.url) as lead_api, \
                desk_api(shared_server.url) as seat_api:
            await logged_in(lead_api, "teamlead1")
            await logged_in(seat_api, "operator2")
            board = LeadBoardService(lead_api)
            seat = SeatService(seat_api, seat_label="B-03")
            await seat.set_state(SeatState.READY)
            first = await board.seat_board()
            again = await board.seat_board()
            assert board.unchanged_polls == 1 and again.seats == first.seats
            assert again.version == first.version
            await seat.set_state(SeatState.NOT_READY, "培训")
            changed = await board.seat_board()
            mine = next(s for s in changed.seats if s.username == "operator2")
            assert mine.state is SeatState.NOT_READY and mine.reason == "培训"
            # read as the changed seats only, merged into the whole board held here
            assert board.delta_polls == 1 and len(changed.seats) == len(first.seats)
            assert [s.username for s in changed.seats if s.username != "operator2"] == [
                s.username for s in first.seats if s.username != "operator2"]

            queue = await board.transfer_queue()
            assert any(t.note == "需要专家解答的政策问题" for t in queue)
            lists = await board.overdue_and_supervised()
            repeated = [t for t in lists.supervised if t.topic == "噪声扰民"]
            assert repeated, "three reports of one matter by one requester are supervised"
            assert any(s.clause.startswith("第二十条") for s in repeated[-1].supervision)

            figures = await board.figures(china_today())
            assert figures.total - before.total == 7
            # 第二十七条: calls, not records: the 7 tickets and the transfer are one call
            assert figures.calls - before.calls == 1
            assert figures.tickets_per_type.get("求助", 0) >= 7
            assert set(figures.tickets_per_area) <= {"经济调节", "市场监管", "社会管理",
                                                     "公共服务", "生态环境保护"}

    run(main())
