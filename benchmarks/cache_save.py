"""Local save latency of the desk cache, and the cost of durability.

A save is what the operator waits for after pressing 保存 (第十一条: the ticket must be
recorded); target: p99 ≤ 20 ms with 100,000 rows already in the cache, measured
through the cache worker (submit → result, i.e. what a GUI call waits for).

Three variants start from copies of the same pre-filled file:

* ``FULL, 1 txn``     — what the desk does: synchronous=FULL, record + outbox + number
                        in one BEGIN IMMEDIATE transaction;
* ``NORMAL, 1 txn``   — same transaction, synchronous=NORMAL (a commit may be lost on
                        power failure: not acceptable for the outbox, shown for cost);
* ``FULL, per stmt``  — synchronous=FULL but each statement its own transaction (not
                        atomic: a crash between them leaves a record without its
                        outbox operation; shown for cost).

Also prints the start-up check cost (quick_check / integrity_check) at that size.
Run: .venv/bin/python benchmarks/cache_save.py [--rows 100000] [--saves 1000] [--dir D]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import uuid6

from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import CACHE_FILENAME, china_now
from hotline_desk.storage.cache.outbox import OutboxStatus
from hotline_desk.storage.cache.recovery import check_file
from hotline_desk.storage.cache.tickets import allocate_local_no, format_local_no

WARMUP = 20


def ticket_payload(i: int) -> dict[str, Any]:
    return {
        "requester": "张先生", "phone": "138****5678", "channel": "phone",
        "request_type": "complaint", "area": "public_service", "priority": "general",
        "location": "合肥市蜀山区长江西路某小区3栋",
        "content": f"（{i}）市民反映小区路灯连续一周夜间不亮，影响出行安全，"
                   "希望相关部门尽快派人维修，并告知处理进度。" * 3,
    }


def prefill(folder: Path, rows: int) -> None:
    """``rows`` records with their outbox operations (90 % already acknowledged)."""
    cache = LocalCache.open(folder, synchronous="NORMAL")

    def fill() -> None:
        m = cache.db.models
        now = china_now() - timedelta(days=30)
        body = ticket_payload(0)
        with cache.db.atomic():
            for start in range(0, rows, 500):
                records, ops = [], []
                for i in range(start, min(start + 500, rows)):
                    op_id = str(uuid6.uuid7())
                    sent = i % 10 != 0
                    local_no = format_local_no("20261001", i + 1)
                    records.append({
                        "kind": "ticket", "local_no": local_no, "op_id": op_id,
                        "server_no": f"HF{i:08d}" if sent else None, "state": "dispatched",
                        "sync_status": "sent" if sent else "pending", "payload": body,
                        "created_at": now, "updated_at": now})
                    ops.append({
                        "op_id": op_id, "record": i + 1, "kind": "ticket",
                        "local_no": local_no, "payload": body, "created_at": now,
                        "status": OutboxStatus.SENT if sent else OutboxStatus.PENDING,
                        "attempts": 0, "next_attempt_at": now.timestamp(),
                        "server_no": f"HF{i:08d}" if sent else None,
                        "sent_at": now if sent else None})
                m.LocalRecord.insert_many(records).execute()
                m.Outbox.insert_many(ops).execute()
            m.LocalCounter.insert(day="20261001", last=rows).execute()

    cache.call(fill)
    cache.close()


def save_per_statement(cache: LocalCache, kind: str, payload: dict[str, Any]) -> None:
    """The non-atomic variant: every statement commits on its own (autocommit)."""
    m = cache.db.models
    now = china_now()
    op_id = str(uuid6.uuid7())
    local_no = allocate_local_no(m, now)  # 2 statements, 2 commits
    record_id = m.LocalRecord.insert(
        kind=kind, local_no=local_no, op_id=op_id, state="pending_dispatch",
        sync_status="pending", payload=payload, created_at=now, updated_at=now).execute()
    m.Outbox.insert(
        op_id=op_id, record=record_id, kind=kind, local_no=local_no, payload=payload,
        created_at=now, status=OutboxStatus.PENDING, attempts=0,
        next_attempt_at=now.timestamp()).execute()


def measure(folder: Path, synchronous: str, saves: int,
            per_statement: bool) -> list[float]:
    cache = LocalCache.open(folder, synchronous=synchronous)
    save: Callable[..., Any] = (
        (lambda kind, payload: save_per_statement(cache, kind, payload))
        if per_statement else cache.tickets.save_local)
    timings: list[float] = []
    try:
        for i in range(WARMUP + saves):
            payload = ticket_payload(i)
            began = time.perf_counter()
            cache.submit(save, "ticket", payload).result()
            if i >= WARMUP:
                timings.append((time.perf_counter() - began) * 1000)
    finally:
        cache.close()
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to put the benchmark files (default: a temp folder)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="cache-bench-", dir=args.dir))
    try:
        seed = base / "seed"
        began = time.perf_counter()
        prefill(seed, args.rows)
        size_mb = (seed / CACHE_FILENAME).stat().st_size / 2**20
        print(f"pre-filled {args.rows:,} records + {args.rows:,} outbox rows "
              f"({size_mb:.1f} MiB) in {time.perf_counter() - began:.1f} s; folder {base}")

        variants = [("FULL, 1 txn (desk)", "FULL", False),
                    ("NORMAL, 1 txn", "NORMAL", False),
                    ("FULL, per statement", "FULL", True)]
        print(f"\n{args.saves} saves each, through the worker (submit → result), ms:")
        print(f"{'variant':<22}{'p50':>8}{'p99':>8}{'max':>8}{'mean':>8}")
        desk_p99 = 0.0
        for name, mode, per_statement in variants:
            folder = base / uuid.uuid4().hex
            folder.mkdir()
            shutil.copyfile(seed / CACHE_FILENAME, folder / CACHE_FILENAME)
            timings = measure(folder, mode, args.saves, per_statement)
            p99 = percentile(timings, 0.99)
            if per_statement is False and mode == "FULL":
                desk_p99 = p99
            print(f"{name:<22}{percentile(timings, 0.5):8.2f}{p99:8.2f}"
                  f"{max(timings):8.2f}{statistics.fmean(timings):8.2f}")
        verdict = "OK" if desk_p99 <= 20.0 else "OVER TARGET"
        print(f"\ndesk save p99 = {desk_p99:.2f} ms (target ≤ 20 ms): {verdict}")

        print("\nstart-up check at this size:")
        path = seed / CACHE_FILENAME
        for pragma in ("quick_check", "integrity_check"):
            began = time.perf_counter()
            problem = check_file(path, pragma)
            elapsed = time.perf_counter() - began
            print(f"  PRAGMA {pragma:<16}{elapsed * 1000:9.1f} ms  "
                  f"({'ok' if problem is None else problem})")
        began = time.perf_counter()
        cache = LocalCache.open(seed)
        opened = time.perf_counter() - began
        check = cache.recovery_report.check_seconds
        cache.close()
        print(f"  LocalCache.open total {opened * 1000:9.1f} ms (of which check "
              f"{check * 1000:.1f} ms)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
