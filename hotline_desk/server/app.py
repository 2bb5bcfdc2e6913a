"""The app factory: ``create_app(settings)`` builds one FastAPI application.

Tests run it in-process (``TestClient``); ``hotline-desk server`` runs it under
uvicorn. The app holds no state that matters across processes: sessions, login
throttling, versions and audit live in the database, so several processes can
serve one PostgreSQL database behind a load balancer.

Adding a concept (tickets, next phase): a migration appended to
``storage.migrations.SERVER_MIGRATIONS``, repository modules under
``storage/server/``, and a router module listed in :data:`ROUTERS`.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hotline_desk import __version__
from hotline_desk.core.protocol import API_PREFIX, PROTOCOL_HEADER, PROTOCOL_VERSION
from hotline_desk.server import errors, scheduler
from hotline_desk.server.context import AppContext
from hotline_desk.server.routers import (
    accounts,
    audit,
    auth,
    figures,
    health,
    kb,
    progress,
    reference,
    seats,
    tickets,
    transfers,
)
from hotline_desk.server.settings import ServerSettings
from hotline_desk.server.ticket_calendar import calendar_source
from hotline_desk.server.warmup import warm_up, warm_up_routes
from hotline_desk.storage.db import close_database, database_kind, open_database
from hotline_desk.storage.migrations import migrate, require_current
from hotline_desk.storage.server import tickets_recalendar
from hotline_desk.storage.server.passwords import Passwords

ROUTERS: tuple[APIRouter, ...] = (
    health.router, auth.router, accounts.router, audit.router, kb.router, seats.router,
    transfers.router, tickets.router, progress.router, figures.router, reference.router,
)


class ProtocolHeaderMiddleware:
    """Adds the protocol version (and ``Cache-Control: no-store``) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (PROTOCOL_HEADER.lower().encode(),
                                                b"cache-control")]
                headers.append((PROTOCOL_HEADER.lower().encode(),
                                str(PROTOCOL_VERSION).encode()))
                headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_header)


def create_app(settings: ServerSettings) -> FastAPI:
    """Open the database (migrating it if ``settings.migrate_on_start``) and build the app."""
    db = open_database(settings.database_url, pool_size=settings.pool_size)
    if settings.migrate_on_start:
        migrate(db, now=settings.now)
    else:
        require_current(db)
    context = AppContext(db=db, kind=database_kind(db), settings=settings,
                         passwords=Passwords(settings.password_hasher))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(warm_up, app, context)
        await asyncio.to_thread(tickets_recalendar.at_start, context.db,  # changed calendar
                                calendar_source(app, context).calendar, context.settings.now())
        await warm_up_routes(app)
        # Everything built so far (the app, its routes and schemas, the calendar) lives
        # as long as the process: keep it out of the collector's full passes, which
        # otherwise stall every request for tens of milliseconds now and then.
        gc.collect()
        gc.freeze()
        async with scheduler.running(app, context):  # overdue detection every minute
            yield
        close_database(db)

    app = FastAPI(
        title="Hotline Desk sync server",
        summary="12345 政务服务便民热线 sync server: accounts, audit, knowledge base, seats, "
                "transfers",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.context = context
    errors.install(app)
    app.add_middleware(ProtocolHeaderMiddleware)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    return app
