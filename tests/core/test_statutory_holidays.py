"""The statutory fallback: public holidays by rule (《全国年节及纪念日放假办法》, 2024 revision).

Used for deadlines (第十四–十八条 of the hotline measures) in years the State Council has
not yet published: every date here is checked against known lunar dates and against the
official arrangements chinesecalendar carries.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.statutory_holidays import (
    LAST_SUPPORTED_YEAR,
    RULES_IN_FORCE_FROM,
    festivals,
    statutory_holidays,
)

years = st.integers(min_value=RULES_IN_FORCE_FROM, max_value=LAST_SUPPORTED_YEAR)
# 13 festival days a year under 第二条: 元旦1 春节4 清明1 劳动2 端午1 中秋1 国庆3
FESTIVAL_DAYS = 13


def _festival(year: int, name: str) -> tuple[date, ...]:
    return next(f.days for f in festivals(year) if f.name == name)


def test_2027_festival_dates_match_the_lunar_calendar() -> None:
    """第二条: 春节 from 除夕 to 初三, 清明 on the solar term, 端午 五月初五, 中秋 八月十五."""
    assert _festival(2027, "元旦") == (date(2027, 1, 1),)
    assert _festival(2027, "春节") == (
        date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
    )  # 除夕 2027-02-05, 正月初一 2027-02-06
    assert _festival(2027, "清明节") == (date(2027, 4, 5),)
    assert _festival(2027, "劳动节") == (date(2027, 5, 1), date(2027, 5, 2))
    assert _festival(2027, "端午节") == (date(2027, 6, 9),)
    assert _festival(2027, "中秋节") == (date(2027, 9, 15),)
    assert _festival(2027, "国庆节") == (date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3))


def test_2027_days_off_include_weekend_make_up_days() -> None:
    """第六条: a holiday on a Saturday or Sunday is made up on the following weekday(s)."""
    off = statutory_holidays(2027)
    # 春节: 除夕 Fri, 初一 Sat, 初二 Sun, 初三 Mon -> two 补假 days Tue and Wed
    assert off[date(2027, 2, 9)] == "春节（补假）"
    assert off[date(2027, 2, 10)] == "春节（补假）"
    assert date(2027, 2, 11) not in off
    # 劳动节 1–2 May is a weekend -> Mon 3 and Tue 4 May
    assert off[date(2027, 5, 3)] == off[date(2027, 5, 4)] == "劳动节（补假）"
    # 国庆节 Fri 1, Sat 2, Sun 3 Oct -> Mon 4 and Tue 5
    assert [d for d, name in off.items() if name == "国庆节（补假）"] == [
        date(2027, 10, 4), date(2027, 10, 5),
    ]
    assert off[date(2027, 1, 1)] == "元旦"


def test_two_festivals_on_one_day_are_made_up() -> None:
    """2028: 中秋 (八月十五) is 3 October, a 国庆节 day; the lost day is made up (practice of
    the State Council notices, e.g. 2020), as is 1 October, a Sunday (第六条)."""
    off = statutory_holidays(2028)
    assert _festival(2028, "中秋节") == (date(2028, 10, 3),)
    assert off[date(2028, 10, 3)] == "中秋节、国庆节"
    assert off[date(2028, 10, 4)] == off[date(2028, 10, 5)] == "国庆节（补假）"
    assert date(2028, 10, 6) not in off


@given(years)
def test_every_year_has_exactly_thirteen_weekdays_off(year: int) -> None:
    """第二条 gives 13 festival days and 第六条 makes up those that fall on a weekend, so a
    year always has 13 weekdays off, and every 补假 day is a weekday."""
    off = statutory_holidays(year)
    weekdays_off = [day for day in off if day.weekday() < 5]
    assert len(weekdays_off) == FESTIVAL_DAYS
    assert all(day.year == year for day in off)
    assert all(day.weekday() < 5 for day, name in off.items() if name.endswith("（补假）"))


@given(years)
def test_festivals_fall_in_their_seasons(year: int) -> None:
    """The lunar and solar-term festivals stay where the calendar puts them (第二条).

    Lunar months have 29 or 30 days and a leap month may come before 五月/八月, so 五月初五
    is 4–5 months plus 4 days after 正月初一, and 八月十五 7–8 months plus 14 days.
    """
    spring = _festival(year, "春节")
    new_year = spring[1]  # 正月初一
    assert date(year, 1, 21) <= new_year <= date(year, 2, 20)
    assert [b - a for a, b in pairwise(spring)] == [timedelta(days=1)] * 3
    assert date(year, 4, 4) <= _festival(year, "清明节")[0] <= date(year, 4, 6)
    duanwu = (_festival(year, "端午节")[0] - new_year).days
    assert 4 * 29 + 4 <= duanwu <= 5 * 30 + 4
    zhongqiu = (_festival(year, "中秋节")[0] - new_year).days
    assert 7 * 29 + 14 <= zhongqiu <= 8 * 30 + 14


@pytest.mark.parametrize("year", range(2008, 2027))
def test_lunar_and_solar_term_festivals_agree_with_the_official_data(year: int) -> None:
    """Every State Council arrangement since 2008 (in chinesecalendar) gives 春节初一, 清明,
    端午 and 中秋 off on exactly the days computed here."""
    for name in ("清明节", "端午节", "中秋节"):
        day = _festival(year, name)[0]
        assert chinese_calendar.is_holiday(day), (name, day)
    first_day = _festival(year, "春节")[1]
    assert chinese_calendar.get_holiday_detail(first_day) == (True, "Spring Festival")


@pytest.mark.parametrize("year", [2025, 2026])
def test_rules_are_a_subset_of_the_official_arrangements(year: int) -> None:
    """In the years the 2024 revision already applies to, every day off by rule (补假 included)
    is a day off in the State Council's notice; the notice only adds 调休 on top."""
    off = statutory_holidays(year)
    assert off
    assert [day for day in off if chinese_calendar.is_workday(day)] == []


@pytest.mark.parametrize("year", [2024, 2100])
def test_years_outside_the_rules_are_refused_in_chinese(year: int) -> None:
    with pytest.raises(HotlineError) as caught:
        statutory_holidays(year)
    assert str(year) in caught.value.message_zh
    assert "推算" in caught.value.message_zh
