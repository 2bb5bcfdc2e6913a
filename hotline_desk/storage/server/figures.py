"""The centre's figures (第二十七条 考核, 第三十三条 聚焦热点), computed from the tickets.

Days are Asia/Shanghai calendar days.

**Per unit and day** (:func:`unit_figures`; the lead unit answers for a ticket,
首接负责制 第十四条):

* on-time completion rate (按时办结率) of unit U on day D = tickets U completed on D before
  their completion deadline ÷ (tickets U completed on D + tickets of U whose completion
  deadline fell on D and that are still not completed). A late completion counts
  against the day it happened; a ticket never completed counts against its due day.
  ``None`` when there is nothing to measure.
* satisfaction rate (满意率) of U on D = ratings recorded on D for U's tickets that are
  very satisfied, satisfied or basically satisfied ÷ all ratings recorded on D (一事一评:
  one rating per ticket). ``None`` without ratings.

**One day** (:func:`day_figures`): every ticket record received that day (tickets,
answers on the spot, refusals, emergency handoffs) by kind, request type and area, and
the calls per hour (:func:`calls_per_hour`).

**Calls per hour**: one call can end in several records (a ticket and a transfer to an
expert seat, a refusal then an emergency handoff, an abusive-call mark), and every record
of a call carries the desk's call id. A call is counted once, in the hour of its first
record — over the ticket records, the call marks and the transfers, so a call that ended
only in a mark or a transfer counts too. A ticket record without a call id (an older
desk) counts as one call; a mark or a transfer without one is not counted (it names no
call: a team lead's mark, a transfer of an existing ticket). A call whose first record
fell on an earlier day is counted on that day, never twice. Marks and transfers are timed
by the server's clock when they arrived, tickets by the desk's time of the call.

**Rising topics** (:func:`rising_topics`): accepted requests (tickets and answers on the
spot) grouped by topic (``core.ticket_protocol.topic_for``: the operator's topic, else
the first keyword or title of the KB entry, else area·type), normalised
(``normalise_key``). A topic rises when it has at least ``min_count`` requests in the 24
hours before ``at``; it is ranked by ``core.ticket_protocol.rising_ratio``: that count
over the daily average of the 7 days before those 24 hours.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import peewee

from hotline_desk.core.deadlines import SHANGHAI, local_date
from hotline_desk.core.protocol import (
    HANDLING_STATES,
    RISING_MIN_COUNT,
    SATISFIED_RATINGS,
    DayFigures,
    RisingTopic,
    RisingTopics,
    UnitDayFigure,
    UnitFigures,
    rising_ratio,
)
from hotline_desk.storage.server.models import Transfer
from hotline_desk.storage.server.tickets_models import CallMarkRow, TicketRow
from hotline_desk.storage.server.tickets_supervision import COUNTED_KINDS

MAX_RANGE_DAYS = 92


def day_start(day: date) -> datetime:
    """00:00 Asia/Shanghai of ``day``."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


@dataclass
class _Tally:
    completed: int = 0
    on_time: int = 0
    overdue_unfinished: int = 0
    rated: int = 0
    satisfied: int = 0


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def unit_figures(db: peewee.Database, start: date, end: date, *, now: datetime,
                 unit: str | None = None) -> UnitFigures:
    """Per lead unit and day from ``start`` to ``end`` inclusive (at most 92 days)."""
    lower, upper = day_start(start), day_start(end + timedelta(days=1))
    tallies: dict[tuple[str, date], _Tally] = defaultdict(_Tally)
    scope = TicketRow.lead_unit.is_null(False) & (TicketRow.kind == "ticket")
    if unit:
        scope &= TicketRow.lead_unit == unit
    completed = (TicketRow.select(TicketRow.lead_unit, TicketRow.completed_at,
                                  TicketRow.completed_on_time)
                 .where(scope & (TicketRow.completed_at >= lower)
                        & (TicketRow.completed_at < upper)))
    for lead, at, on_time in completed.tuples().execute(db):
        tally = tallies[(lead, local_date(at))]
        tally.completed += 1
        tally.on_time += 1 if on_time else 0
    handling = [state.value for state in HANDLING_STATES]
    late = (TicketRow.select(TicketRow.lead_unit, TicketRow.completion_due)
            .where(scope & TicketRow.state.in_(handling) & (TicketRow.completion_due >= start)
                   & (TicketRow.completion_due <= end) & (TicketRow.completion_deadline <= now)))
    for lead, due in late.tuples().execute(db):
        tallies[(lead, due)].overdue_unfinished += 1
    rated = (TicketRow.select(TicketRow.lead_unit, TicketRow.rated_at, TicketRow.rating)
             .where(scope & (TicketRow.rated_at >= lower) & (TicketRow.rated_at < upper)))
    satisfied = {rating.value for rating in SATISFIED_RATINGS}
    for lead, at, rating in rated.tuples().execute(db):
        tally = tallies[(lead, local_date(at))]
        tally.rated += 1
        tally.satisfied += 1 if rating in satisfied else 0
    items = [
        UnitDayFigure(
            unit=lead, day=day, completed=t.completed, completed_on_time=t.on_time,
            overdue_unfinished=t.overdue_unfinished,
            on_time_rate=_rate(t.on_time, t.completed + t.overdue_unfinished),
            rated=t.rated, satisfied=t.satisfied, satisfaction_rate=_rate(t.satisfied, t.rated))
        for (lead, day), t in sorted(tallies.items())
    ]
    return UnitFigures(start=start, end=end, items=items)


