"""Periodic jobs of a server process: overdue detection every minute (第二十条(二)),
preceded by a recompute of the open tickets' deadlines whenever the working-day
calendar changed (an admin installed a holiday file: the calendar source notices it
within a minute; 第十七条). The recompute is a no-op costing a few ms when the tickets
already follow this calendar, and runs only once per calendar the process builds.

Started and stopped by the app's lifespan (:func:`running`). The job itself
(``storage.server.tickets_overdue.detect``) is idempotent and safe when several server
processes run it against one database at once, so every process simply runs it; it runs
in a worker thread (peewee is synchronous) and a failing run is logged and retried at the
next tick, never ending the loop. Reads compute overdue on their own too, so a late tick
delays nothing a user sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import FastAPI

from hotline_desk.core.errors import HotlineError
from hotline_desk.server.context import AppContext
from hotline_desk.server.ticket_calendar import calendar_source
from hotline_desk.storage.server import tickets_overdue, tickets_recalendar

log = logging.getLogger(__name__)

OVERDUE_INTERVAL_SECONDS = 60.0


def run_overdue_check(app: FastAPI, context: AppContext) -> int:
    """One run of overdue detection; returns how many tickets it flagged."""
    calendar = calendar_source(app, context).calendar()
    if getattr(app.state, "recalendared", None) is not calendar:
        report = tickets_recalendar.recompute_open(context.db, calendar,
                                                   now=context.settings.now())
        app.state.recalendared = calendar
        log.debug("deadlines checked against the current calendar: %s", report)
    flagged = tickets_overdue.detect(context.db, now=context.settings.now(), calendar=calendar)
    if flagged:
        log.info("flagged %d overdue ticket(s)", flagged)
    return flagged


TickListener = Callable[[int | None], None]


class _Runs:
    """The run in progress, so that shutting down waits for it (its worker thread uses
    a database connection that closing the pool would pull away)."""

    def __init__(self) -> None:
        self.current: asyncio.Future[int] | None = None


async def _loop(app: FastAPI, context: AppContext, interval: float,
                on_tick: TickListener | None, runs: _Runs) -> None:
    while True:
        flagged: int | None = None
        runs.current = asyncio.ensure_future(
            asyncio.to_thread(run_overdue_check, app, context))
        try:
            flagged = await asyncio.shield(runs.current)
        except HotlineError as exc:
            log.warning("overdue check failed: %s", exc.message)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("overdue check failed")
        if on_tick is not None:
            on_tick(flagged)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(app: FastAPI, context: AppContext,
                  interval: float = OVERDUE_INTERVAL_SECONDS,
                  on_tick: TickListener | None = None) -> AsyncIterator[asyncio.Task[None]]:
    """Run the periodic jobs while the app is up: one run at once, then every
    ``interval`` seconds. ``on_tick`` hears how many tickets each run flagged
    (``None`` for a failed run). Leaving waits for a run in progress to end."""
    runs = _Runs()
    task = asyncio.create_task(_loop(app, context, interval, on_tick, runs),
                               name="overdue-scheduler")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if runs.current is not None and not runs.current.done():
            await asyncio.wait({runs.current})
