"""The cache's dedicated database thread.

A seat keeps taking calls (第十一条: every accepted request becomes a ticket) while the
cache writes: the GUI thread never waits on SQLite, and quitting or cancelling never
loses a save that was already submitted.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline_desk.core.errors import StorageError
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import translate_error
from hotline_desk.storage.cache.worker import CacheWorker

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def worker() -> Iterator[CacheWorker]:
    w = CacheWorker(translate=translate_error)
    yield w
    w.close()


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


def test_jobs_run_in_order_on_one_other_thread(worker: CacheWorker) -> None:
    seen: list[tuple[int, int]] = []
    futures = [worker.submit(lambda i=i: seen.append((i, threading.get_ident())))
               for i in range(20)]
    for f in futures:
        f.result()
    assert [i for i, _ in seen] == list(range(20))
    assert {t for _, t in seen} == {worker.thread.ident}
    assert worker.thread.ident != threading.get_ident()


def test_a_job_may_submit_to_its_own_worker_without_deadlock(worker: CacheWorker) -> None:
    def outer() -> int:
        return worker.submit(lambda: 41).result() + 1

    assert worker.submit(outer).result(timeout=10) == 42


def test_errors_are_translated_at_the_boundary(worker: CacheWorker) -> None:
    def failing() -> None:
        raise sqlite3.OperationalError("database or disk is full")

    future = worker.submit(failing)
    with pytest.raises(StorageError) as info:
        future.result()
    assert isinstance(info.value.__cause__, sqlite3.OperationalError)
    assert info.value.message_zh


def test_other_errors_pass_through_unchanged(worker: CacheWorker) -> None:
    with pytest.raises(ZeroDivisionError):
        worker.submit(lambda: 1 / 0).result()


def test_a_submitted_job_cannot_be_cancelled(worker: CacheWorker) -> None:
    gate = threading.Event()
    worker.submit(gate.wait)
    queued = worker.submit(lambda: "done")
    assert queued.cancel() is False
    gate.set()
    assert queued.result() == "done"


def test_cancelling_the_awaiting_task_does_not_cancel_the_save(cache: LocalCache,
                                                               tmp_path: Path) -> None:
    gate = threading.Event()

    async def scenario() -> str:
        cache.submit(gate.wait)  # the worker is busy, so the save waits in the queue
        task = asyncio.create_task(cache.run(cache.tickets.save_local, "ticket",
                                             {"content": "井盖缺失"}))
        await asyncio.sleep(0)  # let the task submit its job
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gate.set()
        return await cache.run(cache.outbox.depth)  # queued after the save, so after it

    assert asyncio.run(scenario()) == 1
    cache.close()
    assert _count(tmp_path / "desk-cache.sqlite3") == 1


def test_close_finishes_queued_saves_first(tmp_path: Path) -> None:
    cache = LocalCache.open(tmp_path)
    gate = threading.Event()
    cache.submit(gate.wait)
    saves = [cache.submit(cache.tickets.save_local, "ticket", {"n": i}) for i in range(30)]
    closer = threading.Thread(target=cache.close)
    closer.start()
    while not cache.worker.closed:  # close() has been requested …
        pass
    assert not any(f.done() for f in saves)  # … while every save is still queued
    with pytest.raises(StorageError) as info:
        cache.submit(cache.outbox.depth)
    assert "已关闭" in info.value.message_zh
    gate.set()
    closer.join()
    assert [f.result().local_no[-4:] for f in saves] == [f"{i:04d}" for i in range(1, 31)]
    assert not cache.worker.thread.is_alive()
    assert _count(tmp_path / "desk-cache.sqlite3") == 30


def test_run_awaits_from_an_event_loop(cache: LocalCache) -> None:
    async def scenario() -> tuple[int, int]:
        await cache.run(cache.drafts.save_draft, "k", {"content": "x"})
        loop_thread = threading.get_ident()
        worker_thread = await cache.run(threading.get_ident)
        assert worker_thread != loop_thread
        return len(await cache.run(cache.drafts.load_drafts)), worker_thread

    count, thread_id = asyncio.run(scenario())
    assert count == 1 and thread_id == cache.worker.thread.ident


def test_open_async_does_not_block_the_loop(tmp_path: Path) -> None:
    async def scenario() -> LocalCache:
        return await LocalCache.open_async(tmp_path)

    cache = asyncio.run(scenario())
    assert cache.path == tmp_path / "desk-cache.sqlite3"
    assert cache.close()


def test_program_exit_without_close_still_finishes_saves(tmp_path: Path) -> None:
    """The main thread ends with saves queued and no close(): they are still written.

    The worker is held until the main thread has ended, so the saves are provably
    still queued when the program "quits"."""
    script = textwrap.dedent(f"""
        import threading
        from pathlib import Path
        from hotline_desk.storage.cache import LocalCache
        cache = LocalCache.open(Path({str(tmp_path)!r}))
        gate = threading.Event()
        cache.submit(gate.wait)
        for i in range(25):
            cache.submit(cache.tickets.save_local, "ticket", {{"n": i}})
        def release_after_main_ends():
            threading.main_thread().join()
            gate.set()
        threading.Thread(target=release_after_main_ends).start()
        print("main thread done", flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert _count(tmp_path / "desk-cache.sqlite3") == 25
