"""``/api/v1/figures``: the centre's figures for team leads and admins (第二十七条、第三十三条).
Definitions in ``storage.server.figures``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hotline_desk.core.protocol import (
    RISING_MIN_COUNT,
    DayFigures,
    ErrorCode,
    RefusedError,
    RisingTopics,
    UnitFigures,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import figures
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/figures", tags=["figures"])

Viewer = Annotated[Actor, Depends(require(Role.TEAM_LEAD, Role.ADMIN))]
Day = Annotated[date | None, Query(description="YYYY-MM-DD, years 2000-2099")]
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _check_days(*days: date) -> None:
    for value in days:
        if not FIRST_DAY <= value <= LAST_DAY:
            raise RefusedError(f"date {value} outside 2000-2099", "日期应在2000年至2099年之间",
                               code=ErrorCode.VALIDATION_ERROR)


@router.get("/units", response_model=UnitFigures, responses=responses(401, 403, 422, 503))
def units(
    actor: Viewer,
    request: Request,
    start: Day = None,
    end: Day = None,
    unit: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1F\x7F]*$")] = None,
) -> UnitFigures:
    """On-time completion rate and satisfaction rate per lead unit and day (第二十七条),
    `start`..`end` inclusive (default: the last 7 days to today, at most 92 days).
    On time: completed that day before the deadline ÷ (completed that day + still open
    with the deadline that day and passed). Satisfied: very satisfied, satisfied or
    basically satisfied ÷ ratings recorded that day."""
    context = get_context(request)
    now = context.settings.now()
    _check_days(*(value for value in (start, end) if value is not None))
    last = end or context.settings.today(now)
    first = start or last - timedelta(days=6)
    _check_days(first)
    if last < first or (last - first).days >= figures.MAX_RANGE_DAYS:
        raise RefusedError(f"bad range {first}..{last}",
                           f"统计区间应在{figures.MAX_RANGE_DAYS}天以内且结束日期不早于开始日期",
                           code=ErrorCode.VALIDATION_ERROR)
    with read_transaction(context.db):
        return figures.unit_figures(context.db, first, last, now=now, unit=unit or None)


@router.get("/day", response_model=DayFigures, responses=responses(401, 403, 422, 503))
def day(actor: Viewer, request: Request, day: Day = None) -> DayFigures:
    """Ticket records received on `day` (default today, Asia/Shanghai) by kind, request
    type, area and hour of receipt."""
    context = get_context(request)
    chosen = day or context.settings.today()
    _check_days(chosen)
    with read_transaction(context.db):
        return figures.day_figures(context.db, chosen)


@router.get("/rising-topics", response_model=RisingTopics,
            responses=responses(401, 403, 422, 503))
def rising_topics(
    actor: Viewer,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    min_count: Annotated[int, Query(ge=1, le=10_000)] = RISING_MIN_COUNT,
) -> RisingTopics:
    """The topics rising most in the last 24 hours against the 7 days before (第三十三条):
    ratio = last-24-hour count ÷ the previous 7 days' daily average (a topic unseen that
    week counts as seen once), for topics with at least `min_count` in the last 24 hours."""
    context = get_context(request)
    with read_transaction(context.db):
        return figures.rising_topics(context.db, at=context.settings.now(), limit=limit,
                                     min_count=min_count)
