"""Local records and the atomic save (第十条 refusals are recorded truthfully; 第十一条
a ticket records the request; 第十二条 the handling paths each leave a record)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.vocabulary import TicketState
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import CHINA_TZ
from hotline_desk.storage.cache.tickets import (
    MarkState,
    RecordKind,
    ServerTicket,
    format_local_no,
    parse_local_no,
)

LOCAL_NO = re.compile(r"^本地-\d{8}-\d{4,}$")
DAY = datetime(2026, 11, 29, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path)
    yield opened
    opened.close()


def _rows(cache: LocalCache, table: str) -> int:
    return int(cache.call(lambda: cache.db.database.execute_sql(
        f"SELECT COUNT(*) FROM {table}").fetchone()[0]))


def test_save_returns_a_provisional_number_and_a_uuid7(cache: LocalCache) -> None:
    saved = cache.call(cache.tickets.save_local, "ticket",
                       {"phone": "138****5678", "content": "小区路灯不亮"}, now=DAY)
    assert LOCAL_NO.match(saved.local_no)
    assert saved.local_no == "本地-20261129-0001"
    assert uuid.UUID(saved.op_id).version == 7
    record = cache.call(cache.tickets.get, saved.record_id)
    assert record is not None
    assert (record.op_id, record.local_no, record.number) == (
        saved.op_id, saved.local_no, saved.local_no)
    assert record.is_provisional and record.state is TicketState.PENDING_DISPATCH
    batch = cache.call(cache.outbox.next_batch, 10, DAY)
    assert [(i.op_id, i.kind, i.local_no, i.payload) for i in batch] == [
        (saved.op_id, "ticket", saved.local_no,
         {"phone": "138****5678", "content": "小区路灯不亮"})]


def test_counter_is_per_desk_local_day(cache: LocalCache) -> None:
    """The day is Asia/Shanghai: 17:30 UTC on the 29th is already the 30th at the desk."""
    late_utc = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)
    numbers = [cache.call(cache.tickets.save_local, "ticket", {}, now=moment).local_no
               for moment in (DAY, DAY, late_utc, DAY + timedelta(days=1), DAY)]
    assert numbers == ["本地-20261129-0001", "本地-20261129-0002", "本地-20261130-0001",
                       "本地-20261130-0002", "本地-20261129-0003"]


def test_numbers_stay_unique_across_restarts(tmp_path: Path) -> None:
    seen: list[str] = []
    for _ in range(3):
        cache = LocalCache.open(tmp_path)
        seen += [cache.call(cache.tickets.save_local, "refusal", {}, now=DAY).local_no
                 for _ in range(3)]
        cache.close()
    assert seen == [format_local_no("20261129", n) for n in range(1, 10)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12),
       restart_after=st.integers(min_value=0, max_value=12))
def test_numbers_are_never_reused(tmp_path_factory: pytest.TempPathFactory, days: list[int],
                                  restart_after: int) -> None:
    """Property: whatever the sequence of days and restarts, no number repeats and each
    day counts 1, 2, 3 … without gaps."""
    folder = tmp_path_factory.mktemp("numbers")
    cache = LocalCache.open(folder, synchronous="NORMAL")
    issued: list[str] = []
    try:
        for i, offset in enumerate(days):
            if i == restart_after:
                cache.close()
                cache = LocalCache.open(folder, synchronous="NORMAL")
            issued.append(cache.call(cache.tickets.save_local, "ticket", {},
                                     now=DAY + timedelta(days=offset)).local_no)
    finally:
        cache.close()
    assert len(set(issued)) == len(issued)
    per_day: dict[str, list[int]] = {}
    for number in issued:
        parsed = parse_local_no(number)
        assert parsed is not None
        per_day.setdefault(parsed[0], []).append(parsed[1])
    assert all(counts == list(range(1, len(counts) + 1)) for counts in per_day.values())


def test_a_save_failing_midway_leaves_nothing(cache: LocalCache) -> None:
    """Atomic: the record is inserted, then the outbox insert fails inside the same
    transaction (a real SQLite abort) → neither row, no number used, draft kept."""
    cache.call(cache.drafts.save_draft, "form-1", {"content": "已输入的内容"})

    def install_failing_trigger() -> None:
        cache.db.database.execute_sql(
            "CREATE TEMP TRIGGER outbox_fails BEFORE INSERT ON outbox "
            "BEGIN SELECT RAISE(ABORT, 'disk gave up'); END")

    cache.call(install_failing_trigger)
    with pytest.raises(StorageError) as info:
        cache.call(cache.tickets.save_local, "ticket", {"content": "x"}, now=DAY,
                   draft_key="form-1")
    assert info.value.message_zh
    assert (_rows(cache, "local_record"), _rows(cache, "outbox"),
            _rows(cache, "local_counter")) == (0, 0, 0)
    assert [d.key for d in cache.call(cache.drafts.load_drafts)] == ["form-1"]
    cache.call(lambda: cache.db.database.execute_sql("DROP TRIGGER outbox_fails"))
    assert cache.call(cache.tickets.save_local, "ticket", {}, now=DAY).local_no.endswith("0001")


def test_an_exception_after_the_save_rolls_it_back(cache: LocalCache) -> None:
    """Raising inside the worker's transaction undoes both the record and its operation."""
    def save_then_crash() -> None:
        with cache.db.atomic():
            cache.tickets.save_local("emergency_handoff", {"line": "119"}, now=DAY)
            raise RuntimeError("power cut simulated inside the transaction")

    with pytest.raises(RuntimeError):
        cache.call(save_then_crash)
    assert (_rows(cache, "local_record"), _rows(cache, "outbox")) == (0, 0)
    assert cache.call(cache.outbox.depth) == 0


