"""Work done once when a server process starts, so that its first requests do not pay it.

A fresh process otherwise builds the working-day table of the year on the first
ticket (about 20 ms per year from chinesecalendar), compiles the phone-number
patterns on the first draft it checks, opens its first database connection on the
first request, and FastAPI builds each router's route state (pydantic validators of
every endpoint) on the first request that reaches it — 30–60 ms for the first
heartbeat or push after a restart, landing on whichever desk speaks first on top of
everything else arriving. :func:`warm_up_routes` sends one unauthenticated request
through the app in-process (answered 404 after every router was tried). Nothing
here changes data.
"""

from __future__ import annotations

import logging
import time
from datetime import date

import httpx
from fastapi import FastAPI

from hotline_desk.core.phone import check_phone
from hotline_desk.core.protocol import API_PREFIX
from hotline_desk.server.context import AppContext
from hotline_desk.server.ticket_calendar import calendar_source
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import counters

log = logging.getLogger(__name__)


def warm_up(app: FastAPI, context: AppContext) -> None:
    started = time.perf_counter()
    calendar = calendar_source(app, context).calendar()
    year = context.settings.now().year
    for each in (year - 1, year, year + 1):  # deadlines cross the turn of the year
        calendar.add_workdays(date(each, 1, 1), 1)
    for sample in ("13800000000", "0551-65123456"):
        check_phone(sample)
    with read_transaction(context.db):
        counters.read(context.db, counters.SEATS_VERSION)
    log.info("warmed up in %.0f ms", (time.perf_counter() - started) * 1000)


async def warm_up_routes(app: FastAPI) -> None:
    """Route one request through every router (in-process: no socket, no lifespan)."""
    started = time.perf_counter()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://warm-up") as client:
        response = await client.get(f"{API_PREFIX}/warm-up/no-such-endpoint")
    log.info("routes warmed up in %.0f ms (answer %s)", (time.perf_counter() - started) * 1000,
             response.status_code)
