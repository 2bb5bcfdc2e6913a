"""How the desk writes durations and times (pure helpers, no Qt)."""

from __future__ import annotations

from datetime import datetime


def format_duration(seconds: float | None) -> str:
    """``mm:ss`` below an hour, ``h:mm:ss`` above; ``—`` for unknown/negative."""
    if seconds is None or seconds < 0:
        return "—"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def seconds_between(start: datetime | None, end: datetime) -> float | None:
    if start is None:
        return None
    if start.tzinfo is None or end.tzinfo is None:
        return None
    return (end - start).total_seconds()


def format_local_time(moment: datetime | None, *, with_date: bool = False) -> str:
    """A time as the operator reads it, in the machine's local zone."""
    if moment is None:
        return "—"
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return local.strftime("%m-%d %H:%M" if with_date else "%H:%M:%S")