def test_save_deletes_its_draft_in_the_same_transaction(cache: LocalCache) -> None:
    cache.call(cache.drafts.save_draft, "form-1", {"content": "草稿"})
    cache.call(cache.drafts.save_draft, "form-2", {"content": "另一个"})
    cache.call(cache.tickets.save_local, "ticket", {"content": "草稿"}, draft_key="form-1")
    assert [d.key for d in cache.call(cache.drafts.load_drafts)] == ["form-2"]


@pytest.mark.parametrize(("kind", "state"), [
    ("ticket", TicketState.PENDING_DISPATCH),
    ("refusal", TicketState.REFUSED),  # 第十条: recorded, not deleted
    ("emergency_handoff", TicketState.EMERGENCY_HANDOFF),  # 第十二条(三)
    ("kb_closure", TicketState.ANSWERED_ON_SPOT),  # 第十二条(一)
    ("transfer", TicketState.PENDING_DISPATCH),  # 第十二条(二)
    ("不予受理记录", TicketState.REFUSED),  # the Chinese label works too
])
def test_each_kind_starts_in_its_state(cache: LocalCache, kind: str,
                                       state: TicketState) -> None:
    saved = cache.call(cache.tickets.save_local, kind, {"basis": "第十条"})
    record = cache.call(cache.tickets.get, saved.record_id)
    assert record is not None and record.state is state


def test_bad_input_gets_a_chinese_message(cache: LocalCache) -> None:
    with pytest.raises(DataFormatError) as kind_error:
        cache.call(cache.tickets.save_local, "complaint_letter", {})
    assert "未知的记录类型" in kind_error.value.message_zh
    with pytest.raises(DataFormatError) as payload_error:
        cache.call(cache.tickets.save_local, "ticket", {"when": object()})
    assert "无法保存" in payload_error.value.message_zh
    with pytest.raises(DataFormatError):
        cache.call(cache.tickets.save_local, "ticket", {}, state="lost")
    assert _rows(cache, "local_record") == 0


def test_server_number_replaces_the_provisional_one(cache: LocalCache) -> None:
    saved = cache.call(cache.tickets.save_local, "ticket", {"content": "x"}, now=DAY)
    cache.call(cache.outbox.apply_results,
               [{"op_id": saved.op_id, "status": "applied", "server_no": "HF20261129000123"}])
    by_local = cache.call(cache.tickets.find, saved.local_no)
    by_server = cache.call(cache.tickets.find, "HF20261129000123")
    assert by_local == by_server
    assert by_local is not None and by_local.number == "HF20261129000123"
    assert not by_local.is_provisional and by_local.sync_status == "sent"


def test_pulled_tickets_insert_update_and_ignore_stale(cache: LocalCache) -> None:
    t0 = datetime(2026, 11, 29, 9, 0, tzinfo=CHINA_TZ)
    first = ServerTicket("HF1", "dispatched", t0, {"unit": "市城管局"})
    assert cache.call(cache.tickets.upsert_from_server, [first]) == 1
    newer = ServerTicket("HF1", "contacted", t0 + timedelta(hours=1), {"unit": "市城管局"})
    stale = ServerTicket("HF1", "dispatched", t0 + timedelta(minutes=5), {})
    assert cache.call(cache.tickets.upsert_from_server, [newer, stale]) == 1
    record = cache.call(cache.tickets.find, "HF1")
    assert record is not None
    assert record.state is TicketState.CONTACTED and record.sync_status == "server"
    assert cache.call(cache.tickets.count) == 1
    with pytest.raises(DataFormatError):
        cache.call(cache.tickets.upsert_from_server, [ServerTicket("HF2", "vanished", t0)])


