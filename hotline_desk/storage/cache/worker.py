"""The cache's one database thread.

Modelled on Anki's background collection ops (``aqt.operations.CollectionOp`` →
``taskman.run_in_background``): the operation runs on a background thread that owns
the collection, and the result (or error) is delivered back to the caller, here as a
:class:`concurrent.futures.Future`, which services ``await`` on the qasync loop via
:meth:`CacheWorker.run`. The GUI thread never touches SQLite.

Guarantees:

* FIFO: jobs run one at a time in submission order on the worker thread.
* A submitted job always runs to completion. Its future is marked *running* when it
  is queued, so ``Future.cancel()`` — which ``asyncio.wrap_future`` calls when the
  awaiting task is cancelled — cannot drop it: cancelling the *wait* never cancels
  the *save*.
* :meth:`close` finishes every queued job, then runs the finalizer (closing the
  database) on the worker thread. If the program's main thread ends without calling
  :meth:`close`, the worker notices, drains the queue the same way and exits.
* Calling :meth:`submit` from a job (i.e. on the worker thread) runs the nested job
  inline instead of queueing it behind the caller, so it cannot deadlock.
* Errors are translated at this boundary (``translate``: peewee/sqlite3 →
  ``StorageError``) before they reach the caller.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from hotline_desk.core.errors import StorageError

log = logging.getLogger(__name__)

T = TypeVar("T")

_STOP = object()
_IDLE_POLL_SECONDS = 0.5


def _identity(exc: BaseException) -> BaseException:
    return exc


class CacheWorker:
    """A dedicated thread that runs cache jobs one by one."""

    def __init__(
        self,
        name: str = "hotline-desk-cache",
        *,
        translate: Callable[[BaseException], BaseException] = _identity,
    ) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closing = False
        self._translate = translate
        self._finalizers: list[Callable[[], object]] = []
        self._thread = threading.Thread(target=self._loop, name=name, daemon=False)
        self._thread.start()

    # ------------------------------------------------------------------ public API

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def in_worker_thread(self) -> bool:
        return threading.current_thread() is self._thread

    @property
    def closed(self) -> bool:
        return self._closing

    def add_finalizer(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` on the worker thread after the last job, at shutdown."""
        self._finalizers.append(fn)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(*args, **kwargs)``; the future cannot be cancelled once returned."""
        future: Future[T] = Future()
        future.set_running_or_notify_cancel()
        if self.in_worker_thread():
            self._execute(future, fn, args, kwargs)
            return future
        with self._lock:
            if self._closing:
                raise StorageError("desk cache worker is closed",
                                   "本地缓存已关闭，无法再读写（工作台正在退出）")
            self._queue.put((future, fn, args, kwargs))
        return future

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Blocking convenience for the CLI, start-up code and tests (not the GUI)."""
        return self.submit(fn, *args, **kwargs).result()

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Await ``fn(*args, **kwargs)`` run on the worker, from any asyncio loop."""
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    def close(self, timeout: float | None = None) -> bool:
        """Finish queued jobs, run finalizers, stop. True when the thread has ended."""
        with self._lock:
            if not self._closing:
                self._closing = True
                self._queue.put(_STOP)
        if self.in_worker_thread():
            return False  # the loop stops after the current job
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # ------------------------------------------------------------------- internals

    def _execute(self, future: Future[Any], fn: Callable[..., Any],
                 args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            translated = self._translate(exc)
            if translated is not exc and translated.__cause__ is None:
                translated.__cause__ = exc
            future.set_exception(translated)
        else:
            future.set_result(result)

    def _loop(self) -> None:
        main = threading.main_thread()
        while True:
            try:
                item = self._queue.get(timeout=_IDLE_POLL_SECONDS)
            except queue.Empty:
                if not main.is_alive():
                    log.warning("main thread ended without closing the cache; "
                                "finishing queued work and closing")
                    with self._lock:
                        if not self._closing:
                            self._closing = True
                            self._queue.put(_STOP)
                continue
            if item is _STOP:
                break
            future, fn, args, kwargs = item
            self._execute(future, fn, args, kwargs)
        for finalizer in self._finalizers:
            try:
                finalizer()
            except Exception:  # shutdown must go on; the error is logged
                log.exception("cache finalizer %r failed", finalizer)
