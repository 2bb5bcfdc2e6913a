"""The call in progress and the caller's history (第二十条(六) repeat reports, 第三十四条
masking), online from a real server and offline from the cache."""

from __future__ import annotations

from test_services_support import FORM, ServerProcess, desk, run

from hotline_desk.core.protocol import MatterCount
from hotline_desk.services.calls import Call, CallService, caller_key, repeat_warning
from hotline_desk.services.clock import china_now
from hotline_desk.storage.cache import LocalCache


def test_new_call_normalises_masks_and_flags_bad_numbers(cache: LocalCache) -> None:
    calls = CallService(cache)
    seen: list[Call | None] = []
    calls.add_listener(seen.append)
    mobile = calls.new_call("＋86 138-1234-5678")
    assert mobile.phone == "13812345678" and mobile.masked_phone == "138****5678"
    assert mobile.phone_valid and mobile.problem_zh is None
    assert calls.current == mobile and seen == [mobile]
    landline = calls.new_call("（0551）6234 5678")
    assert landline.phone_display == "0551-62345678"
    assert landline.masked_phone == "0551-****5678"
    short = calls.new_call("12345")
    assert not short.phone_valid and short.problem_zh  # a call all the same
    hidden = calls.new_call("")
    assert hidden.masked_phone == "（未显示号码）" and hidden.problem_zh == "请填写诉求人联系电话"
    assert len({mobile.call_id, landline.call_id, short.call_id, hidden.call_id}) == 4
    calls.end_call(mobile)  # not the current call: ignored
    assert calls.current == hidden
    calls.end_call()
    assert calls.current is None and seen[-1] is None


def test_repeat_warning_follows_article_20_6() -> None:
    now = china_now()
    once = MatterCount(matter="place:x", label="路灯不亮", count=1, ticket_nos=["HF1"],
                       last_at=now)
    twice = once.model_copy(update={"count": 2})
    assert repeat_warning([]) is None
    first = repeat_warning([once])
    assert first is not None and "反映过 1 次，本次为第 2 次" in first and "督办" not in first
    third = repeat_warning([twice])
    assert third is not None and "本次为第 3 次" in third and "应列入督办（第二十条(六)）" in third


def test_caller_history_online_then_offline(shared_server: ServerProcess,
                                            cache: LocalCache) -> None:
    phone = "13655550001"
    form = {**FORM, "requester_phone": phone, "topic": "路灯不亮"}

    async def main() -> None:
        async with desk(shared_server.url, cache) as d:
            call = d.calls.new_call(phone)
            empty = await d.calls.caller_history(call)
            assert empty.total == 0 and empty.repeat_warning_zh is None and not empty.offline
            for _ in range(2):
                await d.tickets.save_ticket(call, form)
            await d.engine.flush_now()
            history = await d.calls.caller_history(call)
            assert history.total == 2 and history.phone_masked == "136****0001"
            assert history.matters and history.matters[0].count == 2
            assert history.repeat_warning_zh is not None
            assert "本次为第 3 次" in history.repeat_warning_zh
            assert all(t.masked for t in history.tickets)  # 第三十四条: masked for the desk
            assert phone not in history.tickets[0].model_dump_json()

            # Offline: the kept answer, marked as such, plus this desk's unsent records.
            unsent = await d.tickets.save_ticket(call, form)
            d.api.set_base_url("http://127.0.0.1:9")
            offline = await d.calls.caller_history(call)
            assert offline.offline and offline.total == 2
            assert offline.notice_zh and "离线" in offline.notice_zh
            assert [r.op_id for r in offline.unsent] == [unsent.op_id]
            assert offline.repeat_warning_zh == history.repeat_warning_zh
            kept = await cache.run(cache.refdata.caller_history, caller_key(call.phone))
            assert kept is not None and phone not in kept.body and phone not in kept.caller_key

    run(main())


def test_invalid_number_has_no_history(cache: LocalCache) -> None:
    async def main() -> None:
        calls = CallService(cache)  # no server needed: nothing is asked
        history = await calls.caller_history(calls.new_call("110"))
        assert history.total == 0 and history.tickets == [] and not history.offline

    run(main())
