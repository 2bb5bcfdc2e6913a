"""The calendar fingerprint of stored deadlines (第十四–十八条: working days follow the State
Council calendar; ``tickets_deadlines.calendar_fingerprint``): it names exactly the calendar
data the deadlines were counted on, so a recompute happens when — and only when — that data
changed. No database: the columns and fingerprints are pure functions of the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline_desk.core.deadlines import ticket_deadlines
from hotline_desk.core.vocabulary import RequestType
from hotline_desk.core.workdays import DaySource, HolidayYear, WorkCalendar
from hotline_desk.paths import resource
from hotline_desk.storage.holiday_files import read_holiday_file
from hotline_desk.storage.server.tickets_deadlines import (
    DEADLINE_COLUMNS,
    calendar_fingerprint,
    columns,
    deadline_years,
    fingerprint_tokens,
    year_token,
)
from hotline_desk.storage.server.tickets_recalendar import Verdict, verdict

PROVISIONAL = WorkCalendar()
INSTALLED = WorkCalendar([read_holiday_file(resource("calendar", "example-2027.json"))])

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 10),
                       timezones=st.just(UTC))
types = st.sampled_from(list(RequestType))


def test_a_year_token_names_the_source_and_digests_the_working_days():
    token = year_token(INSTALLED, 2027)
    year, source, digest = token.split(":")
    assert (year, source, len(digest)) == ("2027", "admin_file", 16)
    assert year_token(PROVISIONAL, 2027).startswith("2027:statutory_fallback:")
    assert year_token(PROVISIONAL, 2027).split(":")[2] != digest  # 春节 break differs
    assert year_token(PROVISIONAL, 2026) == year_token(INSTALLED, 2026)  # official both
    assert year_token(WorkCalendar(), 2027) == year_token(PROVISIONAL, 2027)  # not identity


def test_the_years_run_from_dispatch_to_the_last_due_date():
    """第十七条: 10 working days from 2026-12-28 end in 2027, so both years count."""
    deadlines = ticket_deadlines(PROVISIONAL, datetime(2026, 12, 28, 2, tzinfo=UTC),
                                 RequestType.COMPLAINT)
    assert deadline_years(deadlines) == range(2026, 2028)
    fingerprint = calendar_fingerprint(INSTALLED, deadlines)
    assert [token.split(":")[:2] for token in fingerprint.split(",")] == [
        ["2026", "official"], ["2027", "admin_file"]]


def test_columns_store_the_fingerprint_only_with_the_calendar():
    """Without the calendar the deadlines were computed with, the column is cleared (NULL:
    unknown), never left describing other deadlines."""
    deadlines = ticket_deadlines(INSTALLED, datetime(2027, 2, 1, 2, tzinfo=UTC),
                                 RequestType.COMPLAINT)
    assert columns(deadlines, INSTALLED)["calendar_fingerprint"] == calendar_fingerprint(
        INSTALLED, deadlines)
    assert columns(deadlines)["calendar_fingerprint"] is None
    assert columns(None)["calendar_fingerprint"] is None
    assert set(DEADLINE_COLUMNS) <= set(columns(deadlines))


def test_a_malformed_fingerprint_is_recomputed():
    for broken in ("", "2027", "2027:nonsense:abc", "x:official:abc"):
        assert fingerprint_tokens(broken) is None
        assert verdict(PROVISIONAL, broken) is Verdict.STALE
    assert verdict(PROVISIONAL, None) is Verdict.STALE


@settings(max_examples=300, deadline=None)
@given(moments, types)
def test_an_unchanged_fingerprint_means_unchanged_deadlines(moment, request_type):
    """第十五–十七条: counted on the provisional calendar, the deadlines are CURRENT for the
    installed one only if it gives the very same deadlines (dates and source); whenever it
    gives others, the fingerprint says STALE. Going back to the weaker calendar is WEAKER
    exactly when the deadlines touched 2027, the year the file is for."""
    before = ticket_deadlines(PROVISIONAL, moment, request_type)
    after = ticket_deadlines(INSTALLED, moment, request_type)
    counted = calendar_fingerprint(PROVISIONAL, before)
    assert verdict(PROVISIONAL, counted) is Verdict.CURRENT
    same = all(columns(before)[name] == columns(after)[name] for name in DEADLINE_COLUMNS)
    found = verdict(INSTALLED, counted)
    if not same:
        assert found is Verdict.STALE
    if found is Verdict.CURRENT:
        assert same
    assert (found is Verdict.CURRENT) == (2027 not in deadline_years(before))
    back = verdict(PROVISIONAL, calendar_fingerprint(INSTALLED, after))
    assert (back is Verdict.WEAKER) == (2027 in deadline_years(after))


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)))
def test_the_fingerprint_follows_every_working_day(day):
    """Turning any one day of a file year from working day to day off (or back) changes
    that year's token and no other year's: no change of the calendar goes unnoticed."""
    year = read_holiday_file(resource("calendar", "example-2027.json"))
    holidays, makeup = dict(year.holidays), dict(year.makeup_workdays)
    if INSTALLED.is_workday(day):
        makeup.pop(day, None)
        holidays[day] = "测试"
    else:
        holidays.pop(day, None)
        if day.weekday() >= 5:
            makeup[day] = "测试"
    changed = WorkCalendar([HolidayYear(2027, holidays, makeup)])
    assert changed.is_workday(day) != INSTALLED.is_workday(day)
    assert year_token(changed, 2027) != year_token(INSTALLED, 2027)
    assert year_token(changed, 2027).split(":")[1] == DaySource.ADMIN_FILE.value
    assert year_token(changed, 2028) == year_token(INSTALLED, 2028)
