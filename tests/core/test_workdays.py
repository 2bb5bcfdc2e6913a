"""The working-day calendar: State Council arrangement, admin file, statutory fallback.

Deadlines count working days (第十五、十六、十七、十八条), and the day of receipt is not
counted. The 2026 facts below were read from chinesecalendar's data, not assumed:
中秋 9-25..9-27, 国庆 10-01..10-07, make-up working days Sun 9-20 and Sat 10-10.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.workdays import (
    DaySource,
    HolidayYear,
    WorkCalendar,
    has_official_data,
    weakest,
)

CALENDAR = WorkCalendar()

# A 2027 arrangement as an admin might transcribe it (invented for the test).
ADMIN_2027 = HolidayYear(
    year=2027,
    holidays={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦",
              **{date(2027, 2, 5) + timedelta(days=k): "春节" for k in range(8)}},
    makeup_workdays={date(2027, 1, 31): "春节", date(2027, 2, 20): "春节"},
    issued_by="国务院办公厅",
    notice="测试用通知",
)

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2040, 12, 31))
counts = st.integers(min_value=1, max_value=60)


def _walk_count(calendar: WorkCalendar, after: date, through: date) -> int:
    """Working days in (after, through], counted one day at a time."""
    total, day = 0, after
    while day < through:
        day += timedelta(days=1)
        total += calendar.is_workday(day)
    return total


def test_2026_mid_autumn_and_national_day_are_days_off() -> None:
    """国务院 2026 arrangement: 中秋 9-25 (Fri) and 国庆 10-01..10-07 are not working days."""
    assert has_official_data(2026)
    mid_autumn = CALENDAR.day(date(2026, 9, 25))
    assert (mid_autumn.workday, mid_autumn.name, mid_autumn.source) == (
        False, "中秋节", DaySource.OFFICIAL,
    )
    for k in range(7):
        info = CALENDAR.day(date(2026, 10, 1) + timedelta(days=k))
        assert not info.workday
        assert info.name == "国庆节"
    assert CALENDAR.is_workday(date(2026, 10, 8))


@pytest.mark.parametrize("day", [date(2026, 9, 20), date(2026, 10, 10)])
def test_2026_make_up_weekends_are_working_days(day: date) -> None:
    """调休: Sun 2026-09-20 and Sat 2026-10-10 are worked for 国庆节."""
    info = CALENDAR.day(day)
    assert day.weekday() >= 5
    assert info.workday and info.makeup
    assert info.name == "国庆节"
    assert "调休上班（国庆节）" in info.describe_zh()
    assert not CALENDAR.day(date(2026, 10, 11)).workday  # the Sunday after is off


@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_official_years_follow_chinesecalendar_day_by_day(day: date) -> None:
    info = CALENDAR.day(day)
    assert info.workday == chinese_calendar.is_workday(day)
    assert info.source is DaySource.OFFICIAL and not info.provisional


@given(starts, counts)
def test_due_day_is_a_working_day_strictly_after_the_start(start: date, n: int) -> None:
    """第十五–十七条: the day of receipt is not counted; a deadline ends on a working day."""
    due = CALENDAR.add_workdays(start, n).day
    assert due > start
    assert CALENDAR.is_workday(due)


@given(starts, counts)
def test_exactly_n_working_days_are_counted(start: date, n: int) -> None:
    """N working days from D: the N-th working day after D, no more, no fewer (第十七条)."""
    due = CALENDAR.add_workdays(start, n).day
    assert _walk_count(CALENDAR, start, due) == n
    assert _walk_count(CALENDAR, start, due - timedelta(days=1)) == n - 1


@given(starts, counts)
def test_due_day_is_monotonic_in_n(start: date, n: int) -> None:
    assert CALENDAR.add_workdays(start, n).day < CALENDAR.add_workdays(start, n + 1).day


@given(starts, counts, st.integers(min_value=1, max_value=30))
def test_counting_composes(start: date, n: int, m: int) -> None:
    """N then M working days is N+M working days (extensions build on this, 第十八条)."""
    middle = CALENDAR.add_workdays(start, n).day
    assert CALENDAR.add_workdays(middle, m).day == CALENDAR.add_workdays(start, n + m).day


def test_days_around_2026_national_day() -> None:
    """第十五条/第十七条 examples across 中秋 and 国庆 2026 and their make-up days."""
    assert CALENDAR.add_workdays(date(2026, 9, 18), 1).day == date(2026, 9, 20)  # Sun worked
    assert CALENDAR.add_workdays(date(2026, 9, 24), 1).day == date(2026, 9, 28)
    assert CALENDAR.add_workdays(date(2026, 9, 24), 3).day == date(2026, 9, 30)
    assert CALENDAR.add_workdays(date(2026, 9, 30), 1).day == date(2026, 10, 8)
    assert CALENDAR.add_workdays(date(2026, 10, 9), 1).day == date(2026, 10, 10)  # Sat worked
    assert CALENDAR.add_workdays(date(2026, 9, 24), 10) == (date(2026, 10, 15), DaySource.OFFICIAL)


def test_counting_into_a_year_without_official_data_is_provisional() -> None:
    """2026-12-24 + 10 working days reaches 2027, which only the statutory rules answer:
    2027-01-01 元旦 is off, so the 10th working day is Fri 2027-01-08, provisional."""
    assert not has_official_data(2027)
    shifted = CALENDAR.add_workdays(date(2026, 12, 24), 10)
    assert shifted == (date(2027, 1, 8), DaySource.STATUTORY_FALLBACK)
    assert shifted.source.provisional
    new_year = CALENDAR.day(date(2027, 1, 1))
    assert (new_year.workday, new_year.name, new_year.provisional) == (False, "元旦", True)
    # only the years actually counted decide the source
    assert CALENDAR.add_workdays(date(2026, 12, 30), 1) == (date(2026, 12, 31), DaySource.OFFICIAL)
    assert CALENDAR.add_workdays(date(2026, 12, 31), 1) == (
        date(2027, 1, 4), DaySource.STATUTORY_FALLBACK,
    )


def test_an_admin_file_answers_for_its_year() -> None:
    """The admin's transcription of the State Council notice replaces the rules for 2027,
    including its 调休 (a worked Saturday), and is not provisional."""
    calendar = WorkCalendar([ADMIN_2027])
    assert calendar.source_for_year(2027) is DaySource.ADMIN_FILE
    assert CALENDAR.source_for_year(2027) is DaySource.STATUTORY_FALLBACK
    saturday = calendar.day(date(2027, 2, 20))
    assert (saturday.workday, saturday.makeup, saturday.provisional) == (True, True, False)
    assert not calendar.is_workday(date(2027, 2, 11))  # Thu: off by notice, worked by rule
    assert CALENDAR.is_workday(date(2027, 2, 11))
    # From Mon 2027-02-01, 10 working days: rules -> Fri 02-19; admin notice -> Mon 02-22
    assert CALENDAR.add_workdays(date(2027, 2, 1), 10).day == date(2027, 2, 19)
    assert calendar.add_workdays(date(2027, 2, 1), 10) == (date(2027, 2, 22), DaySource.ADMIN_FILE)
    assert calendar.add_workdays(date(2026, 12, 24), 10) == (
        date(2027, 1, 8), DaySource.ADMIN_FILE,
    )


def test_official_data_wins_over_an_admin_file_for_the_same_year() -> None:
    wrong = HolidayYear(2026, {date(2026, 9, 24): "误填"}, {}, "管理员", "误导入")
    calendar = WorkCalendar([wrong])
    assert calendar.is_workday(date(2026, 9, 24))
    assert calendar.source_for_year(2026) is DaySource.OFFICIAL


def test_a_year_no_source_covers_is_refused_in_chinese() -> None:
    with pytest.raises(HotlineError) as caught:
        CALENDAR.is_workday(date(2003, 6, 2))
    assert "2003" in caught.value.message_zh
    assert WorkCalendar([HolidayYear(2003, {date(2003, 1, 1): "元旦"})]).is_workday(
        date(2003, 6, 2))


@pytest.mark.parametrize("n", [0, -3])
def test_non_positive_counts_are_refused(n: int) -> None:
    with pytest.raises(HotlineError) as caught:
        CALENDAR.add_workdays(date(2026, 5, 6), n)
    assert "正整数" in caught.value.message_zh


def test_holiday_year_rejects_inconsistent_data() -> None:
    with pytest.raises(DataFormatError) as caught:
        HolidayYear(2027, {date(2026, 12, 31): "元旦", date(2027, 2, 6): "春节"},
                    {date(2027, 2, 6): "春节"})
    fields = sorted(field for _, field, _ in caught.value.problems)
    assert fields == ["holidays", "makeup_workdays"]


def test_month_lists_every_day_in_order() -> None:
    days = CALENDAR.month(2026, 10)
    assert [info.day for info in days] == [date(2026, 10, d) for d in range(1, 32)]
    assert sum(info.workday for info in days) == sum(
        chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 32))
    assert len(CALENDAR.month(2028, 2)) == 29
    assert CALENDAR.month(2027, 1)[0].describe_zh() == "2027-01-01 周五 休息日 元旦 暂定"


def test_weakest_source_orders_official_admin_fallback() -> None:
    assert weakest([]) is DaySource.OFFICIAL
    assert weakest([DaySource.OFFICIAL, DaySource.ADMIN_FILE]) is DaySource.ADMIN_FILE
    assert weakest(list(DaySource)) is DaySource.STATUTORY_FALLBACK
    assert [s.provisional for s in DaySource] == [False, False, True]
