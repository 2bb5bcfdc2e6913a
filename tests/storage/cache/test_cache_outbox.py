"""The outbox API the network flusher drives.

Nothing an operator saved may be lost or duplicated: a ticket (第十一条), a refusal
record (第十条 "如实记录") or an emergency handoff (第十二条(三)) stays in the outbox
until the server acknowledges it, is retried with backoff, and a rejection is kept
for the operator rather than dropped.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import CHINA_TZ
from hotline_desk.storage.cache.outbox import (
    BACKOFF_CAP_SECONDS,
    OutboxStatus,
    PushResult,
    PushStatus,
    backoff_delay,
)

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=CHINA_TZ)


class Draws:
    """A fixed sequence standing in for ``random.random`` (injected, as designed)."""

    def __init__(self, values: list[float]) -> None:
        self.values = list(values)
        self.used = 0

    def __call__(self) -> float:
        value = self.values[self.used % len(self.values)]
        self.used += 1
        return value


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path, rng=Draws([0.5]))
    yield opened
    opened.close()


def _save(cache: LocalCache, n: int, kind: str = "ticket",
          now: datetime = NOW) -> list[str]:
    return [cache.call(cache.tickets.save_local, kind, {"n": i}, now=now).op_id
            for i in range(n)]


def _snapshot(cache: LocalCache) -> tuple[list[tuple[object, ...]], ...]:
    def read() -> tuple[list[tuple[object, ...]], ...]:
        sql = cache.db.database.execute_sql
        return (sql("SELECT * FROM outbox ORDER BY seq").fetchall(),
                sql("SELECT * FROM local_record ORDER BY id").fetchall(),
                sql("SELECT op_id, action, detail FROM outbox_audit ORDER BY id").fetchall())
    return cache.call(read)


# ----------------------------------------------------------------------- batches


def test_next_batch_is_oldest_first_and_limited(cache: LocalCache) -> None:
    ops = _save(cache, 5)
    assert [i.op_id for i in cache.call(cache.outbox.next_batch, 3, NOW)] == ops[:3]
    assert [i.op_id for i in cache.call(cache.outbox.next_batch, 50, NOW)] == ops
    assert cache.call(cache.outbox.next_batch, 0, NOW) == []
    assert cache.call(cache.outbox.depth) == 5


def test_next_batch_skips_items_not_yet_due_rejected_and_sent(cache: LocalCache) -> None:
    a, b, c, d = _save(cache, 4)
    cache.call(cache.outbox.mark_attempt_failed, [a], NOW, "timeout")  # due in 0.5 s
    cache.call(cache.outbox.apply_results, [
        {"op_id": b, "status": "rejected", "reason": "缺少诉求内容"},
        {"op_id": c, "status": "applied", "server_no": "HF3"}], NOW)
    assert [i.op_id for i in cache.call(cache.outbox.next_batch, 10, NOW)] == [d]
    later = NOW + timedelta(seconds=1)
    assert [i.op_id for i in cache.call(cache.outbox.next_batch, 10, later)] == [a, d]
    assert cache.call(cache.outbox.depth) == 2  # a and d still to send
    assert [i.op_id for i in cache.call(cache.outbox.rejected_items)] == [b]


# ----------------------------------------------------------------------- backoff


@given(attempts=st.integers(min_value=1, max_value=10_000),
       draw=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_backoff_stays_within_full_jitter_bounds(attempts: int, draw: float) -> None:
    delay = backoff_delay(attempts, draw)
    ceiling = min(BACKOFF_CAP_SECONDS, 1.0 * 2 ** min(attempts - 1, 62))
    assert 0.0 <= delay <= ceiling <= 300.0
    assert delay == pytest.approx(draw * ceiling)


@given(st.integers(min_value=1, max_value=60))
def test_backoff_ceiling_doubles_until_the_cap(attempts: int) -> None:
    top = backoff_delay(attempts, 0.999999)
    nxt = backoff_delay(attempts + 1, 0.999999)
    assert nxt == pytest.approx(min(2 * top, 300.0 * 0.999999), rel=1e-9)
    assert backoff_delay(attempts, 0.0) == 0.0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draws=st.lists(st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
                      min_size=1, max_size=12))
def test_failed_attempts_schedule_within_bounds(tmp_path_factory: pytest.TempPathFactory,
                                                draws: list[float]) -> None:
    """Each failure pushes the item back by a jittered delay ≤ min(5 min, 2^(n-1) s)."""
    rng = Draws(draws)
    cache = LocalCache.open(tmp_path_factory.mktemp("backoff"), synchronous="NORMAL", rng=rng)
    try:
        (op,) = _save(cache, 1)
        moment = NOW
        for n, draw in enumerate(draws, start=1):
            cache.call(cache.outbox.mark_attempt_failed, [op], moment, f"failure {n}")
            item = cache.call(cache.outbox.get, op)
            assert item is not None and item.attempts == n
            assert item.last_error == f"failure {n}"
            wait = (item.next_attempt_at - moment).total_seconds()
            assert wait == pytest.approx(draw * min(300.0, 2.0 ** (n - 1)), abs=1e-3)
            assert cache.call(cache.outbox.next_batch, 5,
                              moment + timedelta(seconds=wait + 0.01)) != []
            moment = item.next_attempt_at
    finally:
        cache.close()


def test_failure_of_an_already_sent_item_changes_nothing(cache: LocalCache) -> None:
    (op,) = _save(cache, 1)
    cache.call(cache.outbox.apply_results, [{"op_id": op, "status": "applied",
                                             "server_no": "HF1"}])
    assert cache.call(cache.outbox.mark_attempt_failed, [op], NOW, "late timeout") == 0
    item = cache.call(cache.outbox.get, op)
    assert item is not None and item.status is OutboxStatus.SENT and item.attempts == 0


# ---------------------------------------------------------------- apply_results


def test_results_are_applied_per_item_and_never_block_the_rest(cache: LocalCache) -> None:
    a, b, c, d, e = _save(cache, 5)
    report = cache.call(cache.outbox.apply_results, [
        PushResult(a, PushStatus.APPLIED, server_no="HF1"),
        PushResult(b, PushStatus.CONFLICT, reason="该工单已被他人修改"),
        PushResult(c, PushStatus.DUPLICATE, server_no="HF3"),
        {"op_id": d, "status": "rejected", "reason": {"field": "phone", "problem": "缺失"}},
        {"op_id": e, "status": "transient", "reason": "database busy"},
        {"op_id": "01932d1e-0000-7000-8000-00000000dead", "status": "applied"},
    ], NOW)
    assert (report.sent, report.rejected, report.retry_scheduled, report.unchanged) == (
        2, 2, 1, 1)
    statuses = {op: cache.call(cache.outbox.get, op) for op in (a, b, c, d, e)}
    assert {op: i.status for op, i in statuses.items() if i} == {
        a: OutboxStatus.SENT, b: OutboxStatus.REJECTED, c: OutboxStatus.SENT,
        d: OutboxStatus.REJECTED, e: OutboxStatus.PENDING}
    assert statuses[b] and statuses[b].reject_reason == "该工单已被他人修改"
    assert statuses[d] and statuses[d].reject_reason is not None
    assert '"phone"' in statuses[d].reject_reason  # structured reasons kept as JSON text
    assert statuses[e] and statuses[e].attempts == 1
    assert cache.call(cache.tickets.find, "HF3") is not None
    rejected_record = cache.call(cache.tickets.by_op_id, b)
    assert rejected_record is not None and rejected_record.sync_status == "rejected"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statuses=st.lists(st.sampled_from(["applied", "duplicate", "conflict", "rejected"]),
                         min_size=1, max_size=6),
       order=st.randoms(use_true_random=False))
def test_apply_results_is_idempotent(tmp_path_factory: pytest.TempPathFactory,
                                     statuses: list[str], order: object) -> None:
    """Applying the same answers again (a resent acknowledgement) changes nothing."""
    cache = LocalCache.open(tmp_path_factory.mktemp("idem"), synchronous="NORMAL")
    try:
        ops = _save(cache, len(statuses))
        results = [{"op_id": op, "status": s, "server_no": f"HF{i}", "reason": f"原因{i}"}
                   for i, (op, s) in enumerate(zip(ops, statuses, strict=True))]
        cache.call(cache.outbox.apply_results, results, NOW)
        once = _snapshot(cache)
        shuffled = list(results)
        order.shuffle(shuffled)  # type: ignore[attr-defined]
        report = cache.call(cache.outbox.apply_results, shuffled, NOW + timedelta(minutes=1))
        assert _snapshot(cache) == once
        assert report.unchanged == len(results)
    finally:
        cache.close()


def test_bad_result_items_are_refused_in_chinese() -> None:
    with pytest.raises(DataFormatError) as info:
        PushResult.from_mapping({"op_id": "x", "status": "maybe"})
    assert "格式不正确" in info.value.message_zh
    with pytest.raises(DataFormatError):
        PushResult.from_mapping({"status": "applied"})


def test_a_malformed_result_item_does_not_block_the_others(cache: LocalCache) -> None:
    a, b = _save(cache, 2)
    report = cache.call(cache.outbox.apply_results, [
        {"op_id": a, "status": "maybe"},
        {"op_id": b, "status": "applied", "server_no": "HF2"}], NOW)
    assert (report.sent, report.unchanged) == (1, 1)
    assert [i.op_id for i in cache.call(cache.outbox.next_batch, 10, NOW)] == [a]


# ---------------------------------------------------------- rejected items


def test_retry_rejected_after_the_operator_fixes_it(cache: LocalCache) -> None:
    (op,) = _save(cache, 1)
    cache.call(cache.outbox.apply_results,
               [{"op_id": op, "status": "rejected", "reason": "缺少联系电话"}], NOW)
    fixed = {"n": 0, "phone": "138****0000"}
    item = cache.call(cache.outbox.retry_rejected, op, fixed, NOW + timedelta(minutes=3))
    assert (item.op_id, item.status, item.attempts, item.payload) == (
        op, OutboxStatus.PENDING, 0, fixed)  # same op_id: the server de-duplicates
    assert [i.op_id for i in cache.call(cache.outbox.next_batch, 5,
                                        NOW + timedelta(minutes=3))] == [op]
    record = cache.call(cache.tickets.by_op_id, op)
    assert record is not None and record.payload == fixed and record.sync_status == "pending"
    audit = cache.call(cache.outbox.audit_log, op)
    assert [a.action for a in audit] == ["server_rejected", "retry"]
    assert "缺少联系电话" in audit[1].detail
    with pytest.raises(StorageError) as info:
        cache.call(cache.outbox.retry_rejected, op)
    assert "退回" in info.value.message_zh


def test_discard_rejected_keeps_an_audit_line(cache: LocalCache) -> None:
    op, other = _save(cache, 2, kind="refusal")
    cache.call(cache.outbox.apply_results,
               [{"op_id": op, "status": "conflict", "reason": "重复提交"}], NOW)
    cache.call(cache.outbox.discard_rejected, op, "班长确认为重复", NOW)
    assert cache.call(cache.outbox.rejected_items) == []
    assert cache.call(cache.outbox.depth) == 1
    item = cache.call(cache.outbox.get, op)
    assert item is not None and item.status is OutboxStatus.DISCARDED  # kept, not deleted
    record = cache.call(cache.tickets.by_op_id, op)
    assert record is not None and record.sync_status == "discarded"
    (line,) = [a for a in cache.call(cache.outbox.audit_log, op) if a.action == "discard"]
    assert "重复提交" in line.detail and "班长确认为重复" in line.detail
    with pytest.raises(StorageError):
        cache.call(cache.outbox.discard_rejected, other)


def test_bad_retry_payload_is_refused(cache: LocalCache) -> None:
    (op,) = _save(cache, 1)
    cache.call(cache.outbox.apply_results, [{"op_id": op, "status": "rejected"}], NOW)
    with pytest.raises(DataFormatError):
        cache.call(cache.outbox.retry_rejected, op, {"bad": {1, 2}})
    item = cache.call(cache.outbox.get, op)
    assert item is not None and item.status is OutboxStatus.REJECTED


def test_prune_sent_forgets_only_old_acknowledged_operations(cache: LocalCache) -> None:
    a, b = _save(cache, 2)
    cache.call(cache.outbox.apply_results, [{"op_id": a, "status": "applied",
                                             "server_no": "HF1"}], NOW)
    assert cache.call(cache.outbox.prune_sent, NOW - timedelta(days=1)) == 0
    assert cache.call(cache.outbox.prune_sent, NOW + timedelta(days=1)) == 1
    assert cache.call(cache.outbox.get, a) is None
    assert cache.call(cache.outbox.get, b) is not None
    assert cache.call(cache.tickets.find, "HF1") is not None  # the record stays


# ------------------------------------------------------------------- durability


def test_outbox_survives_reopening(tmp_path: Path) -> None:
    cache = LocalCache.open(tmp_path)
    ops = _save(cache, 3)
    cache.call(cache.outbox.mark_attempt_failed, ops[:1], NOW, "offline")
    cache.close()
    again = LocalCache.open(tmp_path)
    try:
        items = again.call(again.outbox.next_batch, 10, NOW + timedelta(hours=1))
        assert [i.op_id for i in items] == ops
        assert [i.payload for i in items] == [{"n": 0}, {"n": 1}, {"n": 2}]
        assert items[0].attempts == 1 and items[0].last_error == "offline"
    finally:
        again.close()


def test_a_crash_keeps_the_same_op_id_for_the_resend(tmp_path: Path) -> None:
    """The process dies right after the save returned (no close, no checkpoint): the
    reopened outbox offers the same operation id, so the server can de-duplicate."""
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from hotline_desk.storage.cache import LocalCache
        cache = LocalCache.open(Path({str(tmp_path)!r}))
        saved = cache.call(cache.tickets.save_local, "emergency_handoff", {{"line": "120"}})
        print(saved.op_id, saved.local_no, flush=True)
        os._exit(0)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    op_id, local_no = result.stdout.split()
    assert (tmp_path / "desk-cache.sqlite3-wal").exists()  # it really died uncheckpointed
    cache = LocalCache.open(tmp_path)
    try:
        (item,) = cache.call(cache.outbox.next_batch, 10)
        assert (item.op_id, item.local_no, item.payload) == (op_id, local_no, {"line": "120"})
        assert not cache.recovery_report.recovered
    finally:
        cache.close()
    conn = sqlite3.connect(tmp_path / "desk-cache.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1
    conn.close()