def test_feed_before_acknowledgement_merges_into_the_local_record(cache: LocalCache) -> None:
    """The change feed knows our operation before the push answer arrives: one record."""
    saved = cache.call(cache.tickets.save_local, "ticket", {"content": "x"}, now=DAY)
    feed = ServerTicket("HF9", "dispatched", DAY + timedelta(minutes=1), {"content": "x"},
                        op_id=saved.op_id)
    cache.call(cache.tickets.upsert_from_server, [feed])
    assert cache.call(cache.tickets.count) == 1
    assert cache.call(cache.outbox.depth) == 0
    record = cache.call(cache.tickets.get, saved.record_id)
    assert record is not None
    assert (record.number, record.state) == ("HF9", TicketState.DISPATCHED)
    report = cache.call(cache.outbox.apply_results,
                        [{"op_id": saved.op_id, "status": "duplicate", "server_no": "HF9"}])
    assert report.unchanged == 1


def test_pulled_copy_without_op_id_is_merged_on_acknowledgement(cache: LocalCache) -> None:
    saved = cache.call(cache.tickets.save_local, "ticket", {"content": "x"}, now=DAY)
    cache.call(cache.tickets.upsert_from_server,
               [ServerTicket("HF7", "contacted", DAY + timedelta(hours=2), {"content": "x"})])
    assert cache.call(cache.tickets.count) == 2
    cache.call(cache.outbox.apply_results,
               [{"op_id": saved.op_id, "status": "applied", "server_no": "HF7"}])
    assert cache.call(cache.tickets.count) == 1
    record = cache.call(cache.tickets.find, "HF7")
    assert record is not None and record.id == saved.record_id
    assert record.state is TicketState.CONTACTED  # the server's newer state kept


def test_recent_and_prune_never_drop_unsent_work(cache: LocalCache) -> None:
    old = DAY - timedelta(days=40)
    sent = cache.call(cache.tickets.save_local, "ticket", {"n": 1}, now=old)
    cache.call(cache.tickets.save_local, "refusal", {"n": 2}, now=old)  # never acknowledged
    cache.call(cache.outbox.apply_results,
               [{"op_id": sent.op_id, "status": "applied", "server_no": "HF1"}], old)
    fresh = cache.call(cache.tickets.save_local, "kb_closure", {"n": 3}, now=DAY)
    recent = cache.call(cache.tickets.recent, 10)
    assert [r.payload["n"] for r in recent] == [3, 2, 1]
    assert [r.payload["n"] for r in cache.call(cache.tickets.recent, 10, "refusal")] == [2]
    assert cache.call(cache.tickets.prune, DAY - timedelta(days=30)) == 1
    left = {r.payload["n"] for r in cache.call(cache.tickets.recent, 10)}
    assert left == {2, 3} and fresh.record_id in {r.id for r in cache.call(
        cache.tickets.recent, 10)}


def test_local_number_format_round_trips() -> None:
    assert parse_local_no(format_local_no("20261129", 12)) == ("20261129", 12)
    assert parse_local_no("HF20261129") is None
    assert parse_local_no("本地-2026112-0001") is None
    assert RecordKind.from_label("工单") is RecordKind.TICKET


def test_an_abusive_call_mark_is_a_local_record_with_its_own_number(cache: LocalCache) -> None:
    """第十三条: the mark is listed among this desk's records (骚扰来电标记, 已标记) with its
    sync state; its local number is its only number, so it is not "provisional"; the
    server's answer names the marked ticket, which never becomes the mark's number nor
    swallows the pulled ticket of that number."""
    call_id = "01a2263b-9d68-70ad-a746-cdd8296169ac"
    pulled = ServerTicket("HF20261129000007", "dispatched", DAY, {"content": "路灯"})
    cache.call(cache.tickets.upsert_from_server, [pulled])
    saved = cache.call(cache.tickets.save_local, "abusive_call",
                       {"phone": "13812345678", "note": "辱骂话务员", "call_id": call_id},
                       now=DAY + timedelta(minutes=1))
    mark = cache.call(cache.tickets.get, saved.record_id)
    assert mark is not None
    assert (mark.kind, mark.kind.label) == (RecordKind.ABUSIVE_CALL, "骚扰来电标记")
    assert (mark.state, mark.state.label) == (MarkState.MARKED, "已标记")
    assert mark.sync_status == "pending" and not mark.is_provisional
    assert mark.number == saved.local_no and mark.call_id == call_id
    assert [r.id for r in cache.call(cache.tickets.recent, 10, "abusive_call")] == [mark.id]
    cache.call(cache.outbox.apply_results, [{"op_id": saved.op_id, "status": "applied",
                                             "server_no": pulled.server_no}])
    mark = cache.call(cache.tickets.get, saved.record_id)
    assert mark is not None and mark.sync_status == "sent" and mark.server_no is None
    ticket = cache.call(cache.tickets.find, pulled.server_no)
    assert ticket is not None and ticket.kind is RecordKind.TICKET and ticket.id != mark.id


def test_a_record_without_a_call_id_says_so(cache: LocalCache) -> None:
    saved = cache.call(cache.tickets.save_local, "ticket", {"content": "x"}, now=DAY)
    record = cache.call(cache.tickets.get, saved.record_id)
    assert record is not None and record.call_id is None
