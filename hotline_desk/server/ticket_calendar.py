"""The app's working-day calendar for ticket deadlines, built once per app on first use.

The admin holiday files come from the server's data directory (``settings.data_dir``,
``<data dir>/calendar/``); without a data directory the calendar has the official data
and the statutory fallback only. See ``storage.server.tickets_calendar``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Request

from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.server.context import AppContext, get_context
from hotline_desk.storage.server.tickets_calendar import CalendarSource

_LOCK = threading.Lock()


def calendar_source(app: FastAPI, context: AppContext) -> CalendarSource:
    source: CalendarSource | None = getattr(app.state, "ticket_calendar", None)
    if source is None:
        with _LOCK:
            source = getattr(app.state, "ticket_calendar", None)
            if source is None:
                data_dir: Path | None = getattr(context.settings, "data_dir", None)
                source = CalendarSource(data_dir)
                app.state.ticket_calendar = source
    return source


def calendar_for(request: Request) -> WorkCalendar:
    return calendar_source(request.app, get_context(request)).calendar()
