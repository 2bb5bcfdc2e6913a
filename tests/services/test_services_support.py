"""Helpers of the desk services tests (imported by conftest.py and the tests; no tests here):
a REAL sync server process, a fault proxy, an in-memory keyring, an async runner.

* :class:`ServerProcess` runs ``python -m hotline_desk server --data-dir TMP --port FREE``
  on a copy of a demo database made once per session with ``server init-demo``; start-up
  is awaited by reading the server's log until uvicorn says it is listening (no sleeps).
  It can be stopped, SIGKILLed and restarted on the same data and port.
* :class:`FaultProxy` is a tiny asyncio TCP proxy in front of the server that can pass
  traffic, reset connections, answer 500 (with or without the protocol header), stall,
  or kill the server when a push request has been forwarded / when its answer starts.
* :func:`run` runs a coroutine with a hard timeout; :func:`eventually` awaits a condition
  (checked on every event-loop turn, with a timeout) instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from hotline_desk.services.api_client import ApiClient, Timeouts
from hotline_desk.services.calls import CallService
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.reference import ReferenceService
from hotline_desk.services.seat import SeatService
from hotline_desk.services.sync import SyncEngine, SyncIntervals
from hotline_desk.services.tickets import TicketService
from hotline_desk.storage.cache import LocalCache

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DEMO_PASSWORD = "Hotline12345"
STARTUP_TIMEOUT = 60.0


# ----------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(coro: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
    """Run ``coro`` on a fresh event loop, failing the test after ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def eventually(condition: Callable[[], bool | Awaitable[bool]],
                     timeout: float = 30.0, what: str = "condition") -> None:
    """Await until ``condition()`` is true (re-checked as the loop runs); no fixed sleeps."""

    async def poll() -> None:
        while True:
            result = condition()
            if not isinstance(result, bool):
                result = await result
            if result:
                return
            await asyncio.sleep(0.02)  # yield to the loop: the condition changes with I/O

    try:
        await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


class MemoryKeyring(KeyringBackend):
    """The OS keyring's job, in memory (the tests must not touch the real keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.secrets[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None


# ------------------------------------------------------------------------- the server


class ServerProcess:
    """A real ``hotline-desk server`` process on its own data folder and port."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.log: deque[str] = deque(maxlen=400)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.data_dir / "server.db"

    def start(self) -> ServerProcess:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self._ready = threading.Event()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "hotline_desk", "server", "--data-dir", str(self.data_dir),
             "--port", str(self.port)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", errors="replace")
        proc = self.proc
        ready = self._ready

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                self.log.append(line.rstrip())
                if "Uvicorn running on" in line:
                    ready.set()
            ready.set()  # the process ended: wake the waiter, which checks poll()

        self._reader = threading.Thread(target=read, daemon=True)
        self._reader.start()
        if not ready.wait(STARTUP_TIMEOUT) or proc.poll() is not None:
            output = "\n".join(self.log)
            self.stop()
            raise RuntimeError(f"sync server did not start:\n{output}")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._join()

    def kill(self) -> None:
        """SIGKILL: the server dies wherever it is (mid-transaction included)."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._join()

    def _join(self) -> None:
        if self._reader is not None:
            self._reader.join(10)
            self._reader = None

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the server's database directly (read-only): counts on the server."""
        uri = f"{self.database.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def fresh_server_dir(demo_database: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_database, target / "server.db")
    return target



FAST = Timeouts(default=httpx.Timeout(5.0), bulk=httpx.Timeout(60.0),
                heartbeat=httpx.Timeout(3.0))


@contextlib.asynccontextmanager
async def desk_api(url: str, *, timeouts: Timeouts = FAST) -> Any:
    """An ApiClient on its own httpx client (closed afterwards)."""
    async with httpx.AsyncClient() as http:
        yield ApiClient(url, http, timeouts=timeouts)


async def logged_in(api: ApiClient, username: str = "operator1") -> ApiClient:
    answer = await api.login(username, DEMO_PASSWORD)
    api.set_token(answer.token)
    return api



# ----------------------------------------------------------------------- fault proxy


