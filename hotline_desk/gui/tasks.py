"""Running coroutines from Qt slots without losing them or their errors.

qasync 0.28's ``asyncSlot`` wraps a coroutine in a task but keeps no strong
reference to it, so the garbage collector may destroy a task that is still
pending, and an exception in it only reaches the event loop's default handler
(a log line nobody reads). :class:`TaskRunner` is the desk's one way to start
background work from a slot:

* every task is kept in a set until it is done;
* a :class:`~hotline_desk.core.errors.HotlineError` is shown with its
  ``message_zh``; any other exception is logged with its traceback and shown as
  a generic Chinese message — never a crash, never a silent failure;
* a task may pass ``on_error`` to show its error inline instead (e.g. next to
  the login form) — the status bar then is not used.

Slots stay synchronous and thin: they read the widgets and call
``runner.spawn(service.method(...), what_zh="保存工单", on_done=render)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal

from hotline_desk.core.errors import HotlineError

log = logging.getLogger(__name__)

T = TypeVar("T")


def message_for(exc: BaseException, what_zh: str) -> str:
    """The Chinese text the desk shows for a failed task."""
    if isinstance(exc, HotlineError):
        return exc.message_zh
    return f"{what_zh}失败：程序内部错误，已记录日志，请联系管理员"


class TaskRunner(QObject):
    """Starts coroutines as tasks on the running (qasync) loop and keeps them alive."""

    #: A task failed: the Chinese message to show (status bar).
    failed = Signal(str)
    #: The number of running tasks changed (for busy indicators and tests).
    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def tasks(self) -> list[asyncio.Task[Any]]:
        """The tasks still running."""
        return [task for task in self._tasks if not task.done()]

    def spawn(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        what_zh: str = "操作",
        on_done: Callable[[T], object] | None = None,
        on_error: Callable[[str], object] | None = None,
    ) -> asyncio.Task[T] | None:
        """Run ``coro`` as a task; ``on_done(result)`` / ``on_error(message_zh)`` after it.

        Returns None (and runs nothing) once the desk's event loop is closed: a poll
        timer that fires during shutdown must not raise into Qt.
        """
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
        if loop is None or loop.is_closed():
            coro.close()
            log.debug("%s skipped: the event loop is closed", what_zh)
            return None
        task: asyncio.Task[T] = loop.create_task(coro)
        self._tasks.add(task)
        self.busy_changed.emit(len(self._tasks))

        def finished(done: asyncio.Task[T]) -> None:
            self._tasks.discard(done)
            if not shiboken6.isValid(self):
                # the window that started it is gone (logout, quit): nothing to render
                # into, and emitting from a deleted QObject raises
                if not done.cancelled() and done.exception() is not None:
                    log.info("%s ended after its window closed: %s", what_zh,
                             done.exception())
                return
            self.busy_changed.emit(len(self._tasks))
            if done.cancelled():
                return
            exc = done.exception()
            if exc is not None:
                self._report(exc, what_zh, on_error)
                return
            if on_done is not None:
                try:
                    on_done(done.result())
                except Exception as render_exc:  # a rendering bug must not kill the desk
                    self._report(render_exc, what_zh, on_error)

        task.add_done_callback(finished)
        return task

    def _report(
        self, exc: BaseException, what_zh: str, on_error: Callable[[str], object] | None
    ) -> None:
        if isinstance(exc, HotlineError):
            log.warning("%s failed: %s", what_zh, exc.message)
        else:
            log.error("%s failed", what_zh, exc_info=(type(exc), exc, exc.__traceback__))
        message = message_for(exc, what_zh)
        if on_error is not None:
            try:
                on_error(message)
                return
            except Exception:
                log.exception("error handler of %s failed", what_zh)
        self.failed.emit(message)

    def cancel_all(self) -> None:
        """Cancel every pending task (at quit). Saves already handed to the cache
        worker still finish there: cancelling the wait never cancels the write."""
        for task in list(self._tasks):
            task.cancel()