#: Where the records of a call are kept: the table, its call id and the time of the record.
_CALL_RECORDS: tuple[tuple[type[peewee.Model], peewee.Field, peewee.Field], ...] = (
    (TicketRow, TicketRow.call_id, TicketRow.received_at),
    (CallMarkRow, CallMarkRow.call_id, CallMarkRow.marked_at),
    (Transfer, Transfer.call_id, Transfer.created_at),
)


def calls_per_hour(db: peewee.Database, lower: datetime, upper: datetime) -> list[int]:
    """Calls whose first record falls in ``[lower, upper)`` (one day), per Asia/Shanghai
    hour of that first record (see the module docstring)."""
    per_hour = [0] * 24
    anonymous = (TicketRow.select(TicketRow.received_at)
                 .where(TicketRow.call_id.is_null() & (TicketRow.received_at >= lower)
                        & (TicketRow.received_at < upper)))
    for (received,) in anonymous.tuples().execute(db):
        per_hour[received.astimezone(SHANGHAI).hour] += 1
    in_day = [model.select(call).where(call.is_null(False) & (at >= lower) & (at < upper))
              for model, call, at in _CALL_RECORDS]
    calls_of_day = in_day[0] | in_day[1] | in_day[2]  # UNION: each call id once
    first: dict[str, datetime] = {}
    for model, call, at in _CALL_RECORDS:
        starts = (model.select(call, peewee.fn.MIN(at)).where(call.in_(calls_of_day))
                  .group_by(call))
        for call_id, raw in starts.tuples().execute(db):
            started = at.python_value(raw)
            if started is not None and (call_id not in first or started < first[call_id]):
                first[call_id] = started
    for started in first.values():
        if lower <= started < upper:  # else the call began on an earlier day
            per_hour[started.astimezone(SHANGHAI).hour] += 1
    return per_hour


def day_figures(db: peewee.Database, day: date) -> DayFigures:
    lower, upper = day_start(day), day_start(day + timedelta(days=1))
    per_kind: Counter[str] = Counter()
    per_type: Counter[str] = Counter()
    per_area: Counter[str] = Counter()
    rows = (TicketRow.select(TicketRow.kind, TicketRow.request_type, TicketRow.area)
            .where((TicketRow.received_at >= lower) & (TicketRow.received_at < upper)))
    total = 0
    for kind, request_type, area in rows.tuples().execute(db):
        total += 1
        per_kind[kind] += 1
        if request_type:
            per_type[request_type] += 1
        if area:
            per_area[area] += 1
    per_hour = calls_per_hour(db, lower, upper)
    return DayFigures(day=day, total=total, per_kind=dict(sorted(per_kind.items())),
                      per_type=dict(sorted(per_type.items())),
                      per_area=dict(sorted(per_area.items())), per_hour=per_hour)


def rising_topics(db: peewee.Database, *, at: datetime, limit: int = 10,
                  min_count: int = RISING_MIN_COUNT) -> RisingTopics:
    recent_start = at - timedelta(hours=24)
    week_start = recent_start - timedelta(days=7)
    rows = (TicketRow.select(TicketRow.topic_key, TicketRow.topic, TicketRow.received_at)
            .where(TicketRow.topic_key.is_null(False) & TicketRow.kind.in_(COUNTED_KINDS)
                   & (TicketRow.received_at > week_start) & (TicketRow.received_at <= at))
            .order_by(TicketRow.received_at))
    recent: Counter[str] = Counter()
    previous: Counter[str] = Counter()
    names: dict[str, str] = {}
    for key, topic, received in rows.tuples().execute(db):
        if received > recent_start:
            recent[key] += 1
            names[key] = topic or key
        else:
            previous[key] += 1
    items = [
        RisingTopic(topic=names[key], last_24h=count, previous_7d=previous[key],
                    daily_average=round(previous[key] / 7, 4),
                    ratio=round(rising_ratio(count, previous[key]), 4))
        for key, count in recent.items() if count >= min_count
    ]
    items.sort(key=lambda item: (-item.ratio, -item.last_24h, item.topic))
    return RisingTopics(at=at, min_count=min_count, items=items[:limit])
