"""The sync engine: "save first, sync always, lose nothing" (desk half).

Saving never waits for the network: a save commits the record and its outbox
operation locally and returns (``services.tickets``). This engine moves things
between the cache and the server in the background, on the event loop:

* **flusher** (:mod:`.outbox_flusher`): pushes the outbox in batches whenever
  something was saved, every few seconds for due retries, and at once — ignoring
  the per-item backoff — when the connection comes back. A push that fails as a whole
  backs off exponentially with full jitter (1 s doubling to 30 s) at the engine level
  and per item in the outbox;
* **pull** every minute and when the connection comes back: knowledge-base changes
  (:mod:`.kb_pull`, index updated incrementally, full resync when the server says the
  cursor is too old), this seat's ticket changes (:mod:`.ticket_pull`) and, when the
  engine has the reference service, the refusal scripts and emergency lines the centre
  published (:mod:`.reference_pull`, 第十条/第十二条(三)/第三十一条);
* **heartbeat** of the seat every 15 s (:class:`.seat.SeatService`; a state change
  sends one at once, outside this loop and never through the outbox).

:attr:`SyncEngine.status` (:class:`.sync_status.SyncStatus`) is what the status bar
shows; listeners get every new value. :meth:`SyncEngine.stop` stops the loops; a save
already handed to the cache worker is never cancelled (the worker finishes every job
it was given), and an unsent outbox simply waits in the cache file for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hotline_desk.core.deadlines import due_after
from hotline_desk.core.errors import AuthError, HotlineError
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_now, skew_warning
from hotline_desk.services.kb_pull import KBPuller, KBPullReport
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.listeners import Listeners
from hotline_desk.services.outbox_flusher import FlushFailed, FlushReport, OutboxFlusher
from hotline_desk.services.reference import ReferenceService
from hotline_desk.services.reference_pull import ReferencePuller, ReferencePullReport
from hotline_desk.services.seat import SeatService
from hotline_desk.services.sync_status import SyncStatus, compose_message
from hotline_desk.services.ticket_pull import TicketPuller, TicketPullReport
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.outbox import backoff_delay

log = logging.getLogger(__name__)

#: The completion limit of a non-consultation ticket (第十七条): the calendar is
#: provisional for the desk when such a deadline, counted from today, is.
_LONGEST_LIMIT_DAYS = 10


@dataclass(frozen=True, slots=True)
class SyncIntervals:
    heartbeat: float = 15.0
    flush_poll: float = 5.0
    pull: float = 60.0
    backoff_base: float = 1.0
    backoff_cap: float = 30.0


def calendar_is_provisional(today: datetime, calendar: WorkCalendar | None = None) -> bool:
    """Whether a ticket received today would get a provisional deadline (暂定)."""
    return due_after(calendar or WorkCalendar(), today.date(), _LONGEST_LIMIT_DAYS).provisional


def _counts(cache: LocalCache) -> tuple[int, int]:
    return cache.outbox.depth(), len(cache.outbox.rejected_items())


class SyncEngine:
    """Background synchronisation of one logged-in desk (see the module docstring)."""

    def __init__(
        self,
        api: ApiClient,
        cache: LocalCache,
        knowledge: KnowledgeService,
        seat: SeatService | None = None,
        *,
        intervals: SyncIntervals | None = None,
        pull_tickets: bool = True,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], datetime] = china_now,
        reference: ReferenceService | None = None,
    ) -> None:
        self._api = api
        self._cache = cache
        self._knowledge = knowledge
        self._seat = seat
        self.intervals = intervals or SyncIntervals()
        self._pull_tickets = pull_tickets
        self._rng = rng
        self._clock = clock
        self.flusher = OutboxFlusher(api, cache)
        self.kb_puller = KBPuller(api, cache, knowledge)
        self.ticket_puller = TicketPuller(api, cache)
        self.reference_puller = (ReferencePuller(api, cache, reference)
                                 if reference is not None else None)
        self._listeners: Listeners[SyncStatus] = Listeners()
        initial = SyncStatus(online=bool(api.online))
        self.status = replace(initial, message_zh=compose_message(initial))
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._side_tasks: set[asyncio.Task[None]] = set()
        self._flush_wake = asyncio.Event()
        self._pull_wake = asyncio.Event()
        self._failures = 0
        self._catch_up = True
        self._removers: list[Callable[[], None]] = []
        self._pull_lock = asyncio.Lock()
        self.last_flush: FlushReport | None = None
        self.last_kb_pull: KBPullReport | None = None
        self.last_ticket_pull: TicketPullReport | None = None
        self.last_reference_pull: ReferencePullReport | None = None
        if seat is not None:
            seat.outbox_depth = lambda: self.status.outbox_depth

    # ----------------------------------------------------------------- status

    def add_listener(self, callback: Callable[[SyncStatus], object]) -> Callable[[], None]:
        return self._listeners.add(callback)

    def _update(self, **changes: Any) -> None:
        status = replace(self.status, **changes)
        status = replace(status, message_zh=compose_message(status))
        if status != self.status:
            self.status = status
            self._listeners.notify(status)

    def _on_connectivity(self, online: bool) -> None:
        self._update(online=online)
        if online:
            self._failures = 0
            self._catch_up = True
            self._flush_wake.set()
            self._pull_wake.set()

    def _on_skew(self, skew: float) -> None:
        self._update(clock_skew_seconds=round(skew, 3), clock_skew_warning=skew_warning(skew))

    async def refresh_counts(self) -> None:
        depth, rejected = await self._cache.run(_counts, self._cache)
        self._update(outbox_depth=depth, rejected_count=rejected)

    def notice(self, text: str | None) -> None:
        """A message for the operator kept in the status until replaced."""
        self._update(notice_zh=text)

    # ---------------------------------------------------------------- lifecycle

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self._tasks)

    def start(self) -> None:
        """Start the loops (on the running event loop). Idempotent."""
        if self.running:
            return
        self._removers = [self._api.connectivity.add(self._on_connectivity),
                          self._api.skew.add(self._on_skew)]
        report = self._cache.recovery_report
        self._update(online=bool(self._api.online),
                     provisional_calendar=calendar_is_provisional(self._clock()),
                     notice_zh=report.message_zh if report is not None else None)
        if self._api.skew_seconds is not None:
            self._on_skew(self._api.skew_seconds)
        self._flush_wake.set()
        self._pull_wake.set()
        # the pending count is shown from the start (offline too, and after a salvage),
        # not only once the first push attempt has ended
        self.notify_counts()
        loops: list[Coroutine[Any, Any, None]] = [self._flush_loop(), self._pull_loop()]
        if self._seat is not None:
            loops.append(self._heartbeat_loop())
        self._tasks = [asyncio.create_task(loop, name=f"sync-{getattr(loop, '__name__', 'loop')}")
                       for loop in loops]

    async def stop(self) -> None:
        """Stop the loops. Saves already handed to the cache worker still complete."""
        self._stopping = True
        tasks, self._tasks = self._tasks, []
        tasks += list(self._side_tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for remove in self._removers:
            remove()
        self._removers = []
        self._stopping = False

    def notify_saved(self) -> None:
        """Something was saved: refresh the counts and push soon (unless backing off)."""
        self._side_task(self._after_save())

    def notify_counts(self) -> None:
        """Refresh the pending and rejected counts soon (in the background)."""
        self._side_task(self._refresh_counts_logged())

    def _side_task(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._side_tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._side_tasks.discard)

    async def _refresh_counts_logged(self) -> None:
        try:
            await self.refresh_counts()
        except HotlineError as exc:
            log.warning("outbox count unavailable: %s", exc.message)

    async def _after_save(self) -> None:
        await self._refresh_counts_logged()
        if self._failures == 0:
            self._flush_wake.set()

    # ------------------------------------------------------------------ actions

    async def flush_now(self) -> FlushReport:
        """Push everything now, retries included (raises if the push fails)."""
        try:
            report = await self.flusher.flush(ignore_backoff=True)
        except FlushFailed:
            self._failures += 1
            raise
        finally:
            await self.refresh_counts()
        self._after_flush(report)
        return report

    async def pull_now(self) -> None:
        """Pull the knowledge base and ticket changes now (raises on failure)."""
        async with self._pull_lock:
            self.last_kb_pull = await self.kb_puller.pull()
            if self._pull_tickets:
                self.last_ticket_pull = await self.ticket_puller.pull()
                flag = self.last_ticket_pull.provisional
                if flag is not None:
                    self._update(provisional_calendar=flag)
            if self.reference_puller is not None:
                self.last_reference_pull = await self.reference_puller.pull()
        self._update(last_sync_at=self._clock())

    def _after_flush(self, report: FlushReport) -> None:
        self._failures = 0
        self.last_flush = report
        if report.pushed:
            self._update(last_sync_at=self._clock())

    # -------------------------------------------------------------------- loops

    async def _wait(self, event: asyncio.Event, timeout: float) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
        # cancellation that arrives as the event fires, and stop() would wait forever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(timeout, 0.0)):
                await event.wait()
        event.clear()

    def _flush_delay(self) -> float:
        if self._failures == 0:
            return self.intervals.flush_poll
        return max(0.05, backoff_delay(self._failures, self._rng(),
                                       self.intervals.backoff_base, self.intervals.backoff_cap))

    async def _flush_loop(self) -> None:
        while not self._stopping:
            await self._wait(self._flush_wake, self._flush_delay())
            catch_up, self._catch_up = self._catch_up, False
            try:
                report = await self.flusher.flush(ignore_backoff=catch_up)
            except AuthError as exc:
                self._failures = max(self._failures + 1, 5)
                self.notice(exc.message_zh)
            except FlushFailed as exc:
                self._failures += 1
                log.info("flush failed (%d in a row): %s", self._failures, exc.message)
            except HotlineError as exc:  # the cache itself failed: keep trying, say so
                self._failures += 1
                log.error("flush failed: %s", exc.message)
                self.notice(exc.message_zh)
            except Exception:  # never let the loop die silently
                self._failures += 1
                log.exception("unexpected error in the outbox flusher")
            else:
                self._after_flush(report)
            try:
                await self.refresh_counts()
            except HotlineError as exc:
                log.warning("outbox count unavailable: %s", exc.message)

    async def _pull_loop(self) -> None:
        while not self._stopping:
            await self._wait(self._pull_wake, self.intervals.pull)
            try:
                await self.pull_now()
            except AuthError as exc:
                self.notice(exc.message_zh)
            except HotlineError as exc:
                log.info("pull failed: %s", exc.message)
            except Exception:
                log.exception("unexpected error while pulling")

    async def _heartbeat_loop(self) -> None:
        assert self._seat is not None
        while not self._stopping:
            try:
                await self._seat.send_heartbeat()
            except AuthError as exc:
                self.notice(exc.message_zh)
            except HotlineError as exc:
                log.debug("heartbeat failed: %s", exc.message)
            except Exception:
                log.exception("unexpected error in the heartbeat loop")
            await asyncio.sleep(self.intervals.heartbeat)

