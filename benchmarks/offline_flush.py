"""Offline saves, then the server comes back: "save first, sync always, lose nothing".

1. A demo sync server is prepared (``server init-demo``) in a temporary folder and started
   on a free 127.0.0.1 port; the desk logs in as ``operator1`` (as a resumed session
   would), then the server is stopped.
2. The desk saves ``--count`` tickets (default 1,000) with the server down, through the
   real ``TicketService`` into a real desk cache (``synchronous=FULL``, what the desk
   uses); each save's latency is what the operator waits for after pressing 保存.
   The sync engine is running the whole time with its production intervals (heartbeat
   15 s, flush backoff up to 30 s), so it is offline and backing off.
3. The server is started again on the same port. The engine notices by itself (its
   heartbeat or a flush retry gets through) and flushes the outbox. Timed: from the
   server accepting connections until the outbox is empty; also the time spent in the
   pushes themselves and the batches.
4. Every ticket is counted on the server (its database, read-only): each operation id
   must exist exactly once. Then the first 200 operations are pushed *again* (a desk
   that lost its acknowledgements): all must answer ``duplicate`` and the count must not
   change.

The tickets are realistic and all different (own caller, own place, five request types
and areas); tickets of one matter make the server recompute supervision of the whole
matter on each new one, which is the server's cost and measured separately.

Run: .venv/bin/python benchmarks/offline_flush.py [--count 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline_desk.core.protocol import PushOp  # noqa: E402
from hotline_desk.services.api_client import ApiClient  # noqa: E402
from hotline_desk.services.calls import CallService  # noqa: E402
from hotline_desk.services.knowledge import KnowledgeService  # noqa: E402
from hotline_desk.services.outbox_flusher import to_push_op  # noqa: E402
from hotline_desk.services.reference import ReferenceService  # noqa: E402
from hotline_desk.services.seat import SeatService  # noqa: E402
from hotline_desk.services.sync import SyncEngine  # noqa: E402
from hotline_desk.services.tickets import TicketService  # noqa: E402
from hotline_desk.storage.cache import LocalCache  # noqa: E402

PASSWORD = "Hotline12345"

TEMPLATES = [
    ("求助", "公共服务", "小区门口路灯不亮，夜间出行不便", "城市管理局", "请尽快修复并回复"),
    ("投诉", "市场监管", "超市销售过期食品，要求核查处理", "市场监督管理局",
     "请依法核查并告知结果"),
    ("举报", "生态环境保护", "工地夜间违规施工噪声扰民", "生态环境局", "请现场核查并依法处理"),
    ("投诉", "社会管理", "小区物业擅自提高停车收费标准", "住房和城乡建设局",
     "请核实收费依据并答复"),
    ("求助", "经济调节", "企业拖欠工资三个月，请求帮助", "人力资源和社会保障局",
     "请协调处理欠薪问题"),
]
DISTRICTS = ["蜀山区", "包河区", "庐阳区", "瑶海区", "高新区"]


def form(n: int) -> dict[str, Any]:
    kind, area, content, unit, requirements = TEMPLATES[n % len(TEMPLATES)]
    district = DISTRICTS[(n // len(TEMPLATES)) % len(DISTRICTS)]
    return {
        "requester_phone": f"1390{n:07d}", "requester_name": "", "channel": "phone",
        "request_type": kind, "area": area, "content": f"{content}（编号{n}）",
        "location": f"合肥市{district}某路{n + 1}号", "lead_unit": f"{district}{unit}",
        "handling_requirements": requirements,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> float:
        """Start; returns the monotonic time at which it accepts connections."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hotline_desk", "server", "--data-dir", str(self.data_dir),
             "--port", str(self.port)], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        ready = threading.Event()
        at: list[float] = []
        proc = self.proc

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                if "Uvicorn running on" in line and not ready.is_set():
                    at.append(time.monotonic())
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(120) or not at:
            raise SystemExit("the sync server did not start")
        return at[0]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)

    def count(self, op_ids: list[str]) -> dict[str, int]:
        conn = sqlite3.connect(f"{(self.data_dir / 'server.db').as_uri()}?mode=ro", uri=True)
        try:
            counts = dict.fromkeys(op_ids, 0)
            for start in range(0, len(op_ids), 500):
                chunk = op_ids[start:start + 500]
                rows = conn.execute(
                    "SELECT op_id, COUNT(*) FROM tickets WHERE op_id IN "
                    f"({','.join('?' * len(chunk))}) GROUP BY op_id", chunk).fetchall()
                counts.update({op_id: n for op_id, n in rows})
            return counts
        finally:
            conn.close()


