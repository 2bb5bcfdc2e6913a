"""The national public holidays by rule, for years the State Council has not yet published.

《全国年节及纪念日放假办法》(as revised by the State Council in November 2024, in force
from 2025-01-01), 第二条 — holidays for all citizens:

- 元旦: 1 day (1 January);
- 春节: 4 days (农历除夕, 正月初一、初二、初三);
- 清明节: 1 day (the day of the Qingming solar term);
- 劳动节: 2 days (1–2 May);
- 端午节: 1 day (农历五月初五);
- 中秋节: 1 day (农历八月十五);
- 国庆节: 3 days (1–3 October).

第六条: a holiday for all citizens that falls on a Saturday or Sunday is made up on a
working day (补假). The regulation does not say which day; the State Council's yearly
notices give it on the first weekdays right after that festival, and do the same when two
festivals fall on one day (中秋 on 国庆, as in 2020), so that is what :func:`statutory_holidays`
does. The yearly notice also moves weekends around (调休); that cannot be derived from any
rule, which is why every day computed here is *provisional* until the notice is known
(``chinesecalendar`` data or an admin holiday file, see :mod:`hotline_desk.core.workdays`).

Lunar dates come from ``lunardate`` (years 1900–2099); the Qingming day from
``chinese_calendar``'s solar-term table. Nothing is hard-coded per year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import chinese_calendar
from lunardate import LunarDate

from hotline_desk.core.errors import HotlineError

#: The revised regulation applies to holidays from this year on.
RULES_IN_FORCE_FROM = 2025
#: The years the lunar conversion (and the solar-term table) covers.
FIRST_LUNAR_YEAR = 1901
LAST_SUPPORTED_YEAR = 2099

_QINGMING = "清明"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Festival:
    """One public holiday of 第二条: its name and the dates it covers in a given year."""

    name: str
    days: tuple[date, ...]


def _lunar(year: int, month: int, day: int) -> date:
    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    for day, name in terms:
        if name == _QINGMING:
            found: date = day
            return found
    raise AssertionError(f"no Qingming solar term in April {year}")  # pragma: no cover


def festivals(year: int) -> tuple[Festival, ...]:
    """The seven public holidays of 第二条 in ``year``, in calendar order of their first day.

    Works for any year 1901–2099 (to check against past arrangements); only
    :func:`statutory_holidays` restricts itself to the years the revised rules apply to.
    """
    if not FIRST_LUNAR_YEAR <= year <= LAST_SUPPORTED_YEAR:
        raise HotlineError(
            f"no lunar calendar for year {year}",
            f"农历换算只支持{FIRST_LUNAR_YEAR}—{LAST_SUPPORTED_YEAR}年（收到{year}年）",
        )
    spring = _lunar(year, 1, 1)  # 正月初一
    return (
        Festival("元旦", (date(year, 1, 1),)),
        Festival("春节", tuple(spring + k * _ONE_DAY for k in range(-1, 3))),  # 除夕 … 初三
        Festival("清明节", (_qingming(year),)),
        Festival("劳动节", (date(year, 5, 1), date(year, 5, 2))),
        Festival("端午节", (_lunar(year, 5, 5),)),
        Festival("中秋节", (_lunar(year, 8, 15),)),
        Festival("国庆节", (date(year, 10, 1), date(year, 10, 2), date(year, 10, 3))),
    )


def check_year(year: int) -> None:
    """Refuse a year the rules or the lunar conversion do not cover."""
    if not RULES_IN_FORCE_FROM <= year <= LAST_SUPPORTED_YEAR:
        raise HotlineError(
            f"no statutory holiday rules for year {year} "
            f"(supported {RULES_IN_FORCE_FROM}-{LAST_SUPPORTED_YEAR})",
            f"{year}年没有可用的节假日安排：无官方数据，也不在按放假办法推算的范围"
            f"（{RULES_IN_FORCE_FROM}—{LAST_SUPPORTED_YEAR}年）内",
        )


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> Mapping[date, str]:
    """Every day off in ``year`` under the regulation: the festivals plus their 补假 days.

    Values are the Chinese name shown on the desk (``"国庆节"``, ``"国庆节（补假）"``,
    ``"中秋节、国庆节"`` when two festivals share a day).
    A festival day that falls on a weekend, or on a day another festival already takes,
    is made up on the next weekday after that festival's last day that is not itself a
    day off (第六条).
    """
    check_year(year)
    off: dict[date, str] = {}
    owed: list[tuple[Festival, int]] = []
    for festival in festivals(year):
        lost = 0
        for day in festival.days:
            if day.weekday() >= 5 or day in off:
                lost += 1
            off[day] = f"{off[day]}、{festival.name}" if day in off else festival.name
        owed.append((festival, lost))
    for festival, lost in owed:
        day = festival.days[-1]
        while lost:
            day += _ONE_DAY
            if day.weekday() < 5 and day not in off:
                off[day] = f"{festival.name}（补假）"
                lost -= 1
    return MappingProxyType(dict(sorted(off.items())))
