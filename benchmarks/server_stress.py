"""Load on the sync server from simulated desks: heartbeats, KB polls and seat-board reads.

    .venv/bin/python benchmarks/server_stress.py [--database URL] [--desks 60] [--seconds 20]
                                               [--processes 1]

Starts ``--processes`` real ``hotline-desk server`` processes on loopback against one
database (default: a fresh SQLite file in a temporary folder; give a PostgreSQL URL of an
empty database to measure that), creates accounts, logs every desk in, and then for
``--seconds``: each desk sends a heartbeat every 2 s (changing state now and then)
and polls the KB feed every 5 s (``--beat-interval`` / ``--poll-interval``), one team
lead reads the seat board every second with its cursor, and an admin publishes a KB
entry every 2 s. Desks are spread over the processes round-robin, as a load balancer
would. Prints requests per second and p50/p99 latency per kind of request, and how
many board reads took the cheap path.

Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import itertools
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline_desk.storage.db import (  # noqa: E402
    close_database,
    open_database,
    sqlite_url,
    write_transaction,
)
from hotline_desk.storage.migrations import migrate  # noqa: E402
from hotline_desk.storage.server.models import Account  # noqa: E402
from hotline_desk.storage.server.passwords import cheapest_hasher  # noqa: E402

PASSWORD = "Load-test-1234"
STATES = ["ready", "on_call", "after_call", "ready", "not_ready"]


def start_server(url: str, data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotline_desk", "server", "--data-dir", str(data_dir),
         "--database", url, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    found: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            match = re.search(r"Uvicorn running on (http://[\d.]+:\d+)", line)
            if match:
                found.put(match.group(1))

    threading.Thread(target=drain, daemon=True).start()
    return proc, found.get(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=None)
    parser.add_argument("--desks", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--beat-interval", type=float, default=2.0,
                        help="seconds between a desk's heartbeats (lower it to find the limit)")
    parser.add_argument("--poll-interval", type=float, default=5.0,
                        help="seconds between a desk's KB polls")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hotline-load-"))
    url = args.database or sqlite_url(work / "server.db")
    db = open_database(url)
    migrate(db)
    hasher = cheapest_hasher()
    now = datetime.now(UTC)
    names = [f"desk{n:03d}" for n in range(args.desks)]
    with write_transaction(db):
        for name, role in [*((n, "operator") for n in names), ("lead", "team_lead"),
                           ("admin", "admin")]:
            Account.insert(username=name, display_name=name, role=role,
                           password_hash=hasher.hash(PASSWORD), created_at=now,
                           updated_at=now).execute(db)
    close_database(db)

    servers = [start_server(url, work / f"p{n}") for n in range(args.processes)]
    urls = itertools.cycle([base for _, base in servers])
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    cheap = [0, 0]
    lock = threading.Lock()
    stop = threading.Event()

    def timed(kind: str, http: httpx.Client, method: str, path: str, **kw) -> httpx.Response:
        started = time.perf_counter()
        response = http.request(method, path, **kw)
        elapsed = time.perf_counter() - started
        with lock:
            latencies[kind].append(elapsed)
            if response.status_code >= 400:
                errors[f"{kind} {response.status_code}"] += 1
        return response

    def session(name: str) -> httpx.Client:
        http = httpx.Client(base_url=next(urls), timeout=30)
        token = http.post("/api/v1/auth/login",
                          json={"username": name, "password": PASSWORD}).json()["token"]
        http.headers["Authorization"] = f"Bearer {token}"
        return http

    clients = {name: session(name) for name in [*names, "lead", "admin"]}
    # (logging in is outside the measurement: the first login rehashes the cheap test
    # hashes with the server's real Argon2 parameters, deliberately slow)

    def desk(name: str) -> None:
        http = clients[name]
        rng = random.Random(name)
        state, cursor = "ready", "0"
        next_beat = next_poll = time.monotonic() + rng.random() * args.beat_interval
        while not stop.is_set():
            moment = time.monotonic()
            if moment >= next_beat:
                if rng.random() < 0.2:
                    state = rng.choice(STATES)
                body = {"state": state, "seat_label": name, "app_version": "0.1.0"}
                if state == "not_ready":
                    body["reason"] = "培训"
                timed("heartbeat", http, "PUT", "/api/v1/seats/me", json=body)
                next_beat += args.beat_interval
            if moment >= next_poll:
                page = timed("kb poll", http, "GET", "/api/v1/kb/changes",
                             params={"since": cursor}).json()
                cursor = page.get("next_cursor", cursor)
                next_poll += args.poll_interval
            stop.wait(max(0.0, min(next_beat, next_poll) - time.monotonic()))
        http.close()

    def lead() -> None:
        http = clients["lead"]
        cursor = None
        while not stop.wait(1.0):
            params = {"since": cursor} if cursor else {}
            board = timed("seat board", http, "GET", "/api/v1/seats", params=params).json()
            cursor = board["cursor"]
            with lock:
                cheap[0 if board["unchanged"] else 1] += 1
        http.close()

    def admin() -> None:
        http = clients["admin"]
        for n in itertools.count():
            if stop.wait(2.0):
                break
            entry = f"KB-LOAD-{n}"
            timed("kb write", http, "POST", "/api/v1/kb/entries",
                  json={"id": entry, "title": f"负载测试条目{n}", "answer": "答复口径。"})
        http.close()

    threads = [threading.Thread(target=desk, args=(n,)) for n in names]
    threads += [threading.Thread(target=lead), threading.Thread(target=admin)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(args.seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for proc, _ in servers:
        proc.terminate()
        proc.wait(timeout=20)

    kind_of = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    total = sum(len(v) for v in latencies.values())
    print(f"{kind_of}, {args.processes} server process(es), {args.desks} desks, "
          f"{elapsed:.1f} s: {total} requests, {total / elapsed:.0f} req/s")
    for kind, values in sorted(latencies.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"  {kind:<11} n={len(values):<6} p50={statistics.median(values) * 1000:6.1f} ms"
              f"  p99={p99 * 1000:6.1f} ms")
    print(f"  seat board: {cheap[0]} unchanged (cheap path), {cheap[1]} full reads")
    print(f"  error answers: {dict(errors) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