class TimedApi(ApiClient):
    """The real client, timing each push (benchmark instrumentation only)."""

    pushes: list[tuple[float, float, int]]

    async def push(self, ops: list[PushOp]) -> Any:
        started = time.monotonic()
        try:
            return await super().push(ops)
        finally:
            self.pushes.append((started, time.monotonic(), len(ops)))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(count: int, work: Path) -> int:
    data_dir, cache_dir = work / "server", work / "desk"
    subprocess.run([sys.executable, "-m", "hotline_desk", "server", "init-demo", "--data-dir",
                    str(data_dir)], cwd=ROOT, check=True, capture_output=True)
    server = Server(data_dir, free_port())
    url = f"http://127.0.0.1:{server.port}"
    server.start()
    cache = LocalCache.open(cache_dir)  # synchronous=FULL, as the desk
    try:
        async with httpx.AsyncClient() as http:
            api = TimedApi(url, http)
            api.pushes = []
            login = await api.login("operator1", PASSWORD)
            api.set_token(login.token)
            server.stop()

            knowledge = KnowledgeService(cache, api=api)
            tickets = TicketService(cache, knowledge, ReferenceService(cache, api))
            seat = SeatService(api, seat_label="BENCH-1")
            engine = SyncEngine(api, cache, knowledge, seat)  # production intervals
            tickets.add_listener(lambda _saved: engine.notify_saved())
            engine.start()
            call = CallService(cache).new_call("13900000000")

            latencies: list[float] = []
            op_ids: list[str] = []
            for n in range(count):
                started = time.perf_counter()
                saved = await tickets.save_ticket(call, form(n))
                latencies.append((time.perf_counter() - started) * 1000)
                op_ids.append(saved.op_id)
            await engine.refresh_counts()
            assert engine.status.outbox_depth == count, engine.status
            print(f"saved {count} tickets offline (server down), synchronous=FULL")
            print(f"  local save latency: p50 {pct(latencies, 0.5):.2f} ms, "
                  f"p99 {pct(latencies, 0.99):.2f} ms, max {max(latencies):.2f} ms, "
                  f"mean {statistics.fmean(latencies):.2f} ms")
            print(f"  status: {engine.status.message_zh}")

            api.pushes.clear()
            up_at = server.start()
            drained = asyncio.Event()

            def watch(status: Any) -> None:
                if status.outbox_depth == 0:
                    drained.set()

            remove = engine.add_listener(watch)
            await asyncio.wait_for(drained.wait(), timeout=1800)
            done_at = time.monotonic()
            remove()
            successful = [p for p in api.pushes if p[0] >= up_at]
            first_push = min(p[0] for p in successful)
            pushing = sum(p[1] - p[0] for p in successful)
            print(f"server back: outbox empty after {done_at - up_at:.2f} s "
                  f"(detection {first_push - up_at:.2f} s, then {done_at - first_push:.2f} s "
                  f"flushing: {len(successful)} pushes, {pushing:.2f} s inside the pushes, "
                  f"{count / max(done_at - first_push, 1e-9):.0f} tickets/s)")
            await engine.stop()

            counts = server.count(op_ids)
            wrong = {k: v for k, v in counts.items() if v != 1}
            print(f"on the server: {sum(counts.values())} tickets for {count} operations; "
                  f"not exactly once: {len(wrong)}")
            replay = [to_push_op(i) for i in [await cache.run(cache.outbox.get, op)
                                              for op in op_ids[:200]] if i is not None]
            answer = await api.push(replay)
            statuses = {r.status.value for r in answer.results}
            again = server.count(op_ids)
            print(f"resent {len(replay)} acknowledged operations: answers {sorted(statuses)}; "
                  f"server total still {sum(again.values())}")
            ok = not wrong and statuses == {"duplicate"} and sum(again.values()) == count
            print("RESULT:", "OK — every ticket exactly once" if ok else "FAILED")
            return 0 if ok else 1
    finally:
        server.stop()
        cache.close(60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="offline-flush-"))
    try:
        return asyncio.run(run(args.count, work))
    finally:
        if args.keep:
            print(f"data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
