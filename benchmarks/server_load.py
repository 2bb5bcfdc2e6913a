"""Load on the sync server: 1,000 seats, a team lead's seat board, 20 ticket pushes a second.

Simulated traffic, all to 127.0.0.1 and bounded in time (``--duration``, default 60 s):

* every seat sends a heartbeat (``PUT /api/v1/seats/me``) every 15 s, and at once on a
  state change (each seat changes state about once a minute: ready, on call, after-call
  work, not ready with a reason, a break);
* one team lead polls the seat board (``GET /api/v1/seats?since=…``) every 2 s;
* desks push tickets (``POST /api/v1/tickets/push``, one dispatched ticket per push) at
  ``--push-rate`` a second (default 20); one push in ten is sent again a few seconds
  later, as a desk does after losing the answer, and must come back ``duplicate`` with
  the same ticket number.

Run 1: SQLite, one real uvicorn process on a free port, data in a temporary directory.
Run 2: PostgreSQL (started here in a temporary directory, as the test suite does) with
two uvicorn processes; the client alternates between their ports (round robin).

Accounts and their sessions are created directly in the database before the servers
start (logging 1,000 seats in would only measure Argon2), and every seat sends one
heartbeat before the measured window opens (the floor is already at work, the board
holds 1,000 seats when the lead's desk makes its first, full read). httpx.AsyncClient with bounded
concurrency (``--concurrency``); a request's latency runs from sending it to the end of
the answer (a request waiting for a free client connection is not yet sent). Printed per
run: requests, errors, p50/p99/max latency per endpoint, the CPU the servers and the
client used; then the tickets counted on the server afterwards against the pushes the
server acknowledged (lost = acknowledged but absent, duplicated = one op id stored twice),
and the resends. Goal: p99 ≤ 100 ms, zero errors, zero lost or duplicated tickets. The
machine's load average is printed too: the client and the servers share its cores.

    .venv/bin/python benchmarks/server_load.py [--duration 60] [--seats 1000]
        [--push-rate 20] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uuid6  # noqa: E402

from hotline_desk.core.protocol import API_PREFIX  # noqa: E402

GOAL_P99_MS = 100.0
HEARTBEAT_SECONDS = 15.0
BOARD_POLL_SECONDS = 2.0
STATE_CHANGE_MEAN_SECONDS = 60.0
RESEND_SHARE = 0.1
UNITS = ["合肥市城市管理局", "合肥市生态环境局", "合肥市市场监督管理局",
         "合肥市住房保障和房产管理局", "合肥市交通运输局", "合肥市人力资源和社会保障局",
         "国网合肥供电公司", "合肥供水集团"]
TOPICS = ["路灯不亮", "噪音扰民", "占道经营", "垃圾清运", "违章停车", "供水中断", "停电",
          "物业纠纷", "欠薪", "食品安全", "油烟污染", "道路破损", "公交线路", "房屋漏水",
          "小区绿化", "施工扰民", "广告牌安全", "共享单车乱停", "暖气不热", "窨井盖缺失"]
DISTRICTS = ["蜀山区", "包河区", "庐阳区", "瑶海区", "高新区", "经开区"]
STATES = [("ready", None), ("on_call", None), ("after_call", None), ("not_ready", "培训"),
          ("break", None)]


# ---------------------------------------------------------------- the server processes


def serve(database_url: str, data_dir: str, port: int) -> None:
    """``--serve`` mode: one real uvicorn process of the app (run in a child process)."""
    import uvicorn

    from hotline_desk.server.app import create_app
    from hotline_desk.server.settings import ServerSettings

    app = create_app(ServerSettings.for_data_dir(Path(data_dir), database_url))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Servers:
    urls: list[str]
    pids: list[int]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)


@contextmanager
def server_processes(database_url: str, data_dir: Path, count: int) -> Iterator[Servers]:
    """Start ``count`` uvicorn processes; yield them; stop them (only them)."""
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        for index in range(count):
            port = free_port()
            log = (data_dir / f"server-{index}.log").open("wb")
            processes.append(subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--serve", database_url,
                 str(data_dir), str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                cwd=ROOT))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield Servers(urls, [process.pid for process in processes])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server at {url} exited with {process.returncode}")
        try:
            if httpx.get(f"{url}{API_PREFIX}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up in {timeout:.0f} s")


# ---------------------------------------------------------------- PostgreSQL


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server, started like the test suite starts it
    (``tests/pg_fixture.py``: initdb + pg_ctl in a temporary directory, unix socket only,
    as the ``postgres`` user when run as root); yields a database URL."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_fixture import find_postgres_bin_dir, running_postgres

    bin_dir = find_postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found (python3 dev.py test "
                           "installs them)")
    with running_postgres(bin_dir, prefix="hotline-bench-pg-",
                          settings="-c shared_buffers=128MB", stop_mode="fast") as server:
        yield server.url(server.create_database(name="hotline_bench"))


# ---------------------------------------------------------------- seeding and counting


@dataclass
class Seeded:
    seat_tokens: list[str]
    lead_token: str


def seed(database_url: str, seats: int) -> Seeded:
    """Migrate, create the seat accounts, a team lead and a session for each."""
    from hotline_desk.core.vocabulary import Role
    from hotline_desk.storage.db import close_database, open_database, write_transaction
    from hotline_desk.storage.migrations import migrate
    from hotline_desk.storage.server import sessions
    from hotline_desk.storage.server.models import Account

    db = open_database(database_url)
    now = datetime.now(UTC)
    try:
        migrate(db)
        with write_transaction(db):
            rows = [{"username": f"seat{i:04d}", "display_name": f"话务员{i:04d}",
                     "role": Role.OPERATOR.value, "password_hash": "-", "created_at": now,
                     "updated_at": now} for i in range(seats)]
            rows.append({"username": "lead", "display_name": "值班长",
                         "role": Role.TEAM_LEAD.value, "password_hash": "-",
                         "created_at": now, "updated_at": now})
            for start in range(0, len(rows), 200):
                Account.insert_many(rows[start:start + 200]).execute(db)
            ids = dict(Account.select(Account.username, Account.id).tuples().execute(db))
            tokens = [sessions.create(db, ids[f"seat{i:04d}"], now=now, ttl=timedelta(hours=4),
                                      client_address="127.0.0.1").token for i in range(seats)]
            lead = sessions.create(db, ids["lead"], now=now, ttl=timedelta(hours=4),
                                   client_address="127.0.0.1").token
    finally:
        close_database(db)
    return Seeded(seat_tokens=tokens, lead_token=lead)


def count_stored(database_url: str) -> tuple[int, dict[str, int]]:
    """Tickets on the server: the total and how often each creating op id occurs."""
    from hotline_desk.storage.db import close_database, open_database, read_transaction
    from hotline_desk.storage.server.tickets_models import TicketRow

    db = open_database(database_url)
    try:
        with read_transaction(db):
            total = TicketRow.select().count(db)
            per_op: dict[str, int] = defaultdict(int)
            for (op_id,) in TicketRow.select(TicketRow.op_id).tuples().execute(db):
                per_op[op_id] += 1
    finally:
        close_database(db)
    return total, per_op


# ---------------------------------------------------------------- the load


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # op id -> ticket number
    resends: int = 0
    resend_mismatches: int = 0
    push_lag: float = 0.0  # the most a push was sent after its planned time (client busy)
    pushed: int = 0
    board_seats: int = 0  # seats on the lead's merged board at the end

    def error(self, name: str, detail: str) -> None:
        self.errors[name] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{name}: {detail}")


def ticket_op(rng: random.Random) -> dict[str, Any]:
    district = rng.choice(DISTRICTS)
    payload = {
        "purpose": "dispatch", "requester_phone": f"139{rng.randrange(10**8):08d}",
        "requester_name": rng.choice(["张", "王", "李", "赵", "刘"]) + "先生",
        "content": f"{district}有市民反映{rng.choice(TOPICS)}问题，请尽快处理",
        "request_type": rng.choice(["complaint", "help", "report"]), "area": "social",
        "channel": "phone", "location": f"合肥市{district}{rng.randrange(1, 400)}号",
        "lead_unit": rng.choice(UNITS), "handling_requirements": "请核实并按期答复诉求人",
        "topic": rng.choice(TOPICS),
    }
    return {"op_id": str(uuid6.uuid7()), "kind": "ticket", "payload": payload}


async def run_load(urls: list[str], seeded: Seeded, *, duration: float, push_rate: float,
                   concurrency: int, seed_value: int, lead_full_reads: bool = False
                   ) -> Results:
    results = Results()
    rng = random.Random(seed_value)
    targets = itertools.cycle(urls)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    loop = asyncio.get_running_loop()
    end = loop.time() + duration
    pending: set[asyncio.Task[Any]] = set()

    def track(task: asyncio.Task[Any]) -> None:
        pending.add(task)
        task.add_done_callback(pending.discard)

    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(10.0)) as client:

        async def call(name: str, method: str, path: str, token: str,
                       **kwargs: Any) -> httpx.Response | None:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.request(
                        method, f"{next(targets)}{API_PREFIX}{path}",
                        headers={"Authorization": f"Bearer {token}"}, **kwargs)
                except httpx.HTTPError as exc:
                    results.error(name, f"{type(exc).__name__}: {exc}")
                    return None
                results.latencies[name].append(time.perf_counter() - started)
            if response.status_code >= 400:
                results.error(name, f"HTTP {response.status_code} {response.text[:160]}")
                return None
            return response

        async def seat(token: str) -> None:
            state, reason = STATES[0]
            next_beat = loop.time() + rng.uniform(0, HEARTBEAT_SECONDS)
            next_change = loop.time() + rng.expovariate(1 / STATE_CHANGE_MEAN_SECONDS)
            while True:
                at = min(next_beat, next_change)
                if at >= end:
                    return
                await asyncio.sleep(max(0.0, at - loop.time()))
                if at == next_change:
                    state, reason = rng.choice([s for s in STATES if s[0] != state])
                    next_change = loop.time() + rng.expovariate(1 / STATE_CHANGE_MEAN_SECONDS)
                body = {"state": state, "reason": reason, "seat_label": "A-01",
                        "app_version": "0.1.0", "outbox_depth": 0}
                await call("PUT /seats/me (heartbeat)", "PUT", "/seats/me", token, json=body)
                next_beat = loop.time() + HEARTBEAT_SECONDS

        async def lead() -> None:
            """The team lead's desk: a full read, then the changed seats every 2 s
            (``changes=only``, merged by account), a full read every 150 polls; with
            ``--lead-full-reads`` every poll reads the whole board instead (the old way)."""
            cursor: str | None = None
            board: dict[int, dict[str, Any]] = {}
            polls = 0
            next_at = loop.time()
            while next_at < end:
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                full = cursor is None or polls % 150 == 0
                params: dict[str, str] = {}
                if cursor is not None and not full:
                    params["since"] = cursor
                if not lead_full_reads:
                    params["changes"] = "only"
                name = "GET /seats (board, full)" if full else (
                    "GET /seats (board, since)" if lead_full_reads
                    else "GET /seats (board, changes)")
                response = await call(name, "GET", "/seats", seeded.lead_token,
                                      params=params or None)
                polls += 1
                if response is not None:
                    answer = response.json()
                    cursor = answer["cursor"]
                    if not answer["unchanged"]:
                        if not answer.get("delta"):
                            board.clear()
                        board.update((seat["account_id"], seat) for seat in answer["seats"])
                    results.board_seats = len(board)
                next_at += BOARD_POLL_SECONDS

        async def push_one(op: dict[str, Any], token: str, resend: bool) -> None:
            name = "POST /tickets/push (resend)" if resend else "POST /tickets/push"
            if not resend:
                results.pushed += 1
            response = await call(name, "POST", "/tickets/push", token, json={"ops": [op]})
            if response is None:
                return
            (result,) = response.json()["results"]
            if resend:
                results.resends += 1
                original = results.acknowledged.get(op["op_id"])
                if result["status"] != "duplicate" or result["server_no"] != original:
                    results.resend_mismatches += 1
                    results.error(name, f"resend answered {result['status']} "
                                        f"{result['server_no']} (original {original})")
                return
            if result["status"] != "applied":
                results.error(name, f"push answered {result['status']}: {result['reason']}")
                return
            results.acknowledged[op["op_id"]] = result["server_no"]
            if rng.random() < RESEND_SHARE:
                track(loop.create_task(resend_later(op, token, rng.uniform(1.0, 5.0))))

        async def resend_later(op: dict[str, Any], token: str, delay: float) -> None:
            await asyncio.sleep(delay)
            await push_one(op, token, resend=True)

        async def pushes() -> None:
            first = loop.time()
            for index in range(round(duration * push_rate)):
                next_at = first + index / push_rate
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                results.push_lag = max(results.push_lag, loop.time() - next_at)
                track(loop.create_task(push_one(ticket_op(rng),
                                                rng.choice(seeded.seat_tokens), False)))

        async def already_working(token: str) -> None:
            async with gate:
                await client.put(f"{next(targets)}{API_PREFIX}/seats/me",
                                 headers={"Authorization": f"Bearer {token}"},
                                 json={"state": "ready", "seat_label": "A-01",
                                       "app_version": "0.1.0", "outbox_depth": 0})

        # Not measured: the floor is already at work when the measurement starts (every
        # seat has sent a heartbeat, so the board holds 1,000 seats and each server
        # process has answered requests before), as it is when a team lead logs in.
        await asyncio.gather(*(already_working(token) for token in seeded.seat_tokens))
        end = loop.time() + duration
        workers = [loop.create_task(seat(token)) for token in seeded.seat_tokens]
        workers += [loop.create_task(lead()), loop.create_task(pushes())]
        await asyncio.gather(*workers)
        while pending:
            await asyncio.gather(*list(pending))
    return results


# ---------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def report(title: str, results: Results, stored: tuple[int, dict[str, int]],
           load: tuple[float, float], usage: str) -> bool:
    print(f"\n== {title} ==")
    print(f"machine load average before/after: {load[0]:.1f} / {load[1]:.1f} "
          f"({os.cpu_count()} cores, shared by the client and the servers)")
    print(usage)
    print(f"{'endpoint':<32}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}")
    worst = 0.0
    for name in sorted(set(results.latencies) | set(results.errors)):
        values = results.latencies.get(name, [])
        p50 = percentile(values, 0.50) * 1000 if values else float("nan")
        p99 = percentile(values, 0.99) * 1000 if values else float("nan")
        top = max(values) * 1000 if values else float("nan")
        worst = max(worst, p99 if values else 0.0)
        print(f"{name:<32}{len(values):>9}{results.errors.get(name, 0):>8}{p50:>9.1f}"
              f"{p99:>9.1f}{top:>9.1f}")
    errors = sum(results.errors.values())
    total, per_op = stored
    acked = set(results.acknowledged)
    lost = len(acked - set(per_op))
    duplicated = sum(1 for count in per_op.values() if count > 1)
    unexpected = len(set(per_op) - acked)
    print(f"total errors: {errors}; pushes sent at most {results.push_lag * 1000:.0f} ms "
          f"after their planned time")
    for sample in results.error_samples:
        print(f"  e.g. {sample}")
    print(f"tickets: pushed {results.pushed}, acknowledged {len(acked)}, on the server {total}, "
          f"lost {lost}, "
          f"duplicated {duplicated}, stored without an acknowledgement {unexpected}")
    print(f"resends: {results.resends}, answered 'duplicate' with the original number: "
          f"{results.resends - results.resend_mismatches}")
    print(f"the lead's board at the end (merged from its reads): {results.board_seats} seats")
    ok = worst <= GOAL_P99_MS and errors == 0 and lost == 0 and duplicated == 0
    print(f"goal (p99 <= {GOAL_P99_MS:.0f} ms, 0 errors, 0 lost, 0 duplicated): "
          f"{'MET' if ok else 'NOT MET'} (worst p99 {worst:.1f} ms)")
    return ok


def run_backend(kind: str, args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="hotline-bench-") as temp:
        data_dir = Path(temp)
        if kind == "sqlite":
            url = f"sqlite:///{data_dir / 'server.db'}"
            return _measure(url, data_dir, 1, "SQLite, 1 uvicorn process", args)
        with postgres_server() as url:
            return _measure(url, data_dir, 2,
                            "PostgreSQL, 2 uvicorn processes (client round robin)", args)


def _measure(url: str, data_dir: Path, processes: int, label: str,
             args: argparse.Namespace) -> bool:
    seeded = seed(url, args.seats)
    with server_processes(url, data_dir, processes) as servers:
        before = os.getloadavg()[0]
        server_cpu, client_cpu = servers.cpu(), time.process_time()
        started = time.monotonic()
        results = asyncio.run(run_load(servers.urls, seeded, duration=args.duration,
                                       push_rate=args.push_rate,
                                       concurrency=args.concurrency, seed_value=args.seed,
                                       lead_full_reads=args.lead_full_reads))
        elapsed = time.monotonic() - started
        server_cpu, client_cpu = servers.cpu() - server_cpu, time.process_time() - client_cpu
        after = os.getloadavg()[0]
    stored = count_stored(url)
    title = (f"{label}: {args.seats} seats, {args.push_rate:g} pushes/s, "
             f"{args.duration:g} s (ran {elapsed:.0f} s)")
    usage = (f"CPU used during the run: server processes {server_cpu:.1f} s, load client "
             f"{client_cpu:.1f} s, in {elapsed:.0f} s of wall time")
    return report(title, results, stored, (before, after), usage)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--serve"]:
        serve(argv[1], argv[2], int(argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--push-rate", type=float, default=20.0, help="pushes per second")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="requests in flight at most (httpx slows down with large pools)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--lead-full-reads", action="store_true",
                        help="the lead reads the whole board at every poll (the old way), "
                             "not only the changed seats")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    outcomes = [run_backend(kind, args) for kind in kinds]
    return 0 if all(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
