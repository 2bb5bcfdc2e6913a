"""Deadline computation cost: the server computes deadlines for every ticket it stores.

Prints the per-ticket cost of ``ticket_deadlines`` with the per-year cached calendar,
against a naive day-by-day walk over chinesecalendar (what a first version would do).
Run: .venv/bin/python benchmarks/deadlines.py
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from hotline_desk.core.deadlines import ticket_deadlines
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.core.workdays import WorkCalendar

N = 10_000
TZ = ZoneInfo("Asia/Shanghai")


def naive_due(received: date, days: int) -> date:
    day, left = received, days
    while left:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def main() -> None:
    calendar = WorkCalendar()
    start = datetime(2026, 1, 1, 9, tzinfo=TZ)
    ticket_deadlines(calendar, start, RequestType.COMPLAINT)  # build the year tables
    began = time.perf_counter()
    for k in range(N):
        ticket_deadlines(calendar, start + timedelta(hours=k % 8000), RequestType.COMPLAINT)
    ours = (time.perf_counter() - began) / N
    began = time.perf_counter()
    for k in range(N):
        received = (start + timedelta(hours=k % 8000)).date()
        naive_due(received, 1), naive_due(received, 2), naive_due(received, 10)
    naive = (time.perf_counter() - began) / N
    print(f"ticket_deadlines (cached calendar): {ours * 1e6:8.1f} µs/ticket")
    print(f"naive day walk over chinesecalendar: {naive * 1e6:8.1f} µs/ticket")
    print(f"ratio: {naive / ours:.1f}x")


if __name__ == "__main__":
    main()
