"""The desk's offline cache: storage half of "save first, sync always, lose nothing".

:class:`LocalCache` is what the composition root builds once::

    cache = LocalCache.open()             # check/repair, migrate; on the worker thread
    saved = await cache.run(cache.tickets.save_local, "ticket", form_values)
    batch = await cache.run(cache.outbox.next_batch, 50, now)
    ...
    cache.close()                          # finishes queued saves first

Every store method (``tickets``, ``outbox``, ``drafts``, ``kb``, ``refdata``) must
run on the cache worker: pass it to :meth:`LocalCache.run` (async) or
:meth:`LocalCache.submit` (future). Calling one directly from another thread
raises ``RuntimeError``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from hotline_desk.storage.cache.db import CacheDatabase, cache_path, translate_error
from hotline_desk.storage.cache.drafts import Drafts
from hotline_desk.storage.cache.kb_cache import KBCache
from hotline_desk.storage.cache.outbox import Outbox
from hotline_desk.storage.cache.recovery import RecoveryReport, open_checked
from hotline_desk.storage.cache.refdata import RefData
from hotline_desk.storage.cache.tickets import LocalTickets
from hotline_desk.storage.cache.worker import CacheWorker

T = TypeVar("T")

__all__ = ["CacheWorker", "LocalCache", "RecoveryReport"]


class LocalCache:
    """The open cache: its worker thread, database and stores."""

    def __init__(self, worker: CacheWorker, db: CacheDatabase, report: RecoveryReport,
                 rng: Callable[[], float] = random.random) -> None:
        self.worker = worker
        self.db = db
        self.recovery_report = report
        self.tickets = LocalTickets(db)
        self.outbox = Outbox(db, rng)
        self.drafts = Drafts(db)
        self.kb = KBCache(db)
        self.refdata = RefData(db)

    @classmethod
    def open(
        cls,
        directory: Path | None = None,
        *,
        synchronous: str = "FULL",
        rng: Callable[[], float] = random.random,
        now: datetime | None = None,
    ) -> LocalCache:
        """Start the worker, then check/recover and open the cache on it (blocking)."""
        worker = CacheWorker(translate=translate_error)
        try:
            db, report = worker.call(open_checked, cache_path(directory),
                                     synchronous=synchronous, now=now)
        except BaseException:
            worker.close()
            raise
        worker.add_finalizer(db.close)
        return cls(worker, db, report, rng)

    @classmethod
    async def open_async(cls, directory: Path | None = None, **kwargs: Any) -> LocalCache:
        """:meth:`open` without blocking the event loop (the check reads the whole file)."""
        return await asyncio.to_thread(cls.open, directory, **kwargs)

    @property
    def path(self) -> Path:
        return self.db.path

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return self.worker.submit(fn, *args, **kwargs)

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await self.worker.run(fn, *args, **kwargs)

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return self.worker.call(fn, *args, **kwargs)

    def close(self, timeout: float | None = None) -> bool:
        """Finish every queued job, close the database, stop the thread."""
        return self.worker.close(timeout)