class FaultProxy:
    """An asyncio TCP proxy 127.0.0.1:port → the server, with injectable faults.

    ``mode``: ``pass``; ``reset`` (accept, then reset the connection); ``error500``
    (answer HTTP 500 with the server's error body and protocol header); ``bad_gateway``
    (502 without the protocol header, as a load balancer would); ``stall`` (read the
    request, never answer); ``bad_protocol`` (pass, but rewrite the protocol header to
    version 99). ``on_push_forwarded`` / ``on_push_answer``: callbacks run when a
    ``/tickets/push`` request has been forwarded / when the server's answer to it starts
    arriving (before the proxy passes it on). ``drop_push_answer``: close the client
    connection instead of passing the push answer on (the answer is lost).
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.mode = "pass"
        self.on_push_forwarded: Callable[[], None] | None = None
        self.on_push_answer: Callable[[], None] | None = None
        self.drop_push_answer = False
        self.connections = 0
        self.push_requests = 0
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[Any]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._handlers):  # e.g. a stalled request still waiting
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 5)

    @staticmethod
    def _reset(writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            import struct

            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async def _read_request(self, reader: asyncio.StreamReader) -> bytes | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1].strip())
        body = await reader.readexactly(length) if length else b""
        return head + body

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._handlers.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            request = await self._read_request(reader)
            if request is None:
                return
            mode = self.mode
            if mode == "reset":
                self._reset(writer)
                return
            if mode in ("error500", "bad_gateway"):
                body = (b'{"code":"internal_error","message":"injected","protocol":1}'
                        if mode == "error500" else b"<html>502 Bad Gateway</html>")
                headers = [b"HTTP/1.1 " + (b"500 Internal Server Error" if mode == "error500"
                                           else b"502 Bad Gateway"),
                           b"content-length: " + str(len(body)).encode(),
                           b"content-type: " + (b"application/json" if mode == "error500"
                                                else b"text/html")]
                if mode == "error500":
                    headers.append(b"x-hotline-protocol: 1")
                writer.write(b"\r\n".join(headers) + b"\r\n\r\n" + body)
                await writer.drain()
                continue
            if mode == "stall":
                await asyncio.Event().wait()
            is_push = b" /api/v1/tickets/push " in request.split(b"\r\n", 1)[0]
            if is_push:
                self.push_requests += 1
            answer = await self._forward(request, is_push)
            if answer is None:
                self._reset(writer)
                return
            if is_push and self.drop_push_answer:
                self._reset(writer)
                return
            if mode == "bad_protocol":
                answer = answer.replace(b"x-hotline-protocol: 1\r\n", b"x-hotline-protocol: 99\r\n")
            writer.write(answer)
            await writer.drain()

    async def _forward(self, request: bytes, is_push: bool) -> bytes | None:
        """One request to the server on a fresh connection; its whole answer."""
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            return None
        try:
            # One request per upstream connection: ask the server to close after it.
            head, _, body = request.partition(b"\r\n\r\n")
            lines = [line for line in head.split(b"\r\n")
                     if not line.lower().startswith(b"connection:")]
            writer.write(b"\r\n".join([*lines, b"connection: close"]) + b"\r\n\r\n" + body)
            await writer.drain()
            if is_push and self.on_push_forwarded is not None:
                self.on_push_forwarded()
            first = await reader.read(1)
            if not first:
                return None
            if is_push and self.on_push_answer is not None:
                self.on_push_answer()
            rest = await reader.read()
            data = first + rest
            head, _, payload = data.partition(b"\r\n\r\n")
            # Re-frame for the client: same body, without the server's "connection: close".
            lines = [line for line in head.split(b"\r\n")
                     if not line.lower().startswith(b"connection:")]
            if not any(line.lower().startswith((b"content-length:", b"transfer-encoding:"))
                       for line in lines):
                lines.append(b"content-length: " + str(len(payload)).encode())
            return b"\r\n".join(lines) + b"\r\n\r\n" + payload
        except (ConnectionError, OSError):
            return None
        finally:
            with contextlib.suppress(Exception):
                writer.close()


# ------------------------------------------------------------------- a whole desk


class Desk:
    """Every desk service wired the way the composition root wires them."""

    def __init__(self, api: ApiClient, cache: LocalCache, *,
                 intervals: SyncIntervals | None = None) -> None:
        self.api = api
        self.cache = cache
        self.knowledge = KnowledgeService(cache, api=api)
        self.reference = ReferenceService(cache, api)
        self.calls = CallService(cache, api)
        self.seat = SeatService(api)
        self.tickets = TicketService(cache, self.knowledge, self.reference)
        self.engine = SyncEngine(api, cache, self.knowledge, self.seat,
                                 intervals=intervals or SyncIntervals(
                                     heartbeat=3600, flush_poll=3600, pull=3600))
        self.tickets.add_listener(lambda _saved: self.engine.notify_saved())

    async def ready(self) -> Desk:
        await self.knowledge.ensure_ready()
        await self.reference.load()
        await self.reference.refresh_centre()
        return self


@contextlib.asynccontextmanager
async def desk(url: str, cache: LocalCache, username: str | None = "operator1", *,
               timeouts: Timeouts = FAST, pull: bool = True,
               intervals: SyncIntervals | None = None) -> Any:
    """A ready desk (logged in as ``username`` unless None; KB pulled when ``pull``)."""
    async with desk_api(url, timeouts=timeouts) as api:
        if username is not None:
            await logged_in(api, username)
        built = Desk(api, cache, intervals=intervals)
        if pull:
            await built.engine.kb_puller.pull()
        await built.ready()
        try:
            yield built
        finally:
            await built.engine.stop()


# ---------------------------------------------------------- a desk killed mid-sync


class DyingApi(ApiClient):
    """The real client, but the process SIGKILLs itself right before sending a push
    (``die_before_push``: after the local commit, before the push) or right after the
    server's answer arrived (``die_after_push``: after the push, before the answer is
    applied to the outbox)."""

    die_before_push = False
    die_after_push = False

    async def push(self, ops: list[Any]) -> Any:
        if self.die_before_push:
            os.kill(os.getpid(), signal.SIGKILL)
        answer = await super().push(ops)
        if self.die_after_push:
            os.kill(os.getpid(), signal.SIGKILL)
        return answer


#: A valid dispatch form (第十一条 required fields filled in).
FORM: dict[str, Any] = {
    "requester_phone": "138 1234 5678",
    "requester_name": "张先生",
    "content": "小区门口路灯连续三天不亮，晚上出行不安全",
    "request_type": "求助",
    "area": "公共服务",
    "channel": "phone",
    "location": "合肥市蜀山区长江西路100号",
    "lead_unit": "蜀山区城市管理局",
    "handling_requirements": "请三个工作日内修复并回复诉求人",
}


def varied_form(n: int) -> dict[str, Any]:
    """The n-th of many different requests (own caller, own place): not one matter.

    (Tickets of one matter make the server recompute supervision for all of them; that
    is the server's business and not what the desk tests measure.)"""
    return {**FORM, "requester_phone": f"139{n:08d}",
            "location": f"合肥市蜀山区长江西路{n + 1}号",
            "content": f"{FORM['content']}（第{n + 1}件）"}




def desk_child_main(url: str, cache_dir: str, mode: str, count: int) -> None:
    """The desk side of a crash test, run in a child process (see ``spawn_desk_child``).

    Saves ``count`` tickets (each committed locally), prints their operation ids as one
    JSON line, then flushes with a :class:`DyingApi` that kills the process at ``mode``
    (``before_push`` or ``after_push``).
    """
    import json

    async def main() -> None:
        cache = LocalCache.open(Path(cache_dir))
        async with httpx.AsyncClient() as http:
            api = DyingApi(url, http, timeouts=FAST)
            await logged_in(api, "operator1")
            knowledge = KnowledgeService(cache)
            tickets = TicketService(cache, knowledge, ReferenceService(cache))
            call = CallService(cache).new_call("13912345678")
            ids = []
            for n in range(count):
                saved = await tickets.save_ticket(call, varied_form(5_000_000 + n))
                ids.append(saved.op_id)
            print(json.dumps(ids), flush=True)
            api.die_before_push = mode == "before_push"
            api.die_after_push = mode == "after_push"
            engine = SyncEngine(api, cache, knowledge)
            await engine.flush_now()
        raise SystemExit("the desk should have been killed")

    asyncio.run(main())


def spawn_desk_child(url: str, cache_dir: Path, mode: str, count: int
                     ) -> subprocess.CompletedProcess[str]:
    here = Path(__file__).resolve().parent
    code = (f"import sys; sys.path.insert(0, {str(here)!r}); "
            "from test_services_support import desk_child_main; "
            f"desk_child_main({url!r}, {str(cache_dir)!r}, {mode!r}, {count})")
    return subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
