"""Desk time: the centre's time zone, today's date, and the clock skew against the server.

The desk's wall clock is not trusted for anything the server decides (deadlines,
seat silence); it is still what the operator reads, and provisional numbers and
local time stamps come from it, so a desk whose clock is more than
:data:`SKEW_WARNING_SECONDS` off the server's is told so (status bar).

The skew is measured on every answer that carries the server's time: the
``server_time`` field of the JSON body when there is one (microseconds), else the
HTTP ``Date`` header (whole seconds). The server's reading is compared with the
midpoint of the request on the desk's clock, so the network round trip does not
count as skew.
"""

from __future__ import annotations

from datetime import date, datetime

from hotline_desk.storage.cache.models import CHINA_TZ

#: Above this (either direction) the desk warns the operator.
SKEW_WARNING_SECONDS = 120.0


def china_now() -> datetime:
    """Now, in the centre's time zone (Asia/Shanghai)."""
    return datetime.now(CHINA_TZ)


def china_today() -> date:
    """Today's date in the centre's time zone (what KB validity is checked against)."""
    return china_now().date()


def measure_skew(server_time: datetime, sent_at: float, received_at: float) -> float:
    """Seconds the server's clock is ahead of the desk's (negative: behind).

    ``sent_at``/``received_at`` are the desk's POSIX times around the request.
    """
    if server_time.tzinfo is None:
        raise ValueError("server time must be timezone-aware")
    midpoint = (sent_at + received_at) / 2.0
    return server_time.timestamp() - midpoint


def skew_warning(skew_seconds: float | None) -> bool:
    return skew_seconds is not None and abs(skew_seconds) > SKEW_WARNING_SECONDS
